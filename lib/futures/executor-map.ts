/**
 * The machinery of `Executor.map`: its arguments, the futures of its chunks, and the iterator
 * that yields their values in order.
 *
 * @module
 * @internal
 */
import { performance } from 'node:perf_hooks';
import type { FailureKind, Outcome } from '../engine/engine.js';
import type { ChunkJob, ChunkSink } from '../jobs/chunk-job.js';
import { checkOptionKeys, formatValue } from '../validate.js';
import type { ExecutorMapOptions } from './executor.js';
import type { Future } from './future.js';

/** What the future of one map chunk holds: the values (all calls succeeded) or one outcome per call. */
export type ChunkResult = { readonly values: ArrayLike<unknown> } | { readonly outcomes: readonly Outcome[] };

/** Delivers a chunk job to its future (ignored once the future is done: cancelled meanwhile). */
export class ChunkFutureSink implements ChunkSink {
  readonly #future: Future<ChunkResult>;

  constructor(future: Future<ChunkResult>) {
    this.#future = future;
  }

  chunkValues(_chunk: ChunkJob, values: ArrayLike<unknown>): void {
    if (!this.#future.done()) this.#future.set_result({ values });
  }

  chunkOutcomes(_chunk: ChunkJob, outcomes: readonly Outcome[]): void {
    if (!this.#future.done()) this.#future.set_result({ outcomes });
  }

  chunkFailed(_chunk: ChunkJob, error: unknown, _kind: FailureKind): void {
    if (!this.#future.done()) this.#future.set_exception(error);
  }
}



function noop(): void {}

/**
 * Yields the values of each chunk future in order; on the first error or timeout it rejects
 * with it and cancels the futures not yet read, as does leaving early (`return()`).
 *
 * A hand-written iterator rather than an async generator: it keeps no reference to a value it
 * has yielded (a generator's suspended frame would hold the last one until the next `next()`;
 * CPython bpo-14406), and drops each future as soon as it is read.
 */
export class ExecutorMapIterator implements AsyncIterableIterator<unknown> {
  readonly #futures: (Future<ChunkResult> | undefined)[];
  readonly #deadline: number | undefined;
  #next = 0;
  /** The chunk being read: its values or outcomes, and the next index. */
  #chunk: { values: ArrayLike<unknown> } | { outcomes: readonly Outcome[] } | undefined;
  #index = 0;
  #finished = false;
  /** Serialises next() calls made without awaiting the previous one; never holds a value. */
  #chain: Promise<void> = Promise.resolve();

  constructor(futures: Future<ChunkResult>[], deadline: number | undefined) {
    this.#futures = futures;
    this.#deadline = deadline;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<unknown, undefined>> {
    const step = this.#chain.then(() => this.#step());
    this.#chain = step.then(noop, noop);
    return step;
  }

  return(): Promise<IteratorResult<unknown, undefined>> {
    const step = this.#chain.then(() => {
      this.#finish();
      return done();
    });
    this.#chain = step.then(noop, noop);
    return step;
  }

  async #step(): Promise<IteratorResult<unknown, undefined>> {
    for (;;) {
      if (this.#finished) return done();
      const chunk = this.#chunk;
      if (chunk) {
        const i = this.#index++;
        const list = 'values' in chunk ? chunk.values : chunk.outcomes;
        if (this.#index >= list.length) this.#chunk = undefined;
        if ('values' in chunk) {
          const value = chunk.values[i];
          // Forget it here: the caller alone decides how long the value lives.
          if (Array.isArray(chunk.values)) chunk.values[i] = undefined;
          return { done: false, value };
        }
        const outcome = chunk.outcomes[i]!;
        if (!outcome.ok) {
          this.#finish();
          throw outcome.error;
        }
        return { done: false, value: outcome.value };
      }
      if (this.#next >= this.#futures.length) {
        this.#finished = true;
        return done();
      }
      await this.#read();
    }
  }

  /** Waits for the next chunk's future (with what is left of the deadline) and makes it current. */
  async #read(): Promise<void> {
    const future = this.#futures[this.#next]!;
    // Drop our reference before waiting, so consumed results can be collected (CPython #14406).
    this.#futures[this.#next++] = undefined;
    const seconds = this.#deadline === undefined ? undefined : Math.max(0, this.#deadline - performance.now()) / 1000;
    try {
      this.#chunk = await future.result(seconds);
      this.#index = 0;
    } catch (error) {
      this.#finish();
      throw error;
    } finally {
      // CPython's _result_or_cancel: a future that timed out is cancelled too.
      future.cancel();
    }
  }

  /** Ends the iteration and cancels every future not read yet. */
  #finish(): void {
    this.#finished = true;
    this.#chunk = undefined;
    for (let i = this.#next; i < this.#futures.length; i++) this.#futures[i]?.cancel();
    this.#futures.length = 0;
  }
}

/** Separates the trailing `{ timeout, chunksize }` from the iterables. */
export function splitMapArguments(args: readonly (Iterable<unknown> | ExecutorMapOptions | undefined)[]): {
  iterables: Iterable<unknown>[];
  options: ExecutorMapOptions;
} {
  const last = args[args.length - 1];
  // A trailing `undefined` is an omitted options argument, as in map(f, xs, opts?.x).
  const hasOptions =
    (last === undefined && args.length > 1) || (!isIterable(last) && typeof last === 'object' && last !== null);
  const iterables = (hasOptions ? args.slice(0, -1) : args) as unknown[];
  iterables.forEach((it, i) => {
    if (!isIterable(it)) throw new TypeError(`map() argument ${i + 2} must be iterable, got ${formatValue(it)}`);
  });
  const options = hasOptions ? ((last ?? {}) as ExecutorMapOptions) : {};
  checkOptionKeys(options, MAP_KEYS, 'executor.map');
  return { iterables: iterables as Iterable<unknown>[], options };
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** Options of Executor.map. */
const MAP_KEYS = ['timeout', 'chunksize'];

/** Python's zip(*iterables): argument lists, stopping at the shortest iterable. */
export function zip(iterables: Iterable<unknown>[]): unknown[][] {
  if (iterables.length === 0) return [];
  const iterators = iterables.map((it) => it[Symbol.iterator]());
  const rows: unknown[][] = [];
  for (;;) {
    const row: unknown[] = [];
    for (const iterator of iterators) {
      const step = iterator.next();
      if (step.done) return rows;
      row.push(step.value);
    }
    rows.push(row);
  }
}

/** A fresh end-of-iteration result (callers may keep or change it). */
function done(): IteratorReturnResult<undefined> {
  return { value: undefined, done: true };
}
