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
import { MaybeEncodingError, Pool, ProcessPoolExecutor, SerializationError, ThreadPool, ThreadPoolExecutor, type Executor } from '../../lib/index.js';
import { BatchProbe, warmUp } from './batch-support.js';
import { JobLedger, expectNoLeaks, settle, snapshot, warmUpThreadPool, within, type ResourceSnapshot } from './support.js';

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

// ---- batching: each job of a shared message behaves as if it had been sent alone -------------

/**
 * Where a call's argument comes from: one of the run's shared values (reused across calls, the
 * case a batch must cut), a fresh value, or a pair / wrapper holding two shared values (maybe the
 * same one twice: identity within one job is kept, as pickling one task keeps it).
 */
type Ref = { shared: number } | { fresh: number } | { pair: [number, number] } | { wrap: [number, number] };
type Call = { api: 'apply_async'; args: Ref[] } | { api: 'map'; items: Ref[] } | { api: 'starmap'; items: Ref[][] };

const refArb: fc.Arbitrary<Ref> = fc.oneof(
  fc.record({ shared: fc.nat(7) }),
  fc.record({ fresh: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ pair: fc.tuple(fc.nat(7), fc.nat(7)) }),
  fc.record({ wrap: fc.tuple(fc.nat(7), fc.nat(7)) }),
);
const argsArb = fc.array(refArb, { minLength: 1, maxLength: 3 });
const callArb: fc.Arbitrary<Call> = fc.oneof(
  { arbitrary: fc.record({ api: fc.constant('apply_async' as const), args: argsArb }), weight: 3 },
  fc.record({ api: fc.constant('map' as const), items: fc.array(refArb, { minLength: 1, maxLength: 6 }) }),
  fc.record({ api: fc.constant('starmap' as const), items: fc.array(argsArb, { minLength: 1, maxLength: 6 }) }),
);
const sharedBurstArb = fc.record({
  shapes: fc.array(fc.constantFrom('object', 'array', 'bytes'), { minLength: 1, maxLength: 4 }),
  calls: fc.array(callArb, { minLength: 10, maxLength: 120 }),
});

/**
 * The task of the shared-argument property: mutates everything it was given (each object once,
 * however often it is reachable) and returns a digest of what it saw afterwards. A job that saw
 * another job's copy, or the caller's object, gives a different digest than the model.
 */
function touch(...args: unknown[]): string {
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (value instanceof Uint8Array) value[0] = value[0]! + 1;
    else if (Array.isArray(value)) {
      for (const item of [...value]) visit(item);
      value.push(value.length);
    } else {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) visit(record[key]);
      record.n = (typeof record.n === 'number' ? record.n : 0) + 1;
    }
  };
  args.forEach(visit);
  const show = (_key: string, v: unknown): unknown => (v instanceof Uint8Array ? [...v] : v);
  return `${JSON.stringify(args, show)}|${seen.size}`;
}

function makeShared(shape: string): unknown {
  if (shape === 'object') return { n: 0, list: [1] };
  if (shape === 'array') return [{ n: 0 }];
  return new Uint8Array(2);
}

function resolveRef(ref: Ref, shared: readonly unknown[]): unknown {
  const at = (k: number): unknown => shared[k % shared.length];
  if ('shared' in ref) return at(ref.shared);
  if ('fresh' in ref) return { n: ref.fresh, list: [] };
  if ('pair' in ref) return [at(ref.pair[0]), at(ref.pair[1])];
  return { left: at(ref.wrap[0]), right: at(ref.wrap[1]) };
}

/** Positions of a burst where a value cannot be sent, and what the task returns there. */
const BAD_KINDS = [
  'arg:function',
  'arg:symbol',
  'arg:array-fn',
  'arg:error-symbol',
  'result:function',
  'result:symbol',
  'result:array-fn',
  'result:error-symbol',
] as const;
type Position = 'ok' | (typeof BAD_KINDS)[number];

const badBurstArb = fc
  .record({
    length: fc.integer({ min: 20, max: 300 }),
    bad: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom(...BAD_KINDS) }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ length, bad }) => {
    const positions: Position[] = Array<Position>(length).fill('ok');
    for (const { at, kind } of bad) positions[at % length] = kind;
    return positions;
  });

/** The task of the bad-value property: item i returns i * 2, or a result that cannot be sent. */
function answer(kind: string, i: number, _payload?: unknown): unknown {
  if (kind === 'result:function') return () => i;
  if (kind === 'result:symbol') return Symbol('result');
  if (kind === 'result:array-fn') return Object.assign([i], { f: () => i });
  if (kind === 'result:error-symbol') return new Error(`result ${i}`, { cause: Symbol('s') });
  return i * 2;
}

