/**
 * `ThreadPool`: Python's `multiprocessing.pool.ThreadPool`, on the main event loop.
 *
 * @module
 */
import type { Engine } from './engine/engine.js';
import { MainLoopEngine } from './engine/main-loop-engine.js';
import { Pool } from './pool.js';
import type { ResolvedPoolOptions } from './pool-options.js';

/**
 * A pool with `Pool`'s API whose tasks run on the main event loop, at most `processes` at a
 * time: concurrency for I/O-bound work with shared memory, as Python threads give (the GIL
 * means no CPU parallelism there either). Task functions may be closures and may share state;
 * their errors come back exactly as thrown (no RemoteTraceback), as in CPython.
 *
 * Python equivalent: `multiprocessing.pool.ThreadPool(processes, initializer, initargs)`.
 * A throwing initializer breaks the pool (BrokenThreadPool); CPython restarts the thread forever.
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
  /** @internal */
  protected override createEngine(options: ResolvedPoolOptions): Engine {
    if (options.runtime !== 'thread' || options.modules.length > 0 || options.resourceLimits) {
      throw new TypeError("ThreadPool runs tasks on the main thread: the 'runtime', 'module' and 'resourceLimits' options belong to Pool");
    }
    return new MainLoopEngine({
      threads: options.processes,
      initializer: options.initializer,
      initargs: options.initargs,
      threadNamePrefix: 'Thread',
    });
  }
}
