/**
 * How a `Pool` turns a call into work: the result object the caller gets, and the jobs handed
 * to the engine (one call job for `apply_async`, one chunk job per chunk for the map family, an
 * `IMapIterator` that starts its own chunks). The `Pool` methods check the pool's state and the
 * task function first (lib/pool.ts); see docs/architecture.md for the route of each.
 *
 * @module
 * @internal
 */
import { AsyncResult, type ResultCallbacks } from './async-result.js';
import type { Engine, TaskFunction } from './engine/engine.js';
import { IMapIterator, type IMapOptions } from './imap/imap-iterator.js';
import { CallJob } from './jobs/call-job.js';
import { ChunkJob, forEachChunk } from './jobs/chunk-job.js';
import { MapResult } from './map-result.js';
import { CALLBACK_KEYS, checkCallbacks, imapOptions, mapArguments } from './pool-arguments.js';
import type { MapAsyncOptions } from './pool-types.js';
import type { PoolWatch } from './pool-watch.js';
import { ResultSink, resultAccess } from './result-access.js';
import { argumentList } from './validate.js';

/** What every submission needs from its pool. */
export interface PoolTarget {
  readonly engine: Engine;
  /** Results in an async callback and imap iterators reading async input (lib/pool-watch.ts). */
  readonly watch: PoolWatch;
  /** The pool's number of workers (the default chunk size depends on it). */
  readonly processes: number;
}

/**
 * `apply_async`: one call job, settled into an AsyncResult.
 * @throws TypeError for bad `args` or `callbacks`.
 */
export function submitCall<R>(pool: PoolTarget, task: TaskFunction, args: readonly unknown[] | undefined, callbacks: ResultCallbacks<R> | undefined): AsyncResult<R> {
  const callArgs = argumentList(args ?? [], 'args');
  const result = new AsyncResult<R>(checkCallbacks(callbacks, CALLBACK_KEYS, 'apply_async'), pool.watch);
  pool.engine.submit(new CallJob(task, callArgs, new ResultSink(result as AsyncResult<unknown>)));
  return result;
}

/**
 * `map_async` / `starmap_async` (`star`): the items read at once and cut into chunk jobs, one
 * MapResult for all.
 * @throws TypeError / RangeError for a bad iterable, chunk size or callbacks.
 */
export function submitMap<R>(
  pool: PoolTarget,
  task: TaskFunction,
  iterable: Iterable<unknown>,
  chunksizeOrOptions: number | null | undefined | MapAsyncOptions<R>,
  star: boolean,
): MapResult<R> {
  const { items, chunksize, callbacks } = mapArguments(iterable, chunksizeOrOptions, star, pool.processes);
  const result = new MapResult<R>(items.length, chunksize, callbacks, pool.watch);
  const sink = resultAccess.mapSink(result as MapResult<unknown>);
  forEachChunk(items, chunksize, (chunk, start) => pool.engine.submit(new ChunkJob(task, chunk, star, start, sink)));
  return result;
}

/**
 * `imap` / `imap_unordered` (`ordered` false): an iterator that reads the input and starts its
 * chunks itself (lib/imap/imap-stream.ts).
 * @throws TypeError / RangeError for a bad iterable, chunk size or buffersize.
 */
export function openIMap<R>(
  pool: PoolTarget,
  task: TaskFunction,
  iterable: Iterable<unknown> | AsyncIterable<unknown>,
  chunksizeOrOptions: number | null | undefined | IMapOptions,
  ordered: boolean,
): IMapIterator<R> {
  const { chunksize, buffersize } = imapOptions(chunksizeOrOptions, ordered);
  return new IMapIterator<R>(pool.engine, task, iterable, { chunksize, buffersize, ordered, watch: pool.watch });
}
