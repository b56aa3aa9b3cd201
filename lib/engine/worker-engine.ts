/**
 * The worker engine: runs jobs in worker threads or child processes.
 *
 * It owns the queue (O(1)), decides which worker gets which job, keeps at most
 * `MAX_IN_FLIGHT` messages in flight per worker (so queued jobs stay cancellable and a slow
 * worker does not hoard work), batches queued jobs into one message when they are short, and
 * knows which worker holds which job, so a worker's death fails exactly the jobs it held.
 *
 * @module
 * @internal
 */
import { EventEmitter } from 'eventemitter3';
import { SerializationError, WorkerLostError } from '../errors.js';
import { brokenPoolError, poolNotRunning, requireFunction } from '../validate.js';
import type { WorkerExit } from '../internal/tinypool-worker.js';
import { decodeThrown } from '../wire/decode-thrown.js';
import { describeFunction } from '../task-function.js';
import type { LastWords, WorkerResponse } from '../wire/protocol.js';
import { errorText } from '../wire/sendable.js';
import { triage } from './crash-triage.js';
import { callHook, refuse, type Engine, type EngineState, type FailureKind, type Job, type TaskFunction, type WorkerExitInfo } from './engine.js';
import { callName, settleRefused } from '../wire/job-message.js';
import { buildBatchMessage, settleAnswers } from './batch-message.js';
import { CoalescedMicrotask, JobQueue } from './job-queue.js';
import type { WorkerEngineOptions } from './worker-engine-options.js';
import { BATCH_BUDGET_MS, MAX_IN_FLIGHT, openBatchesOf, Pacing, type Batch, type Slot } from './worker-slot.js';
import { WorkerStarter, type StartupListener } from './worker-start.js';

/** Workers in a row that may die while starting before the pool gives up (see onStartFailure). */
const MAX_START_FAILURES = 3;

/** Runs jobs on worker threads or child processes. See the module comment. */
export class WorkerEngine implements Engine {
  readonly size: number;
  private engineState: EngineState = 'running';
  private readonly options: WorkerEngineOptions;
  /** Waiting jobs; jobs a dead worker never started go back to its front. */
  private readonly queue = new JobQueue();
  /** Jobs already given back once: if their next worker dies too, they fail (no crash loops). */
  private readonly givenBack = new WeakSet<Job>();
  /** Jobs whose message could not be sent: each is sent again alone (see onBatchRejected). */
  private readonly sendAlone = new WeakSet<Job>();
  private readonly slots = new Set<Slot>();
  private readonly events = new EventEmitter<{ workerExit: [WorkerExitInfo]; idle: [] }>();
  /** How many messages and jobs each worker gets, from measured job times. */
  private readonly pacing: Pacing;
  private readonly starter: WorkerStarter;
  /** What the engine does as its workers start (see worker-start.ts). */
  private readonly startup: StartupListener = {
    onLastWords: (slot, words) => this.onLastWords(slot, words),
    onReady: (slot) => {
      slot.initialized = true;
      this.startFailures = 0;
      this.pumpSoon.schedule();
    },
    onInitFailed: (cause, message) => this.breakPool(cause, message),
  };
  private readonly pumpSoon = new CoalescedMicrotask(() => this.pump());
  private brokenError: Error | undefined;
  /** Workers in a row that died before finishing start-up (see onStartFailure). */
  private startFailures = 0;
  /** Jobs accepted and not settled yet (a job counts until its hook has returned): see `accepting`. */
  private outstanding = 0;

  constructor(options: WorkerEngineOptions) {
    this.options = options;
    this.size = options.processes;
    this.pacing = new Pacing(options.maxBatch, options.maxtasksperchild);
    this.starter = new WorkerStarter(options); // throws TypeError for an initializer that cannot be sent
  }

  /** Starts every worker now (Pool); otherwise they start on demand (ProcessPoolExecutor, see pump). */
  prestart(): void {
    while (this.slots.size < this.size) this.startWorker();
  }

  get state(): EngineState {
    return this.engineState;
  }

  get accepting(): boolean {
    if (this.brokenError) return false;
    return this.engineState === 'running' || (this.engineState === 'closed' && this.outstanding > 0);
  }

