/**
 * Workers dying mid-task: process.exit(3), an uncaught error in a timer after the task returned,
 * out of memory (threads, via resourceLimits), SIGKILL (child processes). Exactly the tasks the
 * worker held fail with WorkerLostError carrying the exit code (or signal); the worker is
 * replaced, the pool carries on, and the pool emits 'workerExit'. CPython's Pool hangs forever
 * on a lost task.
 */
import { expect } from 'chai';
import { Pool, WorkerLostError, type WorkerExitInfo } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';
import { usingPool, waitUntil, workerId } from './support.js';

for (const runtime of RUNTIMES) {
  describe(`Worker death (${runtime})`, () => {
    it('process.exit(3) fails the task with WorkerLostError (exitCode 3); the pool replaces the worker and carries on', async () => {
      await usingPool({ processes: 2, runtime }, async (pool) => {
        const exits: WorkerExitInfo[] = [];
        pool.on('workerExit', (info) => exits.push(info));
        const settled = await outcome(pool.apply(() => process.exit(3)));
        expect(settled.ok).to.equal(false);
        const error = (settled as { error: WorkerLostError }).error;
        expect(error).to.be.instanceOf(WorkerLostError);
        expect(error.exitCode).to.equal(3);
        expect(error.code).to.equal('ERR_POOL_WORKER_LOST');
        expect(error.message).to.include('code 3');
        await waitUntil(() => exits.length === 1, 15, 'workerExit');
        expect(exits[0]).to.deep.include({ exitCode: 3, signal: null, lostJobs: 1 });
        expect(exits[0]!.workerName).to.match(/^PoolWorker-\d+$/);
        expect(await within(pool.map((x: number) => x * 2, [1, 2, 3, 4], 1))).to.deep.equal([2, 4, 6, 8]);
        // Never more than two workers (the replacement may still be starting, so not asserted to be used).
        const ids = await within(pool.map(workerId, Array.from({ length: 8 }, (_, i) => i), 1));
        expect(new Set(ids).size).to.be.at.most(2);
      });
    });

    it('fails exactly the tasks the dead worker held; every other task succeeds', async () => {
      await usingPool({ processes: 2, runtime }, async (pool) => {
        const exits: WorkerExitInfo[] = [];
        pool.on('workerExit', (info) => exits.push(info));
        const task = async (x: number): Promise<number> => {
          if (x === 10) process.exit(4);
          await new Promise((resolve) => setTimeout(resolve, 5));
          return x;
        };
        const results = Array.from({ length: 30 }, (_, i) => pool.apply_async(task, [i]));
        const settled = await within(Promise.all(results.map((r) => outcome(r.get()))), 60, 'all results');
        const lost = settled.filter((s) => !s.ok);
        for (const s of lost) expect((s as { error: unknown }).error).to.be.instanceOf(WorkerLostError).with.property('exitCode', 4);
        settled.forEach((s, i) => {
          if (s.ok) expect(s.value).to.equal(i);
        });
        expect(settled[10]!.ok).to.equal(false);
        // What the dead worker held: at most two messages, one job each (a 5 ms job is too long
        // to batch). A worker thread reports the job it was running, so only task 10 fails; a
        // child process fails all it held (see "Limits" in docs/guarantees.md).
        expect(lost.length).to.be.at.most(runtime === 'thread' ? 1 : 2);
        await waitUntil(() => exits.length === 1, 15, 'workerExit');
        expect(exits[0]!.lostJobs).to.equal(lost.length);
      });
    });

    it('an uncaught error in a timer after the task returned: the task keeps its value, the worker is replaced', async () => {
      await usingPool({ processes: 1, runtime }, async (pool) => {
        const exits: WorkerExitInfo[] = [];
        pool.on('workerExit', (info) => exits.push(info));
        const firstId = await within(pool.apply(workerId));
        const value = await within(pool.apply(() => {
          setTimeout(() => {
            throw new Error('late failure (expected by this spec)');
          }, 10);
          return 'returned';
        }));
        expect(value).to.equal('returned');
        await waitUntil(() => exits.length === 1, 15, 'workerExit');
        expect(exits[0]).to.deep.include({ exitCode: 1, lostJobs: 0 });
        const secondId = await within(pool.apply(workerId));
        expect(secondId).to.not.equal(firstId);
      });
    });

    it('a task that kills a fresh worker is a lost task, not a broken pool (regression: init-reply race)', async () => {
      for (let i = 0; i < (runtime === 'thread' ? 8 : 3); i++) {
        await usingPool({ processes: 1, runtime }, async (pool) => {
          const settled = await outcome(pool.apply(() => process.exit(3)));
          expect(settled.ok === false && settled.error).to.be.instanceOf(WorkerLostError);
          expect(await within(pool.apply(() => 'carries on'))).to.equal('carries on');
        });
      }
    });

    if (runtime === 'thread') {
      it('running out of memory (resourceLimits) fails the task with WorkerLostError; the pool carries on', async () => {
        await usingPool({ processes: 1, runtime, resourceLimits: { maxOldGenerationSizeMb: 16 } }, async (pool) => {
          const exits: WorkerExitInfo[] = [];
          pool.on('workerExit', (info) => exits.push(info));
          const settled = await outcome(pool.apply(() => {
            const hog: number[][] = [];
            for (;;) hog.push(new Array(100_000).fill(1.5));
          }), 60);
          expect(settled.ok).to.equal(false);
          const error = (settled as { error: WorkerLostError }).error;
          expect(error).to.be.instanceOf(WorkerLostError);
          expect(error.exitCode).to.be.a('number');
          expect((error.cause as { code?: string }).code).to.equal('ERR_WORKER_OUT_OF_MEMORY');
          expect(error.message).to.match(/memory/);
          expect(await within(pool.apply(() => 'recovered'))).to.equal('recovered');
          expect(exits).to.have.length(1);
        });
      });
    } else {
      it('SIGKILL of a worker process mid-task fails that task with WorkerLostError (signal SIGKILL)', async () => {
        await usingPool({ processes: 1, runtime }, async (pool) => {
          const exits: WorkerExitInfo[] = [];
          pool.on('workerExit', (info) => exits.push(info));
          const pid = await within(pool.apply(() => process.pid));
          const stuck = pool.apply_async(() => new Promise(() => undefined));
          await new Promise((resolve) => setTimeout(resolve, 50));
          process.kill(pid, 'SIGKILL');
          const settled = await outcome(stuck.get());
          expect(settled.ok).to.equal(false);
          const error = (settled as { error: WorkerLostError }).error;
          expect(error).to.be.instanceOf(WorkerLostError);
          expect(error.signal).to.equal('SIGKILL');
          expect(error.exitCode).to.equal(null);
          await waitUntil(() => exits.length === 1, 15, 'workerExit');
          expect(exits[0]).to.deep.include({ signal: 'SIGKILL', lostJobs: 1 });
          const newPid = await within(pool.apply(() => process.pid));
          expect(newPid).to.not.equal(pid);
        });
      });

      it('a task that SIGKILLs its own process fails with WorkerLostError', async () => {
        await usingPool({ processes: 1, runtime }, async (pool) => {
          const settled = await outcome(pool.apply(() => process.kill(process.pid, 'SIGKILL')));
          expect(settled.ok === false && settled.error).to.be.instanceOf(WorkerLostError).with.property('signal', 'SIGKILL');
          expect(await within(pool.apply(() => 1))).to.equal(1);
        });
      });
    }

    it('a pool whose workers keep dying still terminates cleanly', async () => {
      const pool = new Pool({ processes: 2, runtime });
      try {
        const results = Array.from({ length: 6 }, () => pool.apply_async(() => process.exit(5)));
        await within(Promise.all(results.map((r) => r.wait())), 60, 'all lost');
        expect(results.every((r) => r.ready() && !r.successful())).to.equal(true);
      } finally {
        await within(pool.terminate(), 15, 'terminate');
      }
    });
  });
}
