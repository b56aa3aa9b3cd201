/**
 * initializer / initargs: run once in every worker (replacement workers too) before its first
 * task. An initializer that throws breaks the pool: every pending and later task fails fast with
 * BrokenProcessPool whose cause is the initializer's error (CPython's Pool restarts the worker
 * forever, a hang; its ProcessPoolExecutor raises BrokenProcessPool).
 */
import { expect } from 'chai';
import { BrokenExecutor, BrokenProcessPool, Pool, WorkerLostError } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';
import { usingPool, workerId } from './support.js';

interface InitState {
  initRuns?: number;
  initArgs?: unknown[];
}

/** Counts its runs in this worker and records its arguments. */
function countingInitializer(...args: unknown[]): void {
  const state = globalThis as InitState;
  state.initRuns = (state.initRuns ?? 0) + 1;
  state.initArgs = args;
}

/** What a task sees of the initializer, and where it ran. */
const initView = (): [number | undefined, unknown[] | undefined, string] => {
  const state = globalThis as InitState;
  return [state.initRuns, state.initArgs, `${process.pid}:${require('node:worker_threads').threadId}`];
};

for (const runtime of RUNTIMES) {
  describe(`Pool initializer (${runtime})`, () => {
    it('runs once in every worker, with initargs, before that worker\'s first task', async () => {
      await usingPool({ processes: 2, runtime, initializer: countingInitializer, initargs: [1, { two: [2] }] }, async (pool) => {
        const views = await within(pool.map(initView, Array.from({ length: 20 }, (_, i) => i), 1));
        for (const [runs, args] of views) {
          expect(runs).to.equal(1);
          expect(args).to.deep.equal([1, { two: [2] }]);
        }
        expect(new Set(views.map(([, , id]) => id)).size).to.be.at.most(2);
      });
    });

    it('awaits an async initializer before the first task', async () => {
      const initializer = async (flag: string): Promise<void> => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        (globalThis as Record<string, unknown>).asyncFlag = flag;
      };
      await usingPool({ processes: 2, runtime, initializer, initargs: ['set'] }, async (pool) => {
        expect(await within(pool.map(() => (globalThis as Record<string, unknown>).asyncFlag, [1, 2, 3, 4], 1))).to.deep.equal(['set', 'set', 'set', 'set']);
      });
    });

    it('runs in the replacement of a worker that died, before its first task', async () => {
      await usingPool({ processes: 1, runtime, initializer: countingInitializer, initargs: ['again'] }, async (pool) => {
        const [, , firstId] = await within(pool.apply(initView));
        const lost = await outcome(pool.apply(() => process.exit(3)));
        expect(lost.ok === false && lost.error).to.be.instanceOf(WorkerLostError);
        const [runs, args, secondId] = await within(pool.apply(initView));
        expect(secondId).to.not.equal(firstId);
        expect(runs).to.equal(1);
        expect(args).to.deep.equal(['again']);
      });
    });

    describe('that throws', () => {
      it('breaks the pool: pending tasks fail with BrokenProcessPool whose cause is the initializer\'s error', async () => {
        await usingPool({ processes: 2, runtime, initializer: () => { throw new TypeError('no database'); } }, async (pool) => {
          const pending: { get(): Promise<unknown> }[] = [pool.apply_async(() => 1), pool.apply_async(() => 2), pool.map_async((x: number) => x, [1, 2, 3])];
          for (const result of pending) {
            const settled = await outcome(result.get());
            expect(settled.ok).to.equal(false);
            const error = (settled as { error: BrokenProcessPool }).error;
            expect(error).to.be.instanceOf(BrokenProcessPool).and.instanceOf(BrokenExecutor);
            expect(error.code).to.equal('ERR_POOL_BROKEN_PROCESS_POOL');
            expect(error.cause).to.be.instanceOf(TypeError).with.property('message', 'no database');
          }
        });
      });

      it('later tasks fail fast (settled as soon as they are submitted)', async () => {
        await usingPool({ processes: 2, runtime, initializer: () => { throw new Error('broken'); } }, async (pool) => {
          await within(pool.apply_async(() => 1).wait());
          const later = pool.apply_async(() => 2);
          expect(later.ready()).to.equal(true);
          expect(later.successful()).to.equal(false);
          const settled = await outcome(later.get());
          expect(settled.ok === false && settled.error).to.be.instanceOf(BrokenProcessPool);
          const mapped = await outcome(pool.map((x: number) => x, [1, 2]));
          expect(mapped.ok === false && mapped.error).to.be.instanceOf(BrokenProcessPool);
          const applied = await outcome(pool.apply(() => 3));
          expect(applied.ok === false && applied.error).to.be.instanceOf(BrokenProcessPool);
        });
      });

      it('an async initializer that rejects, or throws a non-Error, breaks the pool the same way', async () => {
        await usingPool({ processes: 1, runtime, initializer: async () => { throw new RangeError('async init'); } }, async (pool) => {
          const settled = await outcome(pool.apply(() => 1));
          expect(settled.ok === false && settled.error).to.be.instanceOf(BrokenProcessPool);
          expect((settled as { error: Error }).error.cause).to.be.instanceOf(RangeError);
        });
        await usingPool({ processes: 1, runtime, initializer: () => { throw 'init says no'; } }, async (pool) => {
          const settled = await outcome(pool.apply(() => 1));
          expect(settled.ok === false && settled.error).to.be.instanceOf(BrokenProcessPool);
          expect((settled as { error: Error }).error.cause).to.equal('init says no');
        });
      });

      it('an initializer that exits the worker breaks the pool instead of restarting it forever', async () => {
        await usingPool({ processes: 1, runtime, initializer: () => process.exit(9) }, async (pool) => {
          const settled = await outcome(pool.apply(() => 1));
          expect(settled.ok === false && settled.error).to.be.instanceOf(BrokenProcessPool);
          const cause = (settled as { error: Error }).error.cause;
          expect(cause).to.be.instanceOf(WorkerLostError).with.property('exitCode', 9);
        });
      });

      it('a broken pool still closes, joins and terminates without hanging', async () => {
        const pool = new Pool({ processes: 2, runtime, initializer: () => { throw new Error('broken'); } });
        try {
          await within(pool.apply_async(() => 1).wait());
          pool.close();
          await within(pool.join(), 15, 'join of a broken pool');
        } finally {
          await within(pool.terminate(), 15, 'terminate of a broken pool');
        }
      });
    });
  });
}

describe('Pool initializer: workerId helper sanity', () => {
  it('names distinct workers distinctly', async () => {
    await usingPool({ processes: 2, maxtasksperchild: 1 }, async (pool) => {
      const ids = await within(pool.map(workerId, [1, 2, 3], 1));
      expect(new Set(ids).size).to.equal(3);
    });
  });
});
