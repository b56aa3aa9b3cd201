/**
 * A chunk of an imap: its engine job, and what the consumer reads from it once it finished.
 *
 * @module
 * @internal
 */
import type { Outcome } from '../engine/engine.js';
import { ChunkJob, type ChunkSink } from '../jobs/chunk-job.js';

/**
 * A chunk of consecutive input items: the engine job (in the fast `items` form) and, once it
 * has finished, what the consumer reads one by one: its values (every call succeeded, the
 * common case: no object per item) or its outcomes.
 */
export class IMapChunk extends ChunkJob {
  /** Set when every call succeeded. */
  values: ArrayLike<unknown> | undefined;
  /** Set when some call failed, or the chunk failed as a whole. */
  outcomes: readonly Outcome[] | undefined;
  /** The next item the consumer reads. */
  read = 0;
  /** Reading the first error of this chunk ends the iteration (input error, final engine failure). */
  fatal = false;

  /** Whether it has finished and can be read. */
  get ready(): boolean {
    return this.values !== undefined || this.outcomes !== undefined;
  }

  /** Items it delivers once ready. */
  get size(): number {
    return (this.values ?? this.outcomes!).length;
  }

  /** A pseudo-chunk that is never run: reading it raises `error` and ends the iteration. */
  static terminal(error: unknown): IMapChunk {
    const chunk = new IMapChunk(noop, [], false, -1, NO_SINK);
    chunk.outcomes = [{ ok: false, error }];
    chunk.fatal = true;
    return chunk;
  }
}

function noop(): void {}

const NO_SINK: ChunkSink = { chunkValues: noop, chunkOutcomes: noop, chunkFailed: noop };
