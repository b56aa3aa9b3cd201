/**
 * `Pool`: Python's `multiprocessing.Pool` on worker threads (default) or child processes.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { inspect } from 'node:util';
import type { AsyncResult, ResultCallbacks } from './async-result.js';
import { awaitedCall } from './awaited-call.js';
import type { Engine, TaskFunction } from './engine/engine.js';
import type { IMapIterator, IMapOptions } from './imap/imap-iterator.js';
import type { MapResult } from './map-result.js';
import type { MapAsyncOptions, PoolEvents } from './pool-types.js';
import { PoolWatch } from './pool-watch.js';
import { createPoolEngine } from './pool-engine.js';
import { PoolLifecycle } from './pool-lifecycle.js';
import { resolvePoolOptions, type PoolOptions, type ResolvedPoolOptions } from './pool-options.js';
import { poolRepr, poolStateName, type PoolStateName } from './pool-repr.js';
import { openIMap, submitCall, submitMap, type PoolTarget } from './pool-submit.js';
import { poolNotRunning, requireFunction } from './validate.js';

export { defaultChunksize } from './jobs/chunk-job.js';
export { checkChunksize } from './pool-arguments.js';
export type { MapAsyncOptions, PoolEvents } from './pool-types.js';

/**
 * A pool of workers that run task functions in parallel.
 *
 * Python equivalent: `multiprocessing.Pool(processes, initializer, initargs, maxtasksperchild)`.
 * Task functions are self-contained inline functions (sent as source) or exported functions of
 * a task module (the `module` option). Timeouts are in seconds. Every method also has a
 * camelCase alias (`applyAsync`, `mapAsync`, ...).
 *
 * @example
 * ```ts
 * import { Pool } from 'pypool';
 * // Python: with Pool(4) as pool: print(pool.map(square, range(10)))
 * await using pool = new Pool(4);
 * console.log(await pool.map((x: number) => x * x, [0, 1, 2, 3])); // [0, 1, 4, 9]
 * ```
 */
export class Pool extends EventEmitter<PoolEvents> {
  /** @internal */
  protected readonly engine: Engine;
  /** What submissions need: the engine, the watch over what close()/terminate() must reach, the size. */
  readonly #target: PoolTarget;
  readonly #lifecycle: PoolLifecycle;

  /**
   * Starts the workers.
   * @param processes - number of workers (default {@link cpu_count}), or an options object.
   * @param initializer - runs once in each worker before its first task.
   * @param initargs - arguments of the initializer.
   * @param maxtasksperchild - replace a worker after this many tasks.
   * @throws TypeError / RangeError for a bad argument, naming it.
   */
  constructor(
    processes?: number | PoolOptions | null,
    initializer?: TaskFunction | null,
    initargs?: readonly unknown[],
    maxtasksperchild?: number | null,
  ) {
    super();
    const options = resolvePoolOptions(processes, initializer, initargs, maxtasksperchild);
    this.engine = this.createEngine(options);
    // CPython's Pool and ThreadPool start every worker (and its initializer) here.
    this.engine.prestart?.();
    this.#target = { engine: this.engine, watch: new PoolWatch(), processes: options.processes };
    this.#lifecycle = new PoolLifecycle(this.engine, this.#target.watch, (event, info) => (event === 'workerExit' ? this.emit(event, info!) : this.emit(event)));
  }

  /** @internal Which engine runs the tasks; ThreadPool overrides it. */
  protected createEngine(options: ResolvedPoolOptions): Engine {
    return createPoolEngine(this.constructor.name, options, (info) => this.emit('noWorkers', info));
  }

  /**
   * Number of workers.
   *
   * Python equivalent: `pool._processes`.
   * @example
   * ```ts
   * console.log(new Pool(3).processes); // 3
   * ```
   */
  get processes(): number {
    return this.#target.processes;
  }

