/**
 * Bad-input catalogue: every public constructor, method and option, called with wrong types and
 * out-of-range values, fails with a TypeError or RangeError whose message names the argument,
 * before any work is queued; no bad input crashes the host or disturbs a task already running.
 *
 * `CATALOGUE` is also the source of the table in docs/guarantees.md.
 */
import { expect } from 'chai';
import {
  Future,
  Pool,
  ProcessPoolExecutor,
  ThreadPool,
  ThreadPoolExecutor,
  as_completed,
  wait,
  type AsyncResult,
} from '../../lib/index.js';
import type { Engine } from '../../lib/engine/engine.js';
import { expectNoLeaks, snapshot, warmUpThreadPool, within, type ResourceSnapshot } from './support.js';

/** What each entry may use: running pools and executors, shared by the whole catalogue. */
interface Fixtures {
  readonly pool: Pool;
  readonly threadPool: ThreadPool;
  readonly executor: ProcessPoolExecutor;
  readonly threadExecutor: ThreadPoolExecutor;
  readonly result: AsyncResult<number>;
  readonly future: Future<number>;
}

export interface BadInput {
  /** The API, as a user writes it. */
  readonly api: string;
  /** The bad call, as a user writes it. */
  readonly call: string;
  readonly error: 'TypeError' | 'RangeError';
  /** Text the message must contain: the argument's name. */
  readonly names: string;
  /** Throws synchronously (`sync`) or rejects (`async`, for methods that return a Promise). */
  readonly how: 'sync' | 'async';
  readonly run: (f: Fixtures) => unknown;
}

const square = (x: number): number => x * x;
const add = (a: number, b: number): number => a + b;
// Deliberately ill-typed calls: the catalogue is about what plain JavaScript callers can pass.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const A = (value: unknown): Any => value;

