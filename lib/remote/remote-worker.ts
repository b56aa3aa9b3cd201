/**
 * pypool-worker's runtime: a BullMQ Worker whose processor hands each job to a local pypool
 * worker engine (threads or child processes), so CPU-bound tasks never block the event loop
 * that renews BullMQ's job locks. Only exports of the task modules given to it run.
 *
 * @module
 * @internal
 */
import { hostname } from 'node:os';
import type { Job as BullJob, Worker } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import type { Job, Outcome, TaskFunction } from '../engine/engine.js';
import { WorkerEngine } from '../engine/worker-engine.js';
import type { Runtime } from '../engine/worker-engine-options.js';
import { RemoteTraceback, WorkerLostError } from '../errors.js';
import { setWorkerName } from '../process-info.js';
import { encodeThrown } from '../wire/encode-thrown.js';
import { errorText } from '../wire/sendable.js';
import { decodePayload, encodePayload } from './codec.js';
import { connect, loadRemoteLibraries } from './load.js';
import { REMOTE_PROTOCOL, type AnswerPayload, type JobPayload, type Refusal, type RemoteAnswer, type RemoteJobData } from './protocol.js';
import { WorkerTasks } from './worker-tasks.js';

/** Settings of one pypool-worker (its command-line flags). */
export interface RemoteWorkerOptions {
  readonly redis: string;
  readonly queue: string;
  readonly modules: readonly string[];
  /** Local worker threads (or processes); also the number of jobs taken at once. */
  readonly processes: number;
  readonly runtime?: Runtime;
  /** Name of an export of the task modules run once in each local worker. */
  readonly initializer?: string;
  readonly initargs?: readonly unknown[];
  readonly maxtasksperchild?: number;
  /** BullMQ lock duration (ms): a job whose worker stops renewing its lock for this long is lost. */
  readonly lockDuration?: number;
  readonly maxPayloadBytes?: number;
  readonly prefix?: string;
  /** Where log lines go; default console.log. */
  readonly log?: (line: string) => void;
  /** Log every job (default true). */
  readonly logJobs?: boolean;
}

/** A running worker. */
export interface RemoteWorkerHandle {
  /** `host:pid`. */
  readonly name: string;
  /** Stops taking jobs, finishes the ones it holds, then stops the local pool. */
  close(): Promise<void>;
  /** Stops at once: the jobs it holds fail on the producer side when their locks expire. */
  kill(): Promise<void>;
}

/**
 * Starts a remote worker.
 * @throws when bullmq/ioredis are missing or a task module fails to load.
 */
export async function startRemoteWorker(options: RemoteWorkerOptions): Promise<RemoteWorkerHandle> {
  const name = `${hostname()}:${process.pid}`;
  const log = options.log ?? ((line: string) => console.log(line));
  // Task modules guard their main code with current_process().name === 'MainProcess'.
  setWorkerName(`RemoteWorker-${name}`);
  const libs = await loadRemoteLibraries();
  const tasks = await WorkerTasks.load(options.modules);
  const initializer = options.initializer ? tasks.byName(options.initializer) : undefined;
  const engine = new WorkerEngine({
    processes: options.processes,
    initializer,
    initargs: options.initargs ?? [],
    maxtasksperchild: options.maxtasksperchild,
    runtime: options.runtime ?? 'thread',
    modules: options.modules,
    maxBatch: 1,
  });
  engine.on('workerExit', (info) => log(`[pypool-worker ${name}] local worker ${info.workerName} exited (code ${info.exitCode}, signal ${info.signal}); ${info.lostJobs} job(s) failed`));
  const maxPayloadBytes = options.maxPayloadBytes ?? 16 * 1024 * 1024;
  const processor = async (job: BullJob<RemoteJobData>): Promise<RemoteAnswer> => {
    const started = performance.now();
    const answer = await runJob(job.data, tasks, engine, name, maxPayloadBytes);
    if (options.logJobs !== false) {
      const what = answer.refused ? `refused: ${answer.refused.message}` : `done in ${(performance.now() - started).toFixed(2)} ms`;
      log(`[pypool-worker ${name}] job ${job.id} ${String(job.data?.task?.name)}: ${what}`);
    }
    return answer;
  };
  const connection: RedisClient = connect(libs, options.redis);
  connection.on('error', () => {});
  const worker: Worker = new libs.bullmq.Worker(options.queue, processor, {
    connection,
    prefix: options.prefix ?? 'bull',
    concurrency: options.processes,
    name,
    lockDuration: options.lockDuration ?? 10_000,
    stalledInterval: Math.max(500, Math.floor((options.lockDuration ?? 10_000) / 2)),
    // Never twice: a job whose worker died fails (the producer may send it again if asked to).
    maxStalledCount: 0,
  });
  worker.on('error', (error) => log(`[pypool-worker ${name}] ${errorText(error)}`));
  await worker.waitUntilReady();
  log(`[pypool-worker ${name}] serving queue ${options.queue} with ${options.processes} ${options.runtime === 'process' ? 'process' : 'thread'}(s); tasks from ${options.modules.join(', ')}`);
  const say = (line: string): void => log(`[pypool-worker ${name}] ${line}`);
  let stopped = false;
  const finish = (): void => {
    connection.disconnect();
    if (!stopped) say('stopped');
    stopped = true;
  };
  // Separate promises: kill() while close() still waits for its jobs stops at once (a second signal).
  let closing: Promise<void> | undefined;
  let killing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      say('finishing the jobs it holds, then stopping');
      await untilClosedOrRedisGone(worker.close(), connection, say);
      engine.close();
      await engine.join();
      finish();
    })());
  const kill = (): Promise<void> =>
    (killing ??= (async () => {
      say('stopping now');
      // BullMQ's close(true) returns the pending close() after a first signal, which waits for
      // the jobs held: failing them locally first lets it finish (their producers get WorkerLostError).
      const closed = worker.close(true);
      await engine.terminate(new WorkerLostError(null, 'SIGTERM'));
      await untilClosedOrRedisGone(closed, connection, say);
      finish();
    })());
  return { name, close, kill };
}

