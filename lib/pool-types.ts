/**
 * The public types of `Pool`'s events and `map_async` options.
 *
 * @module
 */
import type { ResultCallbacks } from './async-result.js';
import type { WorkerExitInfo } from './engine/engine.js';
import type { NoWorkersInfo } from './remote/remote-engine.js';

/**
 * Events a pool emits (it is an eventemitter3 `EventEmitter`).
 *
 * Python equivalent: none.
 *
 * @example
 * ```ts
 * pool.on('workerExit', (info) => console.warn('lost', info.workerName, info.exitCode));
 * pool.on('close', () => console.log('no more tasks accepted'));
 * ```
 */
export interface PoolEvents {
  /** `close()` was called. */
  close: [];
  /** `terminate()` was called. */
  terminate: [];
  /** A worker died unexpectedly; the tasks it held failed with WorkerLostError and it was replaced. */
  workerExit: [WorkerExitInfo];
  /** Remote pools: jobs wait in Redis and no pypool-worker serves the queue. */
  noWorkers: [NoWorkersInfo];
}

/**
 * Options of `map_async` / `starmap_async`: chunk size and callbacks.
 *
 * Python equivalent: the `chunksize=`, `callback=` and `error_callback=` keyword arguments.
 *
 * @example
 * ```ts
 * // Python: pool.map_async(f, xs, chunksize=10, callback=print)
 * pool.map_async(f, xs, { chunksize: 10, callback: console.log });
 * ```
 */
export interface MapAsyncOptions<R> extends ResultCallbacks<R[]> {
  /** Items per task (integer ≥ 1); default `ceil(n / (4 * processes))`. Python: `chunksize`. */
  chunksize?: number | null;
}

