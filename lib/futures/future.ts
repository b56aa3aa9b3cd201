/**
 * `Future`: the result of one call submitted to an executor, with CPython's state machine.
 *
 * @module
 */
import { isThenable } from '../validate.js';
import { inspect } from 'node:util';
import { CancelledError, InvalidStateError, TimeoutError } from '../errors.js';
import { timeoutToMs } from '../timeout.js';
import { futureAccess, typeName, type Settled } from './future-access.js';

/**
 * The states of a {@link Future}, as in CPython's `concurrent.futures._base`.
 * `CANCELLED_AND_NOTIFIED` is a cancelled future whose executor has acknowledged the cancel.
 *
 * Python equivalent: `future._state`.
 * @example
 * ```ts
 * console.log(String(future)); // <Future at 0x1 state=running>
 * ```
 */
export type FutureState = 'PENDING' | 'RUNNING' | 'CANCELLED' | 'CANCELLED_AND_NOTIFIED' | 'FINISHED';

/**
 * A callback given to {@link Future.add_done_callback}; it may be async. Declared as a method
 * type so that a `Future<number>` is also a `Future<unknown>` (parameters of methods are bivariant).
 *
 * Python equivalent: the `fn` of `Future.add_done_callback(fn)`.
 * @example
 * ```ts
 * const report: DoneCallback<number> = (f) => console.log('done:', f.cancelled() ? 'cancelled' : 'finished');
 * future.add_done_callback(report);
 * ```
 */
export type DoneCallback<T> = {
  /** Receives the finished (or cancelled) future. */
  callback(future: Future<T>): unknown;
}['callback'];


let nextFutureId = 1;

/**
 * The eventual result of a call submitted to an executor. It is `PromiseLike`: `await future`
 * is `await future.result()`. A future nobody awaits never causes an unhandled rejection:
 * rejected promises are only created by `result()`, `exception()` and `then()`.
 *
 * Python equivalent: `concurrent.futures.Future`. Blocking methods (`result`, `exception`)
 * return Promises; timeouts are in seconds.
 *
 * @typeParam T - the type of the call's result.
 * @example
 * ```ts
 * const ex = new ThreadPoolExecutor(2);
 * const future = ex.submit((a: number, b: number) => a + b, 1, 2);
 * future.add_done_callback((f) => console.log('done', f.done()));
 * console.log(await future.result(5)); // 3
 * await ex.shutdown();
 * ```
 */
export class Future<T = unknown> implements PromiseLike<T> {
  readonly #id = nextFutureId++;
  #state: FutureState = 'PENDING';
  #settled: Settled<T> | undefined;
  readonly #callbacks: DoneCallback<T>[] = [];
  /** Internal wake-ups (result() waiters, wait(), as_completed()), run before user callbacks. */
  readonly #listeners = new Set<() => void>();
  #cancelHook: (() => boolean) | undefined;

  /**
   * Creates a pending future. Executors create futures; user code rarely needs to, except
   * to implement an executor or in tests.
   *
   * Python equivalent: `Future()`.
   */
  constructor() {}