/** How long Redis may stay unreachable while the worker stops before it gives up on it. */
const REDIS_GONE_MS = 5000;

/**
 * Waits for BullMQ's close, which delivers the answers of the jobs held (so it waits for them to
 * finish) and then closes the connection. With Redis unreachable those writes never complete
 * (ioredis retries forever), and a worker asked to stop would never exit: once Redis has been
 * unreachable for {@link REDIS_GONE_MS}, the worker disconnects and stops; the producer fails
 * the jobs it held when it sees their locks expire.
 */
async function untilClosedOrRedisGone(closing: Promise<void>, connection: RedisClient, log: (line: string) => void): Promise<void> {
  let unreachableSince: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (connection.status === 'ready') unreachableSince = undefined;
      else if ((unreachableSince ??= Date.now()) + REDIS_GONE_MS <= Date.now()) {
        log(`Redis has been unreachable for ${REDIS_GONE_MS / 1000} s: the answers of the jobs this worker holds cannot be delivered; stopping without them`);
        connection.disconnect();
        resolve();
      }
    }, 250);
  });
  try {
    await Promise.race([closing.catch(() => {}), gone]);
  } finally {
    clearInterval(timer);
  }
}

/** Runs one remote job on the local engine; never throws (a failure is an answer too). */
async function runJob(data: RemoteJobData, tasks: WorkerTasks, engine: WorkerEngine, by: string, maxPayloadBytes: number): Promise<RemoteAnswer> {
  const refuse = (refused: Refusal): RemoteAnswer => ({ v: REMOTE_PROTOCOL, by, refused });
  if (data?.v !== REMOTE_PROTOCOL) {
    return refuse({ kind: 'protocol', message: `The job uses pypool remote protocol ${String(data?.v)}, this worker speaks ${REMOTE_PROTOCOL}; run the same pypool version on both sides` });
  }
  const fn = tasks.resolve(data.task);
  if (typeof fn !== 'function') return refuse(fn);
  let payload: JobPayload;
  try {
    payload = decodePayload<JobPayload>(data.payload);
  } catch (error) {
    return refuse({ kind: 'payload', message: `Cannot decode the job's arguments: ${errorText(error)}` });
  }
  const outcome = await runLocally(engine, fn, payload);
  if ('lost' in outcome) {
    const lost = outcome.lost;
    return refuse({ kind: lost instanceof WorkerLostError ? 'worker-lost' : 'broken', message: `The job could not run: ${errorText(lost)}`, cause: encodeThrown(lost) });
  }
  try {
    return { v: REMOTE_PROTOCOL, by, payload: encodePayload(outcome.answer, `the results of ${data.task.name}(…)`, maxPayloadBytes) };
  } catch (error) {
    return refuse({ kind: 'payload', message: errorText(error) });
  }
}

/** Hands the calls to the local engine as one job and waits for its outcomes. */
function runLocally(engine: WorkerEngine, fn: TaskFunction, payload: JobPayload): Promise<{ answer: AnswerPayload } | { lost: unknown }> {
  return new Promise((resolve) => {
    const items = 'items' in payload ? payload.items : undefined;
    let calls: readonly (readonly unknown[])[] | undefined = 'calls' in payload ? payload.calls : undefined;
    const job: Job = {
      fn,
      items,
      get calls() {
        return (calls ??= items!.map((item) => [item]));
      },
      settleValues: (values) => resolve({ answer: { values: values as unknown[] } }),
      settle: (outcomes: Outcome[]) => {
        const values: unknown[] = new Array(outcomes.length);
        const errors: AnswerPayload['errors'] & unknown[] = new Array(outcomes.length);
        outcomes.forEach((o, i) => {
          if (o.ok) values[i] = o.value;
          else errors[i] = encodeThrown(unwrapTraceback(o.error));
        });
        resolve({ answer: { values, errors } });
      },
      fail: (error) => resolve({ lost: error }),
    };
    engine.submit(job);
  });
}

/**
 * The local engine rebuilt the task's error with the local worker's stack as a RemoteTraceback
 * cause; the producer must get the task's own stack, not this process's, so the traceback goes
 * back in place before the error is encoded again.
 */
function unwrapTraceback(error: unknown): unknown {
  if (!(error instanceof Error) || !(error.cause instanceof RemoteTraceback)) return error;
  const traceback = error.cause;
  Object.defineProperty(error, 'stack', { value: traceback.tb, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(error, 'cause', { value: traceback.cause, writable: true, configurable: true, enumerable: false });
  return error;
}
