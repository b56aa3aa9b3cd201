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
import { BrokenProcessPool, PoolStateError, SerializationError, WorkerLostError } from '../errors.js';
import { WorkerHandle, type WorkerExit } from '../internal/tinypool-worker.js';
import { decodeThrown } from '../remote-error.js';
import { describeFunction, toModuleUrl, type RegisteredFunction } from '../task-function.js';
import type { FunctionSpec, JobRequest, WorkerResponse } from '../worker/protocol.js';
import { triage } from './crash-triage.js';
import type { Engine, EngineState, Job, TaskFunction, WorkerExitInfo } from './engine.js';
import type { Movable } from '../transfer.js';
import { toOutcomes, toOutgoingJob } from './job-message.js';
import { CoalescedMicrotask, JobQueue } from './job-queue.js';
import type { WorkerEngineOptions } from './worker-engine-options.js';

/**
 * Messages in flight per worker: one running, one waiting so the worker never idles between
 * short jobs. Long jobs (see LONG_JOB_MS) go one at a time, so at the end of a run no job waits
 * behind a long one on a busy worker while another worker is idle; the gap between two long
 * jobs (one round trip, ~0.1 ms) is then negligible.
 */
const MAX_IN_FLIGHT = 2;
/** Jobs measured longer than this (ms of worker time) go one message at a time per worker. */
const LONG_JOB_MS = 20;
/** A batch of short jobs should take about this long, so message costs are amortised. */
const TARGET_BATCH_MS = 2;
const DEFAULT_MAX_BATCH = 256;
/** How long a rejected message waits for its worker's exit before it is called a send failure. */
const EXIT_GRACE_MS = 1000;

/** Jobs sent together in one message to one worker. */
interface Batch {
  /** Sequence number of the message on its worker, from 1. */
  readonly seq: number;
  readonly jobs: readonly Job[];
  /** Per job: calls whose arguments could not be sent, with the error each gets. */
  readonly unsendable: readonly (Map<number, SerializationError> | undefined)[];
  readonly fnIds: readonly number[];
}

/** The engine's view of one worker. */
interface Slot {
  readonly handle: WorkerHandle;
  readonly name: string;
  readonly inFlight: Set<Batch>;
  /** Function ids this worker has confirmed it knows. */
  readonly knownFns: Set<number>;
  /** Jobs sent to this worker over its life (maxtasksperchild counts these). */
  assigned: number;
  retiring: boolean;
  /** Set when the worker's initializer finished; a worker that dies before that breaks the pool. */
  initialized: boolean;
  /** Sequence number of the last message sent. */
  lastSeq: number;
  /** Threads only: where the worker is, [batch seq, job index] (see crash-triage.ts). */
  readonly progress: Int32Array | undefined;
}

/** Runs jobs on worker threads or child processes. See the module comment. */
export class WorkerEngine implements Engine {
  readonly size: number;
  private engineState: EngineState = 'running';
  private readonly options: WorkerEngineOptions;
  private readonly moduleUrls: readonly string[];
  private readonly initializerSpec: FunctionSpec | null;
  /** Waiting jobs; jobs a dead worker never started go back to its front. */
  private readonly queue = new JobQueue();
  /** Jobs already given back once: if their next worker dies too, they fail (no crash loops). */
  private readonly givenBack = new WeakSet<Job>();
  private readonly slots = new Set<Slot>();
  private readonly events = new EventEmitter<{ workerExit: [WorkerExitInfo]; idle: [] }>();
  private readonly maxBatch: number;
  private nextWorkerNumber = 1;
  private readonly pumpSoon = new CoalescedMicrotask(() => this.pump());
  private brokenError: Error | undefined;
  /** Mean time a worker spends on one job, from recent batches (ms). Undefined until measured. */
  private msPerJob: number | undefined;

  constructor(options: WorkerEngineOptions) {
    this.options = options;
    this.size = options.processes;
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.moduleUrls = (options.modules ?? []).map(toModuleUrl);
    // Throws TypeError now for an initializer that cannot be sent (bound or native function).
    this.initializerSpec = options.initializer ? describeFunction(options.initializer).spec : null;
    for (let i = 0; i < this.size; i++) this.startWorker();
  }

  get state(): EngineState {
    return this.engineState;
  }

  on(event: 'workerExit', listener: (info: WorkerExitInfo) => void): void {
    this.events.on(event, listener);
  }

  checkFunction(fn: TaskFunction): void {
    if (typeof fn !== 'function') throw new TypeError(`the task function must be a function, got ${typeof fn}`);
    describeFunction(fn);
  }

