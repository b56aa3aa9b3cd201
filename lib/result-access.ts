/**
 * How `Pool` settles its results: the sinks its jobs deliver to. `AsyncResult` and `MapResult`
 * fill {@link resultAccess} in from their static blocks, with access to their `#private`
 * members, so that none of this appears in their published types.
 *
 * @module
 * @internal
 */
import type { AsyncResult } from './async-result.js';
import type { CallSink } from './jobs/call-job.js';
import type { ChunkSink } from './jobs/chunk-job.js';
import type { MapResult } from './map-result.js';

/** Filled in by the static blocks of AsyncResult and MapResult. */
export interface ResultAccess {
  /** Settles a result once with a value: runs its callback first, as CPython does. */
  resolve(result: AsyncResult<unknown>, value: unknown): void;
  /** Fails a result once: runs its error callback first, as CPython does. */
  reject(result: AsyncResult<unknown>, error: unknown): void;
  /** The sink a map's chunk jobs deliver to. */
  mapSink(result: MapResult<unknown>): ChunkSink;
}

export const resultAccess = {} as ResultAccess;

/** Delivers a call job to its AsyncResult. */
export class ResultSink implements CallSink {
  readonly #result: AsyncResult<unknown>;

  constructor(result: AsyncResult<unknown>) {
    this.#result = result;
  }

  resolved(value: unknown): void {
    resultAccess.resolve(this.#result, value);
  }

  rejected(error: unknown): void {
    resultAccess.reject(this.#result, error);
  }
}
