/**
 * The main-loop engine: runs jobs on the main event loop, at most `threads` at once.
 *
 * Python threads give concurrency without parallelism (the GIL); async tasks on the main
 * loop give exactly that, with shared memory and closures. Each "virtual thread" is a slot
 * that runs one job at a time, runs the initializer once before its first job, and carries a
 * name visible to tasks through {@link currentThreadName}.
 *
 * @module
 * @internal
 */
import { performance } from 'node:perf_hooks';
import { brokenPoolError, isThenable, poolNotRunning } from '../validate.js';
import { callHook, refuse, type Engine, type EngineState, type FailureKind, type Job, type Outcome, type TaskFunction, type WorkerExitInfo } from './engine.js';
import { CoalescedMicrotask, JobQueue } from './job-queue.js';
import { isTransferMarker, unwrapTransfer } from '../transfer.js';
import { mainLoopPoolFinished, mainLoopPoolStarted, runAsThread } from '../task-owner.js';

// One AsyncLocalStorage (lib/task-owner.ts) names the virtual threads and knows their pool; it
// is enabled only while a main-loop engine is alive, since it slows every await of the process.
export { currentThreadName } from '../task-owner.js';

/** Options of {@link MainLoopEngine}. Validated by the front-ends. */
export interface MainLoopEngineOptions {
  /** Largest number of jobs running at once (CPython's number of threads), at least 1. */
  threads: number;
  /** Runs once per virtual thread before its first job; awaited when it returns a promise. */
  initializer?: TaskFunction | undefined;
  initargs?: readonly unknown[];
  /** Builds the error that fails jobs once the initializer has thrown. Default: BrokenThreadPool. */
  brokenError?: (cause: unknown) => Error;
  /** Virtual threads are named `${threadNamePrefix}_${i}`. Default: 'Thread'. */
  threadNamePrefix?: string;
}

/**
 * Longest stretch (ms) that jobs may run back to back before the engine lets timers and I/O
 * in. Checked once per job with a clock read: cheaper than a timer per task.
 */
const SLICE_MS = 10;

/** One virtual thread. */
interface Slot {
  readonly name: string;
  initialized: boolean;
}

/**
 * Runs jobs on the main event loop with at most `threads` of them in progress at once.
 *
 * Python equivalent: the worker threads of `ThreadPoolExecutor` / `multiprocessing.pool.ThreadPool`.
 *
 * @example
 * ```ts
 * const engine = new MainLoopEngine({ threads: 4 });
 * engine.submit({ fn: (x: number) => x * 2, calls: [[21]], settle: (o) => console.log(o), fail: console.error });
 * engine.close(); await engine.join();
 * ```
 */
export class MainLoopEngine implements Engine {
  readonly size: number;
  private currentState: EngineState = 'running';
  private readonly queue = new JobQueue();
  /** Jobs in progress; terminate() fails them and their late outcomes are ignored. */
  private readonly running = new Set<Job>();
  private readonly idle: Slot[] = [];
  private slotCount = 0;
  private activeSlots = 0;
  /** Active slots not inside a job: they will take queued jobs without help. */
  private hungrySlots = 0;
  /** Starts virtual threads on a microtask, so a job submitted and cancelled in one synchronous block never runs. */
  private readonly pumpSoon = new CoalescedMicrotask(() => this.pump());
  private brokenCause: { error: unknown } | undefined;
  private sliceStart = performance.now();
  private yieldPromise: Promise<void> | undefined;
  private readonly settledWaiters: (() => void)[] = [];
  /** Set once the engine has finished, when it stopped needing the task context. */
  private finished = false;
  /** Jobs accepted and not settled yet (a job counts until its hook has returned): see `accepting`. */
  private outstanding = 0;

  /**
   * @param options - number of virtual threads, initializer and how to report a broken engine.
   */
  constructor(private readonly options: MainLoopEngineOptions) {
    this.size = options.threads;
    mainLoopPoolStarted();
  }

  /**
   * Starts every virtual thread now, each running the initializer (ThreadPool, as CPython's
   * starts its threads in the constructor); executors start threads on demand. The threads
   * count as active at once, so close() + join() waits for their initializers; they run on a
   * microtask, so no user code runs inside the constructor.
   */
  prestart(): void {
    const slots: Slot[] = [];
    for (let slot = this.newSlot(); slot; slot = this.newSlot()) {
      this.activeSlots++;
      this.hungrySlots++;
      slots.push(slot);
    }
    queueMicrotask(() => {
      for (const slot of slots) void runAsThread(slot.name, () => this.runSlot(slot));
    });
  }

  get state(): EngineState {
    return this.currentState;
  }

  get accepting(): boolean {
    if (this.brokenCause) return false;
    return this.currentState === 'running' || (this.currentState === 'closed' && this.outstanding > 0);
  }

  submit(job: Job): void {
    if (this.brokenCause) return refuse(job, this.brokenError(this.brokenCause.error), 'broken');
    if (!this.accepting) return refuse(job, poolNotRunning(), 'refused');
    this.outstanding++;
    this.queue.push(job);
    this.pumpSoon.schedule();
  }

  cancel(job: Job): boolean {
    return this.queue.cancel(job);
  }