  submit(job: Job): void {
    if (this.brokenError) {
      job.fail(this.brokenError);
      return;
    }
    // After close() the front-ends refuse work; imap may still feed a pool that has workers left.
    if (this.engineState === 'terminated' || (this.engineState === 'closed' && ![...this.slots].some((slot) => !slot.handle.isGone))) {
      job.fail(new PoolStateError('Pool not running'));
      return;
    }
    this.queue.push(job);
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
    this.engineState = 'terminated';
    this.failEverything(reason);
    await Promise.all([...this.slots].map((slot) => slot.handle.terminate()));
    await this.join();
  }

  // ---- workers -------------------------------------------------------------------------

  private startWorker(): void {
    const runtime = this.options.runtime ?? 'thread';
    const handle = new WorkerHandle({
      runtime,
      maxInFlight: MAX_IN_FLIGHT + 1, // + the init message
      resourceLimits: this.options.resourceLimits,
    });
    const slot: Slot = {
      handle,
      name: `${this.options.workerNamePrefix ?? 'PoolWorker'}-${this.nextWorkerNumber++}`,
      inFlight: new Set(),
      knownFns: new Set(),
      assigned: 0,
      retiring: false,
      initialized: false,
      lastSeq: 0,
      progress: runtime === 'thread' ? new Int32Array(new SharedArrayBuffer(8)) : undefined,
    };
    this.slots.add(slot);
    void handle.exited.then((exit) => this.onWorkerExit(slot, exit));
    this.sendInit(slot);
  }

  private sendInit(slot: Slot): void {
    const { initargs = [] } = this.options;
    const progress = slot.progress ? { progress: slot.progress } : {};
    slot.handle
      .run({ type: 'init', name: slot.name, modules: this.moduleUrls, initializer: this.initializerSpec, initargs, ...progress })
      .then((response) => {
        if (response.type === 'init' && response.error) {
          this.breakPool(decodeThrown(response.error));
        } else {
          slot.initialized = true;
          this.pumpSoon.schedule();
        }
      })
      // A worker that dies during init is reported through its exit.
      .catch(() => undefined);
  }

  private onWorkerExit(slot: Slot, exit: WorkerExit): void {
    this.slots.delete(slot);
    const batches = [...slot.inFlight];
    slot.inFlight.clear();
    if (!exit.expected) {
      const error = new WorkerLostError(exit.exitCode, exit.signal, exit.cause === undefined ? undefined : { cause: exit.cause });
      const lost = this.failOrGiveBack(batches, slot, error);
      this.events.emit('workerExit', { workerName: slot.name, exitCode: exit.exitCode, signal: exit.signal, lostJobs: lost });
      // A worker that dies while initializing would die again: CPython's Pool restarts it
      // forever (a hang); we break the pool instead.
      if (!slot.initialized) this.breakPool(error);
      else if (this.engineState === 'running' || this.queue.size > 0) this.startWorker();
    }
    this.pumpSoon.schedule();
    this.stopIdleWorkersIfDone();
    if (this.slots.size === 0 && this.queue.size === 0) this.events.emit('idle');
  }

