/**
 * close / join / terminate and the state errors after them.
 * CPython (checked with python3 3.11): apply_async/map after close() or terminate() raise
 * ValueError("Pool not running"); join() on a running pool raises ValueError("Pool is still
 * running"). pypool: PoolStateError, thrown synchronously by methods returning a result object and
 * as a rejection by methods returning a Promise. CPython leaves results pending forever after
 * terminate(); pypool fails every unfinished result with PoolStateError.
 */
import { expect } from 'chai';
import { type AsyncResult, Pool, PoolStateError } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';

const forever = (): Promise<never> => new Promise<never>(() => undefined);

for (const runtime of RUNTIMES) {
  describe(`Pool lifecycle (${runtime})`, () => {
    it('close() + join() waits for every queued and running task', async () => {
      const pool = new Pool({ processes: 2, runtime });
      try {
        let closed = 0;
        pool.on('close', () => closed++);
        const results = Array.from({ length: 12 }, (_, i) =>
          pool.apply_async(async (x: number) => {
            await new Promise((resolve) => setTimeout(resolve, 20));
            return x * 2;
          }, [i]),
        );
        const mapped = pool.map_async((x: number) => x + 1, [1, 2, 3], 1);
        pool.close();
        await within(pool.join(), 30, 'join');
        expect(closed).to.equal(1);
        expect(results.every((r) => r.ready() && r.successful())).to.equal(true);
        expect(mapped.ready()).to.equal(true);
        expect(await within(Promise.all(results.map((r) => r.get())))).to.deep.equal(Array.from({ length: 12 }, (_, i) => i * 2));
        expect(await within(mapped.get())).to.deep.equal([2, 3, 4]);
      } finally {
        await pool.terminate();
      }
    });

    it('close() + join() on an idle pool resolves; failed tasks do not stop join', async () => {
      const pool = new Pool({ processes: 2, runtime });
      try {
        const failed = pool.apply_async(() => { throw new Error('x'); });
        pool.close();
        pool.close(); // a second close is a no-op
        await within(pool.join(), 30, 'join');
        expect(failed.ready()).to.equal(true);
        await within(pool.join(), 15, 'second join');
      } finally {
        await pool.terminate();
      }
    });

    it('join() on a running pool rejects with PoolStateError (CPython: ValueError "Pool is still running")', async () => {
      const pool = new Pool({ processes: 1, runtime });
      try {
        const settled = await outcome(pool.join());
        expect(settled.ok === false && settled.error).to.be.instanceOf(PoolStateError);
        expect((settled as { error: Error }).error.message).to.match(/still running/);
        expect(await within(pool.apply(() => 'still usable'))).to.equal('still usable');
      } finally {
        await pool.terminate();
      }
    });

    for (const how of ['close', 'terminate'] as const) {
      it(`after ${how}(): result-returning methods throw PoolStateError, Promise methods reject with it`, async () => {
        const pool = new Pool({ processes: 1, runtime });
        try {
          if (how === 'close') pool.close();
          else await within(pool.terminate(), 15, 'terminate');
          expect(() => pool.apply_async(() => 1)).to.throw(PoolStateError, 'Pool not running');
          expect(() => pool.map_async((x: number) => x, [1])).to.throw(PoolStateError, 'Pool not running');
          expect(() => pool.starmap_async((x: number) => x, [[1]])).to.throw(PoolStateError, 'Pool not running');
          expect(() => pool.applyAsync(() => 1)).to.throw(PoolStateError);
          const outcomes: ReturnType<typeof outcome>[] = [];
          expect(() => outcomes.push(outcome(pool.apply(() => 1)), outcome(pool.map((x: number) => x, [1])), outcome(pool.starmap((x: number) => x, [[1]])))).to.not.throw();
          for (const settled of await Promise.all(outcomes)) {
            expect(settled.ok === false && settled.error).to.be.instanceOf(PoolStateError);
          }
          await within(pool.join(), 15, 'join');
        } finally {
          await pool.terminate();
        }
      });
    }

    it('terminate() fails every unfinished result promptly, 10,000 queued tasks included', async () => {
      const pool = new Pool({ processes: 2, runtime });
      let terminated = 0;
      pool.on('terminate', () => terminated++);
      const running: AsyncResult<unknown>[] = [pool.apply_async(forever), pool.apply_async(forever)];
      const queued = Array.from({ length: 10_000 }, (_, i) => pool.apply_async((x: number) => x, [i]));
      const mapped = pool.map_async((x: number) => x, Array.from({ length: 100 }, (_, i) => i));
      await within(pool.terminate(), 30, 'terminate with 10,000 queued tasks');
      expect(terminated).to.equal(1);
      const all: { ready(): boolean; successful(): boolean; get(): Promise<unknown> }[] = [...running, ...queued, mapped];
      expect(all.every((r) => r.ready())).to.equal(true);
      // Some quick tasks may have finished before terminate(); every other one failed.
      const failed = all.filter((r) => !r.successful());
      expect(failed.length).to.be.greaterThan(9_000);
      expect(running.every((r) => !r.successful())).to.equal(true);
      for (const result of [running[0]!, failed.at(-1)!]) {
        const settled = await outcome(result.get(), 5);
        expect(settled.ok === false && settled.error).to.be.instanceOf(PoolStateError);
      }
      await within(pool.terminate(), 15, 'second terminate');
      await within(pool.join(), 15, 'join after terminate');
      expect(terminated).to.equal(1);
    });

    it('get() pending when terminate() is called rejects instead of waiting forever', async () => {
      const pool = new Pool({ processes: 1, runtime });
      const pending = outcome(pool.apply(forever), 15);
      const waiting = outcome(pool.apply_async(() => 1).get(), 15);
      await within(pool.terminate(), 15, 'terminate');
      for (const settled of await Promise.all([pending, waiting])) {
        expect(settled.ok === false && settled.error).to.be.instanceOf(PoolStateError);
      }
    });
  });
}
