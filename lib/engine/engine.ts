/**
 * The contract between front-ends (Pool, ThreadPool, executors) and engines.
 *
 * A front-end turns each call into {@link Job}s and hands them to an {@link Engine}; the engine
 * decides where and when each job runs and settles it exactly once. Two engines exist: the
 * worker engine (worker threads or child processes, through tinypool) and the main-loop engine
 * (ThreadPool). A distributed backend would be a third implementation of this interface.
 *
 * @module
 * @internal
 */

/**
 * A function the user wants to run as a task (or as an initializer): a self-contained inline
 * function, a well-known built-in such as `Math.sqrt`, or an exported function of a task module.
 * It may be sync or async. See the Task functions guide.
 *
 * Python equivalent: the `func` / `initializer` callables, which Python pickles by reference.
 *
 * @example
 * ```ts
 * const init: TaskFunction = (seed: number) => { (globalThis as { seed?: number }).seed = seed; };
 * const pool = new Pool({ processes: 2, initializer: init, initargs: [42] });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskFunction = (...args: any[]) => unknown;

/** The outcome of one call inside a job: its value, or what it threw. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * One unit of work for an engine: `fn` applied to each argument list in `calls`, in order.
 * `apply` makes a job of one call; `map` makes one job per chunk. A job counts as one task for
 * `maxtasksperchild`, as a chunk does in CPython.
 */
export interface Job {
  readonly fn: TaskFunction;
  readonly calls: readonly (readonly unknown[])[];
  /**
   * Optional fast path for single-argument calls (map): when set, call i is `fn(items[i])` and
   * `calls` may be computed lazily. Engines that send jobs elsewhere send `items` as they are.
   */
  readonly items?: readonly unknown[];
  /** Called once with one outcome per call, in call order. */
  settle(outcomes: Outcome[]): void;
  /**
   * Optional fast path, called once instead of `settle` when every call succeeded: the values in
   * call order (a Float64Array when they are all numbers). Saves an object per call.
   */
  settleValues?(values: ArrayLike<unknown>): void;
  /** Called once, instead of `settle`, when the job as a whole could not run. */
  fail(error: unknown): void;
  /** Called when the job starts running (for Future.running()). Optional. */
  onStart?(): void;
}

/** Lifecycle of an engine, mirroring CPython's pool states. */
export type EngineState = 'running' | 'closed' | 'terminated';

/** What every engine provides to the front-ends. */
export interface Engine {
  /** Number of workers (CPython's `processes`). */
  readonly size: number;
  readonly state: EngineState;
  /** Queue a job. The engine calls `job.settle` or `job.fail` exactly once. */
  submit(job: Job): void;
  /** Remove a job that has not been sent to a worker yet. True when it was removed (and not settled). */
  cancel(job: Job): boolean;
  /** Stop accepting jobs; queued and running jobs still finish. */
  close(): void;
  /** Resolves when the engine is closed or terminated and every job has settled and workers exited. */
  join(): Promise<void>;
  /** Fail every unfinished job with `reason` and stop all workers at once. */
  terminate(reason: unknown): Promise<void>;
  /**
   * Throws a TypeError at once when `fn` can never run on this engine (not a function, or a
   * function whose source cannot be sent to a worker). Optional: engines that run anything skip it.
   */
  checkFunction?(fn: TaskFunction): void;
  /**
   * Starts every worker now and runs the initializer in each, as CPython's `Pool` and
   * `ThreadPool` do in their constructor. Engines start workers on demand otherwise (executors).
   */
  prestart?(): void;
  /** Register a listener for engine events (worker exits, broken state). */
  on(event: 'workerExit', listener: (info: WorkerExitInfo) => void): void;
}

/**
 * Reported with the pool's `workerExit` event when a worker exits unexpectedly.
 *
 * Python equivalent: none (CPython's `Pool` silently replaces dead workers and hangs their tasks).
 *
 * @example
 * ```ts
 * pool.on('workerExit', ({ workerName, exitCode, lostJobs }) => console.warn(`${workerName} exited with ${exitCode}; ${lostJobs} task(s) failed`));
 * ```
 */
export interface WorkerExitInfo {
  /** Name of the worker that died, e.g. `'PoolWorker-3'`. */
  readonly workerName: string;
  /** Its exit code (`null` when a signal killed it). */
  readonly exitCode: number | null;
  /** The signal that killed a child process (`runtime: 'process'`), if any. */
  readonly signal: string | null;
  /** How many unfinished jobs the worker held (each failed with WorkerLostError). */
  readonly lostJobs: number;
}
