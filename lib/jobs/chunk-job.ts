/**
 * The chunk job: `fn` applied to consecutive input items, the job of `map`, `starmap`, `imap`
 * and `Executor.map`. Single-argument chunks travel in the cheap `items` form, and a chunk
 * whose calls all succeeded is settled through `settleValues` (a Float64Array for numbers),
 * without an outcome object per item.
 *
 * @module
 * @internal
 */
import type { FailureKind, Job, Outcome, TaskFunction } from '../engine/engine.js';

/** Where chunk jobs deliver: a MapResult, an imap iterator, an executor's map. */
export interface ChunkSink {
  /** Every call of `chunk` succeeded: their values in order. */
  chunkValues(chunk: ChunkJob, values: ArrayLike<unknown>): void;
  /** Some call of `chunk` failed: one outcome per call, in order. */
  chunkOutcomes(chunk: ChunkJob, outcomes: readonly Outcome[]): void;
  /** `chunk` failed as a whole, every item with `error`. */
  chunkFailed(chunk: ChunkJob, error: unknown, kind: FailureKind): void;
}

/** A chunk of consecutive items starting at input position `start`. */
export class ChunkJob implements Job {
  readonly items: readonly unknown[] | undefined;
  #callList: readonly (readonly unknown[])[] | undefined;
  readonly #sink: ChunkSink;

  /**
   * @param chunk - the items (`star` false: `fn(item)`) or argument lists (`star` true: `fn(...args)`).
   * @param start - input position of the first item.
   */
  constructor(
    readonly fn: TaskFunction,
    chunk: readonly unknown[],
    star: boolean,
    readonly start: number,
    sink: ChunkSink,
  ) {
    if (star) this.#callList = chunk as readonly (readonly unknown[])[];
    else this.items = chunk;
    this.#sink = sink;
  }

  /** Only engines that ignore `items` read this; built on demand so the fast path never pays for it. */
  get calls(): readonly (readonly unknown[])[] {
    return (this.#callList ??= this.items!.map((item) => [item]));
  }

  /** Calls in the chunk. */
  get length(): number {
    return this.items ? this.items.length : this.#callList!.length;
  }

  settle(outcomes: Outcome[]): void {
    this.#sink.chunkOutcomes(this, outcomes);
  }

  settleValues(values: ArrayLike<unknown>): void {
    this.#sink.chunkValues(this, values);
  }

  fail(error: unknown, kind: FailureKind): void {
    this.#sink.chunkFailed(this, error, kind);
  }
}

/**
 * Calls `visit` with each chunk of `chunksize` consecutive items (the last may be shorter) and
 * its start position, in order: the one chunking loop of `map`, `starmap` and `Executor.map`.
 *
 * Python equivalent: `multiprocessing.pool.Pool._get_tasks`.
 */
export function forEachChunk(items: readonly unknown[], chunksize: number, visit: (chunk: readonly unknown[], start: number) => void): void {
  for (let start = 0; start < items.length; start += chunksize) visit(items.slice(start, start + chunksize), start);
}

/** How many chunks of `chunksize` hold `total` items. */
export function chunkCount(total: number, chunksize: number): number {
  return Math.ceil(total / chunksize);
}

/** CPython's default chunk size for `map`: about four chunks per worker. */
export function defaultChunksize(itemCount: number, workers: number): number {
  return Math.max(1, Math.ceil(itemCount / (workers * 4)));
}
