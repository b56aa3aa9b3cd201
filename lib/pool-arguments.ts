/**
 * The argument checks of `Pool`'s methods: chunk sizes, option keys, callbacks, iterables.
 *
 * @module
 * @internal
 */
import type { ResultCallbacks } from './async-result.js';
import { checkOptionKeys, formatValue, optionalFunction, positiveInteger } from './validate.js';

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

export function toArray(iterable: Iterable<unknown>): unknown[] {
  if (Array.isArray(iterable)) return iterable;
  if (iterable == null || typeof (iterable as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`the iterable must be iterable (an array, Set, generator...), got ${formatValue(iterable)}; for async iterables use imap()`);
  }
  return Array.from(iterable);
}

export function checkCallbacks<T>(callbacks: ResultCallbacks<T> | undefined, known: readonly string[], method: string): ResultCallbacks<T> {
  if (callbacks === undefined || callbacks === null) return {};
  if (typeof callbacks !== 'object') throw new TypeError(`callbacks must be an object { callback, error_callback }, got ${formatValue(callbacks)}`);
  checkOptionKeys(callbacks, known, method);
  for (const key of CALLBACK_KEYS as readonly ('callback' | 'error_callback')[]) optionalFunction(callbacks[key], key);
  return callbacks;
}