  /**
   * Fails the jobs a dead worker ran (or may have run) and puts the ones it never started back
   * at the head of the queue, once. Returns how many failed.
   */
  private failOrGiveBack(batches: readonly Batch[], slot: Slot, error: WorkerLostError): number {
    const progress = slot.progress ? ([slot.progress[0]!, slot.progress[1]!] as const) : undefined;
    const { lost, unstarted } = triage(batches, progress);
    for (const job of unstarted) {
      if (this.givenBack.has(job) || this.engineState === 'terminated') {
        lost.push(job);
        continue;
      }
      this.givenBack.add(job);
      this.queue.pushFront(job);
    }
    for (const job of lost) job.fail(error);
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

  private breakPool(cause: unknown): void {
    if (this.brokenError) return;
    const makeError = this.options.brokenError ??
      ((c: unknown) => new BrokenProcessPool('A worker initializer failed, so the pool cannot run tasks; see the cause', { cause: c }));
    this.brokenError = makeError(cause);
    this.failEverything(this.brokenError);
    for (const slot of this.slots) void slot.handle.terminate();
  }

  private failEverything(reason: unknown): void {
    for (const job of this.queue.drain()) job.fail(reason);
    for (const slot of this.slots) {
      for (const batch of slot.inFlight) for (const job of batch.jobs) job.fail(reason);
      slot.inFlight.clear();
    }
  }

  // ---- dispatch --------------------------------------------------------------------------

  private pump(): void {
    if (this.queue.size === 0 || this.engineState === 'terminated' || this.brokenError) return;
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
    if (slot.retiring || slot.handle.isGone || slot.inFlight.size >= this.inFlightLimit()) return false;
    const limit = this.options.maxtasksperchild;
    return limit === undefined || slot.assigned < limit;
  }

  private inFlightLimit(): number {
    return this.msPerJob !== undefined && this.msPerJob > LONG_JOB_MS ? 1 : MAX_IN_FLIGHT;
  }

  /** How many queued jobs to send in one message: more when jobs are short, fair when long. */
  private batchSize(slot: Slot): number {
    if (this.msPerJob === undefined || this.maxBatch === 1) return 1;
    const byTime = Math.floor(TARGET_BATCH_MS / Math.max(this.msPerJob, 1e-3));
    const fairShare = Math.ceil(this.queue.size / (this.slots.size * MAX_IN_FLIGHT));
    let size = Math.max(1, Math.min(byTime, fairShare, this.maxBatch));
    const limit = this.options.maxtasksperchild;
    if (limit !== undefined) size = Math.min(size, limit - slot.assigned);
    return size;
  }

  private takeBatch(slot: Slot): Job[] {
    const size = this.batchSize(slot);
    const jobs: Job[] = [];
    while (jobs.length < size) {
      const job = this.queue.shift();
      if (!job) break;
      jobs.push(job);
    }
    return jobs;
  }

  private sendBatch(slot: Slot, jobs: Job[]): void {
    const fns: (readonly [number, FunctionSpec])[] = [];
    const requests: JobRequest[] = [];
    const sent: Job[] = [];
    const unsendable: (Map<number, SerializationError> | undefined)[] = [];
    const transferList: Movable[] = [];
    for (const job of jobs) {
      let registered: RegisteredFunction;
      try {
        registered = describeFunction(job.fn);
      } catch (error) {
        job.fail(error);
        continue;
      }
      if (!slot.knownFns.has(registered.id) && !fns.some(([id]) => id === registered.id)) fns.push([registered.id, registered.spec]);
      const outgoing = toOutgoingJob(registered.id, job, this.options.runtime !== 'process');
      requests.push(outgoing.request);
      unsendable.push(outgoing.unsendable);
      transferList.push(...outgoing.transferList);
      sent.push(job);
    }
    if (sent.length === 0) return;
    const batch: Batch = { seq: ++slot.lastSeq, jobs: sent, unsendable, fnIds: fns.map(([id]) => id) };
    slot.inFlight.add(batch);
    slot.assigned += sent.length;
    for (const job of sent) job.onStart?.();
    slot.handle.run({ type: 'run', seq: batch.seq, fns, jobs: requests }, transferList).then(
      (response) => this.onBatchDone(slot, batch, response),
      (error: unknown) => this.onBatchRejected(slot, batch, error),
    );
  }

  private onBatchDone(slot: Slot, batch: Batch, response: WorkerResponse): void {
    if (!slot.inFlight.delete(batch)) return; // already failed (terminate, crash, broken)
    if (response.type !== 'run' || response.jobs.length !== batch.jobs.length) return; // broken pool: already failed
    for (const id of batch.fnIds) slot.knownFns.add(id);
    this.measure(response.ms, batch.jobs.length);
    batch.jobs.forEach((job, i) => {
      // One job's throwing listener must not keep the rest of the batch from settling.
      try {
        const answer = response.jobs[i]!;
        if (job.settleValues && !answer.errors && !batch.unsendable[i]) job.settleValues(answer.values);
        else job.settle(toOutcomes(answer, batch.unsendable[i]));
      } catch (error) {
        job.fail(error);
      }
    });
    this.afterBatch(slot);
  }

  /**
   * A rejected message means the worker is dying (its exit fails the batch) or, rarely, the
   * message could not be sent at all. Only if the worker is still alive after a grace period is
   * it a send failure: then the batch's jobs fail with SerializationError and were never run.
   */
  private onBatchRejected(slot: Slot, batch: Batch, error: unknown): void {
    const timer = setTimeout(() => {
      if (!slot.inFlight.delete(batch)) return;
      const failure = new SerializationError(`The task could not be sent to a worker: ${error instanceof Error ? error.message : String(error)}`);
      for (const job of batch.jobs) job.fail(failure);
      this.afterBatch(slot);
    }, EXIT_GRACE_MS);
    void slot.handle.exited.then(() => clearTimeout(timer));
  }

  private afterBatch(slot: Slot): void {
    const limit = this.options.maxtasksperchild;
    if (slot.retiring || (limit !== undefined && slot.assigned >= limit)) this.retire(slot);
    this.stopIdleWorkersIfDone();
    this.pumpSoon.schedule();
  }

  private measure(elapsedMs: number, jobCount: number): void {
    const sample = elapsedMs / jobCount;
    this.msPerJob = this.msPerJob === undefined ? sample : this.msPerJob * 0.7 + sample * 0.3;
  }
}