/* eslint-disable @typescript-eslint/no-unsafe-argument */
export const CATALOGUE: readonly BadInput[] = [
  // ---- new Pool(...) ----
  { api: 'new Pool', call: 'new Pool(0)', error: 'RangeError', names: 'processes', how: 'sync', run: () => new Pool(0) },
  { api: 'new Pool', call: 'new Pool(-2)', error: 'RangeError', names: 'processes', how: 'sync', run: () => new Pool(-2) },
  { api: 'new Pool', call: 'new Pool(1.5)', error: 'TypeError', names: 'processes', how: 'sync', run: () => new Pool(1.5) },
  { api: 'new Pool', call: 'new Pool(NaN)', error: 'TypeError', names: 'processes', how: 'sync', run: () => new Pool(NaN) },
  { api: 'new Pool', call: "new Pool('2')", error: 'TypeError', names: 'processes', how: 'sync', run: () => new Pool(A('2')) },
  { api: 'new Pool', call: 'new Pool([2])', error: 'TypeError', names: 'options', how: 'sync', run: () => new Pool(A([2])) },
  { api: 'new Pool', call: "new Pool(2, 'init')", error: 'TypeError', names: 'initializer', how: 'sync', run: () => new Pool(2, A('init')) },
  { api: 'new Pool', call: "new Pool(2, null, 'a')", error: 'TypeError', names: 'initargs', how: 'sync', run: () => new Pool(2, null, A('a')) },
  { api: 'new Pool', call: 'new Pool(2, null, [], 0)', error: 'RangeError', names: 'maxtasksperchild', how: 'sync', run: () => new Pool(2, null, [], 0) },
  { api: 'new Pool', call: 'new Pool(2, null, [], 2.5)', error: 'TypeError', names: 'maxtasksperchild', how: 'sync', run: () => new Pool(2, null, [], 2.5) },
  { api: 'new Pool', call: '{ processes: 0 }', error: 'RangeError', names: 'processes', how: 'sync', run: () => new Pool({ processes: 0 }) },
  { api: 'new Pool', call: "{ runtime: 'fork' }", error: 'TypeError', names: 'runtime', how: 'sync', run: () => new Pool({ runtime: A('fork') }) },
  { api: 'new Pool', call: '{ module: 42 }', error: 'TypeError', names: 'module', how: 'sync', run: () => new Pool({ module: A(42) }) },
  { api: 'new Pool', call: "{ module: '' }", error: 'TypeError', names: 'module', how: 'sync', run: () => new Pool({ module: '' }) },
  { api: 'new Pool', call: '{ initargs: {} }', error: 'TypeError', names: 'initargs', how: 'sync', run: () => new Pool({ initargs: A({}) }) },
  { api: 'new Pool', call: '{ maxtasksperchild: -1 }', error: 'RangeError', names: 'maxtasksperchild', how: 'sync', run: () => new Pool({ maxtasksperchild: -1 }) },
  { api: 'new Pool', call: '{ procesess: 2 } (typo)', error: 'TypeError', names: 'procesess', how: 'sync', run: () => new Pool(A({ procesess: 2 })) },
  { api: 'new Pool', call: "{ resourceLimits: 'big' }", error: 'TypeError', names: 'resourceLimits', how: 'sync', run: () => new Pool({ resourceLimits: A('big') }) },
  {
    api: 'new Pool',
    call: '{ resourceLimits: { maxOldGenerationSizeMb: -1 } }',
    error: 'RangeError',
    names: 'maxOldGenerationSizeMb',
    how: 'sync',
    run: () => new Pool({ resourceLimits: { maxOldGenerationSizeMb: -1 } }),
  },
  {
    api: 'new Pool',
    call: "{ resourceLimits: { stackSizeMb: '4' } }",
    error: 'TypeError',
    names: 'stackSizeMb',
    how: 'sync',
    run: () => new Pool({ resourceLimits: A({ stackSizeMb: '4' }) }),
  },
  // ---- new ThreadPool(...) ----
  { api: 'new ThreadPool', call: 'new ThreadPool(0)', error: 'RangeError', names: 'processes', how: 'sync', run: () => new ThreadPool(0) },
  { api: 'new ThreadPool', call: "new ThreadPool(2, 'init')", error: 'TypeError', names: 'initializer', how: 'sync', run: () => new ThreadPool(2, A('init')) },
  { api: 'new ThreadPool', call: "{ runtime: 'process' }", error: 'TypeError', names: 'runtime', how: 'sync', run: () => new ThreadPool({ runtime: 'process' }) },
  // ---- pool methods ----
  { api: 'pool.apply_async', call: "apply_async('f')", error: 'TypeError', names: 'task function', how: 'sync', run: (f) => f.pool.apply_async(A('f')) },
  { api: 'pool.apply_async', call: "apply_async(f, 'args')", error: 'TypeError', names: 'args', how: 'sync', run: (f) => f.pool.apply_async(square, A('args')) },
  { api: 'pool.apply_async', call: 'apply_async(f, 5)', error: 'TypeError', names: 'args', how: 'sync', run: (f) => f.pool.apply_async(square, A(5)) },
  {
    api: 'pool.apply_async',
    call: "apply_async(f, [1], { callback: 'cb' })",
    error: 'TypeError',
    names: 'callback',
    how: 'sync',
    run: (f) => f.pool.apply_async(square, [1], { callback: A('cb') }),
  },
  {
    api: 'pool.apply_async',
    call: 'apply_async(f, [1], { error_callback: 1 })',
    error: 'TypeError',
    names: 'error_callback',
    how: 'sync',
    run: (f) => f.pool.apply_async(square, [1], { error_callback: A(1) }),
  },
  { api: 'pool.apply_async', call: "apply_async(f, [1], 'cb')", error: 'TypeError', names: 'callbacks', how: 'sync', run: (f) => f.pool.apply_async(square, [1], A('cb')) },
  {
    api: 'pool.apply_async',
    call: 'apply_async(console.log.bind(console))',
    error: 'TypeError',
    names: 'bound or native function',
    how: 'sync',
    run: (f) => f.pool.apply_async(console.log.bind(console)),
  },
  { api: 'pool.apply', call: 'apply(42)', error: 'TypeError', names: 'task function', how: 'async', run: (f) => f.pool.apply(A(42)) },
  { api: 'pool.apply', call: "apply(f, 'args')", error: 'TypeError', names: 'args', how: 'async', run: (f) => f.pool.apply(square, A('args')) },
  { api: 'pool.map', call: 'map(null, [1])', error: 'TypeError', names: 'task function', how: 'async', run: (f) => f.pool.map(A(null), [1]) },
  { api: 'pool.map', call: 'map(f, 5)', error: 'TypeError', names: 'iterable', how: 'async', run: (f) => f.pool.map(square, A(5)) },
  { api: 'pool.map', call: 'map(f, null)', error: 'TypeError', names: 'iterable', how: 'async', run: (f) => f.pool.map(square, A(null)) },
  { api: 'pool.map', call: 'map(f, [1], 0)', error: 'RangeError', names: 'chunksize', how: 'async', run: (f) => f.pool.map(square, [1], 0) },
  { api: 'pool.map', call: 'map(f, [1], -3)', error: 'RangeError', names: 'chunksize', how: 'async', run: (f) => f.pool.map(square, [1], -3) },
  { api: 'pool.map', call: 'map(f, [1], 1.5)', error: 'TypeError', names: 'chunksize', how: 'async', run: (f) => f.pool.map(square, [1], 1.5) },
  { api: 'pool.map', call: "map(f, [1], '2')", error: 'TypeError', names: 'chunksize', how: 'async', run: (f) => f.pool.map(square, [1], A('2')) },
  { api: 'pool.map', call: 'map(f, [1], NaN)', error: 'TypeError', names: 'chunksize', how: 'async', run: (f) => f.pool.map(square, [1], NaN) },
  { api: 'pool.map_async', call: 'map_async(f, [1], 0)', error: 'RangeError', names: 'chunksize', how: 'sync', run: (f) => f.pool.map_async(square, [1], 0) },
  { api: 'pool.map_async', call: 'map_async(f, [1], { chunksize: 0 })', error: 'RangeError', names: 'chunksize', how: 'sync', run: (f) => f.pool.map_async(square, [1], { chunksize: 0 }) },
  {
    api: 'pool.map_async',
    call: "map_async(f, [1], { callback: 'cb' })",
    error: 'TypeError',
    names: 'callback',
    how: 'sync',
    run: (f) => f.pool.map_async(square, [1], { callback: A('cb') }),
  },
  { api: 'pool.map_async', call: 'map_async(f, 5)', error: 'TypeError', names: 'iterable', how: 'sync', run: (f) => f.pool.map_async(square, A(5)) },
  { api: 'pool.starmap', call: 'starmap(f, [1, 2])', error: 'TypeError', names: 'item 0 of the starmap iterable', how: 'async', run: (f) => f.pool.starmap(add, A([1, 2])) },
  { api: 'pool.starmap', call: 'starmap(f, [[1, 2]], 0)', error: 'RangeError', names: 'chunksize', how: 'async', run: (f) => f.pool.starmap(add, [[1, 2]], 0) },
  { api: 'pool.starmap_async', call: "starmap_async(f, [[1], 'x'])", error: 'TypeError', names: 'item 1 of the starmap iterable', how: 'sync', run: (f) => f.pool.starmap_async(add, A([[1], 'x'])) },
  { api: 'ThreadPool.map', call: 'map(f, [1], 0)', error: 'RangeError', names: 'chunksize', how: 'async', run: (f) => f.threadPool.map(square, [1], 0) },
  { api: 'ThreadPool.apply_async', call: "apply_async(f, 'args')", error: 'TypeError', names: 'args', how: 'sync', run: (f) => f.threadPool.apply_async(square, A('args')) },
  // ---- AsyncResult ----
  { api: 'result.get', call: "get('1')", error: 'TypeError', names: 'timeout', how: 'async', run: (f) => f.result.get(A('1')) },
  { api: 'result.get', call: 'get(NaN)', error: 'TypeError', names: 'timeout', how: 'async', run: (f) => f.result.get(NaN) },
  { api: 'result.wait', call: 'wait({})', error: 'TypeError', names: 'timeout', how: 'async', run: (f) => f.result.wait(A({})) },
  // ---- executors ----
  { api: 'new ProcessPoolExecutor', call: 'new ProcessPoolExecutor(0)', error: 'RangeError', names: 'max_workers', how: 'sync', run: () => new ProcessPoolExecutor(0) },
  { api: 'new ProcessPoolExecutor', call: 'new ProcessPoolExecutor(1.5)', error: 'TypeError', names: 'max_workers', how: 'sync', run: () => new ProcessPoolExecutor(1.5) },
  {
    api: 'new ProcessPoolExecutor',
    call: "new ProcessPoolExecutor(2, { initializer: 'x' })",
    error: 'TypeError',
    names: 'initializer',
    how: 'sync',
    run: () => new ProcessPoolExecutor(2, { initializer: A('x') }),
  },
  {
    api: 'new ProcessPoolExecutor',
    call: "new ProcessPoolExecutor(2, { initargs: 'x' })",
    error: 'TypeError',
    names: 'initargs',
    how: 'sync',
    run: () => new ProcessPoolExecutor(2, { initargs: A('x') }),
  },
  {
    api: 'new ProcessPoolExecutor',
    call: 'new ProcessPoolExecutor(2, { max_tasks_per_child: 0 })',
    error: 'RangeError',
    names: 'max_tasks_per_child',
    how: 'sync',
    run: () => new ProcessPoolExecutor(2, { max_tasks_per_child: 0 }),
  },
  {
    api: 'new ProcessPoolExecutor',
    call: "new ProcessPoolExecutor(2, { runtime: 'fork' })",
    error: 'TypeError',
    names: 'runtime',
    how: 'sync',
    run: () => new ProcessPoolExecutor(2, { runtime: A('fork') }),
  },
  { api: 'new ThreadPoolExecutor', call: 'new ThreadPoolExecutor(0)', error: 'RangeError', names: 'max_workers', how: 'sync', run: () => new ThreadPoolExecutor(0) },
  { api: 'new ThreadPoolExecutor', call: "new ThreadPoolExecutor('4')", error: 'TypeError', names: 'max_workers', how: 'sync', run: () => new ThreadPoolExecutor(A('4')) },
  {
    api: 'new ThreadPoolExecutor',
    call: 'new ThreadPoolExecutor(2, { initializer: 1 })',
    error: 'TypeError',
    names: 'initializer',
    how: 'sync',
    run: () => new ThreadPoolExecutor(2, { initializer: A(1) }),
  },
  { api: 'executor.submit', call: "submit('f')", error: 'TypeError', names: 'submit', how: 'sync', run: (f) => f.executor.submit(A('f')) },
  {
    api: 'executor.submit',
    call: 'submit(Math.max.bind(null))',
    error: 'TypeError',
    names: 'bound or native function',
    how: 'sync',
    run: (f) => f.executor.submit(Math.max.bind(null)),
  },
  { api: 'executor.map', call: 'map(f, 5)', error: 'TypeError', names: 'argument 2', how: 'sync', run: (f) => f.executor.map(square, A(5)) },
  { api: 'executor.map', call: 'map(f, [1], { chunksize: 0 })', error: 'RangeError', names: 'chunksize', how: 'sync', run: (f) => f.executor.map(square, [1], { chunksize: 0 }) },
  { api: 'executor.map', call: "map(f, [1], { timeout: 'x' })", error: 'TypeError', names: 'timeout', how: 'sync', run: (f) => f.executor.map(square, [1], { timeout: A('x') }) },
  { api: 'executor.map', call: "map('f', [1])", error: 'TypeError', names: 'map', how: 'sync', run: (f) => f.executor.map(A('f'), [1]) },
  { api: 'ThreadPoolExecutor.submit', call: 'submit(undefined)', error: 'TypeError', names: 'submit', how: 'sync', run: (f) => f.threadExecutor.submit(A(undefined)) },
  // ---- Future, wait, as_completed ----
  { api: 'future.result', call: "result('1')", error: 'TypeError', names: 'timeout', how: 'async', run: (f) => f.future.result(A('1')) },
  { api: 'future.exception', call: 'exception(NaN)', error: 'TypeError', names: 'timeout', how: 'async', run: (f) => f.future.exception(NaN) },
  { api: 'future.add_done_callback', call: "add_done_callback('cb')", error: 'TypeError', names: 'add_done_callback', how: 'sync', run: (f) => f.future.add_done_callback(A('cb')) },
  { api: 'wait', call: "wait(fs, { return_when: 'SOON' })", error: 'RangeError', names: 'return', how: 'async', run: (f) => wait([f.future], { return_when: A('SOON') }) },
  { api: 'wait', call: "wait(fs, { timeout: '1' })", error: 'TypeError', names: 'timeout', how: 'async', run: (f) => wait([f.future], { timeout: A('1') }) },
  { api: 'wait', call: 'wait(5)', error: 'TypeError', names: 'fs', how: 'async', run: () => wait(A(5)) },
  { api: 'as_completed', call: "as_completed(fs, 'x')", error: 'TypeError', names: 'timeout', how: 'sync', run: (f) => as_completed([f.future], A('x')) },
  { api: 'as_completed', call: 'as_completed(5)', error: 'TypeError', names: 'fs', how: 'sync', run: () => as_completed(A(5)) },
];
/* eslint-enable @typescript-eslint/no-unsafe-argument */