  /**
   * Attempts to cancel the call. A future that is running or finished cannot be cancelled.
   *
   * Python equivalent: `Future.cancel()`.
   *
   * @returns false when the call is running or finished, true otherwise (also when it was
   *   already cancelled).
   * @example
   * ```ts
   * const f = ex.submit(slowTask);
   * if (f.cancel()) console.log('it will never run');
   * ```
   */
  cancel(): boolean {
    if (this.#state === 'RUNNING' || this.#state === 'FINISHED') return false;
    if (this.#state === 'CANCELLED' || this.#state === 'CANCELLED_AND_NOTIFIED') return true;
    // The executor's hook removes the call from its queue; false means a worker already has it.
    if (this.#cancelHook && !this.#cancelHook()) return false;
    this.#cancelHook = undefined;
    this.#state = 'CANCELLED';
    // Waking waiters here (not only in set_running_or_notify_cancel) avoids CPython's
    // gh-109934 hang of wait()/as_completed() on futures cancelled by shutdown(cancel_futures).
    this.#notify();
    return true;
  }

  /**
   * Whether the call was cancelled.
   *
   * Python equivalent: `Future.cancelled()`.
   *
   * @returns true when the future is cancelled.
   * @example
   * ```ts
   * f.cancel(); f.cancelled(); // true if it had not started
   * ```
   */
  cancelled(): boolean {
    return this.#state === 'CANCELLED' || this.#state === 'CANCELLED_AND_NOTIFIED';
  }

  /**
   * Whether the call is running now and cannot be cancelled.
   *
   * Python equivalent: `Future.running()`.
   *
   * @returns true while the call runs.
   * @example
   * ```ts
   * if (f.running()) console.log('too late to cancel');
   * ```
   */
  running(): boolean {
    return this.#state === 'RUNNING';
  }

  /**
   * Whether the call finished (with a value or an error) or was cancelled.
   *
   * Python equivalent: `Future.done()`.
   *
   * @returns true once the future will not change any more.
   * @example
   * ```ts
   * if (f.done()) console.log(await f.result());
   * ```
   */
  done(): boolean {
    return this.#state !== 'PENDING' && this.#state !== 'RUNNING';
  }

  /**
   * Waits for the call's result.
   *
   * Python equivalent: `Future.result(timeout=None)`.
   *
   * @param timeout - seconds to wait; `undefined`/`null` waits forever, 0 does not wait.
   * @returns a promise of the call's value.
   * @throws {@link TimeoutError} (as a rejection) when the timeout passes first; the future
   *   stays usable. {@link CancelledError} when the future was cancelled. Whatever the call
   *   threw, the same value each time.
   * @example
   * ```ts
   * const value = await ex.submit(() => 42).result(1); // 42
   * ```
   */
  async result(timeout?: number | null): Promise<T> {
    const ms = timeoutToMs(timeout, 'timeout');
    await this.#waitDone(ms);
    const settled = this.#outcome();
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  /**
   * Waits for the call and returns what it threw, or `null` when it returned normally.
   *
   * Python equivalent: `Future.exception(timeout=None)` (`None` becomes `null`).
   *
   * @param timeout - seconds to wait; `undefined`/`null` waits forever, 0 does not wait.
   * @returns a promise of the thrown value, or `null`.
   * @throws {@link TimeoutError} (as a rejection) when the timeout passes first;
   *   {@link CancelledError} when the future was cancelled.
   * @example
   * ```ts
   * const err = await ex.submit(() => { throw new Error('x') }).exception(); // Error: x
   * ```
   */
  async exception(timeout?: number | null): Promise<unknown> {
    const ms = timeoutToMs(timeout, 'timeout');
    await this.#waitDone(ms);
    if (this.cancelled()) throw new CancelledError();
    const settled = this.#outcome();
    return settled.ok ? null : settled.error;
  }

  /**
   * Calls `fn(future)` when the future finishes or is cancelled; at once if it already has.
   * Callbacks run in the order they were added. A callback that throws (or returns a promise
   * that rejects) is reported on stderr and does not stop the others.
   *
   * Python equivalent: `Future.add_done_callback(fn)`.
   *
   * @param fn - called with this future.
   * @throws TypeError when `fn` is not a function.
   * @example
   * ```ts
   * ex.submit(download, url).add_done_callback(async (f) => console.log(await f.result()));
   * ```
   */
  add_done_callback(fn: DoneCallback<T>): void {
    if (typeof fn !== 'function') throw new TypeError('add_done_callback() needs a function');
    if (this.done()) this.#runCallback(fn);
    else this.#callbacks.push(fn);
  }

  /**
   * Marks the future as running, or acknowledges its cancellation. For executors and tests.
   *
   * Python equivalent: `Future.set_running_or_notify_cancel()`.
   *
   * @returns false when the future was cancelled (the call must not run), true when it is now running.
   * @throws {@link InvalidStateError} when the future is already running or finished
   *   (CPython raises `RuntimeError`).
   * @example
   * ```ts
   * const f = new Future<number>();
   * if (f.set_running_or_notify_cancel()) f.set_result(compute());
   * ```
   */
  set_running_or_notify_cancel(): boolean {
    if (this.#state === 'CANCELLED') {
      this.#state = 'CANCELLED_AND_NOTIFIED';
      return false;
    }
    if (this.#state === 'PENDING') {
      this.#state = 'RUNNING';
      return true;
    }
    throw new InvalidStateError(`Future in unexpected state: ${this.#state}`);
  }

  /**
   * Finishes the future with a value. For executors and tests.
   *
   * Python equivalent: `Future.set_result(result)`.
   *
   * @param result - the call's value.
   * @throws {@link InvalidStateError} when the future is already finished or cancelled.
   * @example
   * ```ts
   * const f = new Future<number>(); f.set_result(42); await f; // 42
   * ```
   */
  set_result(result: T): void {
    this.#finish({ ok: true, value: result });
  }

  /**
   * Finishes the future with an error. For executors and tests.
   *
   * Python equivalent: `Future.set_exception(exception)`.
   *
   * @param exception - what the call threw (any value).
   * @throws {@link InvalidStateError} when the future is already finished or cancelled.
   * @example
   * ```ts
   * const f = new Future(); f.set_exception(new Error('boom')); await f.exception(); // Error: boom
   * ```
   */
  set_exception(exception: unknown): void {
    this.#finish({ ok: false, error: exception });
  }

  /**
   * `await future` waits for `result()`.
   *
   * @param onfulfilled - called with the result.
   * @param onrejected - called with the error (or a CancelledError).
   * @returns a promise, as `Promise.prototype.then`.
   * @example
   * ```ts
   * const value = await ex.submit(() => 1);
   * ```
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onfulfilled, onrejected);
  }

  /** camelCase alias of {@link Future.add_done_callback}. */
  addDoneCallback(fn: DoneCallback<T>): void {
    this.add_done_callback(fn);
  }

  /** camelCase alias of {@link Future.set_running_or_notify_cancel}. */
  setRunningOrNotifyCancel(): boolean {
    return this.set_running_or_notify_cancel();
  }

  /** camelCase alias of {@link Future.set_result}. */
  setResult(result: T): void {
    this.set_result(result);
  }

  /** camelCase alias of {@link Future.set_exception}. */
  setException(exception: unknown): void {
    this.set_exception(exception);
  }

  /**
   * CPython's repr, e.g. `<Future #3 state=finished returned number>`.
   *
   * @returns a one-line description of the state.
   */
  toString(): string {
    const description = this.#state === 'CANCELLED_AND_NOTIFIED' ? 'cancelled' : this.#state.toLowerCase();
    let tail = '';
    if (this.#settled) {
      tail = this.#settled.ok ? ` returned ${typeName(this.#settled.value)}` : ` raised ${typeName(this.#settled.error)}`;
    }
    return `<Future #${this.#id} state=${description}${tail}>`;
  }

  /** @internal Shows the repr in console.log and the REPL. */
  [inspect.custom](): string {
    return this.toString();
  }

  // The executors, wait() and as_completed() reach the rest through future-access.ts, so
  // none of it is part of the published type.
  static {
    futureAccess.onDone = (future, listener) => {
      future.#listeners.add(listener);
      return () => future.#listeners.delete(listener);
    };
    futureAccess.setCancelHook = (future, hook) => {
      future.#cancelHook = hook;
    };
    futureAccess.state = (future) => future.#state;
    futureAccess.failed = (future) => future.#state === 'FINISHED' && future.#settled?.ok === false;
    futureAccess.force = (future, state, settled) => {
      future.#state = state;
      future.#settled = settled;
    };
  }

  #finish(settled: Settled<T>): void {
    if (this.done()) throw new InvalidStateError(`${this.#state}: ${this.toString()}`);
    this.#cancelHook = undefined;
    this.#settled = settled;
    this.#state = 'FINISHED';
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
    this.#listeners.clear();
    for (const fn of this.#callbacks.splice(0)) this.#runCallback(fn);
  }

  #runCallback(fn: DoneCallback<T>): void {
    try {
      const returned = fn(this);
      if (isThenable(returned)) returned.then(undefined, (error: unknown) => this.#reportCallbackError(error));
    } catch (error) {
      this.#reportCallbackError(error);
    }
  }

  /** CPython logs `exception calling callback for <Future ...>` and carries on. */
  #reportCallbackError(error: unknown): void {
    console.error(`exception calling callback for ${this.toString()}`, error);
  }

  #outcome(): Settled<T> {
    if (this.cancelled()) return { ok: false, error: new CancelledError() };
    return this.#settled as Settled<T>;
  }

  /** Resolves when done; rejects with TimeoutError after `ms` (undefined = never). */
  #waitDone(ms: number | undefined): Promise<void> {
    if (this.done()) return Promise.resolve();
    if (ms === 0) return Promise.reject(new TimeoutError());
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const remove = futureAccess.onDone(this, () => {
        if (timer) clearTimeout(timer);
        resolve();
      });
      if (ms !== undefined) {
        timer = setTimeout(() => {
          remove();
          reject(new TimeoutError());
        }, ms);
      }
    });
  }
}

