/**
 * Error classes of pypool. Every class extends {@link PoolError} and carries a stable `code`,
 * so callers can branch on `err.code` (or `instanceof`) the way Python code catches classes.
 *
 * @module
 */

/**
 * Base class of every error pypool itself raises.
 *
 * Python equivalent: `multiprocessing.ProcessError` / `concurrent.futures` base errors.
 *
 * @example
 * ```ts
 * try { await pool.apply(f) } catch (e) { if (e instanceof PoolError) console.log(e.code) }
 * ```
 */
export class PoolError extends Error {
  /**
   * Stable machine-readable code, e.g. `'ERR_POOL_TIMEOUT'`; see the Errors guide for the list.
   * Python equivalent: the exception class itself.
   */
  readonly code: string;

  constructor(message: string, code = 'ERR_POOL', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The class name, e.g. `'TimeoutError'` (Python: `type(e).__name__`). */
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * A result was not ready before the timeout (in seconds) ran out. The result stays usable:
 * call `get()` again to keep waiting.
 *
 * Python equivalent: `multiprocessing.TimeoutError`, `concurrent.futures.TimeoutError`.
 *
 * @example
 * ```ts
 * try { await result.get(0.5) } catch (e) { if (e instanceof TimeoutError) console.log('still running') }
 * ```
 */
export class TimeoutError extends PoolError {
  constructor(message = 'Timed out waiting for the result') {
    super(message, 'ERR_POOL_TIMEOUT');
  }
}

/**
 * The future was cancelled before it ran.
 *
 * Python equivalent: `concurrent.futures.CancelledError`.
 *
 * @example
 * ```ts
 * future.cancel(); await future.result().catch(e => e instanceof CancelledError) // true
 * ```
 */
export class CancelledError extends PoolError {
  constructor(message = 'The future was cancelled') {
    super(message, 'ERR_POOL_CANCELLED');
  }
}

/**
 * An operation was attempted on a result or future in the wrong state, such as
 * `successful()` on a result that is not ready.
 *
 * Python equivalent: `concurrent.futures.InvalidStateError`, and the `ValueError` of
 * `AsyncResult.successful()`.
 *
 * @example
 * ```ts
 * try { result.successful() } catch (e) { if (e instanceof InvalidStateError) console.log('not ready') }
 * ```
 */
export class InvalidStateError extends PoolError {
  constructor(message: string) {
    super(message, 'ERR_POOL_INVALID_STATE');
  }
}

/**
 * The pool is not in a state that allows the call: work submitted after `close()` or
 * `terminate()`, `join()` on a running pool, or a task that was still unfinished when the
 * pool was terminated.
 *
 * Python equivalent: `ValueError("Pool not running")` and friends; `RuntimeError` of an
 * executor after `shutdown()`.
 *
 * @example
 * ```ts
 * pool.close();
 * try { pool.apply_async(f) } catch (e) { if (e instanceof PoolStateError) console.log(e.message) }
 * ```
 */
export class PoolStateError extends PoolError {
  constructor(message: string) {
    super(message, 'ERR_POOL_STATE');
  }
}

/**
 * The executor or pool can no longer run tasks, for example because an initializer threw.
 * `cause` holds the error that broke it.
 *
 * Python equivalent: `concurrent.futures.BrokenExecutor`.
 *
 * @example
 * ```ts
 * try { await pool.apply(f) } catch (e) { if (e instanceof BrokenExecutor) console.log(e.cause) }
 * ```
 */
export class BrokenExecutor extends PoolError {
  constructor(message: string, options?: { cause?: unknown }, code = 'ERR_POOL_BROKEN') {
    super(message, code, options);
  }
}

/**
 * A worker pool is broken: an initializer threw, so no task can run. `cause` is the
 * initializer's error.
 *
 * Python equivalent: `concurrent.futures.process.BrokenProcessPool`.
 *
 * @example
 * ```ts
 * const pool = new Pool(2, () => { throw new Error('no db') });
 * await pool.apply(Math.abs, [1]).catch(e => console.log(e instanceof BrokenProcessPool, e.cause.message));
 * ```
 */
export class BrokenProcessPool extends BrokenExecutor {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'ERR_POOL_BROKEN_PROCESS_POOL');
  }
}

