/**
 * `IMapIterator`: the lazy, bounded, streaming result of `imap` / `imap_unordered`.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { isFinalFailure, type Engine, type FailureKind, type Outcome, type TaskFunction } from '../engine/engine.js';
import { PoolStateError, TimeoutError } from '../errors.js';
import { FifoQueue } from '../engine/fifo-queue.js';
import { ChunkJob, type ChunkSink } from '../jobs/chunk-job.js';
import type { Progress } from '../map-result.js';
import type { InputReader, PoolWatch } from '../pool-watch.js';
import { timeoutToMs } from '../timeout.js';
import { formatValue } from '../validate.js';

/**
 * Events of an {@link IMapIterator}.
 *
 * Python equivalent: none (Python users wrap `imap` in tqdm).
 *
 * @example
 * ```ts
 * pool.imap(f, items).on('progress', ({ completed, total }) => console.log(`${completed}/${total ?? '?'}`));
 * ```
 */
export interface IMapIteratorEvents {
  /**
   * After each finished chunk, and once more when the input ends and `total` becomes known
   * (for input whose length was not known at the start).
   */
  progress: [Progress];
}

/**
 * Options of `imap` / `imap_unordered`.
 *
 * Python equivalent: the `chunksize` argument of `Pool.imap`, and the `buffersize` argument
 * of CPython 3.14's `Executor.map`.
 *
 * @example
 * ```ts
 * for await (const v of pool.imap(f, hugeGenerator(), { chunksize: 1000, buffersize: 8 })) use(v);
 * ```
 */
export interface IMapOptions {
  /** Items per task (default 1). An integer, at least 1. */
  chunksize?: number | null;
  /**
   * How many chunks may be in flight or waiting to be consumed at once: the look-ahead. At
   * most `buffersize * chunksize` items are read from the input ahead of the consumer.
   * Default: `max(4 * processes, ceil(1024 / chunksize))` chunks. Like CPython 3.14's
   * `Executor.map(buffersize=)`, but counted in chunks. Read it back as `it.buffersize`.
   */
  buffersize?: number | null;
}

/** @internal Settings of one iterator, validated by the pool. */
export interface IMapSettings {
  readonly chunksize: number;
  readonly buffersize?: number | null | undefined;
  /** true: input order (`imap`); false: completion order (`imap_unordered`). */
  readonly ordered: boolean;
  /** The pool's watch: an async input is registered there so close()/terminate() reach it. */
  readonly watch?: PoolWatch | undefined;
}

/**
 * Default look-ahead in chunks: `max(4 * workers, ceil(1024 / chunksize))`.
 *
 * Four chunks per worker keep every worker busy (the engine holds two messages per worker)
 * with slack, so that in input order one slow chunk at the head does not idle the others at
 * once. The floor of 1,024 items lets the engine batch many short chunks into one message:
 * measured with chunksize 1 and 4 workers, 16 chunks gave ~24,000 items/s, 1,024 gave ~220,000
 * (CPython's imap: ~19,000). Memory stays bounded by `buffersize * chunksize` items.
 */
export function defaultBuffersize(workers: number, chunksize: number): number {
  return Math.max(4 * workers, Math.ceil(1024 / chunksize));
}

const CLOSED_MESSAGE = 'The pool was closed and ran out of work while imap was still reading its input; call close() after the iteration ends';
const TERMINATED_MESSAGE = 'The pool was terminated before imap finished reading its input';

/** Returned by `take()` when nothing can be delivered yet. */
const PENDING = Symbol('pending');
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** Returned by `take()` for an item that failed. */
class Failure {
  constructor(readonly error: unknown) {}
}

