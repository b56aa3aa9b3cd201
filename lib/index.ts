/**
 * pypool: Python's `multiprocessing.Pool` and `concurrent.futures` for Node.js.
 *
 * @example
 * ```ts
 * import { Pool } from 'pypool';
 * await using pool = new Pool(4);
 * console.log(await pool.map((x: number) => x * x, [1, 2, 3])); // [1, 4, 9]
 * ```
 * @module pypool
 */
export { Pool, type PoolEvents, type MapAsyncOptions } from './pool.js';
export { ThreadPool } from './thread-pool.js';
export * from './futures/index.js';
export type { PoolOptions } from './pool-options.js';
export type { PoolStateName } from './pool-repr.js';
export { registerTaskModule } from './task-modules.js';
export { AsyncResult, type ResultCallbacks } from './async-result.js';
export { MapResult, type Progress, type MapResultEvents } from './map-result.js';
export { IMapIterator, type IMapOptions, type IMapIteratorEvents } from './imap/imap-iterator.js';
export {
  PoolError,
  TimeoutError,
  CancelledError,
  InvalidStateError,
  PoolStateError,
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  MaybeEncodingError,
  SerializationError,
  WorkerLostError,
  RemoteTraceback,
} from './errors.js';
export { current_process, currentProcess, cpu_count, cpuCount, type ProcessInfo } from './process-info.js';
export { transfer, type Transferable } from './transfer.js';
export { registerExports } from './wire/known-exports.js';
export { current_thread, currentThread, type ThreadInfo } from './thread-info.js';
export type { Runtime } from './engine/worker-engine-options.js';
export type { WorkerExitInfo, TaskFunction } from './engine/engine.js';
export type { ResourceLimits } from './validate.js';
export type { RemoteOptions } from './remote/options.js';
export type { NoWorkersInfo } from './remote/remote-engine.js';
export { RemoteVersionError, RemoteJobError } from './remote/errors.js';
export { remote_workers, remoteWorkers } from './remote/remote-workers.js';
