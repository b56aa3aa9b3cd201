/**
 * How executors settle futures: the call sink of `submit`, and `createFuture` for specs.
 *
 * @module
 * @internal
 */
import type { FailureKind } from '../engine/engine.js';
import type { CallSink } from '../jobs/call-job.js';
import { futureAccess, type Settled } from './future-access.js';
import { Future, type FutureState } from './future.js';

/** Calls `listener` once when `future` is done (not if it already is); returns its remover. */
export function onFutureDone(future: Future<unknown>, listener: () => void): () => void {
  return futureAccess.onDone(future, listener);
}

/** Sets what `future.cancel()` asks first: false means the call can no longer be withdrawn. */
export function setCancelHook(future: Future<unknown>, hook: (() => boolean) | undefined): void {
  futureAccess.setCancelHook(future, hook);
}

/** The state of `future` (CPython's `future._state`). */
export function futureState(future: Future<unknown>): FutureState {
  return futureAccess.state(future);
}

/** True when `future` finished with an error (not cancelled). */
export function futureFailed(future: Future<unknown>): boolean {
  return futureAccess.failed(future);
}

/** Delivers a call job to its future (ignored once the future is done: cancelled meanwhile). */
export class FutureCallSink implements CallSink {
  readonly #future: Future<unknown>;

  constructor(future: Future<unknown>) {
    this.#future = future;
  }

  started(): void {
    if (futureState(this.#future) === 'PENDING') this.#future.set_running_or_notify_cancel();
  }

  resolved(value: unknown): void {
    if (!this.#future.done()) this.#future.set_result(value);
  }

  rejected(error: unknown, _kind?: FailureKind): void {
    if (!this.#future.done()) this.#future.set_exception(error);
  }
}

/**
 * Creates a future in any state without an executor, for specs (CPython's test helper
 * `create_future`).
 *
 * @param state - the state to place the future in.
 * @param outcome - the result or exception of a FINISHED future.
 * @returns the future.
 * @example
 * ```ts
 * const failed = createFuture('FINISHED', { exception: new Error('x') });
 * ```
 */
export function createFuture<T = unknown>(
  state: FutureState = 'PENDING',
  outcome: { result?: T; exception?: unknown } = {},
): Future<T> {
  const future = new Future<T>();
  if (state === 'FINISHED') {
    const settled: Settled<T> =
      'exception' in outcome ? { ok: false, error: outcome.exception } : { ok: true, value: outcome.result as T };
    futureAccess.force(future, state, settled);
  } else {
    futureAccess.force(future, state);
  }
  return future;
}
