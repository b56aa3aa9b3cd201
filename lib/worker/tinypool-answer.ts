/**
 * The worker side of tinypool: how an answer asks tinypool to move buffers instead of copying
 * them. Kept apart from the main-thread adapter (lib/internal/tinypool-worker.ts) so the worker
 * entry loads nothing of the main thread's machinery.
 *
 * @module
 * @internal
 */
import { kTransferable, kValue, markMovable } from 'tinypool';
import type { Movable } from '../transfer.js';

/**
 * Inside a worker thread: wraps an answer so tinypool moves `list` (buffers marked with
 * transfer()) instead of copying them. tinypool flattens the list into its transfer list.
 */
export function movableAnswer<T extends object>(answer: T, list: readonly Movable[]): T {
  if (list.length === 0) return answer;
  // No prototype: the answer crosses an `await`, and a task may have defined Object.prototype.then.
  const wrapper = Object.assign(Object.create(null) as object, { [kTransferable]: [...list], [kValue]: answer });
  markMovable(wrapper);
  return wrapper as unknown as T;
}
