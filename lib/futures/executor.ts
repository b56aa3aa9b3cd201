/**
 * `Executor`: the base of ThreadPoolExecutor and ProcessPoolExecutor — submit, map, shutdown.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { PoolStateError } from '../errors.js';
import type { Engine, Job, TaskFunction } from '../engine/engine.js';
import { CallJob } from '../jobs/call-job.js';
import { ChunkJob, forEachChunk } from '../jobs/chunk-job.js';
import { timeoutToMs } from '../timeout.js';
import { insideTaskOf } from '../task-owner.js';
import { argumentList, checkOptionKeys, optionalFunction, positiveInteger, requireFunction } from '../validate.js';
import { ChunkFutureSink, ExecutorMapIterator, splitMapArguments, zip, type ChunkResult } from './executor-map.js';
import { Future } from './future.js';
import { FutureCallSink, onFutureDone, setCancelHook } from './future-sinks.js';

/**
 * Any function; what it accepts is checked by each method's own signature.
 *
 * Python equivalent: `Callable[..., Any]`.
 * @example
 * ```ts
 * const fns: AnyFunction[] = [Math.abs, (s: string) => s.length];
 * ```
 */
export type AnyFunction = (...args: never[]) => unknown;

/**
 * Options of {@link Executor.map}, given as its last argument.
 *
 * Python equivalent: the `timeout=` and `chunksize=` keyword arguments of `Executor.map`.
 * @example
 * ```ts
 * // Python: ex.map(pow, [2, 3], [5, 2], timeout=10, chunksize=4)
 * for await (const v of ex.map(Math.pow, [2, 3], [5, 2], { timeout: 10, chunksize: 4 })) console.log(v);
 * ```
 */
export interface ExecutorMapOptions {
  /** Seconds from the call to `map` until the whole iteration must be done; `undefined` waits forever. */
  timeout?: number | null;
  /** Calls sent to a worker together (ProcessPoolExecutor only; ThreadPoolExecutor ignores it). Default 1. */
  chunksize?: number;
}

/**
 * Options of {@link Executor.shutdown}.
 *
 * Python equivalent: the `cancel_futures=` keyword argument of `Executor.shutdown`.
 * @example
 * ```ts
 * // Python: ex.shutdown(wait=True, cancel_futures=True)
 * await ex.shutdown(true, { cancel_futures: true });
 * ```
 */
export interface ShutdownOptions {
  /** Cancel every future that has not started running. Default false. */
  cancel_futures?: boolean;
  /** camelCase alias of `cancel_futures`. */
  cancelFutures?: boolean;
}

/**
 * Base class of the executors: runs calls asynchronously and hands back {@link Future}s.
 *
 * Python equivalent: `concurrent.futures.Executor`.
 *
 * @example
 * ```ts
 * await using ex = new ThreadPoolExecutor(4);   // leaves the block with shutdown(true)
 * const f = ex.submit((x: number) => x * 2, 21);
 * for await (const y of ex.map((x: number) => x + 1, [1, 2, 3])) console.log(y);
 * console.log(await f); // 42
 * ```
 */
export abstract class Executor implements AsyncDisposable {
  /** The engine running the calls; created by the subclass constructor. */
  protected abstract readonly engine: Engine;
  #shutdown = false;
  #broken: { cause: unknown; message: string | undefined } | undefined;
  /** Unfinished futures, for shutdown({ cancel_futures: true }). */
  readonly #unfinished = new Set<Future<unknown>>();

  /** Builds the error raised once the executor is broken (BrokenThreadPool / BrokenProcessPool). */
  protected abstract brokenError(cause: unknown, message?: string): Error;

  /** Given to the engine as `brokenError`: records that the executor is broken, so submit() fails at once. */
  protected readonly onBroken = (cause: unknown, message?: string): Error => {
    this.#broken ??= { cause, message };
    return this.brokenError(cause, message);
  };

  /** Rejects a function the engine could never run. Subclasses add their own checks. */
  protected checkFunction(fn: unknown, method: string): void {
    requireFunction(fn, `the function given to ${method}()`);
  }

  /** The function the engine runs for `fn`; ThreadPoolExecutor marks its tasks as its own. */
  protected taskFunction(fn: TaskFunction): TaskFunction {
    return fn;
  }

  /** How many calls of `map` go into one job. */
  protected mapChunkSize(chunksize: number): number {
    return chunksize;
  }

