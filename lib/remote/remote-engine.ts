/**
 * The remote engine: runs jobs on `pypool-worker` processes through a BullMQ queue on Redis.
 * It implements the same Engine interface as the local engines (lib/engine/engine.ts), so
 * every front-end works unchanged; this file is the only coupling between the two.
 *
 * - At most `window` jobs of the pool sit in Redis; the rest wait in the local queue, where
 *   `cancel` removes them and `terminate` fails them without a round trip (imap back-pressure).
 * - Results are read from the jobs' own hashes in Redis, never taken from events alone
 *   (job-state-reader.ts): QueueEvents only says "look at job X now" (a completion event
 *   carries the answer, which settles the job at once); the reconciler reads every pending
 *   job's state periodically and after each reconnection, so a lost or trimmed event delays a
 *   result by at most one interval, and a job that vanished (Redis restarted without
 *   persistence) fails with a clear error instead of hanging.
 * - A running job whose lock has expired lost its worker (killed, or its event loop blocked
 *   past the lock): it is removed from Redis and fails with WorkerLostError naming the
 *   worker's host:pid (at-most-once), or is sent again (at-least-once).
 * - Settled jobs are removed from Redis.
 *
 * @module
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { callHook, refuse, type Engine, type EngineState, type Job, type TaskFunction, type WorkerExitInfo } from '../engine/engine.js';
import { CoalescedMicrotask, JobQueue } from '../engine/job-queue.js';
import { poolNotRunning, requireFunction } from '../validate.js';
import { errorText } from '../wire/sendable.js';
import { settleAnswer, workerLostError } from './answer.js';
import { encodePayload } from './codec.js';
import { closeConnection, openConnection, redactUrl, withTimeout, type RemoteConnection } from './connection.js';
import { RemoteJobError } from './errors.js';
import { JobRemover } from './job-remover.js';
import { JobStateReader, type JobState } from './job-state-reader.js';
import { takeJob } from './packed-job.js';
import { NoWorkersWatch, type NoWorkersInfo } from './no-workers-watch.js';
import type { ResolvedRemoteOptions } from './options.js';
import { REMOTE_PROTOCOL, type JobPayload, type RemoteJobData } from './protocol.js';
import { TaskRefs } from './task-ref.js';

export { redactUrl } from './connection.js';
export type { NoWorkersInfo } from './no-workers-watch.js';

/** What the remote engine needs. */
export interface RemoteEngineOptions {
  /** Nominal parallelism, used by the front-ends for default chunk sizes. */
  readonly processes: number;
  readonly modules: readonly string[];
  readonly remote: ResolvedRemoteOptions;
  /** Called when jobs wait and no worker serves the queue (once, until one does again). */
  readonly onNoWorkers?: (info: NoWorkersInfo) => void;
}

/** A job of this pool in Redis. */
interface Pending {
  readonly job: Job;
  /** False until BullMQ confirmed the add. */
  added: boolean;
  /** Asked to be read before the add was confirmed: read once it is. */
  wanted?: boolean;
  /** Attempts made so far (at-least-once delivery sends a lost job again). */
  readonly attempt: number;
}

/** Seconds after which BullMQ may drop a finished job nobody removed (see pump). */
const BACKSTOP_AGE_S = 3600;

