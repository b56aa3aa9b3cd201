/**
 * Results and imap iterators never hang and never settle twice, whatever callbacks, listeners
 * and inputs do: thenables that throw or never answer, callbacks stuck when terminate() runs,
 * async inputs that stall, unbound methods as callbacks, listeners and callbacks that terminate
 * the pool or submit more work. Each case runs in every pool kind it applies to, and counts
 * that the engine settled every job exactly once.
 */
import { expect } from 'chai';
import { Pool, PoolStateError, ThreadPool, TimeoutError, type AsyncResult } from '../../lib/index.js';
import { JobLedger, expectNoLeaks, sleep, snapshot, stillPending, until, warmUpThreadPool, within } from './support.js';

interface Kind {
  readonly name: string;
  make(): Pool;
}

const KINDS: readonly Kind[] = [
  { name: 'Pool (thread)', make: () => new Pool({ processes: 2, runtime: 'thread' }) },
  { name: 'Pool (process)', make: () => new Pool({ processes: 2, runtime: 'process' }) },
  { name: 'ThreadPool', make: () => new ThreadPool(2) },
];

/** Runs `body` with a fresh pool, then terminates it (hang guard) and checks every job settled once and nothing leaked. */
async function withPool(kind: Kind, body: (pool: Pool) => Promise<void>): Promise<void> {
  const before = snapshot();
  const pool = kind.make();
  const ledger = new JobLedger(pool);
  try {
    await body(pool);
  } finally {
    await within(pool.terminate(), 15, 'pool.terminate()');
  }
  ledger.expectEachSettledOnce();
  await expectNoLeaks(before);
}

/** What a promise settled to, under a hang guard. */
async function settled<T>(promise: PromiseLike<T>, what = 'result'): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await within(promise, 10, what) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('hang guard:')) throw error;
    return { ok: false, error };
  }
}

async function rejection(promise: PromiseLike<unknown>, what = 'result'): Promise<unknown> {
  const out = await settled(promise, what);
  expect(out.ok, `${what} should reject`).to.equal(false);
  return (out as { error: unknown }).error;
}

/** A thenable whose `then` does what `then` says. */
function thenable(then: (resolve: (v?: unknown) => void, reject: (e: unknown) => void) => void): PromiseLike<unknown> {
  return { then: then as PromiseLike<unknown>['then'] };
}

const NEVER = new Promise<never>(() => {});

/** The three async-result APIs, each submitting one job (or map) that succeeds with a known value. */
const SUBMITTERS = [
  { api: 'apply_async', run: (pool: Pool, callback: (v: unknown) => unknown): AsyncResult<unknown> => pool.apply_async((x: number) => x * 2, [21], { callback }), value: 42 },
  { api: 'map_async', run: (pool: Pool, callback: (v: unknown) => unknown): AsyncResult<unknown> => pool.map_async((x: number) => x * 2, [1, 2, 3], { callback, chunksize: 2 }), value: [2, 4, 6] },
  { api: 'starmap_async', run: (pool: Pool, callback: (v: unknown) => unknown): AsyncResult<unknown> => pool.starmap_async((a: number, b: number) => a + b, [[1, 2], [3, 4]], { callback }), value: [3, 7] },
] as const;

