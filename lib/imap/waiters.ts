/**
 * Pending `next()` calls of an imap, in call order, each with its optional timeout.
 *
 * @module
 * @internal
 */
import { FifoQueue } from '../engine/fifo-queue.js';
import { TimeoutError } from '../errors.js';

/** One pending `next()` call. */
interface Waiter {
  resolve(result: IteratorResult<unknown, undefined>): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The queue of pending `next()` calls. */
export class Waiters {
  readonly #queue = new FifoQueue<Waiter>();

  get size(): number {
    return this.#queue.size;
  }

  /**
   * A pending call. After `ms` (if given) it rejects with TimeoutError and leaves the queue:
   * the value it would have received goes to the next call.
   */
  add(ms: number | undefined, timeout: number | null | undefined): Promise<IteratorResult<unknown, undefined>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      this.#queue.push(waiter);
      if (ms === undefined) return;
      waiter.timer = setTimeout(() => {
        this.#queue.remove((w) => w === waiter);
        reject(new TimeoutError(`The next imap result was not ready within ${timeout} s`));
      }, ms);
    });
  }

  /** Settles the oldest pending call with a step: a result, or (`failed`) an error. */
  settleFirst(step: IteratorResult<unknown, undefined> | undefined, error?: unknown): void {
    const waiter = this.#queue.shift()!;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (step) waiter.resolve(step);
    else waiter.reject(error);
  }
}
