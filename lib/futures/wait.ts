/**
 * `wait()` and `as_completed()`: waiting on several futures at once.
 *
 * A future counts as completed when it is finished or cancelled (`done()`), whichever way it
 * was cancelled: CPython only counts cancellations its executor has acknowledged, which makes
 * `wait()` hang on futures cancelled by `shutdown(cancel_futures=True)` (gh-109934).
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { TimeoutError } from '../errors.js';
import { timeoutToMs } from '../timeout.js';
import { checkOptionKeys, formatValue } from '../validate.js';
import { Future } from './future.js';
import { futureFailed, onFutureDone } from './future-sinks.js';

/** The keys of {@link WaitOptions}. */
const WAIT_KEYS = ['timeout', 'return_when', 'returnWhen'];

/**
 * `wait()` returns when any future finishes or is cancelled.
 *
 * Python equivalent: `concurrent.futures.FIRST_COMPLETED`.
 * @example
 * ```ts
 * const { done, not_done } = await wait(fs, { return_when: FIRST_COMPLETED });
 * ```
 */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/**
 * `wait()` returns when any future raises, or when all are done.
 *
 * Python equivalent: `concurrent.futures.FIRST_EXCEPTION`.
 * @example
 * ```ts
 * const { done, not_done } = await wait(fs, { return_when: FIRST_EXCEPTION });
 * ```
 */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/**
 * `wait()` returns when every future is done.
 *
 * Python equivalent: `concurrent.futures.ALL_COMPLETED`.
 * @example
 * ```ts
 * const { done, not_done } = await wait(fs, { return_when: ALL_COMPLETED });
 * ```
 */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/**
 * When {@link wait} returns.
 *
 * Python equivalent: the `return_when=` argument of `concurrent.futures.wait`.
 * @example
 * ```ts
 * const when: ReturnWhen = FIRST_EXCEPTION;
 * await wait(fs, { return_when: when });
 * ```
 */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/**
 * Options of {@link wait}.
 *
 * Python equivalent: the `timeout=` and `return_when=` arguments of `concurrent.futures.wait`.
 * @example
 * ```ts
 * // Python: wait(fs, timeout=5, return_when=FIRST_COMPLETED)
 * await wait(fs, { timeout: 5, return_when: FIRST_COMPLETED });
 * ```
 */
export interface WaitOptions {
  /** Seconds to wait; `undefined`/`null` waits forever. */
  timeout?: number | null;
  /** When to return; default {@link ALL_COMPLETED}. */
  return_when?: ReturnWhen;
  /** camelCase alias of `return_when`. */
  returnWhen?: ReturnWhen;
}

/**
 * What {@link wait} resolves to.
 *
 * Python equivalent: the `DoneAndNotDoneFutures` named tuple of `concurrent.futures.wait`.
 * @example
 * ```ts
 * const { done, not_done } = await wait(fs); // Python: done, not_done = wait(fs)
 * for (const f of done) console.log(await f.result());
 * ```
 */
export interface DoneAndNotDoneFutures<F extends Future<unknown>> {
  /** Futures that finished or were cancelled. */
  done: Set<F>;
  /** Futures still pending or running. */
  not_done: Set<F>;
}

/**
 * Waits until some or all of the futures are done, or the timeout passes. Duplicates are
 * removed. Never rejects on timeout: the futures still running are in `not_done`.
 *
 * Python equivalent: `concurrent.futures.wait(fs, timeout=None, return_when=ALL_COMPLETED)`.
 *
 * @param fs - the futures (any iterable; they may come from different executors).
 * @param options - `timeout` in seconds and `return_when`.
 * @returns a promise of `{ done, not_done }`.
 * @throws RangeError (as a rejection) for an unknown `return_when`; TypeError for a bad timeout,
 *   an unknown option or an item of `fs` that is not a Future (naming its position).
 * @example
 * ```ts
 * const fs = urls.map((u) => ex.submit(download, u));
 * const { done, not_done } = await wait(fs, { timeout: 5, return_when: FIRST_COMPLETED });
 * ```
 */