function badArgument(kind: Position, i: number): unknown {
  if (kind === 'arg:function') return () => i;
  if (kind === 'arg:symbol') return Symbol('argument');
  if (kind === 'arg:array-fn') return Object.assign([i], { f: () => i });
  return new Error(`argument ${i}`, { cause: Symbol('s') });
}

for (const runtime of ['thread', 'process'] as const) {
  describe(`reliability: properties of batched bursts (${runtime})`, function () {
    this.timeout(180_000);
    let baseline: ResourceSnapshot;
    let pool: Pool;
    let ledger: JobLedger;
    let probe: BatchProbe;
    let exits: number;
    const runs = runtime === 'thread' ? 30 : 15;

    before(async () => {
      await warmUpThreadPool();
      baseline = snapshot();
      pool = new Pool({ processes: 2, runtime });
      ledger = new JobLedger(pool);
      probe = new BatchProbe(pool);
      exits = 0;
      pool.on('workerExit', () => exits++);
      await warmUp(pool);
    });

    after(async () => {
      await within(pool.terminate(), 15, 'terminate');
      ledger.expectEachSettledOnce();
      await expectNoLeaks(baseline);
    });

    it('a burst of apply_async / map(chunksize 1) / starmap over shared values: each job sees its own copy, each result settles once', async () => {
      probe.sizes.length = 0;
      await fc.assert(
        fc.asyncProperty(sharedBurstArb, async ({ shapes, calls }) => {
          const shared = shapes.map(makeShared);
          const before = structuredClone(shared);
          // The model: every job runs on a structured clone of its own arguments, taken now.
          const expected: string[][] = [];
          const settledCount: number[] = [];
          const pending: Promise<unknown>[] = [];
          calls.forEach((call, c) => {
            settledCount.push(0);
            const count = (): void => void settledCount[c]!++;
            if (call.api === 'apply_async') {
              const args = call.args.map((ref) => resolveRef(ref, shared));
              expected.push([touch(...structuredClone(args))]);
              pending.push(pool.apply_async(touch, args, { callback: count, error_callback: count }).get().then((v) => [v]));
            } else if (call.api === 'map') {
              const items = call.items.map((ref) => resolveRef(ref, shared));
              expected.push(items.map((item) => touch(structuredClone(item))));
              pending.push(pool.map_async(touch, items, { chunksize: 1, callback: count, error_callback: count }).get());
            } else {
              const items = call.items.map((refs) => refs.map((ref) => resolveRef(ref, shared)));
              expected.push(items.map((args) => touch(...structuredClone(args))));
              pending.push(pool.starmap_async(touch, items, { chunksize: 1, callback: count, error_callback: count }).get());
            }
          });
          const got = await within(Promise.all(pending), 30, 'burst');
          expect(got).to.deep.equal(expected);
          expect(settledCount.every((n) => n === 1), 'every call settled exactly once').to.equal(true);
          expect(shared, 'the caller\'s values are never changed').to.deep.equal(before);
        }),
        { numRuns: runs },
      );
      // Shared values cut messages short, so a few jobs per message is all there can be.
      probe.expectBatched(2);
      expect(exits).to.equal(0);
    });

    it('a burst with unsendable arguments / results at random positions: exactly those fail (SerializationError / MaybeEncodingError), no worker exits', async () => {
      probe.sizes.length = 0;
      await fc.assert(
        fc.asyncProperty(badBurstArb, async (positions) => {
          const settledCount = positions.map(() => 0);
          const results = positions.map((kind, i) => {
            const count = (): void => void settledCount[i]!++;
            const args: [string, number, unknown?] = kind.startsWith('arg:') ? [kind, i, badArgument(kind, i)] : [kind, i];
            return pool.apply_async(answer, args, { callback: count, error_callback: count });
          });
          const outcomes = await Promise.all(results.map((r) => settle(r.get(), 30, 'burst result')));
          outcomes.forEach((o, i) => {
            const kind = positions[i]!;
            if (kind === 'ok') expect(o, `position ${i}`).to.deep.equal({ ok: true, value: i * 2 });
            else {
              expect(o.ok, `position ${i} (${kind}) must fail`).to.equal(false);
              const error = (o as { error: unknown }).error;
              expect(error, `position ${i} (${kind})`).to.be.instanceOf(kind.startsWith('arg:') ? SerializationError : MaybeEncodingError);
            }
          });
          expect(settledCount.every((n) => n === 1), 'every call settled exactly once').to.equal(true);
          expect(exits, 'no worker exited').to.equal(0);
        }),
        { numRuns: runs },
      );
      probe.expectBatched(8);
    });
  });
}
