/**
 * Property-based tests (fast-check): for random inputs, chunk sizes, worker counts (1–3) and
 * sets of failing items, the parallel APIs agree with a sequential reference model of their
 * documented semantics.
 *
 * - `map` / `starmap` (Pool on threads and processes, ThreadPool): values in input order; if
 *   any item fails, the call rejects with the error of the lowest-index failing item, and only
 *   after every item has finished.
 * - `executor.map` (ProcessPoolExecutor, ThreadPoolExecutor): yields the values in input order
 *   up to the lowest-index failing item, then rejects with that item's error.
 * - `imap` / `imap_unordered` (Pool on threads, ThreadPool; array, generator and async generator
 *   input, random chunksize and buffersize): item k's value or error at position k, iteration
 *   goes on; an error thrown by the input comes after the items before it, then done.
 *
 * Pools are created once per worker count and reused across runs.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Pool, ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor, type Executor } from '../../lib/index.js';
import { JobLedger, expectNoLeaks, snapshot, warmUpThreadPool, within, type ResourceSnapshot } from './support.js';

/** How an item fails: an Error thrown, a non-Error value thrown, or a rejected promise. */
type FailureKind = 'none' | 'error' | 'string' | 'reject';

interface Item {
  readonly i: number;
  readonly v: number;
  readonly fail: FailureKind;
  readonly async: boolean;
}

/** The task under test: self-contained, sent to workers as source. */
function task(item: Item): number | Promise<number> {
  const run = (): number => {
    if (item.fail === 'error') throw new RangeError(`item ${item.i} failed`);
    if (item.fail === 'string') throw `item ${item.i} threw a string`;
    if (item.fail === 'reject') throw new TypeError(`item ${item.i} rejected`);
    return item.v * 3 + 1;
  };
  if (item.async || item.fail === 'reject') return Promise.resolve().then(run);
  return run();
}

/** starmap's task: the same, with the item spread over three arguments. */
function starTask(i: number, v: number, flags: string): number | Promise<number> {
  const [fail, async] = flags.split(':');
  const run = (): number => {
    if (fail === 'error') throw new RangeError(`item ${i} failed`);
    if (fail === 'string') throw `item ${i} threw a string`;
    if (fail === 'reject') throw new TypeError(`item ${i} rejected`);
    return v * 3 + 1;
  };
  if (async === 'true' || fail === 'reject') return Promise.resolve().then(run);
  return run();
}

// ---- the sequential reference model ----------------------------------------------------

type Expected = { ok: true; values: number[] } | { ok: false; index: number; kind: FailureKind };

function modelMap(items: readonly Item[]): Expected {
  const firstFailure = items.findIndex((item) => item.fail !== 'none');
  if (firstFailure >= 0) return { ok: false, index: firstFailure, kind: items[firstFailure]!.fail };
  return { ok: true, values: items.map((item) => item.v * 3 + 1) };
}

/** executor.map yields every value before the first failure, then raises it. */
function modelExecutorMap(items: readonly Item[]): { yielded: number[]; failure?: { index: number; kind: FailureKind } } {
  const expected = modelMap(items);
  if (expected.ok) return { yielded: expected.values };
  return { yielded: items.slice(0, expected.index).map((item) => item.v * 3 + 1), failure: { index: expected.index, kind: expected.kind } };
}

function expectFailure(error: unknown, index: number, kind: FailureKind): void {
  if (kind === 'string') {
    expect(error).to.equal(`item ${index} threw a string`);
  } else if (kind === 'error') {
    expect(error).to.be.instanceOf(RangeError);
    expect((error as Error).message).to.equal(`item ${index} failed`);
  } else {
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.equal(`item ${index} rejected`);
  }
}

// ---- generators ------------------------------------------------------------------------

const itemsArb = fc
  .array(
    fc.record({
      v: fc.integer({ min: -1000, max: 1000 }),
      // Mostly successes, so that runs with no failure at all are common too.
      fail: fc.oneof(
        { weight: 12, arbitrary: fc.constant<FailureKind>('none') },
        { weight: 1, arbitrary: fc.constantFrom<FailureKind>('error', 'string', 'reject') },
      ),
      async: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .map((records) => records.map((r, i): Item => ({ ...r, i })));

const chunksizeArb = fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined });
const workersArb = fc.integer({ min: 1, max: 3 });
const NUM_RUNS = 25;

async function settleMap(promise: Promise<number[]>): Promise<{ ok: true; values: number[] } | { ok: false; error: unknown }> {
  try {
    return { ok: true, values: await within(promise, 20, 'map') };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('hang guard:')) throw error;
    return { ok: false, error };
  }
}

