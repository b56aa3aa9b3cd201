/**
 * `ThreadPool`: Python's `multiprocessing.pool.ThreadPool`, on the main event loop.
 *
 * @module
 */
import type { Engine, TaskFunction } from './engine/engine.js';
import { MainLoopEngine } from './engine/main-loop-engine.js';
import { PoolStateError } from './errors.js';
import { Pool } from './pool.js';
import type { PoolOptions, ResolvedPoolOptions } from './pool-options.js';
import { insideTaskOf, ownedBy } from './task-owner.js';
import { brokenPoolError, checkOptionKeys } from './validate.js';

/** CPython's `ThreadPool(processes=None, initializer=None, initargs=())` takes nothing else. */
const THREAD_POOL_KEYS: readonly string[] = ['processes', 'initializer', 'initargs'];
/** Options of Pool that mean nothing on the main thread. */
const POOL_ONLY_KEYS: readonly string[] = ['maxtasksperchild', 'runtime', 'module', 'resourceLimits', 'remote'];

/**
 * A pool with `Pool`'s API whose tasks run on the main event loop, at most `processes` at a
 * time: concurrency for I/O-bound work with shared memory, as Python threads give (the GIL
 * means no CPU parallelism there either). Task functions may be closures and may share state;
 * their errors come back exactly as thrown (no RemoteTraceback), as in CPython.
 *
 * Python equivalent: `multiprocessing.pool.ThreadPool(processes, initializer, initargs)`.
 * A throwing initializer breaks the pool (BrokenThreadPool); CPython restarts the thread forever.
 * Like CPython's, it takes no `maxtasksperchild` (nor `runtime`, `module`, `resourceLimits`):
 * passing one is a TypeError.
 *
 * @example
 * ```ts
 * import { ThreadPool } from 'pypool';
 * const seen: string[] = [];
 * await using pool = new ThreadPool(4);
 * await pool.map(async (url: string) => { seen.push(url); return (await fetch(url)).status; }, urls);
 * ```
 */
export class ThreadPool extends Pool {
  /**
   * @param processes - most tasks in progress at once (default {@link cpu_count}), or an
   *   options object `{ processes, initializer, initargs }`.
   * @param initializer - runs once per virtual thread before its first task.
   * @param initargs - arguments of the initializer.
   * @throws TypeError for a 4th argument or an option ThreadPool does not have (CPython:
   *   "unexpected keyword argument 'maxtasksperchild'"); TypeError / RangeError for a bad value.
   */
  constructor(processes?: number | PoolOptions | null, initializer?: TaskFunction | null, initargs?: readonly unknown[], ...rest: unknown[]) {
    checkThreadPoolArguments(processes, rest);
    super(processes, initializer, initargs);
  }

  /**
   * Waits for every task to finish, after `close()` or `terminate()`.
   *
   * Python equivalent: `pool.join()`. Called from inside one of this pool's own tasks it rejects
   * with PoolStateError: the task would wait for itself forever (CPython deadlocks).
   * @example
   * ```ts
   * pool.close();
   * await pool.join();
   * ```
   */
  override join(): Promise<void> {
    if (insideTaskOf(this)) {
      return Promise.reject(new PoolStateError('join() was called from inside a task of this same ThreadPool, which would wait for itself forever; call it from outside the pool\'s tasks'));
    }
    return super.join();
  }

  /** @internal */
  protected override createEngine(options: ResolvedPoolOptions): Engine {
    return new MainLoopEngine({
      threads: options.processes,
      initializer: options.initializer && ownedBy(this, options.initializer),
      initargs: options.initargs,
      threadNamePrefix: 'Thread',
      brokenError: (cause) => brokenPoolError('thread', cause),
    });
  }

  /** @internal Marks the tasks as this pool's own, so join() can tell when a task calls it. */
  protected override taskFunction(fn: TaskFunction): TaskFunction {
    return ownedBy(this, fn);
  }
}

/** Rejects what CPython's ThreadPool signature does not have, naming it. */
function checkThreadPoolArguments(first: unknown, rest: readonly unknown[]): void {
  if (rest.length > 0 && rest.some((arg) => arg !== undefined)) {
    throw new TypeError('ThreadPool takes at most 3 arguments (processes, initializer, initargs): it has no maxtasksperchild, as in CPython');
  }
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return;
  for (const key of Object.keys(first)) {
    if (POOL_ONLY_KEYS.includes(key)) {
      throw new TypeError(
        `ThreadPool has no '${key}' option: its tasks run on the main thread ('runtime', 'module', 'resourceLimits' and 'maxtasksperchild' belong to Pool; CPython's ThreadPool has no maxtasksperchild either)`,
      );
    }
  }
  checkOptionKeys(first, THREAD_POOL_KEYS, 'ThreadPool');
}
