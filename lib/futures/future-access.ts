/**
 * What executors, `wait()` and `as_completed()` may do to a {@link Future} beyond its public
 * (CPython) methods. `Future` fills this object in from its static block, with access to its
 * `#private` fields; nothing here appears in the published types.
 *
 * @module
 * @internal
 */
import type { Future, FutureState } from './future.js';

/** Outcome of a finished future: its value, or what the call threw (any value, even `undefined`). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Filled in by `Future`'s static block. */
export interface FutureAccess {
  /** Calls `listener` once when the future is done (not if it already is); returns its remover. */
  onDone(future: Future<unknown>, listener: () => void): () => void;
  /** Called by `cancel()` on a pending future; returns false when the call can no longer be withdrawn. */
  setCancelHook(future: Future<unknown>, hook: (() => boolean) | undefined): void;
  /** Its state (CPython's `future._state`). */
  state(future: Future<unknown>): FutureState;
  /** True when the future finished with an error (not cancelled). */
  failed(future: Future<unknown>): boolean;
  /** Places a future in any state (specs). */
  force<T>(future: Future<T>, state: FutureState, settled?: Settled<T>): void;
}

export const futureAccess = {} as FutureAccess;

/** The class name of a value, for a future's repr (`returned number`, `raised TypeError`). */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object' || typeof value === 'function') {
    return (value as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
  }
  return typeof value;
}
