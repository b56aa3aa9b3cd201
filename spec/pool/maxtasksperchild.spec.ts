/**
 * maxtasksperchild: a worker retires after that many tasks (a map chunk counts as one task, as
 * in CPython) and a fresh worker, initialized again, takes its place. Worker identity is
 * observed as pid:threadId.
 */
import { expect } from 'chai';
import { RUNTIMES, within } from '../helpers.js';
import { usingPool, workerId } from './support.js';

/** The worker a task ran in, and how many times the initializer ran there. */
const view = (): [string, unknown] => [
  `${process.pid}:${require('node:worker_threads').threadId}`,
  (globalThis as Record<string, unknown>).inits,
];

function countBy<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

for (const runtime of RUNTIMES) {
  describe(`Pool maxtasksperchild (${runtime})`, () => {
    it('retires a worker after maxtasksperchild tasks and starts a fresh, initialized one', async () => {
      const initializer = (): void => {
        const g = globalThis as Record<string, unknown>;
        g.inits = ((g.inits as number | undefined) ?? 0) + 1;
      };
      await usingPool({ processes: 1, runtime, maxtasksperchild: 2, initializer }, async (pool) => {
        const seen: [string, unknown][] = [];
        for (let i = 0; i < 6; i++) seen.push(await within(pool.apply(view)));
        const perWorker = countBy(seen.map(([id]) => id));
        expect(perWorker.size).to.equal(3);
        expect([...perWorker.values()]).to.deep.equal([2, 2, 2]);
        expect(seen.every(([, inits]) => inits === 1)).to.equal(true);
      });
    });

    it('with maxtasksperchild 1 every task runs in a fresh worker', async () => {
      await usingPool({ processes: 2, runtime, maxtasksperchild: 1 }, async (pool) => {
        const ids = await within(pool.map(workerId, [1, 2, 3, 4, 5, 6], 1));
        expect(new Set(ids).size).to.equal(6);
      });
    });

    it('counts a map chunk as one task: the items of a chunk share a worker', async () => {
      await usingPool({ processes: 1, runtime, maxtasksperchild: 1 }, async (pool) => {
        const ids = await within(pool.map(workerId, Array.from({ length: 10 }, (_, i) => i), 5));
        expect(new Set(ids.slice(0, 5)).size).to.equal(1);
        expect(new Set(ids.slice(5)).size).to.equal(1);
        expect(ids[0]).to.not.equal(ids[5]);
      });
    });

    it('runs many concurrent tasks to completion, none on a worker past its limit, with no workerExit events', async () => {
      await usingPool({ processes: 2, runtime, maxtasksperchild: 3 }, async (pool) => {
        const exits: unknown[] = [];
        pool.on('workerExit', (info) => exits.push(info));
        const results = Array.from({ length: 24 }, (_, i) => pool.apply_async((x: number) => [x, `${process.pid}:${require('node:worker_threads').threadId}`] as const, [i]));
        const values = await within(Promise.all(results.map((r) => r.get())), 60, 'results');
        expect(values.map(([x]) => x)).to.deep.equal(Array.from({ length: 24 }, (_, i) => i));
        const perWorker = countBy(values.map(([, id]) => id));
        expect(Math.max(...perWorker.values())).to.be.at.most(3);
        expect(perWorker.size).to.be.at.least(8);
        expect(exits).to.deep.equal([]);
      });
    });
  });
}
