/**
 * AsyncResult semantics.
 * CPython (checked with python3 3.11): get(timeout) raises multiprocessing.TimeoutError and the
 * result stays usable; wait(timeout) returns None whether or not the result is ready;
 * successful() before ready raises ValueError (pypool: InvalidStateError); get() on a failed
 * result re-raises the same exception object every time.
 */
import { expect } from 'chai';
import { InvalidStateError, Pool, PoolError, TimeoutError } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';
import { unhandledRejectionsDuring, waitUntil } from './support.js';

for (const runtime of RUNTIMES) {
  describe(`AsyncResult (${runtime})`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    /** A task that finishes once the main side lets it (it polls nothing; it just sleeps long enough). */
    const slow = (ms: number, value: string): Promise<string> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

    it('get(timeout) rejects with TimeoutError while the task runs, and the result stays usable', async () => {
      const result = pool.apply_async(slow, [300, 'late']);
      const early = await outcome(result.get(0.01));
      expect(early.ok).to.equal(false);
      const error = early.ok ? undefined : early.error;
      expect(error).to.be.instanceOf(TimeoutError).and.instanceOf(PoolError);
      expect(error).to.have.property('code', 'ERR_POOL_TIMEOUT');
      expect(result.ready()).to.equal(false);
      expect(await within(result.get())).to.equal('late');
      expect(await within(result.get(0))).to.equal('late'); // ready: a zero timeout does not time out
    });

    it('wait(timeout) resolves (never rejects) whether or not the result is ready', async () => {
      const result = pool.apply_async(slow, [300, 'x']);
      expect(await within(result.wait(0.01))).to.equal(undefined);
      expect(result.ready()).to.equal(false);
      expect(await within(result.wait(-1))).to.equal(undefined); // negative: return at once, as CPython
      await within(result.wait());
      expect(result.ready()).to.equal(true);
      const failed = pool.apply_async(() => { throw new Error('fails'); });
      expect(await within(failed.wait())).to.equal(undefined);
      expect(await within(failed.wait(5))).to.equal(undefined);
    });

    it('ready() / successful() follow the outcome; successful() before ready throws InvalidStateError (CPython ValueError)', async () => {
      const ok = pool.apply_async(slow, [100, 'ok']);
      expect(ok.ready()).to.equal(false);
      expect(() => ok.successful()).to.throw(InvalidStateError, /not ready/);
      await within(ok.wait());
      expect(ok.ready()).to.equal(true);
      expect(ok.successful()).to.equal(true);
      const failed = pool.apply_async(() => { throw new Error('x'); });
      await within(failed.wait());
      expect(failed.ready()).to.equal(true);
      expect(failed.successful()).to.equal(false);
    });

    it('a failed result rejects with the same error object every time (get, await, then)', async () => {
      const result = pool.apply_async(() => { throw new SyntaxError('always the same'); });
      const first = await outcome(result.get());
      const second = await outcome(result.get());
      const third = await outcome(result.get(5));
      let awaited: unknown;
      try {
        await result;
      } catch (error) {
        awaited = error;
      }
      const viaThen = await new Promise((resolve) => result.then(undefined, resolve));
      expect(first.ok).to.equal(false);
      const error = first.ok ? undefined : first.error;
      expect(error).to.be.instanceOf(SyntaxError);
      expect(second.ok ? undefined : second.error).to.equal(error);
      expect(third.ok ? undefined : third.error).to.equal(error);
      expect(awaited).to.equal(error);
      expect(viaThen).to.equal(error);
    });

    it('get(timeout) on a failed result rejects with the task\'s error, not TimeoutError', async () => {
      const result = pool.apply_async(() => { throw new URIError('bad uri'); });
      await within(result.wait());
      const settled = await outcome(result.get(0));
      expect(settled.ok === false && settled.error).to.be.instanceOf(URIError);
    });

    it('is PromiseLike: await result equals await result.get(), and then() chains', async () => {
      const result = pool.apply_async((x: number) => x * 2, [21]);
      expect(await within(result)).to.equal(42);
      expect(await within(result.then((v) => v + 1))).to.equal(43);
      expect(await within(Promise.resolve(result))).to.equal(42);
    });

    it('rejects a timeout that is not a number of seconds', async () => {
      const result = pool.apply_async(() => 1);
      const settled = await outcome(result.get('1' as unknown as number));
      expect(settled.ok === false && settled.error).to.be.instanceOf(TypeError);
      expect(await within(result.get(null))).to.equal(1);
    });

    it('an unawaited failing result never causes an unhandled rejection', async () => {
      const unhandled = await unhandledRejectionsDuring(async () => {
        const single = pool.apply_async(() => { throw new Error('nobody listens'); });
        const many = pool.map_async((x: number) => { if (x > 1) throw new Error('nobody listens either'); return x; }, [1, 2, 3]);
        const withCallbacks = pool.apply_async(() => 1, [], { callback: () => { throw new Error('callback throws'); } });
        const timedOut = pool.apply_async(slow, [200, 'slow']);
        void timedOut.get(0.001).catch(() => undefined);
        await waitUntil(() => single.ready() && many.ready() && withCallbacks.ready() && timedOut.ready(), 15, 'results to settle');
      });
      expect(unhandled).to.deep.equal([]);
    });

    it('results left unfinished by terminate() cause no unhandled rejection', async () => {
      const local = new Pool({ processes: 1, runtime });
      const unhandled = await unhandledRejectionsDuring(async () => {
        const results = [local.apply_async(slow, [10_000, 'never']), local.apply_async(() => 1), local.map_async((x: number) => x, [1, 2])];
        await within(local.terminate(), 30, 'terminate');
        expect(results.every((r) => r.ready() && !r.successful())).to.equal(true);
      });
      expect(unhandled).to.deep.equal([]);
    });
  });
}
