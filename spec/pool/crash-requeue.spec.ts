/**
 * When a worker dies, the jobs it held but never started go back to the queue (once) instead of
 * failing: only the job that was running, and jobs whose results died with the worker, fail.
 */
import { expect } from 'chai';
import { WorkerLostError, type WorkerExitInfo } from '../../lib/index.js';
import { triage, type SentBatch } from '../../lib/engine/crash-triage.js';
import type { Job } from '../../lib/engine/engine.js';
import { RUNTIMES, within } from '../helpers.js';
import { usingPool } from './support.js';

const jobs = (n: number): Job[] =>
  Array.from({ length: n }, () => ({ fn: () => 0, calls: [[]], settle: () => undefined, fail: () => undefined }));

describe('crash triage (which held jobs fail, which go back to the queue)', () => {
  it('with progress: jobs up to the running one fail, later jobs and later batches go back', () => {
    const [a, b] = [jobs(4), jobs(3)];
    const batches: SentBatch[] = [{ seq: 5, jobs: a }, { seq: 6, jobs: b }];
    const { lost, unstarted } = triage(batches, [5, 1]);
    expect(lost).to.deep.equal(a.slice(0, 2));
    expect(unstarted).to.deep.equal([...a.slice(2), ...b]);
  });

  it('with progress still on an answered batch: every held batch is unstarted', () => {
    const a = jobs(2);
    expect(triage([{ seq: 3, jobs: a }], [2, 9])).to.deep.equal({ lost: [], unstarted: a });
  });

  it('without progress (child processes): every held job fails, none can run twice', () => {
    const [a, b] = [jobs(2), jobs(2)];
    expect(triage([{ seq: 1, jobs: a }, { seq: 2, jobs: b }], undefined)).to.deep.equal({ lost: [...a, ...b], unstarted: [] });
  });
});

for (const runtime of RUNTIMES) {
  const title = runtime === 'thread' ? "a dead worker thread's unstarted jobs run elsewhere" : 'a dead worker process fails only the jobs it held';
  describe(`${title} (${runtime})`, () => {
    it('every job after the ones the dead worker held still succeeds, and none runs twice', async () => {
      await usingPool({ processes: 1, runtime }, async (pool) => {
        const exits: WorkerExitInfo[] = [];
        pool.on('workerExit', (info) => exits.push(info));
        // Warm up so that the engine batches short jobs: the crash then happens mid-batch.
        await within(pool.map((x: number) => x, Array.from({ length: 2000 }, (_, i) => i), 1));
        const runs = new Int32Array(new SharedArrayBuffer(4 * 400));
        const shared = runtime === 'thread' ? runs : undefined;
        const results = Array.from({ length: 400 }, (_, i) =>
          pool.apply_async(
            (x: number, counts?: Int32Array) => {
              if (counts) Atomics.add(counts, x, 1);
              if (x === 100) process.exit(9);
              return x;
            },
            [i, shared],
          ),
        );
        await within(Promise.all(results.map((r) => r.wait())), 60, 'all results');
        const failed = results.flatMap((r, i) => (r.successful() ? [] : [i]));
        expect(failed).to.include(100);
        for (const i of failed) await results[i]!.get().catch((e: unknown) => expect(e).to.be.instanceOf(WorkerLostError));
        // The failures are one run of consecutive jobs (one message) holding the crasher.
        expect(failed).to.deep.equal(Array.from({ length: failed.length }, (_, k) => failed[0]! + k));
        if (runtime === 'thread') {
          // Threads report which job was running: only it and the jobs before it in its message
          // (whose results died with the worker) fail.
          expect(Math.max(...failed)).to.equal(100);
        }
        expect(exits).to.have.length(1);
        expect(exits[0]!.lostJobs).to.equal(failed.length);
        for (let i = Math.max(...failed) + 1; i < 400; i++) expect(await results[i]!.get()).to.equal(i);
        if (shared) {
          expect(Math.max(...runs)).to.equal(1, 'no job ran twice');
          for (let i = 100; i < 400; i++) expect(runs[i]).to.equal(1);
        }
      });
    });
  });
}
