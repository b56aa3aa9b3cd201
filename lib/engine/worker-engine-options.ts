/**
 * Options of the worker engine (worker threads or child processes).
 *
 * @module
 * @internal
 */
import type { TaskFunction } from './engine.js';

/**
 * Where a `Pool` or `ProcessPoolExecutor` runs its tasks: `'thread'` (default) for worker
 * threads, `'process'` for child processes (full OS isolation: native addons, `process.exit`,
 * hard kill; slower to start and to send data).
 *
 * Python equivalent: the start method of `multiprocessing` (roughly: processes always).
 *
 * @example
 * ```ts
 * const pool = new Pool({ processes: 4, runtime: 'process', module: import.meta.url });
 * ```
 */
export type Runtime = 'thread' | 'process';

/** What the worker engine needs to start its workers. Validated by the front-ends. */
export interface WorkerEngineOptions {
  /** Number of workers, at least 1. */
  processes: number;
  /** Runs once in every worker before its first task. */
  initializer?: TaskFunction | undefined;
  initargs?: readonly unknown[];
  /** Retire a worker after this many jobs (chunks); undefined = never. */
  maxtasksperchild?: number | undefined;
  runtime?: Runtime;
  /** Task modules (URLs or paths) whose exported functions may be used as task functions. */
  modules?: readonly string[];
  /** Largest number of queued jobs sent to a worker in one message. Executors keep this small. */
  maxBatch?: number;
  /** Worker resource limits (threads only), e.g. to cap heap size. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; stackSizeMb?: number };
  /**
   * Builds the error that fails tasks once the pool is broken (an initializer threw, a task
   * module failed to load, workers keep dying at start-up). `message` says which.
   */
  brokenError?: (cause: unknown, message: string) => Error;
  /**
   * True for a `Pool`'s workers, which may start no workers of their own (CPython's daemonic
   * pool workers; lib/main-guard.ts). Executors' workers may.
   */
  daemon?: boolean;
}