  on(event: 'workerExit', listener: (info: WorkerExitInfo) => void): void {
    this.events.on(event, listener);
  }

  checkFunction(fn: TaskFunction): void {
    requireFunction(fn, 'the task function');
    describeFunction(fn);
  }

  submit(job: Job): void {
    if (this.brokenError) return refuse(job, this.brokenError, 'broken');
    if (!this.accepting) return refuse(job, poolNotRunning(), 'refused');
    this.outstanding++;
    this.queue.push(job);
    // Draining after close(): a worker lost meanwhile is not replaced unless work is queued.
    if (this.engineState === 'closed' && ![...this.slots].some((slot) => !slot.handle.isGone && !slot.retiring)) this.startWorker();
    this.pumpSoon.schedule();
  }

  cancel(job: Job): boolean {
    return this.queue.cancel(job);
  }

  close(): void {
    if (this.engineState !== 'running') return;
    this.engineState = 'closed';
    this.stopIdleWorkersIfDone();
  }

  async join(): Promise<void> {
    while (this.slots.size > 0 || this.queue.size > 0) {
      await new Promise<void>((resolve) => this.events.once('idle', resolve));
    }
  }

  async terminate(reason: unknown): Promise<void> {
    // Re-entrant: a job's fail() (a callback, a listener) may call terminate() again.
    if (this.engineState === 'terminated') return this.join();
    this.engineState = 'terminated';
    this.failEverything(reason, 'terminated');
    await Promise.all([...this.slots].map((slot) => slot.handle.terminate()));
    await this.join();
  }

  // ---- workers -------------------------------------------------------------------------

  private startWorker(): void {
    const slot = this.starter.open(this.startup);
    this.slots.add(slot);
    void slot.handle.exited.then((exit) => this.onWorkerExit(slot, exit));
    this.starter.sendInit(slot, this.startup);
  }

  private onWorkerExit(slot: Slot, exit: WorkerExit): void {
    this.slots.delete(slot);
    const batches = [...slot.inFlight];
    slot.inFlight.clear();
    let report: WorkerExitInfo | undefined;
    if (!exit.expected) {
      const cause = exit.cause ?? slot.deathCause;
      const error = new WorkerLostError(exit.exitCode, exit.signal, cause === undefined ? undefined : { cause });
      const lost = this.failOrGiveBack(batches, slot, error);
      if (!slot.initialized) this.onStartFailure(error);
      else if (this.engineState === 'running' || this.queue.size > 0) this.startWorker();
      report = { workerName: slot.name, exitCode: exit.exitCode, signal: exit.signal, lostJobs: lost };
    }
    this.pumpSoon.schedule();
    this.stopIdleWorkersIfDone();
    if (this.slots.size === 0 && this.queue.size === 0) this.events.emit('idle');
    // Last: a listener that throws must not keep the worker from being replaced.
    if (report) this.events.emit('workerExit', report);
  }

  /**
   * A worker died before it finished starting (killed from outside, out of memory, or its
   * initializer or task module exited the process). Start-up deaths are retried; one that keeps
   * happening would happen forever (CPython's Pool restarts such workers without end, a hang),
   * so after MAX_START_FAILURES in a row the pool is broken, with the last death as the cause.
   */
  private onStartFailure(error: WorkerLostError): void {
    if (++this.startFailures >= MAX_START_FAILURES) {
      this.breakPool(error, `${MAX_START_FAILURES} workers in a row exited while starting (loading task modules or running the initializer), so the pool cannot run tasks; see the cause`);
    } else if (this.engineState === 'running' || this.queue.size > 0) {
      this.startWorker();
    }
  }

  /**
   * Fails the jobs a dead worker ran (or may have run) and puts the ones it never started back
   * at the head of the queue, once. Returns how many failed.
   */
  private failOrGiveBack(batches: readonly Batch[], slot: Slot, error: WorkerLostError): number {
    // Jobs settled from the worker's last words are done; the rest are triaged.
    const { open, progress } = openBatchesOf(slot, batches);
    const { lost, unstarted } = triage(open, progress);
    for (const job of unstarted) {
      if (this.givenBack.has(job) || this.engineState === 'terminated') {
        lost.push(job);
        continue;
      }
      this.givenBack.add(job);
      this.queue.pushFront(job);
    }
    for (const job of lost) this.fail(job, error, 'worker-lost');
    return lost.length;
  }

