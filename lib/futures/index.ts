/**
 * `concurrent.futures` for Node.js: executors, futures, `wait` and `as_completed`.
 *
 * @module
 */
export { Future, type FutureState, type DoneCallback } from './future.js';
export { Executor, type AnyFunction, type ExecutorMapOptions, type ShutdownOptions, type InitializerOptions } from './executor.js';
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from './thread-pool-executor.js';
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from './process-pool-executor.js';
export {
  wait,
  as_completed,
  asCompleted,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  type ReturnWhen,
  type WaitOptions,
  type DoneAndNotDoneFutures,
  type CompletedFuture,
} from './wait.js';
export { currentThreadName } from '../engine/main-loop-engine.js';