describe('reliability: properties against a sequential model', function () {
  this.timeout(120_000);
  let baseline: ResourceSnapshot;
  const pools = new Map<string, Pool>();
  const executors = new Map<string, Executor>();
  const ledgers: JobLedger[] = [];

  function pool(kind: 'thread' | 'process' | 'ThreadPool', workers: number): Pool {
    const key = `${kind}/${workers}`;
    let found = pools.get(key);
    if (!found) {
      found = kind === 'ThreadPool' ? new ThreadPool(workers) : new Pool({ processes: workers, runtime: kind });
      ledgers.push(new JobLedger(found));
      pools.set(key, found);
    }
    return found;
  }

  function executor(kind: 'process' | 'thread', workers: number): Executor {
    const key = `${kind}/${workers}`;
    let found = executors.get(key);
    if (!found) {
      found = kind === 'process' ? new ProcessPoolExecutor(workers) : new ThreadPoolExecutor(workers);
      executors.set(key, found);
    }
    return found;
  }

  before(async () => {
    await warmUpThreadPool();
    baseline = snapshot();
  });

  after(async () => {
    for (const p of pools.values()) await within(p.terminate(), 15, 'terminate');
    for (const e of executors.values()) await within(e.shutdown(true), 15, 'shutdown');
    for (const ledger of ledgers) ledger.expectEachSettledOnce();
    await expectNoLeaks(baseline);
  });

  const mapCases = [
    { kind: 'thread', runs: NUM_RUNS },
    { kind: 'process', runs: 10 },
    { kind: 'ThreadPool', runs: NUM_RUNS },
  ] as const;

  for (const { kind, runs } of mapCases) {
    it(`map (${kind}) agrees with the model: values in order, else the lowest-index error after all items finished`, async () => {
      await fc.assert(
        fc.asyncProperty(itemsArb, chunksizeArb, workersArb, async (items, chunksize, workers) => {
          const result = pool(kind, workers).map_async(task, items, chunksize ?? null);
          const got = await settleMap(result.get());
          const expected = modelMap(items);
          expect(result.completed, 'map settles only after every item finished').to.equal(items.length);
          if (expected.ok) {
            expect(got).to.deep.equal({ ok: true, values: expected.values });
          } else {
            expect(got.ok).to.equal(false);
            if (!got.ok) expectFailure(got.error, expected.index, expected.kind);
          }
        }),
        { numRuns: runs },
      );
    });

    it(`starmap (${kind}) agrees with the model`, async () => {
      await fc.assert(
        fc.asyncProperty(itemsArb, chunksizeArb, workersArb, async (items, chunksize, workers) => {
          const args = items.map((item): [number, number, string] => [item.i, item.v, `${item.fail}:${item.async}`]);
          const got = await settleMap(pool(kind, workers).starmap(starTask, args, chunksize ?? null));
          const expected = modelMap(items);
          if (expected.ok) {
            expect(got).to.deep.equal({ ok: true, values: expected.values });
          } else {
            expect(got.ok).to.equal(false);
            if (!got.ok) expectFailure(got.error, expected.index, expected.kind);
          }
        }),
        { numRuns: runs },
      );
    });
  }

  for (const kind of ['process', 'thread'] as const) {
    const name = kind === 'process' ? 'ProcessPoolExecutor' : 'ThreadPoolExecutor';
    it(`${name}.map agrees with the model: values in order up to the first failure, then its error`, async () => {
      await fc.assert(
        fc.asyncProperty(itemsArb, fc.integer({ min: 1, max: 8 }), workersArb, async (items, chunksize, workers) => {
          const yielded: number[] = [];
          let failure: unknown;
          let failed = false;
          const iterate = async (): Promise<void> => {
            for await (const value of executor(kind, workers).map(task, items, { chunksize })) yielded.push(value);
          };
          try {
            await within(iterate(), 20, 'executor.map');
          } catch (error) {
            if (error instanceof Error && error.message.startsWith('hang guard:')) throw error;
            failed = true;
            failure = error;
          }
          const expected = modelExecutorMap(items);
          expect(yielded).to.deep.equal(expected.yielded);
          expect(failed).to.equal(expected.failure !== undefined);
          if (expected.failure) expectFailure(failure, expected.failure.index, expected.failure.kind);
        }),
        { numRuns: kind === 'process' ? 15 : NUM_RUNS },
      );
    });
  }

  /**
   * imap / imap_unordered model: position k of the input yields item k's value or raises its
   * error, and iteration continues; an error thrown by the input itself is raised after the
   * items read before it, then the iteration is done. imap_unordered: the same outcomes, each
   * exactly once, in any order (the input's error still last).
   */
  type Step = { value: number } | { error: FailureKind; index: number } | { inputError: true } | { done: true };

  function modelIMap(items: readonly Item[], inputThrowsAt: number | undefined): Step[] {
    const read = inputThrowsAt === undefined ? items : items.slice(0, inputThrowsAt);
    const steps: Step[] = read.map((item) => (item.fail === 'none' ? { value: item.v * 3 + 1 } : { error: item.fail, index: item.i }));
    if (inputThrowsAt !== undefined) steps.push({ inputError: true });
    steps.push({ done: true });
    return steps;
  }

  async function* source(items: readonly Item[], inputThrowsAt: number | undefined, asyncInput: boolean): AsyncGenerator<Item> {
    for (let k = 0; k < items.length; k++) {
      if (k === inputThrowsAt) throw new EvalError('the input broke');
      if (asyncInput && k % 3 === 0) await Promise.resolve();
      yield items[k]!;
    }
    if (inputThrowsAt === items.length) throw new EvalError('the input broke');
  }

  function* syncSource(items: readonly Item[], inputThrowsAt: number | undefined): Generator<Item> {
    for (let k = 0; k < items.length; k++) {
      if (k === inputThrowsAt) throw new EvalError('the input broke');
      yield items[k]!;
    }
    if (inputThrowsAt === items.length) throw new EvalError('the input broke');
  }

  /** Drives the iterator with next() until done, turning each outcome into a Step. */
  async function drain(it: AsyncIterator<number>, limit: number): Promise<Step[]> {
    const steps: Step[] = [];
    for (let n = 0; n <= limit + 2; n++) {
      try {
        const step = await within(it.next(), 20, 'imap next()');
        if (step.done) {
          steps.push({ done: true });
          return steps;
        }
        steps.push({ value: step.value });
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('hang guard:')) throw error;
        if (error instanceof EvalError) steps.push({ inputError: true });
        else if (typeof error === 'string') steps.push({ error: 'string', index: Number(/item (\d+)/.exec(error)![1]) });
        else if (error instanceof RangeError) steps.push({ error: 'error', index: Number(/item (\d+)/.exec(error.message)![1]) });
        else if (error instanceof TypeError) steps.push({ error: 'reject', index: Number(/item (\d+)/.exec(error.message)![1]) });
        else throw error;
      }
    }
    throw new Error('imap yielded more steps than its input has items');
  }

  const inputArb = fc.record({
    items: itemsArb,
    chunksize: fc.integer({ min: 1, max: 8 }),
    buffersize: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    workers: workersArb,
    input: fc.constantFrom('array', 'generator', 'async generator'),
    throwsAt: fc.option(fc.nat(), { nil: undefined }),
  });

  for (const [method, ordered] of [['imap', true], ['imap_unordered', false]] as const) {
    for (const kind of ['thread', 'ThreadPool'] as const) {
      it(`${method} (${kind}) agrees with the model: each item's outcome at its position, iteration goes on; input errors last`, async () => {
        await fc.assert(
          fc.asyncProperty(inputArb, async ({ items, chunksize, buffersize, workers, input, throwsAt: rawThrowsAt }) => {
            const throwsAt = input === 'array' || rawThrowsAt === undefined ? undefined : rawThrowsAt % (items.length + 1);
            const iterable = input === 'array' ? items : input === 'generator' ? syncSource(items, throwsAt) : source(items, throwsAt, true);
            const it = pool(kind, workers)[method](task, iterable, { chunksize, buffersize: buffersize ?? null });
            const steps = await drain(it, items.length);
            const expected = modelIMap(items, throwsAt);
            if (ordered) {
              expect(steps).to.deep.equal(expected);
            } else {
              // Same outcomes, any order; the input's error (if any) and done come last.
              const tail = expected.slice(expected.findIndex((step) => 'inputError' in step || 'done' in step));
              expect(steps.slice(steps.length - tail.length)).to.deep.equal(tail);
              const key = (step: Step): string => JSON.stringify(step);
              expect(steps.slice(0, steps.length - tail.length).map(key).sort()).to.deep.equal(expected.slice(0, expected.length - tail.length).map(key).sort());
            }
          }),
          { numRuns: NUM_RUNS },
        );
      });
    }
  }
});