  /**
   * Schedules `fn(...args)` and returns a {@link Future} for its result.
   *
   * Python equivalent: `Executor.submit(fn, /, *args)` (keyword arguments: pass an object).
   *
   * @param fn - the function to call; for ProcessPoolExecutor, a self-contained function or
   *   an export of a task module.
   * @param args - its arguments.
   * @returns the future of the call.
   * @throws TypeError when `fn` is not a function (or cannot be sent to a worker);
   *   {@link PoolStateError} after `shutdown()`; BrokenThreadPool / BrokenProcessPool once
   *   an initializer has failed.
   * @example
   * ```ts
   * const f = ex.submit(Math.pow, 2, 8);
   * console.log(await f.result()); // 256
   * ```
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    this.checkFunction(fn, 'submit');
    const task = this.taskFunction(fn as TaskFunction);
    return this.#schedule<Awaited<R>>((future) => new CallJob(task, args, new FutureCallSink(future as Future<unknown>)));
  }

  /**
   * Calls `fn` on the items of the iterables (zipped, stopping at the shortest), all submitted
   * at once, and yields the results in order. The optional last argument holds `timeout`
   * (seconds from this call, as in CPython) and `chunksize`. On the first error (or timeout)
   * the iteration rejects with it and every future not yet done is cancelled (CPython 3.11).
   * Leaving a `for await` loop early also cancels them.
   *
   * Python equivalent: `Executor.map(fn, *iterables, timeout=None, chunksize=1)`.
   *
   * @param fn - the function to call with one item of each iterable.
   * @param it1 - the first iterable; further iterables may follow (`fn` then takes one item of
   *   each), and last an optional `{ timeout, chunksize }`.
   * @param options - `timeout` (seconds, from this call) and `chunksize` (items per task).
   * @returns an async iterator of the results, in input order.
   * @throws TypeError for a bad `fn`, iterable or timeout; RangeError for `chunksize < 1`;
   *   {@link PoolStateError} after `shutdown()`. From the iterator: the call's error,
   *   or {@link TimeoutError}.
   * @example
   * ```ts
   * for await (const p of ex.map(Math.pow, [2, 3], [5, 2], { timeout: 10 })) console.log(p); // 32, 9
   * ```
   */
  map<T1, R>(fn: (a: T1) => R, it1: Iterable<T1>, options?: ExecutorMapOptions): AsyncIterableIterator<Awaited<R>>;
  map<T1, T2, R>(
    fn: (a: T1, b: T2) => R,
    it1: Iterable<T1>,
    it2: Iterable<T2>,
    options?: ExecutorMapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map<T1, T2, T3, R>(
    fn: (a: T1, b: T2, c: T3) => R,
    it1: Iterable<T1>,
    it2: Iterable<T2>,
    it3: Iterable<T3>,
    options?: ExecutorMapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map(fn: AnyFunction, ...iterablesAndOptions: (Iterable<unknown> | ExecutorMapOptions)[]): AsyncIterableIterator<unknown>;
  map(fn: AnyFunction, ...iterablesAndOptions: (Iterable<unknown> | ExecutorMapOptions | undefined)[]): AsyncIterableIterator<unknown> {
    this.checkFunction(fn, 'map');
    const { iterables, options } = splitMapArguments(iterablesAndOptions);
    const ms = timeoutToMs(options.timeout, 'timeout');
    const deadline = ms === undefined ? undefined : performance.now() + ms;
    const chunksize = this.mapChunkSize(positiveInteger(options.chunksize, 'chunksize', 1));
    const task = this.taskFunction(fn as TaskFunction);
    // One iterable: the cheap `items` form (and the numeric fast path); several: argument lists.
    const star = iterables.length !== 1;
    const items = star ? zip(iterables) : Array.from(iterables[0]!);
    const futures: Future<ChunkResult>[] = [];
    forEachChunk(items, chunksize, (chunk, start) => {
      futures.push(this.#schedule<ChunkResult>((future) => new ChunkJob(task, chunk, star, start, new ChunkFutureSink(future))));
    });
    return new ExecutorMapIterator(futures, deadline);
  }

  /**
   * Stops accepting work and frees the workers once the submitted calls are done.
   * Safe to call several times.
   *
   * Python equivalent: `Executor.shutdown(wait=True, *, cancel_futures=False)`.
   *
   * @param wait - when true, the promise resolves once every running call has finished and
   *   the workers have exited; when false, it resolves at once.
   * @param options - `cancel_futures: true` cancels every future that has not started.
   * @returns a promise that resolves as described for `wait`. It rejects with
   *   {@link PoolStateError} when `wait` is true and the caller is one of this executor's own
   *   tasks (ThreadPoolExecutor), which would wait for itself forever: the executor is shut
   *   down all the same. CPython raises `RuntimeError('cannot join current thread')`.
   * @throws TypeError (as a rejection) for an unknown option, e.g. `cancel_future`.
   * @example
   * ```ts
   * await ex.shutdown(true, { cancel_futures: true });
   * ```
   */
  async shutdown(wait = true, options: ShutdownOptions = {}): Promise<void> {
    checkOptionKeys(options, SHUTDOWN_KEYS, 'shutdown');
    this.#shutdown = true;
    if (options.cancel_futures ?? options.cancelFutures ?? false) {
      for (const future of [...this.#unfinished]) future.cancel();
    }
    this.engine.close();
    if (wait && insideTaskOf(this)) {
      throw new PoolStateError('cannot join current thread: shutdown(true) was called from inside a task of this same executor, which would wait for itself forever; call shutdown(false) there, or shutdown(true) from outside its tasks');
    }
    if (wait) await this.engine.join();
  }

  /**
   * `await using ex = new ThreadPoolExecutor()` calls `shutdown(true)` when the block ends.
   *
   * Python equivalent: `with ThreadPoolExecutor() as ex:`.
   *
   * @returns a promise that resolves once the executor has shut down.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown(true);
  }

  /** Creates the future and its job, and hands the job to the engine. */
  #schedule<V>(makeJob: (future: Future<V>) => Job): Future<V> {
    if (this.#broken) throw this.brokenError(this.#broken.cause, this.#broken.message);
    if (this.#shutdown) throw new PoolStateError('cannot schedule new futures after shutdown');
    const future = new Future<V>();
    const job = makeJob(future);
    setCancelHook(future, () => {
      if (this.engine.cancel(job)) return true;
      // A worker already holds the call: CPython marks such futures RUNNING, so cancel() fails.
      future.set_running_or_notify_cancel();
      return false;
    });
    this.#unfinished.add(future);
    onFutureDone(future, () => this.#unfinished.delete(future));
    this.engine.submit(job);
    return future;
  }
}

/** Options of Executor.shutdown. */
const SHUTDOWN_KEYS = ['cancel_futures', 'cancelFutures'];

/**
 * What both executor constructors accept about the initializer.
 *
 * Python equivalent: the `initializer=` and `initargs=` keyword arguments of the executors.
 * @example
 * ```ts
 * const ex = new ThreadPoolExecutor(2, { initializer: (tag: string) => console.log('start', tag), initargs: ['io'] });
 * ```
 */
export interface InitializerOptions {
  /** Runs once in every worker (thread) before its first call; may be async. */
  initializer?: AnyFunction | null;
  /** Arguments of the initializer. */
  initargs?: readonly unknown[];
}

/**
 * Validates the initializer and its arguments.
 *
 * @internal
 * @throws TypeError when `initializer` is not a function or `initargs` not an array.
 */
export function checkInitializer(options: InitializerOptions): { initializer: TaskFunction | undefined; initargs: readonly unknown[] } {
  return { initializer: optionalFunction(options.initializer, 'initializer'), initargs: argumentList(options.initargs ?? [], 'initargs') };
}

/**
 * Splits the constructor arguments `(max_workers?, options?)`, also accepting a single
 * options object holding `max_workers` (Python's keyword argument), and rejects unknown
 * options (`known` lists the keys of the options object, without `max_workers`).
 *
 * @internal
 * @throws TypeError for an unknown option, or `max_workers` given twice.
 */
export function splitConstructorArguments<O extends object>(
  first: number | null | undefined | (O & { max_workers?: number | null; maxWorkers?: number | null }),
  options: O | undefined,
  known: readonly string[],
  what: string,
): { maxWorkers: unknown; options: O } {
  if (typeof first === 'object' && first !== null) {
    if (options !== undefined) throw new TypeError(`${what} takes its options once: max_workers was given as an options object, then more options followed`);
    checkOptionKeys(first, [...known, 'max_workers', 'maxWorkers'], what);
    return { maxWorkers: first.max_workers ?? first.maxWorkers, options: first };
  }
  if (options !== undefined && options !== null && ('max_workers' in options || 'maxWorkers' in options)) {
    throw new TypeError(`${what} got max_workers twice: as its first argument and in the options`);
  }
  checkOptionKeys(options, known, what);
  return { maxWorkers: first, options: options ?? ({} as O) };
}