  /**
   * The pool's state: `'RUN'`, then `'CLOSE'` after `close()` or `'TERMINATE'` after `terminate()`.
   *
   * Python equivalent: `pool._state` (`multiprocessing.pool.RUN`, `CLOSE`, `TERMINATE`).
   * @example
   * ```ts
   * pool.close();
   * console.log(pool.state); // 'CLOSE'
   * ```
   */
  get state(): PoolStateName {
    return poolStateName(this.engine.state);
  }

  /**
   * Python equivalent: `repr(pool)`, `print(pool)`.
   * @example
   * ```ts
   * console.log(String(new Pool(2))); // <pypool.Pool state=RUN pool_size=2>
   * ```
   */
  override toString(): string {
    return poolRepr(this.constructor.name, this.state, this.processes);
  }

  /** `console.log(pool)` prints the same as `String(pool)`. */
  [inspect.custom](): string {
    return this.toString();
  }

  /**
   * Runs `fn(...args)` in a worker and waits for its value.
   *
   * Python equivalent: `pool.apply(func, args)` (which blocks; here, await it).
   * @param fn - a self-contained function or an export of a task module.
   * @param args - its arguments (Python's `args` tuple).
   * @returns the value `fn` returned (awaited if it returned a promise).
   * @throws PoolStateError (as a rejection) when the pool is closed or terminated.
   * @example
   * ```ts
   * const n = await pool.apply((a: number, b: number) => a + b, [1, 2]); // 3
   * ```
   */
  apply<A extends unknown[], R>(fn: (...args: A) => R, args?: A): Promise<Awaited<R>> {
    return awaitedCall(() => this.apply_async(fn, args).get());
  }