/** One pending `next()` call. */
interface Waiter {
  resolve(result: IteratorResult<unknown, undefined>): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A chunk of consecutive input items: the engine job (in the fast `items` form) and, once it
 * has finished, what the consumer reads one by one: its values (every call succeeded, the
 * common case: no object per item) or its outcomes.
 */
class IMapChunk extends ChunkJob {
  values: ArrayLike<unknown> | undefined;
  outcomes: readonly Outcome[] | undefined;
  /** The next item the consumer reads. */
  read = 0;
  /** Reading the first error of this chunk ends the iteration (input error, terminated or broken pool). */
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

const NO_SINK: ChunkSink = { chunkValues: noop, chunkOutcomes: noop, chunkFailed: noop };

function noop(): void {}

/**
 * The result of `pool.imap` / `pool.imap_unordered`: an async iterator over the values of `fn`
 * applied to each input item, produced while the input is still being read.
 *
 * Python equivalent: `multiprocessing.pool.IMapIterator` / `IMapUnorderedIterator`, with
 * these differences (see docs/imap.md): the input is read lazily with a bounded look-ahead
 * (CPython reads it all at once), so infinite and async generators work; the error of item k
 * is raised at position k and iteration continues whatever the chunk size (CPython's chunked
 * form raises at the chunk's start and stops); leaving the loop early stops reading input and
 * drops queued chunks.
 *
 * - `for await (const v of it)` yields the values; an item's error is thrown at its position.
 * - `it.next(timeout)` waits at most `timeout` seconds, then rejects with {@link TimeoutError};
 *   the iterator stays usable, as CPython's `next(timeout)`.
 * - `it.return()` (or `break`) stops reading input and cancels chunks not yet sent to a worker.
 * - `it.on('progress', ({ completed, total }) => ...)` drives a progress bar; `total` is
 *   `undefined` until the input has ended, unless the input is an array.
 *
 * Nothing it does can cause an unhandled rejection, and an abandoned iterator holds no timer
 * or handle: it only stops reading input once its look-ahead is full.
 *
 * @typeParam R - the value of one item.
 * @example
 * ```ts
 * function* naturals() { for (let i = 0; ; i++) yield i; }
 * for await (const square of pool.imap((x: number) => x * x, naturals(), 100)) {
 *   if (square > 1e6) break; // stops reading naturals()
 * }
 * ```
 */
export class IMapIterator<R> implements AsyncIterableIterator<R, undefined, number | null | undefined> {
  /** Items per chunk. */
  readonly chunksize: number;
  /** Look-ahead in chunks (see {@link IMapOptions.buffersize}). */
  readonly buffersize: number;
  private readonly engine: Engine;
  private readonly fn: TaskFunction;
  private readonly ordered: boolean;
  private readonly emitter = new EventEmitter<IMapIteratorEvents>();
  private readonly sink: ChunkSink;
  /** Input order: every chunk not fully read, in submission order. Completion order: finished chunks not fully read. */
  private readonly chunks = new FifoQueue<IMapChunk>();
  /** Chunks handed to the engine and not yet settled. */
  private readonly running = new Set<IMapChunk>();
  private readonly waiters = new FifoQueue<Waiter>();
  // Input: exactly one of these is set until the input ends.
  private array: readonly unknown[] | undefined;
  private syncInput: Iterator<unknown> | undefined;
  private asyncInput: AsyncIterator<unknown> | undefined;
  private pulled = 0;
  private inputDone = false;
  /** What the input threw, until it is queued as the terminal chunk. */
  private inputError: { error: unknown } | undefined;
  private filling = false;
  /** Set while we wait for the async input's next(): close()/terminate() must not wait with us. */
  private awaitingInput = false;
  private readonly watch: PoolWatch | undefined;
  /** How the pool reaches this iterator while it reads an async input. */
  private readonly reader: InputReader = {
    poolClosed: () => this.endIfStranded(),
    poolTerminated: () => this.endByTermination(),
  };
  private delivering = false;
  /** Completion order: the terminal chunk waits here until the chunks before it finished. */
  private pendingTerminal: IMapChunk | undefined;
  /** A progress listener threw: raise its error next and end. */
  private listenerError: { error: unknown } | undefined;
  private finished = false;
  private done = 0;
  private knownTotal: number | undefined;