  private retire(slot: Slot): void {
    slot.retiring = true;
    if (slot.inFlight.size > 0) return; // retired when its last batch returns
    void slot.handle.terminate();
    if (this.engineState === 'running' || this.queue.size > 0) this.startWorker();
  }

  /** After close(): once nothing is queued or running, let the workers go (CPython: sentinel). */
  private stopIdleWorkersIfDone(): void {
    if (this.engineState !== 'closed' || this.queue.size > 0) return;
    for (const slot of this.slots) if (slot.inFlight.size > 0) return;
    for (const slot of this.slots) void slot.handle.terminate();
  }

  private breakPool(cause: unknown, message: string): void {
    if (this.brokenError) return;
    const makeError = this.options.brokenError ?? ((c: unknown, m: string) => brokenPoolError('process', c, m));
    this.brokenError = makeError(cause, message);
    this.failEverything(this.brokenError, 'broken');
    for (const slot of this.slots) void slot.handle.terminate();
  }

  private failEverything(reason: unknown, kind: FailureKind): void {
    for (const job of this.queue.drain()) this.fail(job, reason, kind);
    for (const slot of this.slots) {
      const batches = [...slot.inFlight];
      slot.inFlight.clear();
      for (const batch of batches) for (const job of batch.jobs.slice(batch.settled)) this.fail(job, reason, kind);
    }
  }

  /** Fails an accepted job (rule 5 of engine.ts: a throwing hook is reported, the job is settled). */
  private fail(job: Job, error: unknown, kind: FailureKind): void {
    callHook(() => job.fail(error, kind));
    this.outstanding--;
  }

  // ---- dispatch --------------------------------------------------------------------------

  private pump(): void {
    if (this.queue.size === 0 || this.engineState === 'terminated' || this.brokenError) return;
    // On demand, as CPython's executors: a worker more while queued jobs outnumber idle workers.
    // (Counted only while workers are missing: pump runs for every call.)
    if (this.slots.size < this.size) {
      let busy = 0;
      for (const slot of this.slots) if (slot.inFlight.size > 0) busy++;
      while (this.slots.size < this.size && this.queue.size > this.slots.size - busy) this.startWorker();
    }
    // Breadth first: every idle worker gets a message before any worker gets a second one, and
    // look-ahead messages leave one job for each worker still starting, so a job never waits
    // behind a long (or endless) job while another worker is idle or about to be.
    let starting = 0;
    for (const slot of this.slots) if (!slot.initialized && !slot.handle.isGone) starting++;
    for (let depth = 1; depth <= MAX_IN_FLIGHT; depth++) {
      const keep = depth === 1 ? 0 : starting;
      for (const slot of this.slots) {
        while (this.queue.size > keep && slot.inFlight.size < depth && this.canTakeMore(slot)) this.sendBatch(slot, this.takeBatch(slot));
      }
    }
  }

  private canTakeMore(slot: Slot): boolean {
    // No job before the worker's init reply: otherwise a job that kills a fresh worker (process.exit)
    // can overtake the reply and be mistaken for an initializer failure that breaks the pool.
    if (!slot.initialized) return false;
    if (slot.retiring || slot.handle.isGone || slot.inFlight.size >= this.pacing.inFlightLimit()) return false;
    const limit = this.options.maxtasksperchild;
    return limit === undefined || slot.assigned < limit;
  }

  private takeBatch(slot: Slot): Job[] {
    return this.queue.take(this.pacing.batchSize(this.queue.size, this.slots.size, slot.assigned), this.sendAlone);
  }

