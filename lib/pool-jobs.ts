/**
 * The engine jobs that `Pool` submits: one call for `apply_async`, one chunk for `map_async` /
 * `starmap_async`. Classes rather than object literals with closures: a burst of 100,000
 * `apply_async` calls then allocates one small object per task, with methods shared.
 *
 * @module
 * @internal
 */
import type { AsyncResult } from './async-result.js';
import type { Job, Outcome, TaskFunction } from './engine/engine.js';
import type { MapResult } from './map-result.js';

/** `fn(...args)` delivering to one AsyncResult. */
export class ApplyJob<T> implements Job {
  readonly calls: readonly (readonly unknown[])[];

  constructor(
    readonly fn: TaskFunction,
    args: readonly unknown[],
    private readonly result: AsyncResult<T>,
  ) {
    this.calls = [args];
  }

  settle(outcomes: Outcome[]): void {
    const outcome = outcomes[0]!;
    if (outcome.ok) this.result._resolve(outcome.value as T);
    else this.result._reject(outcome.error);
  }

  fail(error: unknown): void {
    this.result._reject(error);
  }
}

/**
 * One chunk of a map, delivering to its MapResult at `start`. A single-argument chunk (map)
 * travels in the cheap `items` form; a starmap chunk is a list of argument lists.
 */
export class ChunkJob<R> implements Job {
  readonly items: readonly unknown[] | undefined;
  private callList: readonly (readonly unknown[])[] | undefined;

  constructor(
    readonly fn: TaskFunction,
    chunk: readonly unknown[],
    star: boolean,
    private readonly start: number,
    private readonly result: MapResult<R>,
  ) {
    if (star) this.callList = chunk as readonly (readonly unknown[])[];
    else this.items = chunk;
  }

  /** Only engines that ignore `items` read this; built on demand. */
  get calls(): readonly (readonly unknown[])[] {
    return (this.callList ??= this.items!.map((item) => [item]));
  }

  private get length(): number {
    return this.items ? this.items.length : this.callList!.length;
  }

  settle(outcomes: Outcome[]): void {
    this.result._setChunk(this.start, outcomes);
  }

  settleValues(values: ArrayLike<unknown>): void {
    this.result._setValues(this.start, values);
  }

  fail(error: unknown): void {
    this.result._failChunk(this.start, this.length, error);
  }
}