  /**
   * @internal Pools create iterators (`pool.imap`); users receive them.
   * @throws TypeError when `iterable` is not iterable, RangeError/TypeError for a bad buffersize.
   */
  constructor(engine: Engine, fn: TaskFunction, iterable: Iterable<unknown> | AsyncIterable<unknown>, settings: IMapSettings) {
    this.engine = engine;
    this.fn = fn;
    this.ordered = settings.ordered;
    this.watch = settings.watch;
    this.chunksize = settings.chunksize;
    this.buffersize = settings.buffersize == null ? defaultBuffersize(engine.size, settings.chunksize) : checkBuffersize(settings.buffersize);
    this.sink = {
      chunkValues: (chunk, values) => this.onChunkDone(chunk as IMapChunk, values, undefined, undefined),
      chunkOutcomes: (chunk, outcomes) => this.onChunkDone(chunk as IMapChunk, undefined, outcomes, undefined),
      chunkFailed: (chunk, error, kind) => this.onChunkDone(chunk as IMapChunk, undefined, undefined, { error, kind }),
    };
    // The iterator is taken at the call, as CPython's imap calls iter() at once: a
    // non-iterable fails here, not at the first next().
    if (Array.isArray(iterable)) {
      this.array = iterable;
      this.knownTotal = iterable.length;
    } else if (iterable != null && typeof (iterable as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') {
      this.asyncInput = (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      // Only an async input can leave the iterator waiting with no chunk in the engine (a
      // sync input is read at once): the pool must tell it about close() and terminate().
      this.watch?.readerStarted(this.reader);
    } else if (iterable != null && typeof (iterable as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
      this.syncInput = (iterable as Iterable<unknown>)[Symbol.iterator]();
    } else {
      throw new TypeError(`the iterable must be an Iterable or AsyncIterable (array, generator, async generator, stream...), got ${formatValue(iterable)}`);
    }
    // Start reading at once, as CPython's task handler does: results are ready sooner.
    this.fill();
  }

  /** Items finished so far (successfully or not). */
  get completed(): number {
    return this.done;
  }

  /** Items in all: known from the start for an array, otherwise `undefined` until the input ends. */
  get total(): number | undefined {
    return this.knownTotal;
  }

  /**
   * Listens to progress, to drive a progress bar.
   * @example
   * ```ts
   * it.on('progress', ({ completed, total }) => console.log(`${completed}/${total ?? '?'}`));
   * ```
   */
  on<E extends keyof IMapIteratorEvents>(event: E, listener: (...args: IMapIteratorEvents[E]) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  /** Removes a listener added with {@link IMapIterator.on}. */
  off<E extends keyof IMapIteratorEvents>(event: E, listener: (...args: IMapIteratorEvents[E]) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  /**
   * The next value.
   *
   * Python equivalent: `IMapIterator.next(timeout=None)` (and `next(it)`).
   * @param timeout - seconds to wait; omit (or `null`) to wait as long as it takes.
   * @returns `{ value, done: false }`, or `{ value: undefined, done: true }` after the last item.
   * @throws TimeoutError when the timeout passes first; the iterator stays usable and the
   *   value is returned by a later call.
   * @throws the item's own error, at its position; iteration may continue after it.
   * @throws the input iterable's error, after the values of the items before it; then done.
   * @example
   * ```ts
   * const it = pool.imap(slowSquare, [1, 2, 3]);
   * try { await it.next(0.01) } catch (e) { if (e instanceof TimeoutError) console.log('not yet') }
   * console.log((await it.next()).value); // 1
   * ```
   */
  next(timeout?: number | null): Promise<IteratorResult<R, undefined>> {
    let ms: number | undefined;
    try {
      ms = timeoutToMs(timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.waiters.size === 0) {
      const step = this.take();
      if (step !== PENDING) {
        this.fill(); // the consumer made room
        return step instanceof Failure ? Promise.reject(step.error) : Promise.resolve(step as IteratorResult<R, undefined>);
      }
      if (ms === 0) return Promise.reject(new TimeoutError('The next imap result was not ready within 0 s'));
    }
    return new Promise<IteratorResult<R, undefined>>((resolve, reject) => {
      const waiter: Waiter = { resolve: resolve as Waiter['resolve'], reject, timer: undefined };
      this.waiters.push(waiter);
      if (ms === undefined) return;
      waiter.timer = setTimeout(() => {
        // The value this call would have received stays queued for the next call.
        this.waiters.remove((w) => w === waiter);
        reject(new TimeoutError(`The next imap result was not ready within ${timeout} s`));
      }, ms);
    });
  }

  /**
   * Stops the iteration: no more input is read (the input iterator's own `return()` is
   * called), chunks not yet sent to a worker are cancelled, buffered values are dropped, and
   * pending `next()` calls resolve with `done: true`. Chunks already running finish in their
   * worker and are ignored. `break` in a `for await` loop calls it.
   *
   * Python equivalent: none (CPython cannot stop an imap).
   * @example
   * ```ts
   * const it = pool.imap(f, naturals());
   * const first = await it.next();
   * await it.return(); // naturals() is not read any further
   * ```
   */
  async return(): Promise<IteratorResult<R, undefined>> {
    this.finish(true);
    return { value: undefined, done: true };
  }

  /** `for await` support: the iterator is its own iterable. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using it = pool.imap(...)` stops the iteration when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  // ---- consumer side ---------------------------------------------------------------------

  /** The next step to deliver (a value, DONE or a Failure), or PENDING. Never reads input itself. */
  private take(): IteratorResult<unknown, undefined> | Failure | typeof PENDING {
    if (this.listenerError) {
      const { error } = this.listenerError;
      this.finish(true);
      return new Failure(error);
    }
    const chunk = this.chunks.peek();
    if (chunk?.ready) {
      const i = chunk.read++;
      if (chunk.read >= chunk.size) this.chunks.shift();
      if (chunk.values) return { value: chunk.values[i], done: false };
      const outcome = chunk.outcomes![i]!;
      if (outcome.ok) return { value: outcome.value, done: false };
      if (chunk.fatal) this.finish(true);
      return new Failure(outcome.error);
    }
    if (this.finished || (this.inputDone && this.running.size === 0 && this.chunks.size === 0 && !this.pendingTerminal)) {
      this.finish(false);
      return DONE;
    }
    return PENDING;
  }

  /** Hands available outcomes to waiting `next()` calls, in call order. */
  private deliver(): void {
    // A nested call (a refill that failed synchronously) would hand out results out of order.
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.waiters.size > 0) {
        const step = this.take();
        if (step === PENDING) break;
        const waiter = this.waiters.shift()!;
        if (waiter.timer !== undefined) clearTimeout(waiter.timer);
        if (step instanceof Failure) waiter.reject(step.error);
        else waiter.resolve(step);
      }
    } finally {
      this.delivering = false;
    }
  }

  /**
   * Ends the iteration. `early`: stop the input and cancel queued chunks (return(), an error
   * that ends it). Pending `next()` calls resolve as done.
   */
  private finish(early: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (early) {
      this.stopInput();
      for (const chunk of this.running) if (this.engine.cancel(chunk)) this.running.delete(chunk);
      this.chunks.clear();
      this.pendingTerminal = undefined;
    }
    this.listenerError = undefined;
    // Pending next() calls come after the value that ended the iteration: they see done.
    queueMicrotask(() => this.deliver());
  }

  // ---- input side ------------------------------------------------------------------------

  /** Chunks we may still start: the look-ahead minus what is running or unread. */
  private hasRoom(): boolean {
    // Once the pool is closed, the engine lets its workers go as soon as it runs dry, and
    // nothing could ever run our later chunks: keep it fed from each settle callback,
    // whatever the consumer does (buffering, as CPython always does).
    if (this.engine.state !== 'running') return this.running.size < this.buffersize;
    const unread = this.ordered ? this.chunks.size : this.chunks.size + this.running.size;
    return unread < this.buffersize;
  }

  /** Reads input and starts chunks while there is room. Never throws. */
  private fill(): void {
    if (this.filling || this.inputDone || this.finished) return;
    if (this.asyncInput) {
      void this.fillAsync(this.asyncInput);
      return;
    }
    this.filling = true;
    try {
      while (!this.inputDone && this.hasRoom()) {
        const items = this.array ? this.readArray(this.array) : this.readSync(this.syncInput!);
        if (items.length > 0) this.start(items, this.pulled - items.length);
        if (this.inputDone) this.onInputEnd();
      }
    } finally {
      this.filling = false;
    }
  }

  private readArray(array: readonly unknown[]): unknown[] {
    const items = array.slice(this.pulled, this.pulled + this.chunksize);
    this.pulled += items.length;
    if (this.pulled >= array.length) this.endInput(undefined);
    return items;
  }

  private readSync(input: Iterator<unknown>): unknown[] {
    const items: unknown[] = [];
    try {
      while (items.length < this.chunksize) {
        const step = input.next();
        if (step.done) {
          this.endInput(undefined);
          break;
        }
        items.push(step.value);
      }
    } catch (error) {
      this.endInput({ error });
    }
    this.pulled += items.length;
    return items;
  }

  private async fillAsync(input: AsyncIterator<unknown>): Promise<void> {
    this.filling = true;
    try {
      while (!this.inputDone && !this.finished && this.hasRoom()) {
        const items: unknown[] = [];
        while (items.length < this.chunksize) {
          let step: IteratorResult<unknown>;
          this.awaitingInput = true;
          try {
            this.endIfStranded();
            if (this.inputDone) return;
            step = await input.next();
          } catch (error) {
            if (this.finished || this.inputDone) return; // stopped meanwhile: its error is not ours to report
            this.endInput({ error });
            break;
          } finally {
            this.awaitingInput = false;
          }
          // return(), terminate() or a stranded close() stopped the input meanwhile: drop what we read.
          if (this.finished || this.inputDone) return;
          if (step.done) {
            this.endInput(undefined);
            break;
          }
          items.push(step.value);
        }
        this.pulled += items.length;
        if (items.length > 0) this.start(items, this.pulled - items.length);
        if (this.inputDone) this.onInputEnd();
      }
    } catch (error) {
      // Only our own bookkeeping could land here; never let it become an unhandled rejection.
      this.endInput({ error });
      this.onInputEnd();
    } finally {
      this.filling = false;
    }
  }

  /** The input is exhausted (`thrown` undefined) or threw. Further reads are skipped. */
  private endInput(thrown: { error: unknown } | undefined): void {
    this.inputDone = true;
    this.inputError ??= thrown;
    this.array = undefined;
    this.syncInput = undefined;
    this.asyncInput = undefined;
    this.watch?.readerEnded(this.reader);
  }

  /** After the last chunk was started: publish the total and queue the input's error, if any. */
  private onInputEnd(): void {
    if (this.finished) return;
    if (this.knownTotal === undefined) {
      this.knownTotal = this.pulled;
      this.emitProgress();
    }
    if (this.inputError) {
      this.addTerminal(this.inputError.error);
      this.inputError = undefined;
    }
    this.deliver();
  }

  /**
   * After close(), a chunk started when none of ours is in the pool could never run (see
   * start()): while we wait for an async input that may never answer, end the iteration now
   * with PoolStateError, as start() would once the input answered.
   */
  private endIfStranded(): void {
    if (!this.awaitingInput || this.finished || this.inputDone) return;
    if (this.engine.state !== 'closed' || this.running.size > 0) return;
    this.stopInput();
    this.addTerminal(new PoolStateError(CLOSED_MESSAGE));
    this.deliver();
  }

  /**
   * terminate() ran: chunks in the engine have failed (fatal, which stopped the input); if none
   * was, we were waiting for the input (or the consumer): stop it and end after the values
   * already finished, as start() does for the next chunk.
   */
  private endByTermination(): void {
    if (this.finished || this.inputDone) return;
    this.stopInput();
    this.addTerminal(new PoolStateError(TERMINATED_MESSAGE));
    this.deliver();
  }

  /** Stops reading input early, letting a generator run its `finally` blocks. */
  private stopInput(): void {
    const input = this.syncInput ?? this.asyncInput;
    this.endInput(undefined);
    if (!input?.return) return;
    try {
      const result = input.return();
      // An async iterator's return() may reject: that must not become an unhandled rejection.
      if (result instanceof Promise) result.catch(noop);
    } catch {
      // The input's own cleanup failed; the iteration is over anyway.
    }
  }

  /**
   * Ends the iteration with `error` after the items already read: input order puts it after
   * every started chunk; completion order raises it once those have finished.
   */
  private addTerminal(error: unknown): void {
    const terminal = IMapChunk.terminal(error);
    if (this.ordered || this.running.size === 0) this.chunks.push(terminal);
    else this.pendingTerminal = terminal;
  }

  /**
   * Hands a chunk to the engine. An engine that no longer accepts work (closed and drained,
   * terminated, broken) fails it at once, inside `submit`, with a final kind: that ends the
   * iteration (see onChunkDone). A closed engine still draining accepts it, also from inside
   * our chunks' hooks (engine.ts, rule 4).
   */
  private start(items: unknown[], first: number): void {
    const chunk = new IMapChunk(this.fn, items, false, first, this.sink);
    if (this.ordered) this.chunks.push(chunk);
    this.running.add(chunk);
    this.engine.submit(chunk);
  }

  /** A chunk settled (`values` or `outcomes`) or failed as a whole. Runs inside the engine: never throws. */
  private onChunkDone(
    chunk: IMapChunk,
    values: ArrayLike<unknown> | undefined,
    outcomes: readonly Outcome[] | undefined,
    failed: { error: unknown; kind: FailureKind } | undefined,
  ): void {
    if (!this.running.delete(chunk) || this.finished) return;
    if (values) chunk.values = values;
    else if (outcomes) chunk.outcomes = outcomes;
    else {
      // Refused, terminated or broken: nothing later can run either, so the error ends the
      // iteration. A worker lost mid-chunk (or an unsendable chunk) only fails its own items.
      const { kind } = failed!;
      const fatal = isFinalFailure(kind);
      const reason = kind === 'refused' ? new PoolStateError(this.engine.state === 'terminated' ? TERMINATED_MESSAGE : CLOSED_MESSAGE) : failed!.error;
      const failure: Outcome = { ok: false, error: reason };
      chunk.outcomes = fatal ? [failure] : chunk.items!.map(() => failure);
      chunk.fatal = fatal;
      if (fatal) this.stopInput();
    }
    if (!this.ordered) this.chunks.push(chunk);
    if (this.pendingTerminal && this.running.size === 0) {
      this.chunks.push(this.pendingTerminal);
      this.pendingTerminal = undefined;
    }
    this.done += chunk.length;
    this.emitProgress();
    this.deliver();
    // Refill before returning to the engine, while it still counts this chunk as outstanding.
    this.fill();
    // Our last chunk in a closed pool finished while the async input keeps us waiting.
    this.endIfStranded();
  }

  private emitProgress(): void {
    if (this.emitter.listenerCount('progress') === 0) return;
    try {
      this.emitter.emit('progress', { completed: this.done, total: this.knownTotal });
    } catch (error) {
      // A throwing listener ends the iteration with its error (as a throwing callback fails
      // its result), instead of escaping into the engine's settle loop.
      this.listenerError ??= { error };
      this.stopInput();
    }
  }
}

/**
 * Validates a look-ahead.
 * @throws TypeError when not an integer, RangeError when below 1.
 */
export function checkBuffersize(buffersize: unknown): number {
  if (typeof buffersize !== 'number' || !Number.isInteger(buffersize)) throw new TypeError(`buffersize must be an integer, got ${formatValue(buffersize)}`);
  if (buffersize < 1) throw new RangeError(`buffersize must be at least 1, got ${buffersize}`);
  return buffersize;
}
