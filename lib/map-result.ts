/**
 * `MapResult`: the result of `map_async` / `starmap_async`, filled chunk by chunk.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { AsyncResult, type ResultCallbacks } from './async-result.js';
import type { Outcome } from './engine/engine.js';
import { chunkCount, type ChunkJob, type ChunkSink } from './jobs/chunk-job.js';
import { resultAccess } from './result-access.js';
import type { PoolWatch } from './pool-watch.js';

/**
 * Progress of a map: how many items have finished out of how many.
 *
 * Python equivalent: none (Python users count callbacks or wrap `imap` in tqdm).
 *
 * @example
 * ```ts
 * pool.map_async(f, items).on('progress', (p: Progress) => console.log(`${p.completed}/${p.total}`));
 * ```
 */
export interface Progress {
  /** Items finished so far (successfully or not). */
  readonly completed: number;
  /** Items in all; `undefined` when the input's length is not known yet (imap). */
  readonly total: number | undefined;
}

/**
 * Events of a {@link MapResult}.
 *
 * Python equivalent: none.
 *
 * @example
 * ```ts
 * result.on('progress', ({ completed, total }) => bar.update(completed / total!));
 * ```
 */
export interface MapResultEvents {
  /** After each finished chunk. */
  progress: [Progress];
}

/**
 * The result of a whole map: resolves with every value in input order once every chunk has
 * finished; if any item failed, rejects with the error of the lowest-index failing item (after
 * all chunks finished, as CPython does not fail fast).
 *
 * Python equivalent: `multiprocessing.pool.MapResult`. CPython reports whichever failing chunk
 * finished first; pypool reports the lowest index, so the error does not depend on timing.
 *
 * @typeParam R - the value of one item.
 * @example
 * ```ts
 * const result = pool.map_async((x: number) => x * 2, [1, 2, 3]);
 * result.on('progress', ({ completed, total }) => console.log(`${completed}/${total}`));
 * console.log(await result.get()); // [2, 4, 6]
 * ```
 */
export class MapResult<R> extends AsyncResult<R[]> {
  /** Items in all. Python: `len(iterable)`. */
  readonly total: number;
  #done = 0;
  readonly #values: R[];
  #firstError: { index: number; error: unknown } | undefined;
  #chunksLeft: number;
  readonly #emitter = new EventEmitter<MapResultEvents>();
  /** What the chunk jobs of this map deliver to (one object per map, not per chunk). */
  readonly #sink: ChunkSink = {
    chunkValues: (chunk, values) => this.#chunkValues(chunk, values),
    chunkOutcomes: (chunk, outcomes) => this.#chunkOutcomes(chunk, outcomes),
    chunkFailed: (chunk, error) => this.#chunkFailed(chunk, error),
  };

  static {
    resultAccess.mapSink = (result) => result.#sink;
  }

  /** @internal Works out its chunk count from `total` and `chunksize`. */
  constructor(total: number, chunksize: number, callbacks?: ResultCallbacks<R[]>, watch?: PoolWatch) {
    super(callbacks, watch);
    this.total = total;
    this.#values = new Array<R>(total);
    this.#chunksLeft = chunkCount(total, chunksize);
    if (this.#chunksLeft === 0) resultAccess.resolve(this, this.#values);
  }

  /** Items finished so far (successfully or not). Python: none. */
  get completed(): number {
    return this.#done;
  }

  /**
   * Listens to progress, to drive a progress bar. Python equivalent: none.
   * @example
   * ```ts
   * result.on('progress', ({ completed, total }) => bar.update(completed, { total }));
   * ```
   */
  on<E extends keyof MapResultEvents>(event: E, listener: (...args: MapResultEvents[E]) => void): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /**
   * Removes a listener added with {@link MapResult.on}. Python equivalent: none.
   * @example
   * ```ts
   * result.off('progress', onProgress);
   * ```
   */
  off<E extends keyof MapResultEvents>(event: E, listener: (...args: MapResultEvents[E]) => void): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /** Records the outcomes of a chunk. */
  #chunkOutcomes(chunk: ChunkJob, outcomes: readonly Outcome[]): void {
    const { start } = chunk;
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i]!;
      if (outcome.ok) this.#values[start + i] = outcome.value as R;
      else if (!this.#firstError || start + i < this.#firstError.index) this.#firstError = { index: start + i, error: outcome.error };
    }
    this.#chunkFinished(outcomes.length);
  }

  /** Records the values of a chunk whose calls all succeeded. */
  #chunkValues(chunk: ChunkJob, values: ArrayLike<unknown>): void {
    const target = this.#values as unknown[];
    const { start } = chunk;
    for (let i = 0; i < values.length; i++) target[start + i] = values[i];
    this.#chunkFinished(values.length);
  }

  /** Fails a chunk as a whole (worker lost, pool terminated). */
  #chunkFailed(chunk: ChunkJob, error: unknown): void {
    if (!this.#firstError || chunk.start < this.#firstError.index) this.#firstError = { index: chunk.start, error };
    this.#chunkFinished(chunk.length);
  }

  #chunkFinished(items: number): void {
    this.#done += items;
    this.#chunksLeft--;
    try {
      this.#emitter.emit('progress', { completed: this.#done, total: this.total });
    } catch (listenerError) {
      // Like a throwing callback: it becomes this map's error and harms nothing else.
      this.#firstError ??= { index: -1, error: listenerError };
    }
    if (this.#chunksLeft > 0) return;
    if (this.#firstError) resultAccess.reject(this, this.#firstError.error);
    else resultAccess.resolve(this, this.#values);
  }
}
