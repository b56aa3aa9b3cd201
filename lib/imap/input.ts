/**
 * The input of an imap: an array, a sync iterable or an async iterable, read chunk by chunk.
 *
 * @module
 * @internal
 */
import { formatValue } from '../validate.js';

/** How a read ended the input: exhausted, or the input threw `error`. */
export type InputEnd = { readonly threw: false } | { readonly threw: true; readonly error: unknown };

/** What one sync read returned: up to `max` items, and whether the input has ended. */
export interface SyncRead {
  readonly items: unknown[];
  readonly end: InputEnd | undefined;
}

const EXHAUSTED: InputEnd = { threw: false };

/**
 * Reads the input. The iterator is taken at construction, as CPython's imap calls iter() at
 * once: a non-iterable fails at the call, not at the first `next()`.
 */
export class InputSource {
  /** Items in all, for an array; undefined otherwise. */
  readonly knownLength: number | undefined;
  #array: readonly unknown[] | undefined;
  #sync: Iterator<unknown> | undefined;
  #async: AsyncIterator<unknown> | undefined;
  /** Items read so far. */
  #pulled = 0;

  /** @throws TypeError when `iterable` is neither Iterable nor AsyncIterable. */
  constructor(iterable: Iterable<unknown> | AsyncIterable<unknown>) {
    if (Array.isArray(iterable)) {
      this.#array = iterable;
      this.knownLength = iterable.length;
    } else if (iterable != null && typeof (iterable as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') {
      this.#async = (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    } else if (iterable != null && typeof (iterable as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
      this.#sync = (iterable as Iterable<unknown>)[Symbol.iterator]();
    } else {
      throw new TypeError(`the iterable must be an Iterable or AsyncIterable (array, generator, async generator, stream...), got ${formatValue(iterable)}`);
    }
  }

  /** Whether reads must go through {@link InputSource.readAsync}. */
  get isAsync(): boolean {
    return this.#async !== undefined;
  }

  /** Items read so far. */
  get pulled(): number {
    return this.#pulled;
  }

  /** Reads up to `max` items of an array or sync input. Never throws: the input's error ends it. */
  readSync(max: number): SyncRead {
    if (this.#array) {
      const items = this.#array.slice(this.#pulled, this.#pulled + max);
      this.#pulled += items.length;
      const ended = this.#pulled >= this.#array.length;
      if (ended) this.#array = undefined;
      return { items, end: ended ? EXHAUSTED : undefined };
    }
    const items: unknown[] = [];
    let end: InputEnd | undefined;
    const input = this.#sync;
    if (!input) return { items, end: EXHAUSTED };
    try {
      while (items.length < max) {
        const step = input.next();
        if (step.done) {
          end = EXHAUSTED;
          break;
        }
        items.push(step.value);
      }
    } catch (error) {
      end = { threw: true, error };
    }
    if (end) this.#sync = undefined;
    this.#pulled += items.length;
    return { items, end };
  }

  /** Reads one item of an async input: the item, or how the input ended. Never rejects. */
  async readAsync(): Promise<{ item: unknown } | InputEnd> {
    const input = this.#async;
    if (!input) return EXHAUSTED;
    try {
      const step = await input.next();
      if (step.done) {
        this.#async = undefined;
        return EXHAUSTED;
      }
      this.#pulled++;
      return { item: step.value };
    } catch (error) {
      this.#async = undefined;
      return { threw: true, error };
    }
  }

  /** Stops reading early, letting a generator run its `finally` blocks (not awaited). */
  stop(): void {
    const input = this.#sync ?? this.#async;
    this.#array = undefined;
    this.#sync = undefined;
    this.#async = undefined;
    if (!input?.return) return;
    try {
      const result = input.return();
      // An async iterator's return() may reject: that must not become an unhandled rejection.
      if (result instanceof Promise) result.catch(noop);
    } catch {
      // The input's own cleanup failed; the iteration is over anyway.
    }
  }
}

function noop(): void {}
