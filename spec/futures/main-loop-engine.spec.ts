// MainLoopEngine: the engine behind ThreadPoolExecutor and ThreadPool, driven through the
// Engine contract directly (jobs of several calls, cancel, close/join, terminate, broken).
import { expect } from 'chai';
import { BrokenThreadPool } from '../../lib/errors.js';
import type { Job, Outcome } from '../../lib/engine/engine.js';
import { MainLoopEngine } from '../../lib/engine/main-loop-engine.js';
import { within } from '../helpers.js';
import { tick } from './support.js';

/** A job whose settlement is observable as a promise. */
function makeJob(fn: (...args: never[]) => unknown, calls: unknown[][]) {
  let started = false;
  let resolve!: (r: { outcomes?: Outcome[]; failure?: unknown }) => void;
  const result = new Promise<{ outcomes?: Outcome[]; failure?: unknown }>((r) => (resolve = r));
  let settledCount = 0;
  const job: Job = {
    fn: fn as Job['fn'],
    calls,
    settle: (outcomes) => (settledCount++, resolve({ outcomes })),
    fail: (failure) => (settledCount++, resolve({ failure })),
    onStart: () => (started = true),
  };
  return { job, result, started: () => started, settledCount: () => settledCount };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('engine: MainLoopEngine', () => {
  it('runs every call of a job in order and settles once with one outcome per call', async () => {
    const engine = new MainLoopEngine({ threads: 2 });
    const error = new Error('odd');
    const j = makeJob(async (x: number) => {
      if (x % 2) throw error;
      return x * 10;
    }, [[0], [1], [2]]);
    engine.submit(j.job);
    const { outcomes } = await within(j.result);
    expect(outcomes).to.deep.equal([{ ok: true, value: 0 }, { ok: false, error }, { ok: true, value: 20 }]);
    expect(j.started()).to.equal(true);
    engine.close();
    await within(engine.join());
    expect(j.settledCount()).to.equal(1);
  });

  it('starts jobs on a microtask: a job cancelled in the same tick never runs', async () => {
    const engine = new MainLoopEngine({ threads: 1 });
    let ran = false;
    const j = makeJob(() => (ran = true), [[]]);
    engine.submit(j.job);
    expect(engine.cancel(j.job)).to.equal(true);
    expect(engine.cancel(j.job)).to.equal(false);
    engine.close();
    await within(engine.join());
    expect(ran).to.equal(false);
    expect(j.settledCount()).to.equal(0);
  });

  it('cancel() is false for a running job', async () => {
    const engine = new MainLoopEngine({ threads: 1 });
    const j = makeJob(() => sleep(20), [[]]);
    engine.submit(j.job);
    await tick();
    expect(j.started()).to.equal(true);
    expect(engine.cancel(j.job)).to.equal(false);
    await within(j.result);
    engine.close();
  });

  it('join() waits for close() and for every job', async () => {
    const engine = new MainLoopEngine({ threads: 2 });
    const jobs = [1, 2, 3].map(() => makeJob(() => sleep(10), [[]]));
    for (const j of jobs) engine.submit(j.job);
    let joined = false;
    const joining = engine.join().then(() => (joined = true));
    await sleep(40);
    expect(joined).to.equal(false); // still running: not closed
    engine.close();
    expect(engine.state).to.equal('closed');
    await within(joining);
    for (const j of jobs) expect(j.settledCount()).to.equal(1);
  });

  it('terminate() fails queued and running jobs with the reason and ignores late results', async () => {
    const engine = new MainLoopEngine({ threads: 1 });
    const running = makeJob(() => sleep(20).then(() => 'late'), [[]]);
    const queued = makeJob(() => 'never', [[]]);
    engine.submit(running.job);
    engine.submit(queued.job);
    await tick();
    const reason = new Error('terminated');
    await within(engine.terminate(reason));
    expect(engine.state).to.equal('terminated');
    expect((await running.result).failure).to.equal(reason);
    expect((await queued.result).failure).to.equal(reason);
    await sleep(30);
    expect(running.settledCount()).to.equal(1);
    await within(engine.join());
  });

  it('a throwing initializer breaks the engine: pending and later jobs fail with brokenError(cause)', async () => {
    const cause = new Error('no db');
    const engine = new MainLoopEngine({
      threads: 2,
      initializer: async () => {
        await sleep(5);
        throw cause;
      },
    });
    const jobs = [1, 2, 3].map(() => makeJob(() => 1, [[]]));
    for (const j of jobs) engine.submit(j.job);
    for (const j of jobs) {
      const { failure } = await within(j.result);
      expect(failure).to.be.instanceOf(BrokenThreadPool);
      expect((failure as Error).cause).to.equal(cause);
    }
    const later = makeJob(() => 1, [[]]);
    engine.submit(later.job);
    expect((await within(later.result)).failure).to.be.instanceOf(BrokenThreadPool);
    engine.close();
    await within(engine.join());
  });

  it('uses a custom brokenError', async () => {
    const engine = new MainLoopEngine({
      threads: 1,
      initializer: () => {
        throw new Error('x');
      },
      brokenError: (cause) => new RangeError(`custom: ${(cause as Error).message}`),
    });
    const j = makeJob(() => 1, [[]]);
    engine.submit(j.job);
    expect(((await within(j.result)).failure as Error).message).to.equal('custom: x');
    engine.close();
  });

  it('fails a job submitted after close()', async () => {
    const engine = new MainLoopEngine({ threads: 1 });
    engine.close();
    const j = makeJob(() => 1, [[]]);
    engine.submit(j.job);
    expect((await within(j.result)).failure).to.be.instanceOf(Error);
  });

  it('runs many sync jobs with a bounded number of event-loop yields', async () => {
    const engine = new MainLoopEngine({ threads: 4 });
    const jobs = Array.from({ length: 20000 }, (_, i) => makeJob((x: number) => x + 1, [[i]]));
    // Every yield of the engine lets the event loop turn once: count the turns during the run.
    let turns = 0;
    let running = true;
    const countTurn = (): void => {
      if (!running) return;
      turns++;
      setImmediate(countTurn);
    };
    setImmediate(countTurn);
    for (const j of jobs) engine.submit(j.job);
    engine.close();
    await within(engine.join());
    running = false;
    expect(jobs.every((j) => j.settledCount() === 1)).to.equal(true);
    // The engine yields once per time slice (~10 ms of work), not per job: about 10 turns here,
    // and at most one per 100 jobs even on a slow machine. Yielding per job takes 5,000 turns
    // (20,000 jobs over 4 virtual threads sharing each turn).
    expect(turns, 'event-loop turns while 20,000 sync jobs ran').to.be.at.most(jobs.length / 100);
  });
});
