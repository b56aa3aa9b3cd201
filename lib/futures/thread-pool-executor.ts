/**
 * `ThreadPoolExecutor`: runs calls on the main event loop, at most `max_workers` at once.
 *
 * @module
 */
import { inspect } from 'node:util';
import { executorRepr } from '../pool-repr.js';
import type { Engine, TaskFunction } from '../engine/engine.js';
import { MainLoopEngine } from '../engine/main-loop-engine.js';
import { cpu_count } from '../process-info.js';
import { ownedBy } from '../task-owner.js';
import { brokenPoolError, positiveInteger } from '../validate.js';
import { Executor, checkInitializer, splitConstructorArguments, type InitializerOptions } from './executor.js';

/** The keys of {@link ThreadPoolExecutorOptions}. */
const OPTION_KEYS: readonly string[] = ['thread_name_prefix', 'threadNamePrefix', 'initializer', 'initargs'];

/**
 * Options of {@link ThreadPoolExecutor}.
 *
 * Python equivalent: the keyword arguments of `ThreadPoolExecutor(...)`.
 * @example
 * ```ts
 * // Python: ThreadPoolExecutor(4, thread_name_prefix='dl')
 * const ex = new ThreadPoolExecutor(4, { thread_name_prefix: 'dl' }); // threads 'dl_0' … 'dl_3'
 * ```
 */
export interface ThreadPoolExecutorOptions extends InitializerOptions {
  /** Names of the virtual threads are `${prefix}_${i}`; default `ThreadPoolExecutor-${n}`. */
  thread_name_prefix?: string;
  /** camelCase alias of `thread_name_prefix`. */
  threadNamePrefix?: string;
}

/** Numbers executors without a prefix, as CPython's `ThreadPoolExecutor._counter`. */
let executorCounter = 0;

/**
 * An executor whose calls run on the main event loop, at most `max_workers` at once: Python
 * threads give concurrency without parallelism, and so do async functions here. Calls may
 * be closures and share memory; sync calls run one at a time, async calls overlap while they
 * wait. Errors come back exactly as thrown. Read the name of the current virtual thread
 * with `currentThreadName()`.
 *
 * Python equivalent: `concurrent.futures.ThreadPoolExecutor(max_workers=None,
 * thread_name_prefix='', initializer=None, initargs=())`.
 *
 * @example
 * ```ts
 * await using ex = new ThreadPoolExecutor(8);
 * const pages = ex.map(async (url: string) => (await fetch(url)).text(), urls);
 * for await (const page of pages) console.log(page.length);
 * ```
 */
export class ThreadPoolExecutor extends Executor {
  protected readonly engine: Engine;
  /** The number of virtual threads (CPython's `_max_workers`). */
  readonly max_workers: number;

  /**
   * @param max_workers - most calls in progress at once; default `min(32, cpu_count() + 4)`.
   *   May also be an options object holding `max_workers`.
   * @param options - `thread_name_prefix`, `initializer` (runs once per virtual thread before
   *   its first call, may be async) and `initargs`.
   * @throws TypeError when `max_workers` is not an integer, `initializer` not a function or an
   *   option unknown; RangeError when `max_workers < 1`.
   */
  constructor(
    max_workers?: number | null | (ThreadPoolExecutorOptions & { max_workers?: number | null }),
    options?: ThreadPoolExecutorOptions,
  ) {
    super();
    const args = splitConstructorArguments(max_workers, options, OPTION_KEYS, 'ThreadPoolExecutor');
    // No upper bound: virtual threads are started lazily and cost nothing while unused.
    this.max_workers = positiveInteger(args.maxWorkers, 'max_workers', Math.min(32, cpu_count() + 4));
    const { initializer, initargs } = checkInitializer(args.options);
    const prefix = args.options.thread_name_prefix ?? args.options.threadNamePrefix;
    this.engine = new MainLoopEngine({
      threads: this.max_workers,
      initializer: initializer && ownedBy(this, initializer),
      initargs,
      brokenError: this.onBroken,
      threadNamePrefix: prefix || `ThreadPoolExecutor-${executorCounter++}`,
    });
  }

  /**
   * Python equivalent: `repr(executor)` (CPython prints the class and the address).
   * @example
   * ```ts
   * console.log(String(new ThreadPoolExecutor(4))); // <pypool.ThreadPoolExecutor max_workers=4>
   * ```
   */
  override toString(): string {
    return executorRepr(this.constructor.name, this.max_workers);
  }

  /** `console.log(executor)` prints the same as `String(executor)`. */
  [inspect.custom](): string {
    return this.toString();
  }

  protected brokenError(cause: unknown): Error {
    return brokenPoolError('thread', cause);
  }

  /** Marks the calls as this executor's own, so shutdown(true) can tell when a call makes it. */
  protected override taskFunction(fn: TaskFunction): TaskFunction {
    return ownedBy(this, fn);
  }

  /** CPython's ThreadPoolExecutor ignores `chunksize`: every call is its own job. */
  protected override mapChunkSize(): number {
    return 1;
  }
}
