// ProcessPoolExecutor: the shared executor suite on worker threads, a smaller run on child
// processes, plus CPython's ProcessPool-only tests (map chunksize, traceback) and pypool's
// promise that a worker dying mid-call fails only that call's future.
import { expect } from 'chai';
import { availableParallelism } from 'node:os';
import { BrokenProcessPool, RemoteTraceback, WorkerLostError } from '../../lib/errors.js';
import { ProcessPoolExecutor } from '../../lib/futures/process-pool-executor.js';
import { wait } from '../../lib/futures/wait.js';
import { within } from '../helpers.js';
import { executorSuite } from './executor-suite.js';
import { collect, expectRejection } from './support.js';

executorSuite({
  name: 'ProcessPoolExecutor',
  create: (maxWorkers, options) => new ProcessPoolExecutor(maxWorkers, options),
  brokenClass: BrokenProcessPool,
});

describe('ProcessPoolExecutor: worker specifics', function () {
  this.timeout(20000);
  const executors: ProcessPoolExecutor[] = [];
  const make = (...args: ConstructorParameters<typeof ProcessPoolExecutor>): ProcessPoolExecutor => {
    const e = new ProcessPoolExecutor(...args);
    executors.push(e);
    return e;
  };
  afterEach(async () => {
    await within(Promise.all(executors.splice(0).map((e) => e.shutdown())), 15, 'shutdown in afterEach');
  });

  it('defaults to cpu_count() workers', () => {
    expect(make().max_workers).to.equal(availableParallelism());
  });

  it('groups map calls into chunks and keeps the order (test_map_chunksize)', async () => {
    const e = make(2);
    const range40 = [...Array(40).keys()];
    const ref = range40.map((x) => x ** x);
    for (const chunksize of [6, 50, 40]) {
      expect(await within(collect(e.map(Math.pow, range40, range40, { chunksize })))).to.deep.equal(ref);
    }
    expect(() => e.map(Math.pow, range40, range40, { chunksize: -1 })).to.throw(RangeError);
  });

  it('raises an error of a chunk at its own position', async () => {
    const e = make(2);
    const it = e.map(
      (x: number) => {
        if (x === 4) throw new RangeError(`bad ${x}`);
        return x;
      },
      [0, 1, 2, 3, 4, 5, 6],
      { chunksize: 3 },
    );
    const seen: number[] = [];
    const error = await expectRejection(
      (async () => {
        for await (const x of it) seen.push(x);
      })(),
      RangeError,
    );
    expect(seen).to.deep.equal([0, 1, 2, 3]);
    expect((error as Error).message).to.equal('bad 4');
  });

  it('re-raises a worker error with its class and the worker stack as cause (test_traceback)', async () => {
    const e = make(1);
    const error = await expectRejection(
      e.submit(function raiseRuntimeError() {
        throw new TypeError('123 some comment');
      }).result(10),
      TypeError,
    );
    expect((error as Error).message).to.equal('123 some comment');
    const cause = (error as Error).cause;
    expect(cause).to.be.instanceOf(RemoteTraceback);
    expect((cause as RemoteTraceback).tb).to.include('123 some comment');
    // A stack, not just the message: the frame of the function that threw, in the worker.
    expect((cause as RemoteTraceback).tb).to.match(/\n\s+at \S*raiseRuntimeError\b/);
  });

  it('a worker that dies mid-call fails only its own future, and the executor keeps working', async () => {
    const e = make(2);
    const others = Array.from({ length: 6 }, (_, i) =>
      e.submit(async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return x * 10;
      }, i),
    );
    const dying = e.submit(() => process.exit(3));
    const error = await expectRejection(dying.result(10), WorkerLostError);
    expect((error as WorkerLostError).exitCode).to.equal(3);
    expect(await within(Promise.all(others.map((f) => f.result())))).to.deep.equal([0, 10, 20, 30, 40, 50]);
    expect(await within(e.submit((x: number) => x + 1, 41))).to.equal(42);
    const { not_done } = await within(wait([...others, dying]));
    expect(not_done.size).to.equal(0);
  });

  it('validates max_tasks_per_child and runtime', () => {
    expect(() => new ProcessPoolExecutor(1, { max_tasks_per_child: 0 })).to.throw(RangeError, 'max_tasks_per_child must be >= 1');
    expect(() => new ProcessPoolExecutor(1, { max_tasks_per_child: 1.5 })).to.throw(TypeError);
    expect(() => new ProcessPoolExecutor(1, { runtime: 'fork' as never })).to.throw(TypeError);
  });

  it('replaces workers after max_tasks_per_child jobs and still finishes everything', async () => {
    const e = make(1, { max_tasks_per_child: 2 });
    // Each call names the worker it ran in (pid:threadId); one worker at a time, two calls each.
    const workerId = (): string => `${process.pid}:${require('node:worker_threads').threadId}`;
    const ids = await within(collect(e.map(workerId, Array(6).fill(0))));
    const perWorker = new Map<string, number>();
    for (const id of ids) perWorker.set(id, (perWorker.get(id) ?? 0) + 1);
    expect([...perWorker.values()], 'calls per worker').to.deep.equal([2, 2, 2]);
  });

  it('rejects a function that cannot be sent to a worker at once', () => {
    const e = make(1);
    expect(() => e.submit(Math.max.bind(null, 1))).to.throw(TypeError);
  });
});

describe('ProcessPoolExecutor: runtime "process"', function () {
  this.timeout(30000);
  let executor: ProcessPoolExecutor;
  beforeEach(() => (executor = new ProcessPoolExecutor(2, { runtime: 'process' })));
  afterEach(async () => {
    await within(executor.shutdown(), 20, 'shutdown in afterEach');
  });

  it('runs submit and map in child processes', async () => {
    const pid = await within(executor.submit(() => process.pid));
    expect(pid).not.to.equal(process.pid);
    expect(await within(collect(executor.map(Math.pow, [2, 3], [5, 2], { chunksize: 2 })))).to.deep.equal([32, 9]);
  });

  it('a child that exits mid-call fails only its own future', async () => {
    const error = await expectRejection(executor.submit(() => process.exit(3)).result(20), WorkerLostError);
    expect((error as WorkerLostError).exitCode).to.equal(3);
    expect(await within(executor.submit((x: number) => x * 2, 21), 20)).to.equal(42);
  });
});