/** An async iterator that yields `values`, then waits forever on its next read; counts return() calls. */
function stallingInput(values: readonly number[]): { input: AsyncIterableIterator<number>; reads: () => number; returns: () => number } {
  let reads = 0;
  let returns = 0;
  const input: AsyncIterableIterator<number> = {
    next: () => {
      const i = reads++;
      return i < values.length ? Promise.resolve({ value: values[i]!, done: false }) : NEVER;
    },
    return: () => {
      returns++;
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { input, reads: () => reads, returns: () => returns };
}

const times10 = (x: number): number => x * 10;

/**
 * The unhandled rejections raised while `body` runs (and a few turns after), kept from the spec
 * runner's own listener, which fails the run on any: here one is the expected report.
 */
async function expectedUnhandledRejections(body: () => Promise<void>): Promise<unknown[]> {
  const runnerListeners = process.listeners('unhandledRejection');
  const seen: unknown[] = [];
  const collect = (reason: unknown): void => {
    seen.push(reason);
  };
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', collect);
  try {
    await body();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    await sleep(50);
  } finally {
    process.off('unhandledRejection', collect);
    for (const listener of runnerListeners) process.on('unhandledRejection', listener);
  }
  return seen;
}

describe('reliability: results and imap never hang', function () {
  this.timeout(60_000);
  before(warmUpThreadPool);

  for (const kind of KINDS) {
    describe(kind.name, () => {
      // ---- 1. callbacks returning odd thenables -----------------------------------------------

      it('a callback returning a thenable whose then() throws: get() rejects with that error (apply_async, map_async, starmap_async)', async () => {
        await withPool(kind, async (pool) => {
          for (const { api, run } of SUBMITTERS) {
            const boom = new Error(`then throws (${api})`);
            const result = pool.apply_async((x: number) => x, [1]); // a neighbour, unaffected
            const bad = run(pool, () => thenable(() => { throw boom; }));
            expect(await rejection(bad.get(), api)).to.equal(boom);
            expect(bad.ready()).to.equal(true);
            expect(await within(result.get())).to.equal(1);
            // A `then` getter that throws is the callback's error too.
            const getterBoom = new Error(`then getter throws (${api})`);
            const viaGetter = run(pool, () => ({ get then() { throw getterBoom; } }));
            expect(await rejection(viaGetter.get(), api)).to.equal(getterBoom);
          }
        });
      });

      it('a callback thenable that answers twice, or resolves then rejects, settles once with its first answer', async () => {
        await withPool(kind, async (pool) => {
          for (const { api, run, value } of SUBMITTERS) {
            const twice = run(pool, () => thenable((resolve) => { resolve(); resolve(); }));
            expect(await within(twice.get(), 10, api)).to.deep.equal(value);
            expect(twice.successful()).to.equal(true);
            const thenReject = run(pool, () => thenable((resolve, reject) => { resolve(); reject(new Error('late')); throw new Error('later'); }));
            expect(await within(thenReject.get(), 10, api)).to.deep.equal(value);
            const first = new Error(`first (${api})`);
            let errorCallbacks = 0;
            const rejectThenResolve = pool.apply_async((x: number) => x, [1], {
              callback: () => thenable((resolve, reject) => { reject(first); resolve(); reject(new Error('second')); }),
              error_callback: () => { errorCallbacks++; },
            });
            expect(await rejection(rejectThenResolve.get(), api)).to.equal(first);
            expect(rejectThenResolve.successful()).to.equal(false);
            expect(errorCallbacks).to.equal(1);
          }
        });
      });

      // ---- 2. terminate() settles a result stuck in its callback ---------------------------

      it('a callback that never finishes holds its result until terminate(), which settles it with PoolStateError and resolves', async () => {
        await withPool(kind, async (pool) => {
          let started = 0;
          const stuck = SUBMITTERS.map(({ run }) => run(pool, () => { started++; return NEVER; }));
          const stuckThenable = SUBMITTERS.map(({ run }) => run(pool, () => { started++; return thenable(() => {}); }));
          const stuckError = pool.apply_async(() => { throw new Error('task fails'); }, [], { error_callback: () => { started++; return NEVER; } });
          const endless = pool.apply_async(() => new Promise(() => {}), []); // unfinished task, for comparison
          const all = [...stuck, ...stuckThenable, stuckError, endless];
          await until(() => started === 7, 10, 'every job to finish and start its callback');
          // None of the callbacks finishes, so none of these results may settle.
          expect(await stillPending(Promise.race(all.map((r) => r.get())), 100)).to.equal(true);
          await within(pool.terminate(), 15, 'terminate() with callbacks stuck');
          expect(all.every((r) => r.ready()), 'every result is ready once terminate() resolved').to.equal(true);
          for (const result of all) expect(await rejection(result.get())).to.be.instanceOf(PoolStateError);
          expect(String(await rejection(stuck[0]!.get()))).to.match(/callback/);
        });
      });

      it('join() after close() waits for async callbacks, and terminate() releases a join stuck behind one', async () => {
        await withPool(kind, async (pool) => {
          let finished = false;
          const slow = pool.apply_async((x: number) => x, [5], { callback: async () => { await sleep(50); finished = true; } });
          pool.close();
          await within(pool.join(), 15, 'join()');
          expect(finished, 'the async callback finished before join() resolved').to.equal(true);
          expect(slow.ready()).to.equal(true);
        });
        await withPool(kind, async (pool2) => {
          const stuck = pool2.apply_async((x: number) => x, [5], { callback: () => NEVER });
          pool2.close();
          const joined = pool2.join();
          expect(await stillPending(joined, 200), 'join() waits for the callback').to.equal(true);
          await within(pool2.terminate(), 15, 'terminate()');
          await within(joined, 15, 'join() after terminate()');
          expect(await rejection(stuck.get())).to.be.instanceOf(PoolStateError);
        });
      });

      // ---- 3. imap with a stalled async input ------------------------------------------------

      for (const method of ['imap', 'imap_unordered'] as const) {
        it(`${method}: terminate() while the async input stalls settles pending and later next() calls, and calls the input's return() once`, async () => {
          await withPool(kind, async (pool) => {
            const { input, returns } = stallingInput([1, 2]);
            const it = pool[method](times10, input);
            const got = [(await within(it.next())).value, (await within(it.next())).value].sort();
            expect(got).to.deep.equal([10, 20]);
            const pending = it.next();
            const timed = await rejection(it.next(0.05), 'next(0.05)');
            expect(timed).to.be.instanceOf(TimeoutError);
            expect(await stillPending(pending, 50)).to.equal(true);
            await within(pool.terminate(), 15, 'terminate()');
            const error = await rejection(pending, 'pending next()');
            expect(error).to.be.instanceOf(PoolStateError);
            expect(String(error)).to.match(/terminated/);
            expect(await within(it.next())).to.deep.equal({ value: undefined, done: true });
            expect(returns()).to.equal(1);
          });
        });

        it(`${method}: close() while the async input stalls ends the iteration with PoolStateError after the values read, and join() resolves`, async () => {
          await withPool(kind, async (pool) => {
            // Values already consumed, then close() with a next() pending.
            const first = stallingInput([1, 2]);
            const it = pool[method](times10, first.input);
            await within(it.next());
            await within(it.next());
            const pending = it.next();
            pool.close();
            expect(String(await rejection(pending, 'pending next()'))).to.match(/closed/);
            expect(await within(it.next())).to.deep.equal({ value: undefined, done: true });
            expect(first.returns()).to.equal(1);
            await within(pool.join(), 15, 'join()');
          });
          await withPool(kind, async (pool) => {
            // close() while chunks may still run: their values, then PoolStateError.
            const second = stallingInput([1, 2]);
            const it = pool[method](async (x: number) => { await new Promise((r) => setTimeout(r, 100)); return x * 10; }, second.input);
            while (second.reads() < 3) await sleep(1);
            pool.close();
            const out: unknown[] = [];
            const error = await rejection((async () => { for await (const v of it) out.push(v); })(), 'the loop');
            expect(out.sort()).to.deep.equal([10, 20]);
            expect(error).to.be.instanceOf(PoolStateError);
            expect(second.returns()).to.equal(1);
            await within(pool.join(), 15, 'join()');
          });
        });
      }

      it('imap over an async generator stuck in an await: terminate() ends it; return() twice and during next() are harmless', async () => {
        await withPool(kind, async (pool) => {
          async function* stuckGenerator(): AsyncGenerator<number> {
            yield 1;
            await NEVER;
          }
          const it = pool.imap(times10, stuckGenerator());
          expect((await within(it.next())).value).to.equal(10);
          const pending = it.next();
          const [r1, r2] = await within(Promise.all([it.return(), it.return()]));
          expect([r1, r2]).to.deep.equal([{ value: undefined, done: true }, { value: undefined, done: true }]);
          expect(await within(pending)).to.deep.equal({ value: undefined, done: true });

          const it2 = pool.imap_unordered(times10, stuckGenerator());
          await within(it2.next());
          const pending2 = it2.next();
          await within(pool.terminate());
          expect(await rejection(pending2)).to.be.instanceOf(PoolStateError);
        });
      });

      // ---- 4. callbacks are called without a receiver ----------------------------------------

      it('an unbound method as callback fails loudly (TypeError as the job error); the arrow form works', async () => {
        await withPool(kind, async (pool) => {
          const list: unknown[] = [];
          const options = { callback: list.push as (v: unknown) => unknown };
          const unbound = pool.apply_async((x: number) => x, [1], options);
          expect(await rejection(unbound.get())).to.be.instanceOf(TypeError);
          expect(list).to.deep.equal([]);
          expect(Object.keys(options)).to.deep.equal(['callback']); // nothing landed on the options object
          const mapOptions = { callback: list.push as (v: unknown) => unknown, chunksize: 1 };
          expect(await rejection(pool.map_async((x: number) => x, [1, 2], mapOptions).get())).to.be.instanceOf(TypeError);
          expect(Object.keys(mapOptions)).to.deep.equal(['callback', 'chunksize']);
          const errors: unknown[] = [];
          const failing = pool.apply_async(() => { throw new Error('task'); }, [], { error_callback: errors.push as (e: unknown) => unknown });
          expect(await rejection(failing.get())).to.be.instanceOf(TypeError);

          expect(await within(pool.apply_async((x: number) => x, [7], { callback: (v) => list.push(v) }).get())).to.equal(7);
          expect(await within(pool.map_async((x: number) => x, [8, 9], { callback: (v) => list.push(v) }).get())).to.deep.equal([8, 9]);
          expect(list).to.deep.equal([7, [8, 9]]);
        });
      });

      // ---- 5. listeners and callbacks that disturb the pool ----------------------------------

      it('a progress listener that throws mid-map fails that map once, after every chunk; other work goes on', async () => {
        await withPool(kind, async (pool) => {
          const oops = new Error('listener broke');
          let callbacks = 0;
          const result = pool.map_async((x: number) => x, [1, 2, 3, 4, 5, 6], { chunksize: 2, error_callback: () => { callbacks++; } });
          result.on('progress', ({ completed }) => { if (completed === 2) throw oops; });
          expect(await rejection(result.get())).to.equal(oops);
          expect(result.completed).to.equal(6);
          expect(callbacks).to.equal(1);
          expect(await within(pool.map((x: number) => -x, [1, 2]))).to.deep.equal([-1, -2]);
        });
      });

      it('a progress listener or a callback that terminates the pool: every result settles once and terminate() resolves', async () => {
        await withPool(kind, async (pool) => {
          let terminating: Promise<void> | undefined;
          const map = pool.map_async((x: number) => (x < 2 ? x : new Promise(() => {})), [0, 1, 2, 3], { chunksize: 1 });
          const others = [pool.apply_async(() => new Promise(() => {}), []), pool.apply_async(() => new Promise(() => {}), [])];
          map.on('progress', () => { terminating ??= pool.terminate(); });
          expect(await rejection(map.get())).to.be.instanceOf(PoolStateError);
          await within(terminating!, 15, 'terminate() from a listener');
          for (const r of others) expect(await rejection(r.get())).to.be.instanceOf(PoolStateError);
        });
        await withPool(kind, async (pool) => {
          let terminating: Promise<void> | undefined;
          const endless = pool.apply_async(() => new Promise(() => {}), []);
          // Not returned: the callback has finished, so its own result keeps its value.
          const own = pool.apply_async((x: number) => x, [3], { callback: () => { terminating = pool.terminate(); } });
          expect(await within(own.get())).to.equal(3);
          await within(terminating!, 15, 'terminate() from a callback');
          expect(await rejection(endless.get())).to.be.instanceOf(PoolStateError);
        });
        await withPool(kind, async (pool) => {
          // Returned, hence awaited: the callback is still running when terminate() ends.
          const own = pool.apply_async((x: number) => x, [3], { callback: () => pool.terminate() });
          expect(await rejection(own.get())).to.be.instanceOf(PoolStateError);
        });
      });

      it('a callback that submits more work: both results settle', async () => {
        await withPool(kind, async (pool) => {
          let inner: AsyncResult<number> | undefined;
          const outer = pool.apply_async((x: number) => x, [2], { callback: (v) => { inner = pool.apply_async((y: number) => y * 100, [v]); } });
          let innerMap: number[] | undefined;
          const map = pool.map_async((x: number) => x, [1, 2], { callback: async (vs) => { innerMap = await pool.map((x: number) => x + 1, vs); } });
          expect(await within(outer.get())).to.equal(2);
          expect(await within(inner!.get())).to.equal(200);
          expect(await within(map.get())).to.deep.equal([1, 2]);
          expect(innerMap, 'the callback (and the map it awaited) finished before get()').to.deep.equal([2, 3]);
        });
      });

      it('get(timeout) racing with settling: each call gives the value or TimeoutError, and the result stays usable', async () => {
        await withPool(kind, async (pool) => {
          const results = Array.from({ length: 20 }, (_, i) => pool.apply_async(async (x: number) => { await new Promise((r) => setTimeout(r, x % 5)); return x; }, [i], { callback: async () => { await sleep(1); } }));
          const outcomes = await within(Promise.all(results.map((r, i) => settled(r.get((i % 4) * 0.002)))));
          for (const [i, out] of outcomes.entries()) {
            if (out.ok) expect(out.value).to.equal(i);
            else expect(out.error).to.be.instanceOf(TimeoutError);
          }
          expect(await within(Promise.all(results.map((r) => r.get())))).to.deep.equal(results.map((_, i) => i));
        });
      });

      if (kind.name.startsWith('Pool')) {
        it('a "workerExit" listener that throws: the dead worker is still replaced and later results settle; its error is reported', async () => {
          await withPool({ name: kind.name, make: () => new Pool({ processes: 1, runtime: kind.name.includes('process') ? 'process' : 'thread' }) }, async (pool) => {
            const boom = new Error('workerExit listener broke');
            pool.on('workerExit', () => { throw boom; });
            let outcomes: unknown[] = [];
            const reported = await expectedUnhandledRejections(async () => {
              const crash = pool.apply_async(() => process.exit(3), []);
              const lost = await rejection(crash.get());
              // The only worker died: only its replacement can run these.
              const after = [pool.apply_async((x: number) => x, [2]), pool.apply_async((x: number) => x, [3])];
              outcomes = [(lost as Error).name, ...(await within(Promise.all(after.map((r) => r.get())), 10, 'results after the crash'))];
            });
            expect(outcomes).to.deep.equal(['WorkerLostError', 2, 3]);
            expect(reported.length).to.be.greaterThan(0);
            expect(reported.every((e) => e === boom)).to.equal(true);
          });
        });
      }

      it('a "terminate" listener that throws: terminate() still stops the pool and settles every result, then rejects with its error', async () => {
        await withPool(kind, async (pool) => {
          const boom = new Error('terminate listener broke');
          pool.on('terminate', () => { throw boom; });
          const endless = pool.apply_async(() => new Promise(() => {}), []);
          expect(await rejection(pool.terminate(), 'terminate()')).to.equal(boom);
          expect(await rejection(endless.get())).to.be.instanceOf(PoolStateError);
          await within(pool.join(), 15, 'join()');
          await within(pool.terminate(), 15, 'terminate() again');
        });
      });
    });
  }
});
