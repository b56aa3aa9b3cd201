/**
 * `transfer()`: move a buffer to or from a worker instead of copying it.
 *
 * @module
 */
import type { MessagePort } from 'node:worker_threads';

const BRAND = Symbol.for('pypool.transfer');

/**
 * What can be moved between threads with {@link transfer}: a buffer, a view on one (its buffer
 * moves) or a MessagePort.
 *
 * Python equivalent: none (pickle always copies); the closest is a `multiprocessing.shared_memory` block.
 * @example
 * ```ts
 * const moved: Transferable = new Uint8Array(1024);
 * await pool.apply((b: Uint8Array) => b.length, [transfer(moved)]);
 * ```
 */
export type Transferable = ArrayBuffer | ArrayBufferView | MessagePort;

/** @internal What actually moves: an ArrayBuffer (a view moves its buffer) or a port. */
export type Movable = ArrayBuffer | MessagePort;

/** The marker `transfer()` returns: the value and what to move with it. */
interface TransferMarker {
  readonly [BRAND]: true;
  readonly value: Transferable;
}

/**
 * Marks a buffer to be moved, not copied, when it is a task's argument or result (a top-level
 * argument, or the whole result). Moving costs nothing whatever the size; the sender's buffer is
 * then detached (length 0). A typed array or Buffer moves its whole underlying ArrayBuffer. With
 * `runtime: 'process'` nothing can be moved between processes: the buffer is copied as usual.
 *
 * Inline task functions can reach it with `const { transfer } = await import('pypool')`.
 *
 * Python equivalent: none (pickling always copies); the closest is `multiprocessing.shared_memory`.
 *
 * @param value - an ArrayBuffer, typed array, Buffer or MessagePort.
 * @returns the same value, typed as it is (the marker is removed before anyone sees it).
 * @throws TypeError when the value cannot be moved.
 * @example
 * ```ts
 * const data = new Float64Array(1_000_000);
 * const sum = await pool.apply((a: Float64Array) => a.reduce((s, x) => s + x, 0), [transfer(data)]);
 * data.length; // 0: the buffer now belongs to the worker
 * ```
 */
export function transfer<T extends Transferable>(value: T): T {
  if (!(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value) && !isMessagePort(value)) {
    throw new TypeError('transfer() takes an ArrayBuffer, a typed array, a Buffer or a MessagePort');
  }
  const marker: TransferMarker = { [BRAND]: true, value };
  return marker as unknown as T;
}

/** @internal The value behind a transfer() marker, and what must be moved; or the value as is. */
export function unwrapTransfer(value: unknown): { value: unknown; move?: Movable } {
  if (!isTransferMarker(value)) return { value };
  const inner = (value as TransferMarker).value;
  return { value: inner, move: ArrayBuffer.isView(inner) ? (inner.buffer as ArrayBuffer) : inner };
}

/** @internal True for what transfer() returns. Cheap for primitives, which are most values. */
export function isTransferMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Partial<TransferMarker>)[BRAND] === true;
}

function isMessagePort(value: unknown): value is MessagePort {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'MessagePort';
}
