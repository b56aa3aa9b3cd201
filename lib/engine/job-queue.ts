/**
 * The waiting jobs of an engine: FIFO, O(1) push, take and cancel, plus a front lane for jobs
 * that must go first (jobs a dead worker never started).
 *
 * @module
 * @internal
 */
import type { Job } from './engine.js';
import { FifoQueue } from './fifo-queue.js';

/** Waiting jobs. A cancelled job leaves `waiting` and is skipped when its turn comes. */
export class JobQueue {
  private readonly back = new FifoQueue<Job>();
  private readonly front = new FifoQueue<Job>();
  private readonly waiting = new Set<Job>();

  /** Jobs waiting (cancelled ones excluded). */
  get size(): number {
    return this.waiting.size;
  }

  /** Queues a job at the end. */
  push(job: Job): void {
    this.back.push(job);
    this.waiting.add(job);
  }

  /** Queues a job before every job pushed with `push`. */
  pushFront(job: Job): void {
    this.front.push(job);
    this.waiting.add(job);
  }

  /** Removes a waiting job. True when it was waiting. */
  cancel(job: Job): boolean {
    return this.waiting.delete(job);
  }

  /** The next waiting job, or undefined. */
  shift(): Job | undefined {
    for (let job = this.front.shift() ?? this.back.shift(); job; job = this.front.shift() ?? this.back.shift()) {
      if (this.waiting.delete(job)) return job;
    }
    return undefined;
  }

  /**
   * Takes up to `size` waiting jobs for one message. A job in `alone` (its message once failed to
   * send) goes in a message of its own, so only its own fault fails it.
   */
  take(size: number, alone: WeakSet<Job>): Job[] {
    const jobs: Job[] = [];
    while (jobs.length < size) {
      const job = this.shift();
      if (!job) break;
      if (alone.has(job) && jobs.length > 0) {
        this.pushFront(job);
        break;
      }
      jobs.push(job);
      if (alone.has(job)) break;
    }
    return jobs;
  }

  /** Takes every waiting job, in order. */
  drain(): Job[] {
    const jobs: Job[] = [];
    for (let job = this.shift(); job; job = this.shift()) jobs.push(job);
    return jobs;
  }
}

/**
 * Runs `task` once on the next microtask however often `schedule()` is called before then: a
 * burst of submissions is dispatched together, and a job cancelled in the same synchronous block
 * is never started.
 */
export class CoalescedMicrotask {
  private scheduled = false;

  constructor(private readonly task: () => void) {}

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.task();
    });
  }
}
