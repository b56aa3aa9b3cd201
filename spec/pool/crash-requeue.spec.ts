/**
 * When a worker dies, the jobs it held but never started go back to the queue (once) instead of
 * failing: only the job that was running, and jobs whose results died with the worker, fail.
 * A child process cannot tell which job it was running: it fails every job it held and gives
 * none back. On both runtimes no job runs twice and every job settles exactly once.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerLostError, type WorkerExitInfo } from '../../lib/index.js';
import { triage, type SentBatch } from '../../lib/engine/crash-triage.js';
import type { Job } from '../../lib/engine/engine.js';
import { RUNTIMES, within } from '../helpers.js';
import { JobLedger } from '../reliability/support.js';
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

/** How often each job ran: shared memory for threads, an append-only log file for processes. */
function runCounter(runtime: (typeof RUNTIMES)[number], jobs: number) {
  if (runtime === 'thread') {
    const runs = new Int32Array(new SharedArrayBuffer(4 * jobs));
    return { arg: runs, counts: () => [...runs], dispose: () => undefined };
  }
  // Child processes share no memory: each run appends its index to one file (O_APPEND, one
  // small write per run, written before a crash since appendFileSync is synchronous).
  const dir = mkdtempSync(join(tmpdir(), 'pypool-requeue-'));
  const log = join(dir, 'runs.log');
  writeFileSync(log, '');
  const counts = (): number[] => {
    const runs = new Array<number>(jobs).fill(0);
    for (const line of readFileSync(log, 'utf8').split('\n')) if (line) runs[Number(line)]!++;
    return runs;
  };
  return { arg: log, counts, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const runtime of RUNTIMES) {
  const title = runtime === 'thread' ? "a dead worker thread's unstarted jobs run elsewhere" : 'a dead worker process fails only the jobs it held';
  describe(`${title} (${runtime})`, () => {
    it('every job after the ones the dead worker held still succeeds, and none runs twice', async () => {
      const counter = runCounter(runtime, 400);
      try {
        await usingPool({ processes: 1, runtime }, async (pool) => {
          const exits: WorkerExitInfo[] = [];
          pool.on('workerExit', (info) => exits.push(info));
          // Warm up so that the engine batches short jobs: the crash then happens mid-batch.
          await within(pool.map((x: number) => x, Array.from({ length: 2000 }, (_, i) => i), 1));
          const ledger = new JobLedger(pool);
          const results = Array.from({ length: 400 }, (_, i) =>
            pool.apply_async(
              (x: number, runs: Int32Array | string) => {
                if (typeof runs === 'string') require('node:fs').appendFileSync(runs, `${x}\n`);
                else Atomics.add(runs, x, 1);
                if (x === 100) process.exit(9);
                return x;
              },
              [i, counter.arg],
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
          const runs = counter.counts();
          expect(Math.max(...runs)).to.equal(1, 'no job ran twice');
          // Every job that succeeded ran exactly once; the crasher ran (once); a failed job ran
          // at most once (a process fails jobs it held but may not have started).
          results.forEach((r, i) => {
            if (r.successful()) expect(runs[i], `runs of job ${i}`).to.equal(1);
          });
          expect(runs[100]).to.equal(1);
          ledger.expectEachSettledOnce();
        });
      } finally {
        counter.dispose();
      }
    });
  });
}
