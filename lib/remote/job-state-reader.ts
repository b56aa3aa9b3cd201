/**
 * The reconciler's reads: the state of pending jobs, read from their hashes in Redis (one
 * pipeline per batch), never taken from events alone. BullMQ's event stream is trimmed and
 * misses events while (re)connecting, so events and a periodic timer only say which jobs to
 * read; what a job's hash says decides its result.
 *
 * @module
 * @internal
 */
import type { RemoteConnection } from './connection.js';

/** What a job's hash in Redis says, when it says something final. */
export type JobState =
  /** The job is not in Redis (restarted without persistence, flushed, evicted). */
  | { readonly kind: 'gone' }
  /** Finished with a return value: the worker's answer. */
  | { readonly kind: 'answer'; readonly text: string }
  /** Failed by BullMQ's stall check: its worker stopped renewing the lock. */
  | { readonly kind: 'stalled'; readonly by: string | null }
  /** Failed for another reason. */
  | { readonly kind: 'failed'; readonly reason: string | null }
  /** Started, not finished, and its lock has expired: its worker is gone or frozen. */
  | { readonly kind: 'unlocked'; readonly by: string | null };

/** What the reader needs from its engine. */
export interface ReaderHost {
  /** The open connection, if any. */
  connection(): RemoteConnection | undefined;
  /** `prefix:queue:`, the key prefix of the queue's jobs. */
  readonly keyPrefix: string;
  /** Whether job `id` is pending here with its add confirmed; when pending but not added, remember to read it once added. */
  readable(id: string): boolean;
  /** Redis answered. */
  contacted(): void;
  /** A job's hash says something final. */
  found(id: string, state: JobState): void;
}

/** Fields of a BullMQ job hash the reader reads. */
const FIELDS = ['returnvalue', 'failedReason', 'finishedOn', 'pb', 'processedOn'] as const;
/** Jobs read per pipeline. */
const READ_BATCH = 500;

/** Reads the state of the jobs it is asked to check, coalesced into pipelines. */
export class JobStateReader {
  /** Job ids an event or a timer asked to look at. */
  private readonly toCheck = new Set<string>();
  private scheduled = false;
  private reading = false;

  constructor(private readonly host: ReaderHost) {}

  /** Reads the state of these jobs soon (coalesced into one pipeline). */
  check(ids: Iterable<string>): void {
    for (const id of ids) this.toCheck.add(id);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.read();
    });
  }

  private async read(): Promise<void> {
    const connection = this.host.connection();
    if (!connection || this.reading) {
      if (this.reading && this.toCheck.size > 0) setTimeout(() => this.check([]), 20).unref();
      return;
    }
    this.reading = true;
    try {
      while (this.toCheck.size > 0) {
        const ids = this.takeBatch();
        if (ids.length === 0) break;
        const pipeline = connection.redis.pipeline();
        for (const id of ids) {
          const key = this.host.keyPrefix + id;
          pipeline.hmget(key, ...FIELDS).exists(key).exists(`${key}:lock`);
        }
        const replies = await pipeline.exec();
        this.host.contacted();
        if (!replies) break;
        ids.forEach((id, i) => {
          const fields = replies[3 * i]?.[1] as (string | null)[] | undefined;
          const exists = replies[3 * i + 1]?.[1] === 1;
          const locked = replies[3 * i + 2]?.[1] === 1;
          const state = fields && classify(fields, exists, locked);
          if (state) this.host.found(id, state);
        });
      }
    } catch {
      // Redis unreachable: the next tick tries again; the connection timeout bounds the wait.
    } finally {
      this.reading = false;
    }
  }

  /** Up to READ_BATCH readable ids, taken out of toCheck; ids not readable (yet) are dropped. */
  private takeBatch(): string[] {
    const ids: string[] = [];
    for (const id of this.toCheck) {
      if (ids.length >= READ_BATCH) break;
      this.toCheck.delete(id);
      if (this.host.readable(id)) ids.push(id);
    }
    return ids;
  }
}

/** What a job's fields say, or undefined while it waits or runs with its lock. */
function classify(fields: readonly (string | null)[], exists: boolean, locked: boolean): JobState | undefined {
  const [returnvalue, failedReason, finishedOn, processedBy, processedOn] = fields;
  if (!exists) return { kind: 'gone' };
  if (finishedOn && returnvalue !== null && returnvalue !== undefined) return { kind: 'answer', text: returnvalue };
  if (finishedOn) return /stalled/i.test(failedReason ?? '') ? { kind: 'stalled', by: processedBy ?? null } : { kind: 'failed', reason: failedReason ?? null };
  if (processedOn && !locked) return { kind: 'unlocked', by: processedBy ?? null };
  return undefined;
}
