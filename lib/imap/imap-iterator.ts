/**
 * `IMapIterator`: the lazy, bounded, streaming result of `imap` / `imap_unordered`.
 *
 * This file is its public face; the iteration itself (one state machine) is in
 * imap-stream.ts, the input in input.ts, chunks in chunk.ts, pending `next()` calls in
 * waiters.ts, options in options.ts.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Engine, TaskFunction } from '../engine/engine.js';
import { IMapStream } from './imap-stream.js';
import { checkBuffersize, defaultBuffersize, type IMapIteratorEvents, type IMapSettings } from './options.js';

export { checkBuffersize, defaultBuffersize, type IMapIteratorEvents, type IMapOptions, type IMapSettings } from './options.js';

/**
 * The result of `pool.imap` / `pool.imap_unordered`: an async iterator over the values of `fn`
 * applied to each input item, produced while the input is still being read.
 *
 * Python equivalent: `multiprocessing.pool.IMapIterator` / `IMapUnorderedIterator`, with
 * these differences (see docs/imap.md): the input is read lazily with a bounded look-ahead
 * (CPython reads it all at once), so infinite and async generators work; the error of item k
 * is raised at position k and iteration continues whatever the chunk size (CPython's chunked
 * form raises at the chunk's start and stops); leaving the loop early stops reading input and
 * drops queued chunks.
 *
 * - `for await (const v of it)` yields the values; an item's error is thrown at its position.
 * - `it.next(timeout)` waits at most `timeout` seconds, then rejects with {@link TimeoutError};
 *   the iterator stays usable, as CPython's `next(timeout)`.
 * - `it.return()` (or `break`) stops reading input and cancels chunks not yet sent to a worker.
 * - `it.on('progress', ({ completed, total }) => ...)` drives a progress bar; `total` is
 *   `undefined` until the input has ended, unless the input is an array.
 *
 * Nothing it does can cause an unhandled rejection, and an abandoned iterator holds no timer
 * or handle: it only stops reading input once its look-ahead is full.
 *
 * @typeParam R - the value of one item.
 * @example
 * ```ts
 * function* naturals() { for (let i = 0; ; i++) yield i; }
 * for await (const square of pool.imap((x: number) => x * x, naturals(), 100)) {
 *   if (square > 1e6) break; // stops reading naturals()
 * }
 * ```
 */
export class IMapIterator<R> implements AsyncIterator<R, undefined, number | null | undefined>, AsyncDisposable {
  /** Items per chunk. */
  readonly chunksize: number;
  /** Look-ahead in chunks (see {@link IMapOptions.buffersize}). */
  readonly buffersize: number;
  readonly #emitter = new EventEmitter<IMapIteratorEvents>();
  readonly #stream: IMapStream;

  /**
   * @internal Pools create iterators (`pool.imap`); users receive them.
   * @throws TypeError when `iterable` is not iterable, RangeError/TypeError for a bad buffersize.
   */
  constructor(engine: Engine, fn: TaskFunction, iterable: Iterable<unknown> | AsyncIterable<unknown>, settings: IMapSettings) {
    this.chunksize = settings.chunksize;
    this.buffersize = settings.buffersize == null ? defaultBuffersize(engine.size, settings.chunksize) : checkBuffersize(settings.buffersize);
    this.#stream = new IMapStream(engine, fn, iterable, { ...settings, buffersize: this.buffersize }, this.#emitter);
  }

  /** Items finished so far (successfully or not). */
  get completed(): number {
    return this.#stream.completed;
  }

  /** Items in all: known from the start for an array, otherwise `undefined` until the input ends. */
  get total(): number | undefined {
    return this.#stream.total;
  }

  /**
   * Listens to progress, to drive a progress bar.
   * @example
   * ```ts
   * it.on('progress', ({ completed, total }) => console.log(`${completed}/${total ?? '?'}`));
   * ```
   */
  on<E extends keyof IMapIteratorEvents>(event: E, listener: (...args: IMapIteratorEvents[E]) => void): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /** Removes a listener added with {@link IMapIterator.on}. */
  off<E extends keyof IMapIteratorEvents>(event: E, listener: (...args: IMapIteratorEvents[E]) => void): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /**
   * The next value.
   *
   * Python equivalent: `IMapIterator.next(timeout=None)` (and `next(it)`).
   * @param timeout - seconds to wait; omit (or `null`) to wait as long as it takes.
   * @returns `{ value, done: false }`, or `{ value: undefined, done: true }` after the last item.
   * @throws TimeoutError when the timeout passes first; the iterator stays usable and the
   *   value is returned by a later call.
   * @throws the item's own error, at its position; iteration may continue after it.
   * @throws the input iterable's error, after the values of the items before it; then done.
   * @example
   * ```ts
   * const it = pool.imap(slowSquare, [1, 2, 3]);
   * try { await it.next(0.01) } catch (e) { if (e instanceof TimeoutError) console.log('not yet') }
   * console.log((await it.next()).value); // 1
   * ```
   */
  next(timeout?: number | null): Promise<IteratorResult<R, undefined>> {
    return this.#stream.next(timeout) as Promise<IteratorResult<R, undefined>>;
  }

  /**
   * Stops the iteration: no more input is read (the input iterator's own `return()` is
   * called), chunks not yet sent to a worker are cancelled, buffered values are dropped, and
   * pending `next()` calls resolve with `done: true`. Chunks already running finish in their
   * worker and are ignored. `break` in a `for await` loop calls it.
   *
   * Python equivalent: none (CPython cannot stop an imap).
   * @example
   * ```ts
   * const it = pool.imap(f, naturals());
   * const first = await it.next();
   * await it.return(); // naturals() is not read any further
   * ```
   */
  async return(): Promise<IteratorResult<R, undefined>> {
    this.#stream.finish(true);
    return { value: undefined, done: true };
  }

  /** `for await` support: the iterator is its own iterable. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using it = pool.imap(...)` stops the iteration when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}