/** Runs jobs on remote workers. See the module comment. */
export class RemoteEngine implements Engine {
  readonly size: number;
  private engineState: EngineState = 'running';
  private readonly options: ResolvedRemoteOptions;
  private readonly refs: TaskRefs;
  private readonly queue = new JobQueue();
  private readonly pending = new Map<string, Pending>();
  private readonly attempts = new WeakMap<Job, number>();
  private readonly exitListeners: ((info: WorkerExitInfo) => void)[] = [];
  private readonly noWorkers: NoWorkersWatch | undefined;
  private readonly producerId = randomBytes(6).toString('hex');
  private nextId = 1;
  private readonly pumpSoon = new CoalescedMicrotask(() => this.pump());
  private readonly reader: JobStateReader;
  private readonly remover = new JobRemover(() => this.connection?.bull);
  private connection: RemoteConnection | undefined;
  private readonly ready: Promise<void>;
  private connectError: unknown;
  private timer: NodeJS.Timeout | undefined;
  /** Last time Redis answered (ms); pending results fail after connectionTimeout without an answer. */
  private lastContact = Date.now();
  private shutdown: Promise<void> | undefined;
  /** Set while terminate() removes jobs from Redis: the connection must stay open until then. */
  private removing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: RemoteEngineOptions) {
    this.size = options.processes;
    this.options = options.remote;
    this.noWorkers = options.onNoWorkers && new NoWorkersWatch(this.options.queue, options.onNoWorkers);
    this.refs = new TaskRefs(options.modules);
    this.reader = new JobStateReader({
      connection: () => this.connection,
      keyPrefix: `${this.options.prefix}:${this.options.queue}:`,
      readable: (id) => this.readable(id),
      contacted: () => (this.lastContact = Date.now()),
      found: (id, state) => this.reconcile(id, state),
    });
    this.ready = this.start();
  }

  get state(): EngineState {
    return this.engineState;
  }

  /** Running, or closed while jobs are still unsettled (rule 4 of lib/engine/engine.ts). */
  get accepting(): boolean {
    return this.engineState === 'running' || (this.engineState === 'closed' && this.busy());
  }

  on(_event: 'workerExit', listener: (info: WorkerExitInfo) => void): void {
    this.exitListeners.push(listener);
  }

  checkFunction(fn: TaskFunction): void {
    this.refs.refOf(requireFunction(fn, 'the task function'));
  }

  /** `host:pid` of every worker connected to the queue (BullMQ's worker list). */
  async workers(): Promise<string[]> {
    await this.ready;
    if (!this.connection) throw this.connectError;
    const workers = await this.connection.bull.getWorkers();
    return workers.map((w) => String((w as { rawname?: string; name?: string }).rawname ?? w.name ?? '')).map((name) => name.replace(/^.*?:w:/, ''));
  }

  submit(job: Job): void {
    if (!this.accepting) {
      refuse(job, poolNotRunning(), 'refused');
      return;
    }
    if (this.connectError !== undefined) {
      refuse(job, this.connectError, 'broken');
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
    this.stopIfDone();
  }

  async join(): Promise<void> {
    while (!this.shutdown) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.shutdown;
  }

  async terminate(reason: unknown): Promise<void> {
    if (this.engineState === 'terminated') return this.join();
    this.engineState = 'terminated';
    const ids = [...this.pending.keys()];
    this.removing = true;
    this.failEverything(reason);
    // Best effort, bounded: jobs still waiting in Redis must not run after terminate().
    if (this.connection && ids.length > 0) {
      const bull = this.connection.bull;
      await withTimeout(Promise.allSettled(ids.map((id) => bull.remove(id))), 1000);
    }
    this.removing = false;
    this.stopIfDone();
    await this.join();
  }

  // ---- connection ------------------------------------------------------------------------

  private async start(): Promise<void> {
    try {
      this.connection = await openConnection(
        this.options,
        {
          // A completion event carries the answer: settle from it at once (one round trip less).
          // Other events only say which job to read; the reconciler reads the rest.
          completed: (jobId, returnvalue) => {
            if (!this.pending.has(jobId)) return;
            if (typeof returnvalue === 'object' && returnvalue !== null) this.settle(jobId, (job) => settleAnswer(job, returnvalue), true);
            else this.reader.check([jobId]);
          },
          failed: (jobId) => {
            if (this.pending.has(jobId)) this.reader.check([jobId]);
          },
          // After a reconnection (Redis restarted, network back), events may have been missed.
          reconnected: () => this.reader.check(this.pending.keys()),
        },
        () => this.engineState === 'terminated' && !this.busy(),
      );
      if (!this.connection) return;
      this.timer = setInterval(() => this.tick(), this.options.reconcileMs);
      this.timer.unref();
      this.pumpSoon.schedule();
    } catch (error) {
      this.connectError = error;
      this.failEverything(error);
      this.stopIfDone();
    }
  }

  private busy(): boolean {
    return this.queue.size > 0 || this.pending.size > 0;
  }

  /** Once closed (or terminated) and nothing is left: disconnect, then wake join(). */
  private stopIfDone(): void {
    if (this.engineState === 'running' || this.busy() || this.shutdown || this.removing) return;
    this.shutdown = this.disconnect();
    void this.shutdown.then(() => this.wake());
  }

  private wake(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async disconnect(): Promise<void> {
    await this.ready;
    if (this.timer) clearInterval(this.timer);
    const connection = this.connection;
    if (!connection) return;
    // Bounded: with Redis gone, the removals never answer (BullMQ's age limit drops the jobs).
    await withTimeout(this.remover.flush(), 1000);
    await closeConnection(connection);
  }

  // ---- dispatch --------------------------------------------------------------------------

  private pump(): void {
    const connection = this.connection;
    if (!connection || this.engineState === 'terminated' || !this.mayRefill()) return;
    const adds: { name: string; data: RemoteJobData; opts: { jobId: string; attempts: number; removeOnComplete: { age: number }; removeOnFail: { age: number } } }[] = [];
    while (this.queue.size > 0 && this.pending.size < this.options.window) {
      // Small chunks of map/imap are packed: a hop through Redis costs ~1 ms (packed-job.ts).
      const job = takeJob(this.queue, this.size)!;
      const data = this.encodeJob(job);
      if (!data) continue;
      const id = `${this.producerId}-${this.nextId++}`;
      this.pending.set(id, { job, added: false, attempt: this.attempts.get(job) ?? 1 });
      // The pool removes each job once settled; the age limit is a backstop for jobs nobody
      // reads any more (running when terminate() was called, or their producer died).
      adds.push({ name: data.task.name, data, opts: { jobId: id, attempts: 1, removeOnComplete: { age: BACKSTOP_AGE_S }, removeOnFail: { age: BACKSTOP_AGE_S } } });
      job.onStart?.();
    }
    if (adds.length === 0) {
      // Every job taken failed here (inline function, too large): the pool may be done.
      this.stopWhenIdle();
      return;
    }
    connection.bull.addBulk(adds).then(
      () => {
        this.lastContact = Date.now();
        const early: string[] = [];
        for (const { opts } of adds) {
          const pending = this.pending.get(opts.jobId);
          if (!pending) continue;
          pending.added = true;
          if (pending.wanted) early.push(opts.jobId);
        }
        // An event may have come before the add was confirmed: read those jobs now.
        if (early.length > 0) this.reader.check(early);
      },
      (error: unknown) => {
        for (const { opts } of adds) this.settle(opts.jobId, (job) => job.fail(new RemoteJobError(`Cannot add the job to the Redis queue '${this.options.queue}': ${errorText(error)}`, { cause: error }), 'worker-lost'));
      },
    );
  }

  /**
   * Whether to send now: the window is refilled in steps of a quarter of it, so one `addBulk`
   * (a Redis transaction) carries several jobs; three quarters stay in Redis meanwhile, enough
   * to keep the workers fed (docs/distributed.md, tuning). Remote `map`, 1,000,000 ints at
   * chunksize 1,000: 1.36 against 1.32 M items/s, median of 6 interleaved runs.
   */
  private mayRefill(): boolean {
    return this.pending.size <= this.options.window - Math.max(1, this.options.window >> 2);
  }

  /** The job's data, or undefined after failing the job (inline function, unsendable or too large). */
  private encodeJob(job: Job): RemoteJobData | undefined {
    try {
      const task = this.refs.refOf(job.fn);
      const payload: JobPayload = job.items ? { items: job.items } : { calls: job.calls };
      return { v: REMOTE_PROTOCOL, task, payload: encodePayload(payload, `the arguments of ${task.name}(…)`, this.options.maxPayloadBytes) };
    } catch (error) {
      job.fail(error, 'unsendable');
      return undefined;
    }
  }

  // ---- results ---------------------------------------------------------------------------

  private tick(): void {
    if (this.pending.size === 0) return;
    if (Date.now() - this.lastContact > this.options.connectionTimeoutMs) {
      const error = new RemoteJobError(`Redis at ${redactUrl(this.options.redis)} has not answered for ${Math.round(this.options.connectionTimeoutMs / 1000)} s; the results of the jobs sent to it are unknown`);
      this.lastContact = Date.now();
      for (const id of [...this.pending.keys()]) this.settle(id, (job) => job.fail(error, 'worker-lost'));
      this.pumpSoon.schedule();
      return;
    }
    this.reader.check(this.pending.keys());
    if (this.connection) this.noWorkers?.tick(this.connection.bull, () => this.pending.size);
  }

  /** Whether job `id` can be read in Redis (its add confirmed); a job not added yet is read once it is. */
  private readable(id: string): boolean {
    const pending = this.pending.get(id);
    if (pending && !pending.added) pending.wanted = true;
    return pending?.added === true;
  }

  /** Acts on what a pending job's hash in Redis says. */
  private reconcile(id: string, state: JobState): void {
    switch (state.kind) {
      case 'gone':
        this.settle(id, (job) =>
          job.fail(new RemoteJobError(`Job ${id} is no longer in Redis (Redis restarted without persistence, or its data was flushed or evicted); it may or may not have run`), 'worker-lost'),
        );
        return;
      case 'answer':
        this.settle(id, (job) => settleAnswer(job, state.text), true);
        return;
      case 'stalled':
        this.workerLost(id, state.by, 'stopped renewing the lock of its job (killed, crashed, or its event loop blocked past the lock duration)');
        return;
      case 'failed':
        this.settle(id, (job) => job.fail(new RemoteJobError(`The remote job failed: ${state.reason ?? 'no reason given'}`), 'worker-lost'), true);
        return;
      case 'unlocked':
        this.workerLost(id, state.by, 'lost the lock of its job (killed, crashed, or its event loop blocked past the lock duration)');
        return;
    }
  }

  private workerLost(id: string, processedBy: string | null, what: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    const worker = processedBy ?? 'an unknown worker';
    this.remover.add(id); // removed from Redis soon, best effort (job-remover.ts)
    if (this.options.delivery === 'at-least-once' && pending.attempt <= this.options.retries && this.engineState !== 'terminated') {
      // Sent again under a new id: a late answer of this attempt is ignored.
      this.pending.delete(id);
      this.attempts.set(pending.job, pending.attempt + 1);
      this.queue.pushFront(pending.job);
      this.pumpSoon.schedule();
      return;
    }
    const error = workerLostError(worker, new Error(`remote worker ${worker} ${what}`));
    this.settle(id, (job) => job.fail(error, 'worker-lost'));
    for (const listener of this.exitListeners) {
      try {
        listener({ workerName: worker, exitCode: null, signal: null, lostJobs: 1 });
      } catch (listenerError) {
        void Promise.reject(listenerError);
      }
    }
  }

  /** Settles a pending job once (a listener that throws does not stop the engine). */
  private settle(id: string, how: (job: Job) => void, remove = false): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (remove) this.remover.add(id);
    // Rule 5 of lib/engine/engine.ts: a hook that throws is reported, the job counts as settled.
    callHook(() => how(pending.job));
    this.afterSettle();
  }

  private afterSettle(): void {
    this.pumpSoon.schedule();
    this.stopWhenIdle();
  }

  private stopWhenIdle(): void {
    if (!this.busy()) {
      this.stopIfDone();
      this.wake();
    }
  }

  private failEverything(reason: unknown): void {
    for (const job of this.queue.drain()) job.fail(reason, 'terminated');
    for (const id of [...this.pending.keys()]) this.settle(id, (job) => job.fail(reason, 'terminated'));
  }
}
