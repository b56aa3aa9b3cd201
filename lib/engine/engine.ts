/**
 * The contract between front-ends (Pool, ThreadPool, executors, imap) and engines.
 *
 * A front-end turns each call into {@link Job}s (lib/jobs/) and hands them to an {@link Engine};
 * the engine decides where and when each job runs and settles it exactly once. Two engines
 * exist: the worker engine (worker threads or child processes, through tinypool) and the
 * main-loop engine (ThreadPool). A new engine (a remote one) implements {@link Engine} and
 * obeys the rules below; nothing else in the front-ends needs to change.
 *
 * The rules every engine obeys, so that front-ends never guess:
 *
 * 1. **Exactly once.** Each submitted job gets exactly one of `settle`, `settleValues` or
 *    `fail`, and `onStart` at most once, before it.
 * 2. **Refusals inside `submit`, nothing else.** A job the engine refuses (not
 *    {@link Engine.accepting}, or broken) fails synchronously inside `submit`, before it
 *    returns, with kind `'refused'` or `'broken'`: a result is settled as soon as it is
 *    submitted to a broken pool. Every other outcome comes later, never inside `submit`. A
 *    front-end therefore finishes its bookkeeping for a job before calling `submit`.
 * 3. **Failures say why.** `fail(error, kind)` names the {@link FailureKind}: the front-end
 *    decides from `kind` (never from `instanceof` or engine state) whether later work can run.
 * 4. **Accepting.** {@link Engine.accepting} is true while the engine is running, and after
 *    `close()` while it is still draining (jobs submitted and not settled yet, counting the job
 *    whose hook is running now): a stream that started before `close()` may go on feeding
 *    the engine from its hooks, as CPython's task handler finishes its task sequences before
 *    the workers get their sentinels. Once drained, a closed engine lets its workers go and
 *    refuses work (kind `'refused'`). Front-ends refuse new calls after `close()` themselves.
 * 5. **Hooks must not throw.** Front-ends catch their users' errors inside their hooks. A hook
 *    that throws anyway is a front-end bug: the engine reports it (see {@link reportHookError})
 *    and carries on as if the hook had returned; the job counts as settled.
 *
 * Changes from the previous interface (for engines written against it): `Job.fail` takes a
 * second argument, the {@link FailureKind}; `Engine` gains `accepting`; `fail` is called inside
 * `submit` for a refusal (see {@link refuse}) and only then; hooks that throw are reported,
 * never turned into job failures.
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
  /** Called once, instead of `settle`, when the job as a whole could not run; `kind` says why. */
  fail(error: unknown, kind: FailureKind): void;
  /** Called when the job starts running (for Future.running()). Optional. */
  onStart?(): void;
}

/**
 * Why a job failed as a whole:
 * - `'refused'`: submitted to an engine that was not accepting (closed and drained);
 * - `'terminated'`: `terminate()` failed it;
 * - `'broken'`: the engine broke (an initializer or task module failed): nothing can run again;
 * - `'worker-lost'`: the worker holding it died; later jobs still run;
 * - `'unsendable'`: it could not be sent to a worker (its function or arguments); later jobs still run.
 * `'refused'`, `'terminated'` and `'broken'` are final: no later job of this engine will run.
 */
export type FailureKind = 'refused' | 'terminated' | 'broken' | 'worker-lost' | 'unsendable';

/** Whether no later job can run after a failure of this kind. */
export function isFinalFailure(kind: FailureKind): boolean {
  return kind === 'refused' || kind === 'terminated' || kind === 'broken';
}

/** Lifecycle of an engine, mirroring CPython's pool states. */
export type EngineState = 'running' | 'closed' | 'terminated';

/** What every engine provides to the front-ends. */
export interface Engine {
  /** Number of workers (CPython's `processes`). */
  readonly size: number;
  readonly state: EngineState;
  /** Whether `submit` would queue a job now (rule 4 of the module comment). */
  readonly accepting: boolean;
  /** Queue a job. The engine calls `job.settle` or `job.fail` exactly once, never inside this call. */
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

/**
 * Reports a hook that threw (rule 5): on stderr, like CPython's "exception calling callback",
 * so the engine can carry on.
 */
export function reportHookError(error: unknown): void {
  console.error('pypool: a job hook threw (a bug in pypool; the job counts as settled)', error);
}

/** Runs a job hook under rule 5. */
export function callHook(hook: () => void): void {
  try {
    hook();
  } catch (error) {
    reportHookError(error);
  }
}

/** Fails a job that `submit` refuses, before `submit` returns (rule 2). */
export function refuse(job: Job, error: unknown, kind: 'refused' | 'broken'): void {
  callHook(() => job.fail(error, kind));
}
