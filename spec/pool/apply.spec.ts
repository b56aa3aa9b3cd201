/**
 * apply / apply_async and their callbacks.
 * CPython (checked with python3 3.11): the callback runs before get() returns; error_callback
 * receives the exception; get() re-raises it.
 */
import { expect } from 'chai';
import { AsyncResult, Pool } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';
import { usingPool } from './support.js';

for (const runtime of RUNTIMES) {
  describe(`Pool apply / apply_async (${runtime})`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    it('apply runs fn(...args) in a worker and resolves with its value', async () => {
      expect(await within(pool.apply((a: number, b: number, c: number) => a * b + c, [3, 4, 5]))).to.equal(17);
    });

    it('apply with no args calls fn()', async () => {
      expect(await within(pool.apply(() => 'no args'))).to.equal('no args');
    });

    it('awaits async task functions', async () => {
      const value = await within(pool.apply(async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return x * 10;
      }, [4]));
      expect(value).to.equal(40);
    });

    it('apply_async returns an AsyncResult whose get() resolves with the value', async () => {
      const result = pool.apply_async((x: string) => x.toUpperCase(), ['abc']);
      expect(result).to.be.instanceOf(AsyncResult);
      expect(await within(result.get())).to.equal('ABC');
    });

    it('runs many apply_async calls and keeps each result with its call', async () => {
      const results = Array.from({ length: 50 }, (_, i) => pool.apply_async((x: number) => x * x, [i]));
      const values = await within(Promise.all(results.map((r) => r.get())));
      expect(values).to.deep.equal(Array.from({ length: 50 }, (_, i) => i * i));
    });

    it('runs callback(value) before get() resolves', async () => {
      const events: string[] = [];
      const result = pool.apply_async((x: number) => x + 1, [1], {
        callback: (value) => events.push(`callback ${value}`),
      });
      const value = await within(result.get());
      events.push(`get ${value}`);
      expect(events).to.deep.equal(['callback 2', 'get 2']);
    });

    it('runs error_callback(error) before get() rejects, with the same error object', async () => {
      const seen: unknown[] = [];
      const result = pool.apply_async(
        () => {
          throw new RangeError('nope');
        },
        [],
        { error_callback: (error) => seen.push(error) },
      );
      const settled = await outcome(result.get());
      expect(settled.ok).to.equal(false);
      expect(seen).to.have.length(1);
      expect(seen[0]).to.equal(settled.ok ? undefined : settled.error);
      expect(seen[0]).to.be.instanceOf(RangeError);
    });

    it('does not call callback on failure nor error_callback on success', async () => {
      const calls: string[] = [];
      const callbacks = { callback: () => calls.push('callback'), error_callback: () => calls.push('error_callback') };
      await within(pool.apply_async(() => 1, [], callbacks).wait());
      await within(pool.apply_async(() => { throw new Error('x'); }, [], callbacks).wait());
      expect(calls).to.deep.equal(['callback', 'error_callback']);
    });

    it('a callback that throws becomes that job\'s error and harms nothing else', async () => {
      const boom = new Error('callback failed');
      const bad = pool.apply_async(() => 1, [], { callback: () => { throw boom; } });
      const good = pool.apply_async(() => 2);
      const settled = await outcome(bad.get());
      expect(settled).to.deep.equal({ ok: false, error: boom });
      expect(bad.successful()).to.equal(false);
      expect(await within(good.get())).to.equal(2);
      expect(await within(pool.apply(() => 3))).to.equal(3);
    });

    it('an error_callback that throws replaces the job\'s error', async () => {
      const replaced = new Error('error_callback failed');
      const result = pool.apply_async(() => { throw new Error('task failed'); }, [], { error_callback: () => { throw replaced; } });
      expect(await outcome(result.get())).to.deep.equal({ ok: false, error: replaced });
    });

    it('apply_async throws TypeError at once for a bad fn, args or callbacks', () => {
      expect(() => pool.apply_async(42 as unknown as () => void)).to.throw(TypeError, /function/);
      expect(() => pool.apply_async((x: number) => x, 5 as unknown as [number])).to.throw(TypeError, /args/);
      expect(() => pool.apply_async(() => 1, [], { callback: 'no' as unknown as () => void })).to.throw(TypeError, /callback/);
      expect(() => pool.apply_async(() => 1, [], 'no' as unknown as {})).to.throw(TypeError, /callbacks/);
    });

    it('apply reports a bad fn or args as a rejection (it returns a Promise)', async () => {
      const badFn = await outcome(pool.apply(42 as unknown as () => void));
      const badArgs = await outcome(pool.apply((x: number) => x, 5 as unknown as [number]));
      expect(badFn.ok === false && badFn.error).to.be.instanceOf(TypeError);
      expect(badArgs.ok === false && badArgs.error).to.be.instanceOf(TypeError);
    });
  });
}

describe('apply_async with async callbacks', () => {
  it('awaits an async callback before get() resolves', async () => {
    await usingPool({ processes: 1 }, async (pool) => {
      const seen: number[] = [];
      const result = pool.apply_async((x: number) => x * 2, [4], {
        callback: async (v) => {
          await new Promise((r) => setTimeout(r, 20));
          seen.push(v);
        },
      });
      expect(await within(result.get())).to.equal(8);
      expect(seen).to.deep.equal([8]);
    });
  });

  it('a rejecting async callback becomes the job error, with no unhandled rejection', async () => {
    await usingPool({ processes: 1 }, async (pool) => {
      const failure = new Error('callback failed');
      const result = pool.apply_async((x: number) => x, [1], { callback: async () => { throw failure; } });
      const settled = await outcome(result.get());
      expect(settled.ok === false && settled.error).to.equal(failure);
      expect(result.successful()).to.equal(false);
    });
  });
});