  /**
   * Runs `fn(...args)` in a worker without waiting.
   *
   * Python equivalent: `pool.apply_async(func, args, callback=..., error_callback=...)`.
   * @param fn - a self-contained function or an export of a task module.
   * @param args - its arguments.
   * @param callbacks - `callback(value)` / `error_callback(error)`, run before `get()` settles.
   * @returns an {@link AsyncResult}.
   * @throws PoolStateError when the pool is closed or terminated; TypeError for a bad argument.
   * @example
   * ```ts
   * const r = pool.apply_async((x: number) => x * 2, [21], { callback: (v) => console.log('got', v) });
   * console.log(await r.get(5)); // 42
   * ```
   */
  apply_async<A extends unknown[], R>(fn: (...args: A) => R, args?: A, callbacks?: ResultCallbacks<Awaited<R>>): AsyncResult<Awaited<R>> {
    return submitCall(this.#target, this.#task(fn), args, callbacks);
  }

  /**
   * Applies `fn` to every item and waits for all values, in input order.
   *
   * Python equivalent: `pool.map(func, iterable, chunksize)`.
   * @param fn - one-argument task function.
   * @param iterable - the items (read at once, as CPython does).
   * @param chunksize - items per task; default `ceil(n / (4 * processes))`.
   * @returns the values in input order.
   * @throws the error of the lowest-index failing item (after all items finished).
   * @throws RangeError (as a rejection) when chunksize < 1.
   * @example
   * ```ts
   * const squares = await pool.map((x: number) => x * x, [1, 2, 3]); // [1, 4, 9]
   * ```
   */
  map<T, R>(fn: (item: T) => R, iterable: Iterable<T>, chunksize?: number | null): Promise<Awaited<R>[]> {
    return awaitedCall(() => this.map_async(fn, iterable, chunksize).get());
  }

  /**
   * Like {@link Pool.map}, without waiting.
   *
   * Python equivalent: `pool.map_async(func, iterable, chunksize, callback, error_callback)`.
   * @param chunksizeOrOptions - the chunk size, or `{ chunksize, callback, error_callback }`.
   * @returns a {@link MapResult} that reports progress.
   * @throws PoolStateError, TypeError, RangeError at once for a closed pool or bad argument.
   * @example
   * ```ts
   * const r = pool.map_async((x: number) => x + 1, [1, 2], { callback: (vs) => console.log(vs) });
   * await r.wait();
   * ```
   */
  map_async<T, R>(fn: (item: T) => R, iterable: Iterable<T>, chunksizeOrOptions?: number | null | MapAsyncOptions<Awaited<R>>): MapResult<Awaited<R>> {
    return submitMap(this.#target, this.#task(fn), iterable, chunksizeOrOptions, false);
  }

  /**
   * Like {@link Pool.map}, but each item is an argument list: `fn(...item)`.
   *
   * Python equivalent: `pool.starmap(func, iterable, chunksize)`.
   * @example
   * ```ts
   * const sums = await pool.starmap((a: number, b: number) => a + b, [[1, 2], [3, 4]]); // [3, 7]
   * ```
   */
  starmap<A extends unknown[], R>(fn: (...args: A) => R, iterable: Iterable<A>, chunksize?: number | null): Promise<Awaited<R>[]> {
    return awaitedCall(() => this.starmap_async(fn, iterable, chunksize).get());
  }

  /**
   * Like {@link Pool.starmap}, without waiting.
   *
   * Python equivalent: `pool.starmap_async(func, iterable, chunksize, callback, error_callback)`.
   * @example
   * ```ts
   * const r = pool.starmap_async(Math.pow, [[2, 3], [3, 2]]);
   * console.log(await r); // [8, 9]
   * ```
   */
  starmap_async<A extends unknown[], R>(
    fn: (...args: A) => R,
    iterable: Iterable<A>,
    chunksizeOrOptions?: number | null | MapAsyncOptions<Awaited<R>>,
  ): MapResult<Awaited<R>> {
    return submitMap(this.#target, this.#task(fn), iterable, chunksizeOrOptions, true);
  }

  /**
   * Applies `fn` to each item lazily, yielding the values in input order as they come.
   *
   * Python equivalent: `pool.imap(func, iterable, chunksize=1)`. Unlike CPython, the input is
   * read lazily with a bounded look-ahead (`buffersize` chunks), so infinite and async
   * generators work; the error of item k is thrown at position k and iteration may go on,
   * whatever the chunk size; `break` stops reading the input. See docs/imap.md.
   * @param fn - one-argument task function.
   * @param iterable - any Iterable or AsyncIterable (array, generator, async generator, object-mode stream).
   * @param chunksizeOrOptions - items per task (default 1), or `{ chunksize, buffersize }`.
   * @returns an {@link IMapIterator}: `for await` over it, or `it.next(timeout)`.
   * @throws PoolStateError when the pool is closed or terminated.
   * @throws TypeError when `iterable` is not iterable or chunksize/buffersize is not an integer.
   * @throws RangeError when chunksize or buffersize is below 1.
   * @example
   * ```ts
   * // Python: for square in pool.imap(f, range(10)): print(square)
   * for await (const square of pool.imap((x: number) => x * x, [0, 1, 2, 3])) console.log(square);
   * ```
   */
  imap<T, R>(fn: (item: T) => R, iterable: Iterable<T> | AsyncIterable<T>, chunksizeOrOptions?: number | null | IMapOptions): IMapIterator<Awaited<R>> {
    return openIMap(this.#target, this.#task(fn), iterable, chunksizeOrOptions, true);
  }

  /**
   * Like {@link Pool.imap}, but yields the values in the order they finish.
   *
   * Python equivalent: `pool.imap_unordered(func, iterable, chunksize=1)`.
   * @param fn - one-argument task function.
   * @param iterable - any Iterable or AsyncIterable.
   * @param chunksizeOrOptions - items per task (default 1), or `{ chunksize, buffersize }`.
   * @returns an {@link IMapIterator} in completion order.
   * @throws PoolStateError when the pool is closed or terminated.
   * @throws TypeError when `iterable` is not iterable or chunksize/buffersize is not an integer.
   * @throws RangeError when chunksize or buffersize is below 1.
   * @example
   * ```ts
   * const it = pool.imap_unordered(async (ms: number) => { await new Promise((r) => setTimeout(r, ms)); return ms; }, [30, 10, 20]);
   * for await (const ms of it) console.log(ms); // most likely 10, 20, 30
   * ```
   */
  imap_unordered<T, R>(fn: (item: T) => R, iterable: Iterable<T> | AsyncIterable<T>, chunksizeOrOptions?: number | null | IMapOptions): IMapIterator<Awaited<R>> {
    return openIMap(this.#target, this.#task(fn), iterable, chunksizeOrOptions, false);
  }

  /** camelCase alias of {@link Pool.imap_unordered}. */
  imapUnordered<T, R>(fn: (item: T) => R, iterable: Iterable<T> | AsyncIterable<T>, chunksizeOrOptions?: number | null | IMapOptions): IMapIterator<Awaited<R>> {
    return this.imap_unordered(fn, iterable, chunksizeOrOptions);
  }

  /**
   * Stops accepting tasks; the workers exit once the queued tasks are done.
   *
   * Python equivalent: `pool.close()`.
   * @example
   * ```ts
   * pool.close();
   * await pool.join();
   * ```
   */
  close(): void {
    this.#lifecycle.close();
  }

  /**
   * Waits for the workers to exit, and for every async callback to finish. Call `close()` or
   * `terminate()` first.
   *
   * Python equivalent: `pool.join()`.
   * @throws PoolStateError (as a rejection) when the pool is still running.
   * @example
   * ```ts
   * pool.close();
   * await pool.join(); // every queued task has finished
   * ```
   */
  join(): Promise<void> {
    return this.#lifecycle.join();
  }

  /**
   * Stops the workers at once. Every unfinished result fails with PoolStateError (CPython
   * leaves them pending forever), also one whose async callback is still running, and an imap
   * waiting for its async input ends with PoolStateError. Once it has resolved, every result
   * is settled. It runs once: a second call waits for the first. A `terminate` listener that
   * throws does not stop it; its error is rethrown afterwards.
   *
   * Python equivalent: `pool.terminate()`; also what leaving `with Pool() as pool:` does.
   * @example
   * ```ts
   * await pool.terminate();
   * ```
   */
  terminate(): Promise<void> {
    return this.#lifecycle.terminate();
  }

  /**
   * `await using pool = new Pool()` terminates the pool when the block ends.
   *
   * Python equivalent: leaving `with Pool() as pool:` (which calls `terminate()`).
   * @example
   * ```ts
   * {
   *   await using pool = new Pool(2);
   *   console.log(await pool.map((x: number) => -x, [1, 2]));
   * } // pool.terminate() has run here
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.terminate();
  }

  /** camelCase alias of {@link Pool.apply_async}. */
  applyAsync<A extends unknown[], R>(fn: (...args: A) => R, args?: A, callbacks?: ResultCallbacks<Awaited<R>>): AsyncResult<Awaited<R>> {
    return this.apply_async(fn, args, callbacks);
  }

  /** camelCase alias of {@link Pool.map_async}. */
  mapAsync<T, R>(fn: (item: T) => R, iterable: Iterable<T>, chunksizeOrOptions?: number | null | MapAsyncOptions<Awaited<R>>): MapResult<Awaited<R>> {
    return this.map_async(fn, iterable, chunksizeOrOptions);
  }

  /** camelCase alias of {@link Pool.starmap_async}. */
  starmapAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    iterable: Iterable<A>,
    chunksizeOrOptions?: number | null | MapAsyncOptions<Awaited<R>>,
  ): MapResult<Awaited<R>> {
    return this.starmap_async(fn, iterable, chunksizeOrOptions);
  }

  /** @internal Throws PoolStateError unless the pool accepts work. */
  protected checkRunning(): void {
    if (this.engine.state !== 'running') throw poolNotRunning();
  }

  /** @internal Throws TypeError for a task function that can never run. */
  protected checkFunction(fn: unknown): void {
    this.engine.checkFunction?.(requireFunction(fn, 'the task function'));
  }

  /** @internal The function the engine runs for `fn`; ThreadPool marks its tasks as its own. */
  protected taskFunction<F extends TaskFunction>(fn: F): TaskFunction {
    return fn;
  }

  /** `fn` as the engine runs it, once the pool is known to accept work and `fn` to be runnable. */
  #task(fn: TaskFunction): TaskFunction {
    this.checkRunning();
    this.checkFunction(fn);
    return this.taskFunction(fn);
  }
}