export async function wait<F extends Future<unknown>>(fs: Iterable<F>, options: WaitOptions = {}): Promise<DoneAndNotDoneFutures<F>> {
  checkOptionKeys(options, WAIT_KEYS, 'wait');
  const returnWhen = options.return_when ?? options.returnWhen ?? ALL_COMPLETED;
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new RangeError(`Invalid return condition: ${String(returnWhen)}`);
  }
  const ms = timeoutToMs(options.timeout, 'timeout');
  const all = new Set(checkFutures(fs));
  const done = new Set([...all].filter((f) => f.done()));
  if (!shouldReturn(returnWhen, done, all.size, [...done])) await untilCondition(all, done, returnWhen, ms);
  return { done, not_done: new Set([...all].filter((f) => !done.has(f))) };
}

/** Whether `wait` may return, given the futures done so far and those that just finished. */
function shouldReturn<F extends Future<unknown>>(returnWhen: ReturnWhen, done: Set<F>, total: number, justDone: F[]): boolean {
  if (done.size === total) return true;
  if (returnWhen === FIRST_COMPLETED) return done.size > 0;
  if (returnWhen === FIRST_EXCEPTION) return justDone.some((f) => futureFailed(f));
  return false;
}

/** Adds futures to `done` as they finish, until the condition holds or the timeout passes. */
function untilCondition<F extends Future<unknown>>(all: Set<F>, done: Set<F>, returnWhen: ReturnWhen, ms: number | undefined): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const removers: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (timer) clearTimeout(timer);
      for (const remove of removers) remove();
      resolve();
    };
    for (const future of all) {
      if (done.has(future)) continue;
      removers.push(
        onFutureDone(future, () => {
          done.add(future);
          if (shouldReturn(returnWhen, done, all.size, [future])) finish();
        }),
      );
    }
    if (ms !== undefined) timer = setTimeout(finish, ms);
  });
}

/**
 * A future as yielded by {@link as_completed}: the future itself, typed without `then`.
 *
 * TypeScript types a `for await` variable as the awaited type of what the iterator yields,
 * although a hand-written iterator's values are never awaited at run time: a yielded
 * `Future<T>` (PromiseLike) would be typed as `T`. Hiding `then` keeps the type true to what the
 * loop receives. To look the futures up in a Map (CPython's `future_to_url[future]`), type its
 * keys as `CompletedFuture<Future<T>>`: a `Future<T>` is one, so `set` takes the submitted
 * futures and `get` the yielded ones, without a cast.
 *
 * Python equivalent: the `Future` objects `as_completed` yields.
 * @example
 * ```ts
 * const futureToUrl = new Map<CompletedFuture<Future<string>>, string>();
 * for (const url of urls) futureToUrl.set(ex.submit(load, url), url);
 * for await (const f of as_completed(futureToUrl.keys())) console.log(futureToUrl.get(f), await f.result());
 * ```
 */
export type CompletedFuture<F extends Omit<Future<unknown>, 'then'>> = Omit<F, 'then'>;

/**
 * Yields the futures as they complete (finish or are cancelled): those already done first,
 * then in completion order. Duplicates are yielded once. The deadline is fixed when
 * `as_completed` is called.
 *
 * Python equivalent: `concurrent.futures.as_completed(fs, timeout=None)`.
 *
 * @param fs - the futures (any iterable), also typed as {@link CompletedFuture} (the keys of a
 *   Map that `as_completed` yields into).
 * @param timeout - seconds from this call; `undefined`/`null` waits forever.
 * @returns an async iterator of the futures themselves (see {@link CompletedFuture}).
 * @throws {@link TimeoutError} from `next()` ("N (of M) futures unfinished") once the deadline
 *   passes with futures unfinished; TypeError at once for a bad timeout or an item of `fs`
 *   that is not a Future (naming its position).
 * @example
 * ```ts
 * for await (const f of as_completed(fs, 30)) console.log(await f.result());
 * // Python: for f in as_completed(fs, timeout=30): print(f.result())
 * ```
 */
