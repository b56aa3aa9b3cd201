/**
 * Task functions: self-contained inline functions (sent as source, compiled once per worker),
 * well-known built-ins, and exported functions of task modules (the `module` option).
 */
import { expect } from 'chai';
import { Pool } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';
import { TASK_MODULE, thrownOrRejected, usingPool } from './support.js';

interface FixtureModule {
  square(x: number): number;
  slowDouble(x: number): Promise<number>;
  countCalls(): number;
  workerName(): string;
  initState(label: string): void;
  readState(): unknown;
  overQuota(quota: number): never;
  usesHelper(x: number): number;
  QuotaError: new (message: string, quota: number) => RangeError;
}

const fixture = (await import(TASK_MODULE.href)) as FixtureModule;

for (const runtime of RUNTIMES) {
  describe(`Task functions (${runtime})`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    describe('inline functions', () => {
      it('runs arrow functions, function expressions, named functions and method shorthand', async () => {
        function named(x: number): number {
          return x + 1;
        }
        const methods = {
          triple(x: number): number {
            return x * 3;
          },
        };
        expect(await within(pool.apply((x: number) => x - 1, [10]))).to.equal(9);
        expect(await within(pool.apply(function (x: number) { return x * 2; }, [10]))).to.equal(20);
        expect(await within(pool.apply(named, [10]))).to.equal(11);
        expect(await within(pool.map(methods.triple, [1, 2]))).to.deep.equal([3, 6]);
      });

      it('runs async functions and awaits their promise', async () => {
        expect(await within(pool.map(async (x: number) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return x * x;
        }, [1, 2, 3]))).to.deep.equal([1, 4, 9]);
      });

      it('compiles each function once per worker and caches it (state on the function persists)', async () => {
        function counter(): number {
          const self = counter as unknown as { n?: number };
          self.n = (self.n ?? 0) + 1;
          return self.n;
        }
        const counts: number[] = [];
        for (let i = 0; i < 6; i++) counts.push(await within(pool.apply(counter)));
        // 6 calls on 2 workers: some worker ran it at least 3 times, and kept counting.
        expect(Math.max(...counts)).to.be.at.least(3);
      });

      it('may use globals, require() of built-ins and installed packages, and import()', async () => {
        expect(await within(pool.apply(() => require('node:path').posix.join('a', 'b')))).to.equal('a/b');
        expect(await within(pool.apply(() => typeof require('eventemitter3')))).to.equal('function');
        expect(await within(pool.apply(async () => (await import('node:os')).EOL))).to.be.a('string');
        expect(await within(pool.apply(() => typeof structuredClone))).to.equal('function');
      });

      it('an inline function that reads a variable of its enclosing scope fails with an error naming it and the fix', async () => {
        const secretFactor = 7;
        const settled = await outcome(pool.apply((x: number) => x * secretFactor, [6]));
        expect(settled.ok).to.equal(false);
        const error = settled.ok ? undefined : (settled.error as Error);
        expect(error).to.be.instanceOf(ReferenceError);
        expect(error!.message).to.include('"secretFactor"');
        expect(error!.message).to.match(/task module/);
        expect(error!.message).to.match(/argument|initializer/);
        expect(await within(pool.apply(() => 'still fine'))).to.equal('still fine');
      });

      it('a ReferenceError for a name that is not in the source is left as it is', async () => {
        const settled = await outcome(pool.apply(() => (0, eval)('not' + 'DefinedAnywhere')));
        const error = settled.ok ? undefined : (settled.error as Error);
        expect(error).to.be.instanceOf(ReferenceError);
        expect(error!.message).to.equal('notDefinedAnywhere is not defined');
      });
    });

    describe('built-in functions', () => {
      it('runs well-known built-ins such as Math.sqrt, String, Math.pow, JSON.stringify', async () => {
        expect(await within(pool.map(Math.sqrt, [4, 9, 16]))).to.deep.equal([2, 3, 4]);
        expect(await within(pool.map(String, [1, true]))).to.deep.equal(['1', 'true']);
        expect(await within(pool.starmap(Math.pow, [[2, 10]]))).to.deep.equal([1024]);
        expect(await within(pool.map(JSON.stringify, [{ a: 1 }]))).to.deep.equal(['{"a":1}']);
      });
    });

    describe('functions that cannot be sent', () => {
      it('a bound function is a TypeError at once (sync for apply_async, rejection for apply)', async () => {
        const bound = ((x: number) => x).bind(null);
        expect(() => pool.apply_async(bound, [1])).to.throw(TypeError, /bound or native/);
        expect(() => pool.map_async(bound, [1])).to.throw(TypeError, /bound or native/);
        const settled = await outcome(pool.apply(bound, [1]));
        expect(settled.ok === false && settled.error).to.be.instanceOf(TypeError);
      });

      it('a native method that is not a well-known built-in is a TypeError naming the fix', () => {
        const nativeMethod = Map.prototype.has as unknown as (x: unknown) => boolean;
        expect(() => pool.apply_async(nativeMethod, [1])).to.throw(TypeError, /arrow function|task module/);
      });
    });
  });

  describe(`Task modules (${runtime})`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime, module: TASK_MODULE, initializer: fixture.initState, initargs: ['from initializer'] });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    it('runs exported functions, sync and async', async () => {
      expect(await within(pool.map(fixture.square, [1, 2, 3]))).to.deep.equal([1, 4, 9]);
      expect(await within(pool.apply(fixture.slowDouble, [21]))).to.equal(42);
    });

    it('runs them inside the module: its private helpers, imports and state are there', async () => {
      expect(await within(pool.apply(fixture.usesHelper, [1]))).to.equal(1001);
      expect(await within(pool.apply(fixture.workerName))).to.match(/^PoolWorker-\d+$/);
      const counts: number[] = [];
      for (let i = 0; i < 6; i++) counts.push(await within(pool.apply(fixture.countCalls)));
      expect(Math.max(...counts)).to.be.at.least(3);
    });

    it('accepts an exported initializer, run inside the module', async () => {
      expect(await within(pool.map(fixture.readState, [1, 2], 1))).to.deep.equal(['from initializer', 'from initializer']);
    });

    it('rebuilds errors of classes defined in the module as their built-in base, with name and props', async () => {
      const settled = await outcome(pool.apply(fixture.overQuota, [5]));
      const error = settled.ok ? undefined : (settled.error as RangeError & { quota?: number });
      expect(error).to.be.instanceOf(RangeError);
      expect(error!.name).to.equal('QuotaError');
      expect(error!.message).to.equal('over quota 5');
      expect(error!.quota).to.equal(5);
    });

    it('still runs self-contained inline functions next to module exports', async () => {
      expect(await within(pool.apply((x: number) => x + 0.5, [1]))).to.equal(1.5);
    });

    it('a bound function is still refused with a TypeError', async () => {
      const bound = fixture.square.bind(null);
      const error = await thrownOrRejected(() => pool.apply_async(bound, [2]).get());
      expect(error).to.be.instanceOf(TypeError);
    });
  });
}

describe('Task modules: the main thread is MainProcess', () => {
  it('current_process().name is MainProcess outside workers (the guard a task module script uses)', async () => {
    expect(fixture.workerName()).to.equal('MainProcess');
    await usingPool({ processes: 1, module: TASK_MODULE.href }, async (pool) => {
      expect(await within(pool.apply(fixture.workerName))).to.equal('PoolWorker-1');
    });
  });
});
