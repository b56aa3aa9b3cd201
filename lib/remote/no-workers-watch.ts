/**
 * The `noWorkers` report: with jobs waiting in Redis and no worker connected to the queue,
 * results would wait silently; the pool says so once (until a worker serves the queue again).
 *
 * @module
 * @internal
 */
import type { Queue } from 'bullmq';

/**
 * Reported with the `noWorkers` event: jobs are waiting in Redis and no worker is connected.
 *
 * Python equivalent: none (a `multiprocessing` pool always has its own workers).
 * @example
 * ```ts
 * pool.on('noWorkers', (info: NoWorkersInfo) => console.warn('no pypool-worker is connected', info));
 * ```
 */
export interface NoWorkersInfo {
  /** The queue nobody serves. */
  readonly queue: string;
  /** Jobs of this pool waiting in Redis. */
  readonly pending: number;
}

/** How often (at most) Redis is asked whether any worker serves the queue. */
const WORKER_CHECK_MS = 2000;

/** Asks BullMQ's worker list, at most every WORKER_CHECK_MS, and reports a queue nobody serves. */
export class NoWorkersWatch {
  private lastCheck = 0;
  private reported = false;

  constructor(
    private readonly queueName: string,
    private readonly report: (info: NoWorkersInfo) => void,
  ) {}

  /** Called by the reconciler's timer with the pool's jobs in Redis. */
  tick(queue: Queue, pending: () => number): void {
    if (Date.now() - this.lastCheck < WORKER_CHECK_MS) return;
    this.lastCheck = Date.now();
    void this.check(queue, pending);
  }

  private async check(queue: Queue, pending: () => number): Promise<void> {
    try {
      const count = await queue.getWorkersCount();
      if (count > 0) this.reported = false;
      else if (!this.reported && pending() > 0) {
        this.reported = true;
        this.report({ queue: this.queueName, pending: pending() });
      }
    } catch {
      // Unreachable Redis is reported by the connection timeout.
    }
  }
}
