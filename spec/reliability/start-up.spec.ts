/**
 * Starting and stopping workers: only an initializer's (or task module's) own failure breaks a
 * pool; a worker killed while starting is replaced; deaths at every start break it with a
 * message that says so; pools closed right after they started give back their resources.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { BrokenProcessPool, Pool, WorkerLostError } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';

const THROWING_MODULE = new URL('../fixtures/throwing-module.js', import.meta.url);

/** Pids of this process's live child processes. */
function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

const openFiles = (): number => readdirSync('/proc/self/fd').length;

describe('Worker start-up', function () {
  this.timeout(60_000);

  it('a child process killed from outside while starting is replaced, not a broken pool', async () => {
    const before = new Set(childPids());
    // The initializer keeps the workers in start-up long enough to be killed there.
    const pool = new Pool({ processes: 2, runtime: 'process', initializer: () => new Promise((resolve) => setTimeout(resolve, 1500)) });
    try {
      let victims: number[] = [];
      for (let i = 0; i < 100 && victims.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        victims = childPids().filter((pid) => !before.has(pid));
      }
      expect(victims, 'a starting worker process').to.not.be.empty;
      process.kill(victims[0]!, 'SIGKILL');
      const results = await within(pool.map((x: number) => x * 2, [1, 2, 3, 4], 1), 30, 'map after the kill');
      expect(results).to.deep.equal([2, 4, 6, 8]);
    } finally {
      await within(pool.terminate(), 30, 'terminate');
    }
  });

  for (const runtime of RUNTIMES) {
    it(`workers that die at every start break the pool with a message that says so (${runtime})`, async () => {
      const pool = new Pool({ processes: 1, runtime, initializer: () => process.exit(5) });
      try {
        const settled = await outcome(pool.apply((x: number) => x, [1]), 30);
        expect(settled.ok).to.equal(false);
        const error = (settled as { error: Error }).error;
        expect(error).to.be.instanceOf(BrokenProcessPool);
        expect(error.message).to.match(/3 workers in a row exited while starting/);
        expect(error.cause).to.be.instanceOf(WorkerLostError);
        expect((error.cause as WorkerLostError).exitCode).to.equal(5);
      } finally {
        await within(pool.terminate(), 30, 'terminate');
      }
    });

    it(`a task module that fails to load says so (${runtime})`, async () => {
      const pool = new Pool({ processes: 1, runtime, module: THROWING_MODULE });
      try {
        const settled = await outcome(pool.apply((x: number) => x, [1]), 30);
        expect((settled as { error: Error }).error).to.be.instanceOf(BrokenProcessPool);
        expect((settled as { error: Error }).error.message).to.match(/A task module failed to load/);
      } finally {
        await within(pool.terminate(), 30, 'terminate');
      }
    });
  }

  it('pools terminated right after they started leave no open files behind (threads)', async () => {
    // Warm up: the first pool loads modules the later ones reuse.
    const first = new Pool({ processes: 2 });
    await within(first.apply((x: number) => x, [1]), 30, 'first');
    await within(first.terminate(), 30, 'terminate');
    const before = openFiles();
    for (let i = 0; i < 40; i++) {
      const pool = new Pool({ processes: 2 });
      await within(pool.terminate(), 30, 'terminate mid-start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(openFiles() - before).to.be.at.most(2);
  });

  it('forked child processes give back the stdout/stderr listener room tinypool takes', async () => {
    const before = [process.stdout.getMaxListeners(), process.stderr.getMaxListeners()];
    const pool = new Pool({ processes: 1, runtime: 'process', maxtasksperchild: 1 });
    await within(pool.map((x: number) => x, [1, 2, 3, 4, 5, 6], 1), 60, 'six workers, one task each');
    await within(pool.terminate(), 30, 'terminate');
    expect([process.stdout.getMaxListeners(), process.stderr.getMaxListeners()]).to.deep.equal(before);
  });
});
