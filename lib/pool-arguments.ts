/**
 * The argument checks of `Pool`'s methods: chunk sizes, option keys, callbacks, iterables.
 *
 * @module
 * @internal
 */
import type { ResultCallbacks } from './async-result.js';
import type { IMapOptions } from './imap/options.js';
import { defaultChunksize } from './jobs/chunk-job.js';
import type { MapAsyncOptions } from './pool-types.js';
import { argumentList, checkOptionKeys, formatValue, optionalFunction, positiveInteger } from './validate.js';

/**
 * Validates a chunk size.
 * @throws RangeError when below 1 (CPython silently returns Nones), TypeError when not an integer.
 */
export function checkChunksize(chunksize: unknown): number {
  return positiveInteger(chunksize, 'chunksize', NaN);
}

/** Options of apply_async, map_async / starmap_async and imap / imap_unordered. */
export const CALLBACK_KEYS = ['callback', 'error_callback'];
export const MAP_ASYNC_KEYS = ['chunksize', ...CALLBACK_KEYS];
export const IMAP_KEYS = ['chunksize', 'buffersize'];

/** The items of a map, read at once as CPython does. */
export function toArray(iterable: Iterable<unknown>): unknown[] {
  if (Array.isArray(iterable)) return iterable;
  if (iterable == null || typeof (iterable as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`the iterable must be iterable (an array, Set, generator...), got ${formatValue(iterable)}; for async iterables use imap()`);
  }
  return Array.from(iterable);
}

/** Checks the callbacks object of apply_async / map_async. */
export function checkCallbacks<T>(callbacks: ResultCallbacks<T> | undefined, known: readonly string[], method: string): ResultCallbacks<T> {
  if (callbacks === undefined || callbacks === null) return {};
  if (typeof callbacks !== 'object') throw new TypeError(`callbacks must be an object { callback, error_callback }, got ${formatValue(callbacks)}`);
  checkOptionKeys(callbacks, known, method);
  for (const key of CALLBACK_KEYS as readonly ('callback' | 'error_callback')[]) optionalFunction(callbacks[key], key);
  return callbacks;
}

/** The items, chunk size and callbacks of a `map_async` / `starmap_async` call, checked. */
export function mapArguments<R>(
  iterable: Iterable<unknown>,
  chunksizeOrOptions: number | null | undefined | MapAsyncOptions<R>,
  star: boolean,
  workers: number,
): { items: unknown[]; chunksize: number; callbacks: ResultCallbacks<R[]> } {
  const method = star ? 'starmap_async' : 'map_async';
  checkOptionKeys(chunksizeOrOptions, MAP_ASYNC_KEYS, method);
  const options = typeof chunksizeOrOptions === 'object' && chunksizeOrOptions !== null ? chunksizeOrOptions : { chunksize: chunksizeOrOptions };
  const items = toArray(iterable);
  if (star) items.forEach((args, i) => argumentList(args, `item ${i} of the starmap iterable`));
  const chunksize = options.chunksize == null ? defaultChunksize(items.length, workers) : checkChunksize(options.chunksize);
  return { items, chunksize, callbacks: checkCallbacks(options, MAP_ASYNC_KEYS, method) };
}

/** The chunk size (default 1) and look-ahead of an `imap` / `imap_unordered` call, checked. */
export function imapOptions(chunksizeOrOptions: number | null | undefined | IMapOptions, ordered: boolean): { chunksize: number; buffersize: number | null | undefined } {
  checkOptionKeys(chunksizeOrOptions, IMAP_KEYS, ordered ? 'imap' : 'imap_unordered');
  const options = typeof chunksizeOrOptions === 'object' && chunksizeOrOptions !== null ? chunksizeOrOptions : { chunksize: chunksizeOrOptions };
  return { chunksize: options.chunksize == null ? 1 : checkChunksize(options.chunksize), buffersize: options.buffersize };
}