  private sendBatch(slot: Slot, jobs: Job[]): void {
    const message = buildBatchMessage(jobs, { threads: this.options.runtime !== 'process', knownFns: slot.knownFns, sendAlone: this.sendAlone });
    for (const { job, error } of message.undescribable) this.fail(job, error, 'unsendable');
    for (const { job, refusal } of message.refused) {
      settleRefused(job, refusal); // nothing of it can be sent: not sent, not counted
      this.outstanding--;
    }
    for (const job of message.giveBack) this.queue.pushFront(job);
    const { fns, requests, sent, unsendable, transferList } = message;
    if (sent.length === 0) return;
    const batch: Batch = { seq: ++slot.lastSeq, jobs: sent, unsendable, fnIds: fns.map(([id]) => id), settled: 0 };
    slot.inFlight.add(batch);
    slot.assigned += sent.length;
    for (const job of sent) if (job.onStart) callHook(() => job.onStart!());
    const budget = sent.length > 1 ? { budgetMs: BATCH_BUDGET_MS } : {}; // see onBatchDone
    slot.handle.run({ type: 'run', seq: batch.seq, fns, jobs: requests, ...budget }, transferList).then(
      (response) => this.onBatchDone(slot, batch, response),
      (error: unknown) => this.onBatchRejected(slot, batch, error),
    );
  }

  private onBatchDone(slot: Slot, batch: Batch, response: WorkerResponse | null): void {
    // tinypool "resolves" the messages of a worker thread that died of `throw null` with null:
    // a death, which the worker's exit settles.
    if (response === null || typeof response !== 'object') return;
    if (!slot.inFlight.delete(batch)) return; // already failed (terminate, crash, broken)
    if (response.type !== 'run') return; // 'broken': its initializer failed, the jobs already failed with the pool
    for (const id of batch.fnIds) slot.knownFns.add(id);
    if (response.retire) slot.retiring = true;
    this.pacing.measure(response.ms, Math.max(1, response.jobs.length));
    if (slot.lastWords?.[0] === batch.seq) slot.lastWords = undefined; // it lived on after all
    const settled = settleAnswers(batch, response.jobs); // hooks may submit: count after them
    this.outstanding -= settled;
    // Over its budget, the worker handed back the jobs it never started: to the head of the queue.
    for (const job of batch.jobs.slice(batch.settled)) {
      this.queue.pushFront(job);
      slot.assigned--;
    }
    this.afterBatch(slot);
  }

  /**
   * A worker is dying mid-message and sent the answers of the jobs it finished: they settle now,
   * instead of dying with the message. For a child process, where it was also tells which jobs
   * never started (threads know that from shared memory).
   */
  private onLastWords(slot: Slot, words: LastWords): void {
    // The error it dies of: a worker thread also reports it with its 'error' event, which can
    // come late; a child process reports it nowhere else.
    if (words.error) slot.deathCause ??= decodeThrown(words.error);
    const batch = [...slot.inFlight].find((b) => b.seq === words.seq);
    if (!batch) return;
    const settled = settleAnswers(batch, words.answers); // hooks may submit: count after them
    this.outstanding -= settled;
    slot.lastWords = [words.seq, words.running];
  }

  /**
   * A rejected message means the worker died (its exit settles the batch) or the message could
   * not be sent at all: tinypool rejects at once when serialising it throws, and then nothing
   * reached the worker. Each job of an unsent message is tried again in a message of its own,
   * so a value that cannot be sent fails only the job that holds it.
   */
  private onBatchRejected(slot: Slot, batch: Batch, error: unknown): void {
    if (!slot.inFlight.has(batch) || slot.handle.diedOf(error)) return;
    slot.inFlight.delete(batch);
    slot.assigned -= batch.jobs.length; // never ran: they do not count toward maxtasksperchild
    if (batch.jobs.length === 1 && this.sendAlone.has(batch.jobs[0]!)) {
      const job = batch.jobs[0]!;
      this.fail(job, new SerializationError(`Cannot send the arguments of ${callName(job)} to a worker: ${errorText(error)}`), 'unsendable');
    } else {
      for (const job of batch.jobs) {
        this.sendAlone.add(job);
        this.queue.pushFront(job);
      }
    }
    this.afterBatch(slot);
  }

  private afterBatch(slot: Slot): void {
    const limit = this.options.maxtasksperchild;
    if (slot.retiring || (limit !== undefined && slot.assigned >= limit)) this.retire(slot);
    this.stopIdleWorkersIfDone();
    this.pumpSoon.schedule();
  }
}
