// ThreadPoolExecutor: the shared executor suite, plus CPython's ThreadPool-only tests
// (thread names, default workers, map submits without iteration, idle thread reuse) and what
// running on the main event loop promises (closures, errors untouched, no starvation).
import { expect } from 'chai';
import { availableParallelism } from 'node:os';
import { BrokenThreadPool, CancelledError } from '../../lib/errors.js';
import { currentThreadName } from '../../lib/engine/main-loop-engine.js';
import { ThreadPoolExecutor } from '../../lib/futures/thread-pool-executor.js';
import { within } from '../helpers.js';
import { executorSuite } from './executor-suite.js';
import { collect, expectRejection } from './support.js';

executorSuite({
  name: 'ThreadPoolExecutor',
  create: (maxWorkers, options) => new ThreadPoolExecutor(maxWorkers, options),
  brokenClass: BrokenThreadPool,
});

const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

describe('ThreadPoolExecutor: main-loop specifics', () => {
  const executors: ThreadPoolExecutor[] = [];
  const make = (...args: ConstructorParameters<typeof ThreadPoolExecutor>): ThreadPoolExecutor => {
    const e = new ThreadPoolExecutor(...args);
    executors.push(e);
    return e;
  };
  afterEach(async () => {
    await within(Promise.all(executors.splice(0).map((e) => e.shutdown())), 15, 'shutdown in afterEach');
  });

  it('defaults to min(32, cpu_count() + 4) workers (test_default_workers)', () => {
    expect(make().max_workers).to.equal(Math.min(32, availableParallelism() + 4));
    expect(make({ max_workers: 3 }).max_workers).to.equal(3);
  });

  it('names its threads after thread_name_prefix (test_thread_names_assigned)', async () => {
    const e = make(5, { thread_name_prefix: 'SpecialPool' });
    const names = await within(collect(e.map(async () => (await sleep(0.01), currentThreadName()), Array(10).fill(0))));
    for (const name of names) expect(name).to.match(/^SpecialPool_[0-4]$/);
    expect(new Set(names).size).to.equal(5);
    expect(currentThreadName()).to.equal('MainThread');
  });

  it('gives unique default thread names (test_thread_names_default)', async () => {
    const a = make(2);
    const b = make(2);
    const nameA = await within(a.submit(currentThreadName));
    const nameB = await within(b.submit(currentThreadName));
    expect(nameA).to.match(/^ThreadPoolExecutor-\d+_[0-1]$/);
    expect(nameB).to.match(/^ThreadPoolExecutor-\d+_[0-1]$/);
    expect(nameA.split('_')[0]).not.to.equal(nameB.split('_')[0]);
  });

  it('reuses an idle thread instead of starting another (test_idle_thread_reuse)', async () => {
    const e = make(5);
    const names = [];
    for (let i = 0; i < 3; i++) names.push(await within(e.submit(currentThreadName)));
    expect(new Set(names).size).to.equal(1);
  });

  it('submits every map call without iteration (test_map_submits_without_iteration)', async () => {
    const e = make(5);
    const finished: number[] = [];
    e.map((n: number) => finished.push(n), [...Array(10).keys()]);
    await within(e.shutdown(true));
    expect(finished.sort((x, y) => x - y)).to.deep.equal([...Array(10).keys()]);
  });

  it('runs closures that share memory with the caller', async () => {
    const e = make(4);
    const counter = { value: 0 };
    await within(Promise.all(Array.from({ length: 100 }, () => e.submit(() => counter.value++))));
    expect(counter.value).to.equal(100);
  });

  it('hands back errors untouched: same object, no RemoteTraceback', async () => {
    const e = make(1);
    const error = new TypeError('bad');
    const got = await expectRejection(e.submit(() => Promise.reject(error)).result(), TypeError);
    expect(got).to.equal(error);
    expect((got as Error).cause).to.equal(undefined);
  });

  it('runs at most max_workers calls at once', async () => {
    const e = make(3);
    let now = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      peak = Math.max(peak, ++now);
      await sleep(0.01);
      now--;
    };
    await within(collect(e.map(task, Array(20).fill(0))));
    expect(peak).to.equal(3);
  });

  it('runs the initializer once per thread, before its first call', async () => {
    const inits: string[] = [];
    const e = make(3, { initializer: () => inits.push(currentThreadName()), thread_name_prefix: 'init' });
    const names = await within(collect(e.map(async () => (await sleep(0.01), currentThreadName()), Array(12).fill(0))));
    expect(inits.sort()).to.deep.equal(['init_0', 'init_1', 'init_2']);
    expect(new Set(names)).to.deep.equal(new Set(inits));
  });

  it('does not let sync calls starve timers and I/O', async () => {
    const e = make(2);
    let completed = 0;
    let completedWhenTimerFired = -1;
    setTimeout(() => (completedWhenTimerFired = completed), 0);
    const busy = (): void => {
      const end = performance.now() + 0.2;
      while (performance.now() < end);
      completed++;
    };
    await within(collect(e.map(busy, Array(500).fill(0))));
    expect(completed).to.equal(500);
    expect(completedWhenTimerFired).to.be.within(0, 499);
  });

  it('a call cancelled in the same synchronous block as submit() never runs', async () => {
    const e = make(1);
    let ran = false;
    const f = e.submit(() => (ran = true));
    expect(f.cancel()).to.equal(true);
    await within(e.shutdown());
    expect(ran).to.equal(false);
    await expectRejection(f.result(), CancelledError);
  });

  it('cancels the calls not yet started when the map iteration fails or is left early', async () => {
    const e = make(1);
    let calls = 0;
    const task = async (x: number): Promise<number> => {
      calls++;
      await sleep(0.01);
      if (x === 1) throw new Error('item 1');
      return x;
    };
    await expectRejection(collect(e.map(task, [...Array(20).keys()])), Error);
    for await (const x of e.map(task, [0, 2, 3, 4, 5, 6, 7, 8, 9])) if (x === 0) break;
    await within(e.shutdown());
    // 20 + 9 calls were submitted; only those already running when the iteration ended ran.
    expect(calls).to.be.lessThan(10);
  });
});