export function as_completed<F extends CompletedFuture<Future<unknown>>>(
  fs: Iterable<F>,
  timeout?: number | null,
): AsyncIterableIterator<CompletedFuture<F>> {
  const ms = timeoutToMs(timeout, 'timeout');
  // checkFutures has made sure every item is a Future: the type only widened what callers may pass.
  const futures = new Set(checkFutures(fs)) as unknown as Set<Future<unknown>>;
  return new CompletionIterator(futures, ms === undefined ? undefined : performance.now() + ms) as unknown as AsyncIterableIterator<CompletedFuture<F>>;
}

/** Rejects anything but an iterable of futures, naming the argument `fs` or the bad item's position. */
function checkFutures<F>(fs: Iterable<F>): F[] {
  if (fs === null || fs === undefined || typeof (fs as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError(`fs must be an iterable of futures, got ${fs === null ? 'null' : typeof fs}`);
  }
  const list = [...fs];
  list.forEach((item, i) => {
    if (!(item instanceof Future)) throw new TypeError(`fs must hold only futures, but item ${i} of fs is ${formatValue(item)}`);
  });
  return list;
}

/**
 * camelCase alias of {@link as_completed}. Python equivalent: `concurrent.futures.as_completed`.
 * @example
 * ```ts
 * for await (const f of asCompleted(fs)) console.log(await f.result());
 * ```
 */
export const asCompleted = as_completed;

/**
 * The iterator behind {@link as_completed}; listens to every pending future from the start.
 * Hand-written, not an async generator (which would await the thenable futures), and it keeps
 * no reference to a future it has yielded (CPython bpo-14406).
 */
class CompletionIterator<F extends Future<unknown>> implements AsyncIterableIterator<F> {
  /** Completed futures not yet yielded, in completion order. */
  readonly #ready: F[] = [];
  readonly #pending = new Set<F>();
  readonly #removers = new Map<F, () => void>();
  readonly #total: number;
  #wake: (() => void) | undefined;
  #finished = false;
  /** Serialises next() calls made without awaiting the previous one; never holds a future. */
  #chain: Promise<void> = Promise.resolve();

  readonly #deadline: number | undefined;

  constructor(fs: Set<F>, deadline: number | undefined) {
    this.#deadline = deadline;
    this.#total = fs.size;
    for (const future of fs) {
      if (future.done()) {
        this.#ready.push(future);
        continue;
      }
      this.#pending.add(future);
      this.#removers.set(future, onFutureDone(future, () => this.#completed(future)));
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<F, undefined>> {
    const step = this.#chain.then(() => this.#step());
    this.#chain = step.then(noop, noop);
    return step;
  }

  return(): Promise<IteratorResult<F, undefined>> {
    this.#stop();
    return Promise.resolve({ done: true, value: undefined });
  }

  #completed(future: F): void {
    this.#pending.delete(future);
    this.#removers.delete(future);
    this.#ready.push(future);
    this.#wake?.();
  }

  async #step(): Promise<IteratorResult<F, undefined>> {
    for (;;) {
      if (this.#finished) return { done: true, value: undefined };
      const future = this.#ready.shift();
      if (future) return { done: false, value: future };
      if (this.#pending.size === 0) {
        this.#stop();
        continue;
      }
      const left = this.#deadline === undefined ? undefined : this.#deadline - performance.now();
      if (left !== undefined && left <= 0) {
        const unfinished = this.#pending.size;
        this.#stop();
        throw new TimeoutError(`${unfinished} (of ${this.#total}) futures unfinished`);
      }
      await this.#nextCompletion(left);
    }
  }

  /** Resolves when a future completes or `ms` pass. */
  #nextCompletion(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.#wake?.(), ms);
      this.#wake = () => {
        this.#wake = undefined;
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
  }

  #stop(): void {
    this.#finished = true;
    for (const remove of this.#removers.values()) remove();
    this.#removers.clear();
    this.#pending.clear();
    this.#ready.length = 0;
  }
}

function noop(): void {}
