/**
 * The worker engine's view of one worker (`Slot`) and of one message (`Batch`), and its pacing:
 * how many messages each worker holds and how many jobs go in one message, from measured job
 * times.
 *
 * @module
 * @internal
 */
import type { SerializationError } from '../errors.js';
import type { WorkerHandle } from '../internal/tinypool-worker.js';
import type { SentBatch, WorkerProgress } from './crash-triage.js';
import type { Job } from './engine.js';

/**
 * Messages in flight per worker: one running, one waiting so the worker never idles between
 * short jobs. Long jobs (see LONG_JOB_MS) go one at a time, so at the end of a run no job waits
 * behind a long one on a busy worker while another worker is idle; the gap between two long
 * jobs (one round trip, ~0.1 ms) is then negligible.
 */
export const MAX_IN_FLIGHT = 2;
/** Jobs measured longer than this (ms of worker time) go one message at a time per worker. */
const LONG_JOB_MS = 20;
/** A batch of short jobs should take about this long, so message costs are amortised. */
const TARGET_BATCH_MS = 2;
const DEFAULT_MAX_BATCH = 256;
/**
 * Jobs measured shorter than this (ms) cost less than the message that carries them (a
 * postMessage that wakes a sleeping worker costs 20-50 µs of the main thread here): spreading
 * them over the workers buys no parallelism, only messages and wake-ups, so one worker takes
 * the queued ones together. The estimate comes from earlier jobs and may not hold for the next
 * ones: the batch carries a time budget ({@link BATCH_BUDGET_MS}) and the worker hands back the
 * unstarted rest when it overruns it, so a wrong estimate ties at most one job to one worker; and
 * only a few queued jobs (up to 2 × workers × MAX_IN_FLIGHT, an imap step) are taken together.
 */
const SHORT_JOB_MS = 0.05;
/** A batch sized from estimated job times hands back its unstarted jobs after this long (ms). */
export const BATCH_BUDGET_MS = 4 * TARGET_BATCH_MS;
/** Jobs sent together in one message to one worker. */
export interface Batch {
  /** Sequence number of the message on its worker, from 1. */
  readonly seq: number;
  readonly jobs: readonly Job[];
  /** Per job: calls whose arguments could not be sent, with the error each gets. */
  readonly unsendable: readonly (Map<number, SerializationError> | undefined)[];
  readonly fnIds: readonly number[];
  /** Jobs 0..settled-1 are settled already (from the worker's last words). */
  settled: number;
}

/** The engine's view of one worker. */
export interface Slot {
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
  /** Where a dying worker said it was, [batch seq, job index] (see lib/worker/last-words.ts). */
  lastWords: readonly [number, number] | undefined;
  /** The uncaught error the worker said it dies of (see onLastWords). */
  deathCause: unknown;
}

/** A new worker's slot: nothing sent, nothing known; threads get their shared progress cell. */
export function createSlot(handle: WorkerHandle, name: string, threads: boolean): Slot {
  return {
    handle,
    name,
    inFlight: new Set(),
    knownFns: new Set(),
    assigned: 0,
    retiring: false,
    initialized: false,
    lastSeq: 0,
    progress: threads ? new Int32Array(new SharedArrayBuffer(8)) : undefined,
    lastWords: undefined,
    deathCause: undefined,
  };
}

/**
 * Where a dead worker was, relative to the jobs still open in its batches (see crash-triage.ts):
 * its shared progress cell (threads), else its last words; jobs settled from the last words are
 * not open any more, so the job index counts from the first open one.
 */
export function openBatchesOf(slot: Slot, batches: readonly Batch[]): { open: SentBatch[]; progress: WorkerProgress } {
  const open = batches.map((batch) => ({ seq: batch.seq, jobs: batch.jobs.slice(batch.settled), settled: batch.settled }));
  const where = slot.progress ? ([slot.progress[0]!, slot.progress[1]!] as const) : slot.lastWords;
  const at = where && open.find((batch) => batch.seq === where[0]);
  return { open, progress: where && ([where[0], where[1] - (at?.settled ?? 0)] as const) };
}

/** Decides messages in flight and batch sizes from the measured time per job. */
export class Pacing {
  private readonly maxBatch: number;
  /** Mean time a worker spends on one job, from recent batches (ms). Undefined until measured. */
  private msPerJob: number | undefined;

  constructor(
    maxBatch: number | undefined,
    private readonly maxtasksperchild: number | undefined,
  ) {
    this.maxBatch = maxBatch ?? DEFAULT_MAX_BATCH;
  }

  /** Messages a worker may hold: one at a time once jobs are long. */
  inFlightLimit(): number {
    return this.msPerJob !== undefined && this.msPerJob > LONG_JOB_MS ? 1 : MAX_IN_FLIGHT;
  }

  /** How many queued jobs to send in one message: more when jobs are short, fair when long. */
  batchSize(queued: number, workers: number, assigned: number): number {
    if (this.msPerJob === undefined || this.maxBatch === 1) return 1;
    const byTime = Math.floor(TARGET_BATCH_MS / Math.max(this.msPerJob, 1e-3));
    const fairShare = Math.ceil(queued / (workers * MAX_IN_FLIGHT));
    // Only a few: should the estimate be wrong, a larger burst still starts on every worker at once.
    const share = this.msPerJob < SHORT_JOB_MS && queued <= workers * MAX_IN_FLIGHT * 2 ? queued : fairShare;
    let size = Math.max(1, Math.min(byTime, share, this.maxBatch));
    const limit = this.maxtasksperchild;
    if (limit !== undefined) size = Math.min(size, limit - assigned);
    return size;
  }

  /** Records how long a message of `jobCount` jobs took in its worker. */
  measure(elapsedMs: number, jobCount: number): void {
    const sample = elapsedMs / jobCount;
    this.msPerJob = this.msPerJob === undefined ? sample : this.msPerJob * 0.7 + sample * 0.3;
  }
}