/**
 * A thread pool is broken: an initializer threw, so no task can run.
 *
 * Python equivalent: `concurrent.futures.thread.BrokenThreadPool`.
 *
 * @example
 * ```ts
 * const ex = new ThreadPoolExecutor(2, { initializer: () => { throw new Error('x') } });
 * await ex.submit(() => 1).result().catch(e => console.log(e instanceof BrokenThreadPool));
 * ```
 */
export class BrokenThreadPool extends BrokenExecutor {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'ERR_POOL_BROKEN_THREAD_POOL');
  }
}

/**
 * A task's result (or a value it threw) could not be sent back from the worker, for example
 * because it contains a function. Only that task fails.
 *
 * Python equivalent: `multiprocessing.pool.MaybeEncodingError`.
 *
 * @example
 * ```ts
 * await pool.apply(() => ({ f() {} })).catch(e => console.log(e instanceof MaybeEncodingError));
 * ```
 */
export class MaybeEncodingError extends PoolError {
  constructor(message: string) {
    super(message, 'ERR_POOL_ENCODING');
  }
}

/**
 * An argument of a task could not be sent to a worker (a function, symbol, class instance
 * with methods, ...). Only that task fails; the message names the argument and the path
 * inside it.
 *
 * Python equivalent: the `PicklingError` raised when arguments cannot be pickled.
 *
 * @example
 * ```ts
 * await pool.apply(x => x, [() => 1]).catch(e => console.log(e instanceof SerializationError));
 * ```
 */
export class SerializationError extends PoolError {
  constructor(message: string) {
    super(message, 'ERR_POOL_SERIALIZATION');
  }
}

/**
 * The worker running the task died before the task finished (it called `process.exit()`,
 * threw from a timer, ran out of memory, or was killed). Only the tasks it held fail; the
 * pool replaces the worker and carries on.
 *
 * Python equivalent: none in `multiprocessing.Pool` (it hangs forever); the closest is
 * `BrokenProcessPool` from `ProcessPoolExecutor`, which breaks the whole pool.
 *
 * @example
 * ```ts
 * await pool.apply(() => process.exit(3)).catch(e => console.log(e instanceof WorkerLostError, e.exitCode)); // true 3
 * ```
 */
export class WorkerLostError extends PoolError {
  /** The worker's exit code (`null` when it was killed by a signal). */
  readonly exitCode: number | null;
  /** The signal that killed a child process, if any. */
  readonly signal: string | null;

  constructor(exitCode: number | null, signal: string | null, options?: { cause?: unknown }) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const why = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(`The worker running this task ${how} before the task finished${why}`, 'ERR_POOL_WORKER_LOST', options);
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/**
 * The worker-side stack of an error thrown by a task, attached as the `cause` of the error
 * re-thrown in the caller.
 *
 * Python equivalent: `multiprocessing.pool.RemoteTraceback` (the `__cause__` of re-raised errors).
 *
 * @example
 * ```ts
 * await pool.apply(() => { throw new TypeError('bad') }).catch(e => console.log(e.cause instanceof RemoteTraceback, e.cause.tb));
 * await pool.apply(() => { throw Object.assign(new Error('x'), { fn: () => 1 }) }).catch(e => console.log(e.cause.unsent)); // { fn: '… is a function …' }
 * ```
 */
export class RemoteTraceback extends PoolError {
  /** The stack trace as the worker printed it. */
  readonly tb: string;
  /**
   * The parts of the task's error that could not be sent back (a function-valued property, a
   * symbol `cause`, a getter that threw...), by property name, each with the reason; absent
   * when everything was sent. Python has no equivalent: pickle fails the whole exception.
   */
  declare readonly unsent?: Readonly<Record<string, string>>;

  constructor(tb: string, options?: { cause?: unknown; unsent?: Readonly<Record<string, string>> }) {
    super(`\n"""\n${tb}\n"""`, 'ERR_POOL_REMOTE_TRACEBACK', options && 'cause' in options ? { cause: options.cause } : undefined);
    this.tb = tb;
    // Set only when something was dropped, so a logged traceback shows it and nothing otherwise.
    if (options?.unsent) this.unsent = options.unsent;
  }
}