  close(): void {
    if (this.currentState === 'running') this.currentState = 'closed';
    this.checkSettled();
  }

  join(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  async terminate(reason: unknown): Promise<void> {
    if (this.currentState === 'terminated') return;
    this.currentState = 'terminated';
    for (const job of this.queue.drain()) this.fail(job, reason, 'terminated');
    // Running async tasks cannot be stopped; failing them now and forgetting them makes
    // their late outcomes no-ops (see runJob).
    const running = [...this.running];
    this.running.clear();
    for (const job of running) this.fail(job, reason, 'terminated');
    this.checkSettled();
  }

  on(_event: 'workerExit', _listener: (info: WorkerExitInfo) => void): void {
    // Virtual threads never exit unexpectedly: there is nothing to report.
  }

  private brokenError(cause: unknown): Error {
    return this.options.brokenError
      ? this.options.brokenError(cause)
      : brokenPoolError('thread', cause);
  }

  private pump(): void {
    let wanted = this.queue.size - this.hungrySlots;
    while (wanted > 0 && !this.brokenCause && this.currentState !== 'terminated') {
      const slot = this.idle.pop() ?? this.newSlot();
      if (!slot) return;
      wanted--;
      this.activeSlots++;
      this.hungrySlots++;
      void runAsThread(slot.name, () => this.runSlot(slot));
    }
  }

  private newSlot(): Slot | undefined {
    if (this.slotCount >= this.size) return undefined;
    const prefix = this.options.threadNamePrefix ?? 'Thread';
    return { name: `${prefix}_${this.slotCount++}`, initialized: false };
  }

  /** A virtual thread: initializes once, then takes jobs until the queue is empty. */
  private async runSlot(slot: Slot): Promise<void> {
    try {
      if (!slot.initialized && !(await this.initialize(slot))) return;
      for (;;) {
        if (performance.now() - this.sliceStart > SLICE_MS) await this.yieldToEventLoop();
        const job = this.takeJob();
        if (!job) return;
        this.hungrySlots--;
        try {
          await this.runJob(job);
        } finally {
          this.hungrySlots++;
        }
      }
    } finally {
      this.activeSlots--;
      this.hungrySlots--;
      this.idle.push(slot);
      this.checkSettled();
    }
  }

  private async initialize(slot: Slot): Promise<boolean> {
    const { initializer, initargs = [] } = this.options;
    try {
      if (initializer) await initializer(...initargs);
      slot.initialized = true;
      return true;
    } catch (error) {
      this.breakEngine(error);
      return false;
    }
  }

  /** CPython's `_initializer_failed`: every queued and later job fails with the broken error. */
  private breakEngine(error: unknown): void {
    if (this.brokenCause) return;
    this.brokenCause = { error };
    for (const job of this.queue.drain()) this.fail(job, this.brokenError(error), 'broken');
  }

  /** Fails an accepted job (rule 5 of engine.ts: a throwing hook is reported, the job is settled). */
  private fail(job: Job, error: unknown, kind: FailureKind): void {
    callHook(() => job.fail(error, kind));
    this.outstanding--;
  }

  private takeJob(): Job | undefined {
    if (this.brokenCause || this.currentState === 'terminated') return undefined;
    return this.queue.shift();
  }

  private async runJob(job: Job): Promise<void> {
    this.running.add(job);
    if (job.onStart) callHook(() => job.onStart!());
    const outcomes: Outcome[] = [];
    let allOk = true;
    for (const args of job.calls) {
      const outcome = await runCall(job.fn, args);
      allOk &&= outcome.ok;
      outcomes.push(outcome);
    }
    // A job already failed by terminate() was removed from `running`: drop its late outcome.
    if (!this.running.delete(job)) return;
    if (allOk && job.settleValues) callHook(() => job.settleValues!(outcomes.map((outcome) => (outcome as { value: unknown }).value)));
    else callHook(() => job.settle(outcomes));
    this.outstanding--;
  }

  /** Lets timers and I/O run; every slot that hits the slice limit shares one setImmediate. */
  private yieldToEventLoop(): Promise<void> {
    this.yieldPromise ??= new Promise((resolve) =>
      setImmediate(() => {
        this.yieldPromise = undefined;
        this.sliceStart = performance.now();
        resolve();
      }),
    );
    return this.yieldPromise;
  }

  private isSettled(): boolean {
    if (this.currentState === 'running') return false;
    return this.currentState === 'terminated' || (this.queue.size === 0 && this.activeSlots === 0);
  }

  private checkSettled(): void {
    if (!this.isSettled()) return;
    if (!this.finished) {
      this.finished = true;
      mainLoopPoolFinished();
    }
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }
}

/**
 * Runs one call; sync results are not awaited through an extra promise. transfer() markers mean
 * nothing on one thread: the task and the caller get the buffers themselves.
 */
async function runCall(fn: TaskFunction, args: readonly unknown[]): Promise<Outcome> {
  try {
    const value: unknown = fn(...(args.some(isTransferMarker) ? args.map((arg) => unwrapTransfer(arg).value) : args));
    return { ok: true, value: unwrapTransfer(isThenable(value) ? await value : value).value };
  } catch (error) {
    return { ok: false, error };
  }
}

