/**
 * `PoolWatch`: what a pool must reach when it closes or terminates, beyond the jobs its engine
 * holds. A job leaves the engine when it settles, but its result may still be waiting for an
 * async callback, and an imap iterator may be waiting for its async input with no job in the
 * engine at all. Neither would ever hear of `terminate()` otherwise, and would hang.
 *
 * @module
 * @internal
 */
import { PoolStateError } from './errors.js';

/** A result whose `callback` / `error_callback` is still running. */
export interface CallbackInFlight {
  /** The pool was terminated while the callback ran: settle now with `reason`. */
  abandonCallback(reason: unknown): void;
}

/** An imap iterator still reading an async input. */
export interface InputReader {
  /** The pool was closed: end the iteration if nothing it reads could run anymore. */
  poolClosed(): void;
  /** The pool was terminated: stop reading and end the iteration. */
  poolTerminated(): void;
}

/** One per pool. */
export class PoolWatch {
  readonly #callbacks = new Set<CallbackInFlight>();
  readonly #readers = new Set<InputReader>();
  #drainWaiters: (() => void)[] = [];
  /** Set once the pool was terminated: a callback that starts later is abandoned at once. */
  #terminatedWith: { reason: unknown } | undefined;

  /** A result starts waiting for an async callback. */
  callbackStarted(result: CallbackInFlight): void {
    if (this.#terminatedWith) result.abandonCallback(this.#terminatedWith.reason);
    else this.#callbacks.add(result);
  }

  /** That callback finished (or the result was abandoned). */
  callbackEnded(result: CallbackInFlight): void {
    if (!this.#callbacks.delete(result) || this.#callbacks.size > 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once no callback is running: `join()` waits for it, as CPython's joins its result handler. */
  async callbacksDone(): Promise<void> {
    // A callback that fails starts the error_callback: check again after each wake-up.
    while (this.#callbacks.size > 0) await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
  }

  /** An iterator starts reading an async input. */
  readerStarted(reader: InputReader): void {
    this.#readers.add(reader);
  }

  /** It has stopped reading (input ended, iteration over). */
  readerEnded(reader: InputReader): void {
    this.#readers.delete(reader);
  }

  /** `close()` ran. */
  closed(): void {
    for (const reader of [...this.#readers]) reader.poolClosed();
  }

  /**
   * `terminate()` stopped the engine: every reader ends, and every callback still running is
   * abandoned: its result settles with PoolStateError (its callback may still finish later).
   */
  terminated(): void {
    this.#terminatedWith ??= { reason: new PoolStateError('The pool was terminated while the callback of this result was still running') };
    const { reason } = this.#terminatedWith;
    for (const reader of [...this.#readers]) reader.poolTerminated();
    for (const result of [...this.#callbacks]) result.abandonCallback(reason);
  }
}
