/**
 * Removes settled jobs from Redis (completed jobs otherwise stay and fill it), in batches a few
 * milliseconds later instead of one by one at once: BullMQ's removal is a Lua script on the
 * connection that also adds the next jobs, so removing at once put it in front of the next
 * `apply` (measured: ~10 % of a sequential round trip). Nothing reads a settled job again.
 *
 * @module
 * @internal
 */
import type { Queue } from 'bullmq';

/** Removals are sent this long after the first one of a batch... */
const DELAY_MS = 20;
/** ...or as soon as this many wait. */
const MAX_BATCH = 200;

/** Settled job ids waiting to be removed from Redis. */
export class JobRemover {
  private ids: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** @param queue - the BullMQ queue, once connected. */
  constructor(private readonly queue: () => Queue | undefined) {}

  /** Removes job `id` soon, best effort (a locked job is removed by its worker's completion). */
  add(id: string): void {
    this.ids.push(id);
    if (this.ids.length >= MAX_BATCH) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), DELAY_MS);
      this.timer.unref();
    }
  }

  /** Sends the waiting removals now; resolves when Redis answered them (or failed to). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ids = this.ids;
    this.ids = [];
    const queue = this.queue();
    if (!queue || ids.length === 0) return;
    await Promise.allSettled(ids.map((id) => queue.remove(id)));
  }
}
