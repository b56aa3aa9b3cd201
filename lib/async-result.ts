/**
 * `AsyncResult`: the handle of a job submitted with `apply_async` (and the base of `MapResult`).
 *
 * @module
 */
import { InvalidStateError, TimeoutError } from './errors.js';
import type { CallbackInFlight, PoolWatch } from './pool-watch.js';
import { resultAccess } from './result-access.js';
import { settledWithin, timeoutToMs } from './timeout.js';

/**
 * Callbacks accepted by `apply_async`, `map_async` and `starmap_async`. They run on the main
 * thread, before `get()` settles; a callback that throws becomes the job's error. They are
 * called without a receiver: pass `(v) => list.push(v)`, not `list.push` (a TypeError).
 *
 * Python equivalent: the `callback=` and `error_callback=` keyword arguments.
 *
 * @example
 * ```ts
 * // Python: pool.apply_async(f, (1,), callback=print, error_callback=log_error)
 * pool.apply_async(f, [1], { callback: console.log, error_callback: (e) => console.error(e) });
 * ```
 */
export interface ResultCallbacks<T> {
  /**
   * Called with the value when the job succeeds, before `get()` resolves. An async callback (any
   * returned thenable) is awaited first; a callback that throws or rejects makes its error the
   * job's error. One that never finishes holds the result until `terminate()`, which fails it
   * with PoolStateError.
   */
  callback?: ((value: T) => unknown) | null | undefined;
  /** Called with the error when the job fails, before `get()` rejects (awaited if async). */
  error_callback?: ((error: unknown) => unknown) | null | undefined;
}

/**
 * The result of a job that may not have finished yet.
 *
 * Python equivalent: `multiprocessing.pool.AsyncResult`. Timeouts are in seconds. Unlike a bare
 * Promise, a result nobody awaits never causes an unhandled rejection, and `get()` may be called
 * any number of times (a failed result rejects with the same error object every time).
 * It is PromiseLike: `await result` is `await result.get()`.
 *
 * @typeParam T - the value the job produces.
 * @example
 * ```ts
 * const result = pool.apply_async((x: number) => x * x, [7]);
 * await result.wait(1);        // Python: result.wait(1)
 * console.log(result.ready()); // true
 * console.log(await result.get()); // 49
 * ```
 */
export class AsyncResult<T> implements PromiseLike<T> {
  /**
   * Made only when somebody waits (get, wait, then), and every such caller attaches handlers at
   * once: a result nobody awaits costs no promise and can never be an unhandled rejection.
   */
  #promise: Promise<T> | undefined;
  // Method-style signatures keep AsyncResult covariant in T, so an AsyncResult<number> is an
  // AsyncResult<unknown> (function-typed properties would make it invariant).
  #resolvers: { resolve(value: T): void; reject(error: unknown): void } | undefined;
  #outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  // Read once at submission, and later called without a receiver (see runCallback). Method
  // signatures keep AsyncResult covariant in T, as above.
  readonly #callbacks: { onValue?(value: T): unknown; onError?(error: unknown): unknown };
  /** Where an async callback registers, so that `terminate()` can settle a result stuck in it. */
  readonly #watch: PoolWatch | undefined;
  /** True while a callback runs (sync or async): the result settles when it finishes, not before. */
  #settling = false;

  /** @internal Front-ends create results; users receive them. */
  constructor(callbacks: ResultCallbacks<T> = {}, watch?: PoolWatch) {
    this.#callbacks = { onValue: callbacks.callback ?? undefined, onError: callbacks.error_callback ?? undefined };
    this.#watch = watch;
  }