function engineOfAny(owner: object): Engine {
  return (owner as { engine: Engine }).engine;
}

describe('reliability: bad-input catalogue', function () {
  this.timeout(30_000);
  let fixtures: Fixtures;
  let baseline: ResourceSnapshot;
  /** A task that is running while every bad call is made: it must finish unharmed. */
  let bystander: Promise<number>;
  let submitted: () => number;

  before(async () => {
    await warmUpThreadPool();
    baseline = snapshot();
    const pool = new Pool(2);
    const threadPool = new ThreadPool(2);
    const executor = new ProcessPoolExecutor(2);
    const threadExecutor = new ThreadPoolExecutor(2);
    const engines = [pool, threadPool, executor, threadExecutor].map(engineOfAny);
    let count = 0;
    for (const engine of engines) {
      const submit = engine.submit.bind(engine);
      engine.submit = (job) => {
        count++;
        submit(job);
      };
    }
    submitted = () => count;
    bystander = pool.apply((ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)), [300]);
    const result = pool.apply_async(square, [3]);
    const future = threadExecutor.submit(() => 1);
    await within(result.wait(), 15, 'fixture result');
    await within(future.result(), 15, 'fixture future');
    fixtures = { pool, threadPool, executor, threadExecutor, result, future };
  });

  after(async () => {
    await within(fixtures.pool.terminate(), 15, 'terminate pool');
    await within(fixtures.threadPool.terminate(), 15, 'terminate thread pool');
    await within(fixtures.executor.shutdown(true), 15, 'shutdown executor');
    await within(fixtures.threadExecutor.shutdown(true), 15, 'shutdown thread executor');
    await expectNoLeaks(baseline);
  });

  for (const entry of CATALOGUE) {
    it(`${entry.api}: ${entry.call} → ${entry.error} naming "${entry.names}" (${entry.how === 'sync' ? 'thrown' : 'rejected'}), nothing queued`, async () => {
      const jobsBefore = submitted();
      const threadsBefore = snapshot();
      let error: unknown;
      let returned: unknown;
      try {
        returned = entry.run(fixtures);
      } catch (thrown) {
        error = thrown;
      }
      if (entry.how === 'async') {
        expect(error, 'a method that returns a Promise reports bad input as a rejection').to.equal(undefined);
        expect(returned).to.be.instanceOf(Promise);
        try {
          await within(returned as Promise<unknown>, 5, entry.call);
          expect.fail(`${entry.call} resolved`);
        } catch (rejected) {
          error = rejected;
        }
      } else if (error === undefined) {
        // A constructor that wrongly accepted the input started workers: stop them.
        await (returned as { terminate?: () => Promise<void> })?.terminate?.();
        await (returned as { shutdown?: () => Promise<void> })?.shutdown?.();
        expect.fail(`${entry.call} did not throw`);
      }
      expect(error).to.be.instanceOf(entry.error === 'TypeError' ? TypeError : RangeError);
      expect((error as Error).message).to.contain(entry.names);
      expect(submitted(), 'no job may be queued by a bad call').to.equal(jobsBefore);
      // A constructor that throws must not have started any worker.
      await expectNoLeaks(threadsBefore, 1);
    });
  }

  it('no bad input disturbed a task that was running meanwhile, and the pools still work', async () => {
    expect(await within(bystander, 15, 'bystander task')).to.equal(300);
    expect(await within(fixtures.pool.map(square, [1, 2, 3]), 15, 'pool map')).to.deep.equal([1, 4, 9]);
    expect(await within(fixtures.threadPool.map(square, [1, 2, 3]), 15, 'thread pool map')).to.deep.equal([1, 4, 9]);
    expect(await within(fixtures.executor.submit(add, 1, 2).result(), 15, 'executor submit')).to.equal(3);
  });
});
