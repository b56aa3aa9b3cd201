/**
 * The options and events of `imap` / `imap_unordered`, and the look-ahead rules.
 *
 * @module
 */
import type { Progress } from '../map-result.js';
import type { PoolWatch } from '../pool-watch.js';
import { formatValue } from '../validate.js';

/**
 * Events of an {@link IMapIterator}.
 *
 * Python equivalent: none (Python users wrap `imap` in tqdm).
 *
 * @example
 * ```ts
 * pool.imap(f, items).on('progress', ({ completed, total }) => console.log(`${completed}/${total ?? '?'}`));
 * ```
 */
export interface IMapIteratorEvents {
  /**
   * After each finished chunk, and once more when the input ends and `total` becomes known
   * (for input whose length was not known at the start).
   */
  progress: [Progress];
}

/**
 * Options of `imap` / `imap_unordered`.
 *
 * Python equivalent: the `chunksize` argument of `Pool.imap`, and the `buffersize` argument
 * of CPython 3.14's `Executor.map`.
 *
 * @example
 * ```ts
 * for await (const v of pool.imap(f, hugeGenerator(), { chunksize: 1000, buffersize: 8 })) use(v);
 * ```
 */
export interface IMapOptions {
  /** Items per task (default 1). An integer, at least 1. */
  chunksize?: number | null;
  /**
   * How many chunks may be in flight or waiting to be consumed at once: the look-ahead. At
   * most `buffersize * chunksize` items are read from the input ahead of the consumer.
   * Default: `max(4 * processes, ceil(1024 / chunksize))` chunks. Like CPython 3.14's
   * `Executor.map(buffersize=)`, but counted in chunks. Read it back as `it.buffersize`.
   */
  buffersize?: number | null;
}

/** @internal Settings of one iterator, validated by the pool. */
export interface IMapSettings {
  readonly chunksize: number;
  readonly buffersize?: number | null | undefined;
  /** true: input order (`imap`); false: completion order (`imap_unordered`). */
  readonly ordered: boolean;
  /** The pool's watch: an async input is registered there so close()/terminate() reach it. */
  readonly watch?: PoolWatch | undefined;
}

/**
 * Default look-ahead in chunks: `max(4 * workers, ceil(1024 / chunksize))`.
 *
 * Four chunks per worker keep every worker busy (the engine holds two messages per worker)
 * with slack, so that in input order one slow chunk at the head does not idle the others at
 * once. The floor of 1,024 items lets the engine batch many short chunks into one message:
 * measured with chunksize 1 and 4 workers, 16 chunks gave ~24,000 items/s, 1,024 gave ~220,000
 * (CPython's imap: ~19,000). Memory stays bounded by `buffersize * chunksize` items.
 */
export function defaultBuffersize(workers: number, chunksize: number): number {
  return Math.max(4 * workers, Math.ceil(1024 / chunksize));
}

/**
 * Validates a look-ahead.
 * @throws TypeError when not an integer, RangeError when below 1.
 */
export function checkBuffersize(buffersize: unknown): number {
  if (typeof buffersize !== 'number' || !Number.isInteger(buffersize)) throw new TypeError(`buffersize must be an integer, got ${formatValue(buffersize)}`);
  if (buffersize < 1) throw new RangeError(`buffersize must be at least 1, got ${buffersize}`);
  return buffersize;
}
