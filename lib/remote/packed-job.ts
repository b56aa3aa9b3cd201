/**
 * The remote default chunk size: consecutive small map-family jobs packed into one remote
 * job. A hop through Redis costs ~1 ms, about ten times a local round trip, so `imap` and
 * `Executor.map` with their default chunksize of 1 (CPython's) would otherwise pay it per
 * item. The front-ends still chunk as they do locally; the remote engine packs the chunks it
 * finds queued when it sends: up to `ceil(queued / (4 × processes))` chunks per remote job (four
 * remote jobs per nominal worker, CPython's rule for map's chunksize), at most
 * {@link MAX_PACK_ITEMS} items. Each chunk still settles on its own, in order; a remote job
 * that fails as a whole fails each chunk it carried.
 *
 * Only one-argument chunks (`items`) of the same function are packed: `apply`, `submit` and
 * `starmap` jobs travel alone, so a slow call never waits behind unrelated ones.
 *
 * @module
 * @internal
 */
import { callHook, type FailureKind, type Job, type Outcome, type TaskFunction } from '../engine/engine.js';
import type { JobQueue } from '../engine/job-queue.js';

/** Most items a packed remote job carries (a single chunk larger than this travels alone). */
export const MAX_PACK_ITEMS = 1000;

/** Several queued chunks sent as one remote job. */
export class PackedJob implements Job {
  readonly fn: TaskFunction;
  readonly items: readonly unknown[];

  constructor(readonly parts: readonly Job[]) {
    this.fn = parts[0]!.fn;
    this.items = parts.flatMap((part) => part.items!);
  }

  get calls(): readonly (readonly unknown[])[] {
    return this.items.map((item) => [item]);
  }

  settle(outcomes: Outcome[]): void {
    let at = 0;
    for (const part of this.parts) {
      const mine = outcomes.slice(at, (at += part.items!.length));
      // Rule 5 of lib/engine/engine.ts: one part's hook that throws must not keep the others unsettled.
      callHook(() => (mine.every((o) => o.ok) && part.settleValues ? part.settleValues(mine.map((o) => (o as { value: unknown }).value)) : part.settle(mine)));
    }
  }

  settleValues(values: ArrayLike<unknown>): void {
    let at = 0;
    for (const part of this.parts) {
      const mine = Array.prototype.slice.call(values, at, (at += part.items!.length));
      callHook(() => (part.settleValues ? part.settleValues(mine) : part.settle(mine.map((value) => ({ ok: true, value })))));
    }
  }

  fail(error: unknown, kind: FailureKind): void {
    for (const part of this.parts) callHook(() => part.fail(error, kind));
  }

  onStart(): void {
    for (const part of this.parts) if (part.onStart) callHook(() => part.onStart!());
  }
}

/**
 * The next job to send: the queue's first job, packed with the chunks of the same function
 * that follow it when they are small (see the module comment). A chunk that does not fit goes
 * back to the front lane (retried jobs of at-least-once delivery may then change places). `workers` is the nominal
 * parallelism (the pool's `processes`).
 */
export function takeJob(queue: JobQueue, workers: number): Job | undefined {
  const first = queue.shift();
  if (!first?.items) return first;
  const most = Math.ceil((queue.size + 1) / (4 * workers));
  const parts: Job[] = [first];
  let items = first.items.length;
  while (parts.length < most && queue.size > 0) {
    const next = queue.shift()!;
    if (!next.items || next.fn !== first.fn || items + next.items.length > MAX_PACK_ITEMS) {
      queue.pushFront(next);
      break;
    }
    parts.push(next);
    items += next.items.length;
  }
  return parts.length === 1 ? first : new PackedJob(parts);
}
