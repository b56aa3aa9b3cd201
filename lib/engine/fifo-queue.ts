/**
 * A first-in first-out queue with O(1) push and shift.
 *
 * `Array.prototype.shift` is O(n) on large arrays, which made tinypool's default queue
 * quadratic; engines queue thousands of jobs, so they use this ring buffer instead.
 *
 * @module
 * @internal
 */

const INITIAL_CAPACITY = 16;
/** An empty queue whose buffer is larger than this goes back to the initial size. */
const SHRINK_ABOVE = 1024;

/**
 * A growable ring buffer used as a FIFO queue: `push` at the tail, `shift` from the head,
 * both amortised O(1).
 *
 * Python equivalent: `collections.deque` used with `append` / `popleft`.
 *
 * @typeParam T - the type of the queued items.
 * @example
 * ```ts
 * const q = new FifoQueue<number>();
 * q.push(1); q.push(2);
 * q.shift(); // 1
 * q.size;    // 1
 * ```
 */
export class FifoQueue<T> implements Iterable<T> {
  // Capacity is always a power of two so that index wrapping is a bit mask.
  private items: (T | undefined)[] = new Array<T | undefined>(INITIAL_CAPACITY);
  private head = 0;
  private count = 0;

  /** Number of queued items. */
  get size(): number {
    return this.count;
  }

  /**
   * Append an item at the tail.
   *
   * @param item - the item to queue.
   */
  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count++;
  }

  /**
   * Remove and return the item at the head.
   *
   * @returns the oldest item, or `undefined` when the queue is empty.
   */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    // Drop the reference so a shifted job can be garbage-collected.
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    // A burst can grow the buffer a lot; give the memory back once the queue has drained.
    if (this.count === 0 && this.items.length > SHRINK_ABOVE) this.clear();
    return item;
  }

  /**
   * Return the item at the head without removing it.
   *
   * @returns the oldest item, or `undefined` when the queue is empty.
   */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Remove every item. */
  clear(): void {
    this.items = new Array<T | undefined>(INITIAL_CAPACITY);
    this.head = 0;
    this.count = 0;
  }

  /**
   * Remove the first item for which `predicate` returns true. O(n); used only for cancellation.
   *
   * @param predicate - test applied from head to tail.
   * @returns true when an item was removed.
   */
  remove(predicate: (item: T) => boolean): boolean {
    const mask = this.items.length - 1;
    for (let i = 0; i < this.count; i++) {
      if (!predicate(this.items[(this.head + i) & mask] as T)) continue;
      // Close the gap by moving the later items one slot towards the head.
      for (let j = i; j < this.count - 1; j++) {
        this.items[(this.head + j) & mask] = this.items[(this.head + j + 1) & mask];
      }
      this.items[(this.head + this.count - 1) & mask] = undefined;
      this.count--;
      return true;
    }
    return false;
  }

  /** Iterate from head to tail without removing anything. */
  *[Symbol.iterator](): Iterator<T> {
    const mask = this.items.length - 1;
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) & mask] as T;
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.items = next;
    this.head = 0;
  }
}