  get #settled(): Promise<T> {
    if (!this.#promise) {
      const outcome = this.#outcome;
      if (!outcome) this.#promise = new Promise<T>((resolve, reject) => (this.#resolvers = { resolve, reject }));
      else this.#promise = outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error);
    }
    return this.#promise;
  }

  /**
   * Waits for the value.
   *
   * Python equivalent: `AsyncResult.get(timeout=None)`.
   * @param timeout - seconds to wait; omit (or `null`) to wait as long as it takes.
   * @returns the job's value.
   * @throws TimeoutError when the timeout passes first (the result stays usable).
   * @throws the job's own error when it failed (the same object each time).
   * @example
   * ```ts
   * const value = await pool.apply_async(f, [1]).get(5);
   * ```
   */
  async get(timeout?: number | null): Promise<T> {
    const ms = timeoutToMs(timeout);
    if (ms !== undefined && !this.#outcome && !(await settledWithin(this.#settled, ms))) {
      throw new TimeoutError(`The result was not ready within ${timeout} s`);
    }
    return this.#settled;
  }

  /**
   * Waits until the result is ready or the timeout passes. Never rejects.
   *
   * Python equivalent: `AsyncResult.wait(timeout=None)`.
   * @param timeout - seconds to wait; omit to wait as long as it takes.
   * @example
   * ```ts
   * await result.wait(0.5);
   * if (!result.ready()) console.log('still working');
   * ```
   */
  async wait(timeout?: number | null): Promise<void> {
    await settledWithin(this.#settled, timeoutToMs(timeout));
  }

  /**
   * Whether the job has finished (successfully or not).
   *
   * Python equivalent: `AsyncResult.ready()`.
   * @example
   * ```ts
   * if (result.ready()) console.log(await result.get());
   * ```
   */
  ready(): boolean {
    return this.#outcome !== undefined;
  }

  /**
   * Whether the job finished without error.
   *
   * Python equivalent: `AsyncResult.successful()`.
   * @throws InvalidStateError when the result is not ready (CPython raises ValueError).
   * @example
   * ```ts
   * await result.wait();
   * console.log(result.successful());
   * ```
   */
  successful(): boolean {
    if (!this.#outcome) throw new InvalidStateError('The result is not ready; call successful() after wait() or ready()');
    return this.#outcome.ok;
  }

  /**
   * Makes the result awaitable: `await result` equals `await result.get()`.
   *
   * Python equivalent: none (Python blocks in `get()`).
   * @example
   * ```ts
   * const value = await pool.apply_async((x: number) => x + 1, [1]); // 2
   * ```
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#settled.then(onfulfilled, onrejected);
  }

  static {
    resultAccess.resolve = (result, value) => result.#resolve(value);
    resultAccess.reject = (result, error) => result.#reject(error);
  }

  /** Settles the result once: runs the callback first, as CPython does. */
  #resolve(value: T): void {
    if (this.#outcome || this.#settling) return;
    const callback = this.#callbacks.onValue;
    if (!callback) {
      this.#finish({ ok: true, value });
      return;
    }
    // A throwing callback becomes this job's error (and goes to error_callback) and harms nothing else.
    this.#runCallback(callback, value, () => this.#finish({ ok: true, value }), (callbackError) => this.#reject(callbackError));
  }

  /** Fails the result once: runs the error callback first, as CPython does. */
  #reject(error: unknown): void {
    if (this.#outcome || this.#settling) return;
    const callback = this.#callbacks.onError;
    const fail = (finalError: unknown): void => this.#finish({ ok: false, error: finalError });
    if (!callback) {
      fail(error);
      return;
    }
    this.#runCallback(callback, error, () => fail(error), fail);
  }

  /**
   * Runs a callback, then `done()`, or `failed(its error)` if it throws. An async callback (any
   * thenable it returns) is awaited first, so "the callback has run before get() returns" holds
   * for it too; its rejection is handled like a throw.
   */
  #runCallback<A>(callback: (arg: A) => unknown, arg: A, done: () => void, failed: (error: unknown) => void): void {
    // While the callback runs, the result ignores any other attempt to settle it (a callback
    // that calls pool.terminate() makes the engine fail the other jobs, maybe this one).
    this.#settling = true;
    let returned: unknown;
    let then: unknown;
    try {
      // Called without a receiver, so `{ callback: list.push }` fails loudly (TypeError)
      // instead of pushing onto the options object.
      returned = callback(arg);
      // Read `then` once, as promise resolution does: a getter that throws is the callback's error.
      then = typeof returned === 'object' || typeof returned === 'function' ? (returned as { then?: unknown } | null)?.then : undefined;
    } catch (callbackError) {
      this.#settling = false;
      failed(callbackError);
      return;
    }
    if (typeof then !== 'function') {
      this.#settling = false;
      done();
      return;
    }
    this.#awaitThenable(returned as object, then as Thenable['then'], done, failed);
  }

  /**
   * Waits for a thenable that a callback returned. Whichever comes first wins: its fulfilment,
   * its rejection, a synchronous throw from its `then`, or `terminate()` abandoning it; anything
   * later (a thenable that answers twice, or throws after answering) is ignored. A thenable that
   * never answers holds the result only until `terminate()`.
   */
  #awaitThenable(thenable: object, then: Thenable['then'], done: () => void, failed: (error: unknown) => void): void {
    let answered = false;
    const watcher: CallbackInFlight = {
      abandonCallback: (reason) => answer(() => this.#finish({ ok: false, error: reason })),
    };
    const answer = (next: () => void): void => {
      if (answered) return;
      answered = true;
      this.#settling = false;
      this.#watch?.callbackEnded(watcher);
      next();
    };
    this.#watch?.callbackStarted(watcher); // abandons it at once if the pool is already terminated
    if (answered) return;
    try {
      then.call(thenable, () => answer(done), (callbackError: unknown) => answer(() => failed(callbackError)));
    } catch (thenError) {
      answer(() => failed(thenError));
    }
  }

  #finish(outcome: { ok: true; value: T } | { ok: false; error: unknown }): void {
    if (this.#outcome) return;
    this.#outcome = outcome;
    if (outcome.ok) this.#resolvers?.resolve(outcome.value);
    else this.#resolvers?.reject(outcome.error);
    this.#resolvers = undefined;
  }
}

/** What a callback may return to be awaited: a promise or any object with a `then` method. */
interface Thenable {
  then(onfulfilled: (value: unknown) => void, onrejected: (reason: unknown) => void): unknown;
}
