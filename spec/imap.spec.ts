import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMapIterator, Pool, PoolStateError, ThreadPool, TimeoutError, WorkerLostError, type Progress } from '../lib/index.js';
import { RUNTIMES, within } from './helpers.js';

/** Everything an iterator produces, errors included (as 'E:<message>'), until it is done. */
async function drain<T>(it: IMapIterator<T>, limit = 100_000): Promise<(T | string)[]> {
  const out: (T | string)[] = [];
  for (let i = 0; i < limit; i++) {
    try {
      const step = await within(it.next(), 15, 'imap next()');
      if (step.done) return out;
      out.push(step.value);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('hang guard:')) throw error;
      out.push(`E:${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error('the iterator did not end');
}

/** A generator that counts how many items were read from it, and whether it was closed. */
function counted(limit = Infinity): { gen: Generator<number>; pulled: () => number; closed: () => boolean } {
  let pulled = 0;
  let closed = false;
  function* gen(): Generator<number> {
    try {
      for (let i = 0; i < limit; i++) {
        pulled++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  return { gen: gen(), pulled: () => pulled, closed: () => closed };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Task: item 3 (and every item ≡ 3 mod 10) throws, the others are returned doubled. */
const failAt3 = (x: number): number => {
  if (x % 10 === 3) throw new RangeError(`bad ${x}`);
  return x * 2;
};

for (const runtime of RUNTIMES) {
  describe(`Pool.imap / imap_unordered (${runtime})`, function () {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await pool.terminate();
    });

    it('yields in input order (imap) and every value once (imap_unordered), for several chunk sizes', async () => {
      const xs = Array.from({ length: 50 }, (_, i) => i);
      for (const chunksize of [1, 3, 50, 64]) {
        expect(await drain(pool.imap((x: number) => x * x, xs, chunksize))).to.deep.equal(xs.map((x) => x * x));
        const unordered = await drain(pool.imap_unordered((x: number) => x * x, xs, chunksize));
        expect([...unordered].sort((a, b) => Number(a) - Number(b))).to.deep.equal(xs.map((x) => x * x));
      }
      expect(await drain(pool.imapUnordered((x: number) => -x, [5]))).to.deep.equal([-5]);
    });

    it('works with for await and an empty input', async () => {
      const seen: number[] = [];
      for await (const v of pool.imap((x: number) => x + 1, new Set([1, 2, 3]))) seen.push(v);
      expect(seen).to.deep.equal([2, 3, 4]);
      expect(await drain(pool.imap((x: number) => x, []))).to.deep.equal([]);
      expect(await drain(pool.imap_unordered((x: number) => x, (function* () {})()))).to.deep.equal([]);
    });

    it('streams an infinite generator: take 1,000 results and stop, reading no more than the look-ahead', async () => {
      for (const ordered of [true, false]) {
        for (const chunksize of [1, 7]) {
          const input = counted();
          const double = (x: number): number => x * 2;
          const options = { chunksize, buffersize: 8 };
          const it = ordered ? pool.imap(double, input.gen, options) : pool.imap_unordered(double, input.gen, options);
          expect(it.buffersize).to.equal(8);
          let taken = 0;
          for await (const v of it) {
            expect(v % 2).to.equal(0);
            if (++taken === 1000) break;
          }
          // Each chunk read ahead of the consumer is at most `chunksize` items.
          expect(input.pulled() - 1000).to.be.at.most(8 * chunksize);
          expect(input.closed(), 'break closes the generator').to.equal(true);
          const before = input.pulled();
          await sleep(50);
          expect(input.pulled()).to.equal(before);
        }
      }
    });

    it('reads an async generator lazily', async () => {
      let pulled = 0;
      async function* source(): AsyncGenerator<number> {
        for (let i = 0; i < 40; i++) {
          await sleep(1);
          pulled++;
          yield i;
        }
      }
      const values = await drain(pool.imap((x: number) => x * 3, source(), { chunksize: 3, buffersize: 2 }));
      expect(values).to.deep.equal(Array.from({ length: 40 }, (_, i) => i * 3));
      expect(pulled).to.equal(40);
      const unordered = await drain(pool.imap_unordered(async (x: number) => x * 3, source(), 4));
      expect(unordered.map(Number).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i * 3));
    });

    for (const chunksize of [1, 2, 4]) {
      it(`raises the error of item k at position k and continues (imap, chunksize ${chunksize})`, async () => {
        const out = await drain(pool.imap(failAt3, [0, 1, 2, 3, 4, 5, 6], chunksize));
        expect(out).to.deep.equal([0, 2, 4, 'E:bad 3', 8, 10, 12]);
      });

      it(`raises the error of item k once and yields every other value (imap_unordered, chunksize ${chunksize})`, async () => {
        const out = await drain(pool.imap_unordered(failAt3, [0, 1, 2, 3, 4, 5, 6, 13], chunksize));
        expect(out.filter((v) => typeof v === 'string').sort()).to.deep.equal(['E:bad 13', 'E:bad 3']);
        expect(out.filter((v) => typeof v === 'number').sort((a, b) => Number(a) - Number(b))).to.deep.equal([0, 2, 4, 8, 10, 12]);
      });
    }

    it('keeps the class of an item error', async () => {
      const it = pool.imap(failAt3, [3]);
      const error = await it.next().then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(RangeError);
      expect(await it.next()).to.deep.equal({ value: undefined, done: true });
    });

    for (const chunksize of [1, 2]) {
      for (const ordered of [true, false]) {
        it(`ends after the items before an input error (${ordered ? 'imap' : 'imap_unordered'}, chunksize ${chunksize})`, async () => {
          // CPython's test_imap_handle_iterable_exception: the values before, the error, then StopIteration.
          function* broken(): Generator<number> {
            for (let i = 0; i < 5; i++) yield i;
            throw new SyntaxError('input broke');
          }
          const it = ordered ? pool.imap((x: number) => x * x, broken(), chunksize) : pool.imap_unordered((x: number) => x * x, broken(), chunksize);
          const out = await drain(it);
          expect(out.at(-1)).to.equal('E:input broke');
          const values = out.slice(0, -1).map(Number);
          expect(ordered ? values : values.sort((a, b) => a - b)).to.deep.equal([0, 1, 4, 9, 16]);
          expect(await it.next()).to.deep.equal({ value: undefined, done: true });
        });
      }
    }

    it('ends after the items before an async input error, with the input error object', async () => {
      const boom = new Error('async input broke');
      async function* broken(): AsyncGenerator<number> {
        yield 1;
        yield 2;
        throw boom;
      }
      const it = pool.imap((x: number) => x, broken(), 2);
      expect(await it.next()).to.deep.equal({ value: 1, done: false });
      expect(await it.next()).to.deep.equal({ value: 2, done: false });
      const error = await it.next().then(() => undefined, (e: unknown) => e);
      expect(error).to.equal(boom);
      expect(await it.next()).to.deep.equal({ value: undefined, done: true });
    });

    it('next(timeout) rejects with TimeoutError and the iterator stays usable', async () => {
      const slow = async (ms: number): Promise<number> => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return ms;
      };
      const it = pool.imap(slow, [300, 1]);
      const error = await it.next(0.02).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(TimeoutError);
      expect(await it.next(0).then(() => undefined, (e: unknown) => e)).to.be.instanceOf(TimeoutError);
      expect(await within(it.next(10))).to.deep.equal({ value: 300, done: false });
      expect(await within(it.next(10))).to.deep.equal({ value: 1, done: false });
      expect(await it.next(0)).to.deep.equal({ value: undefined, done: true });
      expect(await it.next(-1).then(() => 'no error', (e: unknown) => e)).to.equal('no error');
      expect(await it.next('soon' as unknown as number).then(() => undefined, (e: unknown) => e)).to.be.instanceOf(TypeError);
    });

    it('reports progress with completed and total', async () => {
      const events: Progress[] = [];
      const it = pool.imap((x: number) => x, Array.from({ length: 10 }, (_, i) => i), 3);
      it.on('progress', (p) => events.push(p));
      expect(it.total).to.equal(10);
      await drain(it);
      expect(it.completed).to.equal(10);
      expect(events.map((e) => e.total)).to.satisfy((totals: unknown[]) => totals.every((t) => t === 10));
      expect(events.map((e) => e.completed)).to.include.members([10]);
      expect(events.length).to.equal(4); // one per chunk

      const unsized: Progress[] = [];
      const input = counted(7);
      const it2 = pool.imap_unordered((x: number) => x, input.gen, { chunksize: 2, buffersize: 1 });
      it2.on('progress', (p) => unsized.push(p));
      expect(it2.total).to.equal(undefined);
      await drain(it2);
      expect(it2.total).to.equal(7);
      expect(unsized.at(-1)).to.deep.equal({ completed: 7, total: 7 });
      expect(unsized.filter((p) => p.total === undefined).length).to.be.greaterThan(0);
      const completed = unsized.map((p) => p.completed);
      expect(completed).to.deep.equal([...completed].sort((a, b) => a - b));
    });
  });
}

describe('Pool.imap: back-pressure, cancellation and pool state (thread)', function () {
  it('a slow consumer makes the pool stop reading input (back-pressure)', async () => {
    const pool = new Pool(2);
    try {
      const input = counted();
      const it = pool.imap((x: number) => x, input.gen, { chunksize: 5, buffersize: 3 });
      for (let consumed = 1; consumed <= 12; consumed++) {
        await within(it.next());
        await sleep(consumed === 12 ? 100 : 5); // give the pool every chance to read ahead
        expect(input.pulled() - consumed).to.be.at.most(3 * 5);
      }
      expect(input.pulled()).to.be.at.least(15);
      await it.return();
      expect(input.closed()).to.equal(true);
    } finally {
      await pool.terminate();
    }
  });

  it('refills its look-ahead in steps of half of it, never beyond it', async () => {
    const pool = new Pool(2);
    try {
      const input = counted();
      const it = pool.imap((x: number) => x, input.gen, { chunksize: 5, buffersize: 4 });
      await sleep(100);
      expect(input.pulled()).to.equal(20); // the whole look-ahead at once
      const pulled: number[] = [];
      for (let consumed = 1; consumed <= 20; consumed++) {
        await within(it.next());
        await sleep(5); // give the pool every chance to read ahead
        pulled.push(input.pulled());
        expect(input.pulled() - consumed).to.be.at.most(4 * 5);
      }
      // Two chunks read (one step) as the second and the fourth chunk are finished, not one per chunk.
      expect(pulled).to.deep.equal([20, 20, 20, 20, 20, 20, 20, 20, 20, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 40]);
      await it.return();
    } finally {
      await pool.terminate();
    }
  });

  it('uses a default look-ahead tied to the number of workers and the chunk size', async () => {
    const pool = new Pool(3);
    try {
      const small = pool.imap((x: number) => x, [1], 1);
      const large = pool.imap((x: number) => x, [1], 1000);
      expect(small.buffersize).to.equal(1024);
      expect(large.buffersize).to.equal(12);
      await Promise.all([drain(small), drain(large)]);
    } finally {
      await pool.terminate();
    }
  });

  it('return() stops the input and cancels the chunks not yet sent to a worker', async () => {
    const pool = new Pool(1);
    try {
      // Items share one counter (a SharedArrayBuffer is shared with worker threads, not copied).
      const ran = new Int32Array(new SharedArrayBuffer(4));
      const task = async (item: { ran: Int32Array; i: number }): Promise<number> => {
        Atomics.add(item.ran, 0, 1);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return item.i;
      };
      const input = counted();
      const items = (function* () {
        for (const i of input.gen) yield { ran, i };
      })();
      const it = pool.imap(task, items, { buffersize: 20 });
      expect(await within(it.next())).to.deep.equal({ value: 0, done: false });
      const pulledAtReturn = input.pulled();
      expect(pulledAtReturn).to.be.at.least(20);
      const pending = it.next(); // resolves as done when the iterator is returned
      await it.return();
      expect(await within(pending)).to.deep.equal({ value: undefined, done: true });
      expect(await it.next()).to.deep.equal({ value: undefined, done: true });
      await sleep(400);
      // At most the chunks already sent to the one worker ran (the engine keeps 2 in flight).
      expect(Atomics.load(ran, 0)).to.be.at.most(4);
      expect(input.pulled()).to.equal(pulledAtReturn);
      // The pool is still fine.
      expect(await within(pool.map((x: number) => x + 1, [1]))).to.deep.equal([2]);
    } finally {
      await pool.terminate();
    }
  });

  it('break in for await returns the iterator', async () => {
    const pool = new Pool(2);
    try {
      const input = counted();
      const it = pool.imap((x: number) => x, input.gen, { buffersize: 4 });
      for await (const v of it) if (v === 10) break;
      expect(input.closed()).to.equal(true);
      expect(await it.next()).to.deep.equal({ value: undefined, done: true });
    } finally {
      await pool.terminate();
    }
  });

  it('await using returns the iterator', async () => {
    const pool = new Pool(2);
    const input = counted();
    try {
      {
        await using it = pool.imap((x: number) => x, input.gen, { buffersize: 2 });
        await within(it.next());
      }
      expect(input.closed()).to.equal(true);
    } finally {
      await pool.terminate();
    }
  });

  it('concurrent next() calls get consecutive values in call order', async () => {
    const pool = new Pool(2);
    try {
      const it = pool.imap((x: number) => x, Array.from({ length: 6 }, (_, i) => i), 2);
      const steps = await within(Promise.all([it.next(), it.next(), it.next(), it.next(), it.next(), it.next(), it.next()]));
      expect(steps.map((s) => s.value)).to.deep.equal([0, 1, 2, 3, 4, 5, undefined]);
      expect(steps.at(-1)!.done).to.equal(true);
    } finally {
      await pool.terminate();
    }
  });

  it('validates its arguments at the call', async () => {
    const pool = new Pool(1);
    try {
      const f = (x: number): number => x;
      expect(() => pool.imap(f, [1], 0)).to.throw(RangeError, /chunksize/);
      expect(() => pool.imap_unordered(f, [1], -1)).to.throw(RangeError, /chunksize/);
      expect(() => pool.imap(f, [1], 1.5)).to.throw(TypeError, /chunksize/);
      expect(() => pool.imap(f, [1], '2' as unknown as number)).to.throw(TypeError, /chunksize/);
      expect(() => pool.imap(f, [1], { buffersize: 0 })).to.throw(RangeError, /buffersize/);
      expect(() => pool.imap(f, [1], { buffersize: 2.5 })).to.throw(TypeError, /buffersize/);
      expect(() => pool.imap(f, 42 as unknown as number[])).to.throw(TypeError, /iterable/);
      expect(() => pool.imap(f, null as unknown as number[])).to.throw(TypeError, /iterable/);
      expect(() => pool.imap('f' as unknown as typeof f, [1])).to.throw(TypeError, /function/);
      pool.close();
      expect(() => pool.imap(f, [1])).to.throw(PoolStateError);
      await pool.join();
    } finally {
      await pool.terminate();
    }
  });

  it('a worker lost mid-chunk fails the items of the chunks it held, and iteration goes on', async () => {
    const pool = new Pool(2);
    try {
      const task = (x: number): number => {
        if (x === 5) process.exit(3);
        return x;
      };
      const out = await drain(pool.imap(task, Array.from({ length: 10 }, (_, i) => i), 2));
      expect(out).to.have.length(10);
      expect(out.slice(0, 4)).to.deep.equal([0, 1, 2, 3]);
      expect(out[4]).to.match(/^E:.*code 3/);
      expect(out[5]).to.equal(out[4]);
      // Chunks the dying worker had received but not started fail too (the engine's crash
      // attribution); every other item keeps its value, at its position.
      out.slice(6).forEach((v, i) => expect(v === i + 6 || v === out[4]).to.equal(true));
      expect(out.at(-1)).to.equal(9);
    } finally {
      await pool.terminate();
    }
  });

  it('WorkerLostError keeps its class through imap', async () => {
    const pool = new Pool(1);
    try {
      const it = pool.imap((x: number) => process.exit(x), [4]);
      const error = await within(it.next().then(() => undefined, (e: unknown) => e));
      expect(error).to.be.instanceOf(WorkerLostError);
    } finally {
      await pool.terminate();
    }
  });

  it('terminate() ends the iteration with PoolStateError instead of hanging', async () => {
    const pool = new Pool(2);
    const it = pool.imap(async (x: number) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return x;
    }, counted().gen, { buffersize: 4 });
    expect(await within(it.next())).to.deep.equal({ value: 0, done: false });
    await pool.terminate();
    const out = await drain(it);
    expect(out.length).to.be.greaterThan(0);
    expect(out.at(-1)).to.match(/^E:.*terminated/);
    expect(out.slice(0, -1).every((v) => typeof v === 'number')).to.equal(true);
  });

  it('close() while imap still reads a generator: the iteration completes, as in CPython', async () => {
    const pool = new Pool(2);
    try {
      const input = counted(200);
      const it = pool.imap((x: number) => x * 2, input.gen, { buffersize: 4 });
      pool.close();
      const out = await drain(it);
      expect(out).to.deep.equal(Array.from({ length: 200 }, (_, i) => i * 2));
      await within(pool.join());
    } finally {
      await pool.terminate();
    }
  });

  it('close() after the pool ran dry: the rest of the input fails with PoolStateError, no hang', async () => {
    const pool = new Pool(2);
    try {
      const input = counted(100);
      const it = pool.imap((x: number) => x, input.gen, { buffersize: 2 });
      expect(await within(it.next())).to.deep.equal({ value: 0, done: false });
      await sleep(100); // both look-ahead chunks finish and wait for the consumer
      pool.close();
      await within(pool.join());
      const out = await drain(it);
      expect(out.slice(0, -1)).to.deep.equal(out.slice(0, -1).map((_, i) => i + 1));
      expect(out.at(-1)).to.match(/^E:.*closed/);
      expect(input.closed()).to.equal(true);
    } finally {
      await pool.terminate();
    }
  });

  it('a broken pool (throwing initializer) ends the iteration with BrokenProcessPool, even over an infinite input', async () => {
    const pool = new Pool({ processes: 1, initializer: () => { throw new Error('no database'); } });
    try {
      const input = counted();
      const out = await drain(pool.imap((x: number) => x, input.gen, 3));
      expect(out).to.have.length(1);
      expect(out[0]).to.match(/^E:.*initializer/);
      expect(input.closed()).to.equal(true);
    } finally {
      await pool.terminate();
    }
  });

  it('a throwing progress listener ends the iteration with its error and harms nothing else', async () => {
    const pool = new Pool(2);
    try {
      const it = pool.imap((x: number) => x, counted().gen, { buffersize: 2 });
      const oops = new Error('listener broke');
      it.on('progress', () => {
        throw oops;
      });
      const out: unknown[] = [];
      const error = await within((async () => {
        try {
          for await (const v of it) out.push(v);
        } catch (e) {
          return e;
        }
        return undefined;
      })());
      expect(error).to.equal(oops);
      expect(await within(pool.map((x: number) => x, [1, 2, 3]))).to.deep.equal([1, 2, 3]);
    } finally {
      await pool.terminate();
    }
  });

  it('an abandoned iterator whose chunks finished leaves the pool idle: close() + join() return', async () => {
    const pool = new Pool(2);
    const input = counted();
    const it = pool.imap((x: number) => x, input.gen, { buffersize: 3 });
    while (it.completed < 3) await sleep(10);
    expect(input.pulled()).to.equal(3);
    pool.close();
    await within(pool.join(), 5);
  });

  for (const runtime of RUNTIMES) {
    it(`an abandoned iterator over an infinite generator does not keep the process alive (${runtime})`, async () => {
      const script = `
        import { Pool } from ${JSON.stringify(new URL('../lib/index.js', import.meta.url).href)};
        const pool = new Pool({ processes: 2, runtime: '${runtime}' });
        function* naturals() { for (let i = 0; ; i++) yield i; }
        const it = pool.imap((x) => x * 2, naturals(), 4);
        const first = await it.next();
        const timed = await it.next(0).catch((e) => e.name);
        console.log(JSON.stringify([first.value, typeof timed]));
      `;
      // A file, not `--input-type -e`: workers inherit execArgv, and that flag breaks them.
      const file = join(mkdtempSync(join(tmpdir(), 'pypool-imap-')), 'abandoned.mjs');
      writeFileSync(file, script);
      const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
      const code = await within(new Promise((resolve) => child.on('exit', resolve)), 20, 'the script to exit').finally(() => child.kill());
      expect(code).to.equal(0);
      expect(JSON.parse(stdout)[0]).to.equal(0);
    });
  }
});

describe('ThreadPool.imap (main loop)', () => {
  it('runs closures lazily, in both orders, and cancels on return()', async () => {
    const pool = new ThreadPool(2);
    try {
      let ran = 0;
      const task = async (x: number): Promise<number> => {
        ran++;
        await sleep(x % 3);
        return x * 10;
      };
      expect(await drain(pool.imap(task, [1, 2, 3, 4]))).to.deep.equal([10, 20, 30, 40]);
      expect((await drain(pool.imap_unordered(task, [1, 2, 3, 4]))).map(Number).sort((a, b) => a - b)).to.deep.equal([10, 20, 30, 40]);
      ran = 0;
      const it = pool.imap(task, counted().gen, { buffersize: 10 });
      await within(it.next());
      await it.return();
      await sleep(50);
      expect(ran).to.be.at.most(3); // the first, plus what two virtual threads had started
      expect(await drain(pool.imap(failAt3, [2, 3, 4], 3))).to.deep.equal([4, 'E:bad 3', 8]);
    } finally {
      await pool.terminate();
    }
  });

  it('close() during the iteration ends it with PoolStateError once the engine refuses new chunks, without hanging', async () => {
    const pool = new ThreadPool(2);
    try {
      const input = counted(100);
      const it = pool.imap((x: number) => x, input.gen, { buffersize: 2 });
      expect(await within(it.next())).to.deep.equal({ value: 0, done: false });
      // Sync tasks on the main loop: after one turn the look-ahead chunks have finished and
      // wait for the consumer, so the engine runs dry and refuses work once closed.
      await new Promise((resolve) => setImmediate(resolve));
      pool.close();
      const values: number[] = [];
      let error: unknown;
      for (;;) {
        try {
          const step = await within(it.next(), 15, 'imap next()');
          if (step.done) break;
          values.push(step.value);
        } catch (e) {
          error = e;
          break;
        }
      }
      // The values already read in order, then PoolStateError instead of the rest of the input.
      expect(values).to.deep.equal(values.map((_, i) => i + 1));
      expect(values.length).to.be.below(99);
      expect(error).to.be.instanceOf(PoolStateError);
      expect((error as Error).message).to.contain('closed');
      expect(await within(it.next())).to.deep.equal({ value: undefined, done: true });
      expect(input.closed()).to.equal(true);
      await within(pool.join());
    } finally {
      await pool.terminate();
    }
  });
});
