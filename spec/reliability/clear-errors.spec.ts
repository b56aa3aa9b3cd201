/**
 * Clear errors (issue 10): every bad option or argument gets a typed error that names it, from
 * the one validation module (lib/validate.ts), before any work is queued; mistakes that used
 * to hang, deadlock or kill the process now throw at once.
 */
import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  FIRST_COMPLETED,
  Pool,
  PoolStateError,
  ProcessPoolExecutor,
  SerializationError,
  ThreadPool,
  ThreadPoolExecutor,
  as_completed,
  wait,
} from '../../lib/index.js';
import { describeFunction } from '../../lib/task-function.js';
import { formatValue } from '../../lib/validate.js';
import { expectNoLeaks, snapshot, warmUpThreadPool, within, RUNTIMES } from './support.js';

// Deliberately ill-typed calls: these specs are about what plain JavaScript callers can pass.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const A = (value: unknown): Any => value;
const square = (x: number): number => x * x;

/** What `run` threw synchronously, or what the promise it returned rejected with. */
async function failure(run: () => unknown): Promise<Error> {
  let returned: unknown;
  try {
    returned = run();
  } catch (error) {
    return error as Error;
  }
  try {
    await within(Promise.resolve(returned), 15);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but the call succeeded');
}

describe('reliability: clear errors', function () {
  this.timeout(60_000);
  let pool: Pool;
  let threadPool: ThreadPool;
  let executor: ProcessPoolExecutor;
  let threadExecutor: ThreadPoolExecutor;

  before(async () => {
    await warmUpThreadPool();
    pool = new Pool(1);
    threadPool = new ThreadPool(1);
    executor = new ProcessPoolExecutor(1);
    threadExecutor = new ThreadPoolExecutor(1);
  });
  after(async () => {
    await within(Promise.all([pool.terminate(), threadPool.terminate(), executor.shutdown(true), threadExecutor.shutdown(true)]), 30);
  });

  describe('unknown option keys are named, with the closest known name', () => {
    const cases: readonly { call: string; key: string; suggestion: string; run: () => unknown }[] = [
      { call: 'new Pool({ procesess: 2 })', key: 'procesess', suggestion: 'processes', run: () => new Pool(A({ procesess: 2 })) },
      { call: 'new Pool({ maxTasksPerChild: 2 })', key: 'maxTasksPerChild', suggestion: 'maxtasksperchild', run: () => new Pool(A({ maxTasksPerChild: 2 })) },
      { call: 'new Pool({ resourceLimits: { stackSize: 4 } })', key: 'stackSize', suggestion: 'stackSizeMb', run: () => new Pool({ resourceLimits: A({ stackSize: 4 }) }) },
      { call: 'new ThreadPool({ procesess: 2 })', key: 'procesess', suggestion: 'processes', run: () => new ThreadPool(A({ procesess: 2 })) },
      { call: "new ProcessPoolExecutor(2, { runtme: 'process' })", key: 'runtme', suggestion: 'runtime', run: () => new ProcessPoolExecutor(2, A({ runtme: 'process' })) },
      { call: 'new ProcessPoolExecutor({ max_worker: 2 })', key: 'max_worker', suggestion: 'max_workers', run: () => new ProcessPoolExecutor(A({ max_worker: 2 })) },
      { call: "new ThreadPoolExecutor(2, { thread_prefix: 'x' })", key: 'thread_prefix', suggestion: 'thread_name_prefix', run: () => new ThreadPoolExecutor(2, A({ thread_prefix: 'x' })) },
      { call: 'map_async(f, xs, { chunkSize: 50 })', key: 'chunkSize', suggestion: 'chunksize', run: () => pool.map_async(square, [1], A({ chunkSize: 50 })) },
      { call: 'map(f, xs, { chunkSize: 50 })', key: 'chunkSize', suggestion: 'chunksize', run: () => pool.map(square, [1], A({ chunkSize: 50 })) },
      { call: 'starmap_async(f, xs, { callbak })', key: 'callbak', suggestion: 'callback', run: () => pool.starmap_async(square, [[1]], A({ callbak: () => 1 })) },
      { call: 'apply_async(f, args, { callbak })', key: 'callbak', suggestion: 'callback', run: () => pool.apply_async(square, [1], A({ callbak: () => 1 })) },
      { call: 'apply_async(f, args, { errorCallback })', key: 'errorCallback', suggestion: 'error_callback', run: () => pool.apply_async(square, [1], A({ errorCallback: () => 1 })) },
      { call: 'imap(f, xs, { bufersize: 2 })', key: 'bufersize', suggestion: 'buffersize', run: () => pool.imap(square, [1], A({ bufersize: 2 })) },
      { call: 'imap_unordered(f, xs, { chunk: 2 })', key: 'chunk', suggestion: 'chunksize', run: () => pool.imap_unordered(square, [1], A({ chunk: 2 })) },
      { call: 'ThreadPool.map_async(f, xs, { chunkSize: 5 })', key: 'chunkSize', suggestion: 'chunksize', run: () => threadPool.map_async(square, [1], A({ chunkSize: 5 })) },
      { call: 'executor.map(f, xs, { timout: 1 })', key: 'timout', suggestion: 'timeout', run: () => executor.map(square, [1], A({ timout: 1 })) },
      { call: 'ThreadPoolExecutor.map(f, xs, { timout: 1 })', key: 'timout', suggestion: 'timeout', run: () => threadExecutor.map(square, [1], A({ timout: 1 })) },
      { call: 'shutdown(true, { cancel_future: true })', key: 'cancel_future', suggestion: 'cancel_futures', run: () => new ThreadPoolExecutor(1).shutdown(true, A({ cancel_future: true })) },
      { call: 'wait(fs, { return_wen: FIRST_COMPLETED })', key: 'return_wen', suggestion: 'return_when', run: () => wait([], A({ return_wen: FIRST_COMPLETED })) },
    ];
    for (const c of cases) {
      it(`${c.call} → TypeError naming "${c.key}", did you mean "${c.suggestion}"`, async () => {
        const error = await failure(c.run);
        expect(error).to.be.instanceOf(TypeError);
        expect(error.message).to.include(`"${c.key}"`).and.include(`did you mean "${c.suggestion}"`);
      });
    }

    it('a key far from every known one is named without a guess', async () => {
      const error = await failure(() => new Pool(A({ colour: 'blue' })));
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.include('"colour"').and.include('Known options: processes').and.not.include('did you mean');
    });

    it("ThreadPool has no maxtasksperchild, as CPython's ThreadPool(processes, initializer, initargs)", async () => {
      for (const run of [() => new ThreadPool({ maxtasksperchild: 2 }), () => new ThreadPool(A(2), null, [], A(5))]) {
        const error = await failure(run);
        expect(error).to.be.instanceOf(TypeError);
        expect(error.message).to.include('maxtasksperchild');
      }
    });
  });

  describe('worker counts and resourceLimits are bounded', () => {
    const cases: readonly { call: string; names: string[]; error: typeof TypeError | typeof RangeError; run: () => unknown }[] = [
      { call: 'new Pool(1e9)', names: ['processes', '1024'], error: RangeError, run: () => new Pool(1e9) },
      { call: 'new Pool({ processes: 1025 })', names: ['processes', '1024'], error: RangeError, run: () => new Pool({ processes: 1025 }) },
      { call: 'new ProcessPoolExecutor(1e9)', names: ['max_workers', '1024'], error: RangeError, run: () => new ProcessPoolExecutor(1e9) },
      { call: 'stackSizeMb: 0.2', names: ['stackSizeMb', '0.5'], error: RangeError, run: () => new Pool({ resourceLimits: { stackSizeMb: 0.2 } }) },
      { call: 'stackSizeMb: 1e7', names: ['stackSizeMb', '4096'], error: RangeError, run: () => new Pool({ resourceLimits: { stackSizeMb: 1e7 } }) },
      { call: 'maxOldGenerationSizeMb: Infinity', names: ['maxOldGenerationSizeMb', 'finite'], error: RangeError, run: () => new Pool({ resourceLimits: { maxOldGenerationSizeMb: Infinity } }) },
      { call: 'maxOldGenerationSizeMb: 4', names: ['maxOldGenerationSizeMb', '8'], error: RangeError, run: () => new Pool({ resourceLimits: { maxOldGenerationSizeMb: 4 } }) },
      { call: 'maxYoungGenerationSizeMb: -1', names: ['maxYoungGenerationSizeMb'], error: RangeError, run: () => new Pool({ resourceLimits: { maxYoungGenerationSizeMb: -1 } }) },
      { call: 'maxYoungGenerationSizeMb: Infinity', names: ['maxYoungGenerationSizeMb', 'finite'], error: RangeError, run: () => new Pool({ resourceLimits: { maxYoungGenerationSizeMb: Infinity } }) },
      {
        call: "resourceLimits with runtime: 'process'",
        names: ['resourceLimits', "runtime: 'thread'", 'NODE_OPTIONS'],
        error: TypeError,
        run: () => new Pool({ runtime: 'process', resourceLimits: { maxOldGenerationSizeMb: 64 } }),
      },
    ];
    for (const c of cases) {
      it(`${c.call} → ${c.error.name} naming ${c.names.join(', ')}; no worker started`, async () => {
        const before = snapshot();
        const error = await failure(c.run);
        expect(error).to.be.instanceOf(c.error);
        for (const name of c.names) expect(error.message).to.include(name);
        await expectNoLeaks(before);
      });
    }

    it('the lowest accepted limits still run tasks (stackSizeMb 0.5, maxOldGenerationSizeMb 8)', async () => {
      const small = new Pool({ processes: 1, resourceLimits: { stackSizeMb: 0.5, maxOldGenerationSizeMb: 8 } });
      try {
        expect(await within(small.apply(square, [7]))).to.equal(49);
      } finally {
        await within(small.terminate());
      }
    });

    it('main-loop pools start no workers, so they take any number of virtual threads', async () => {
      const wide = new ThreadPoolExecutor(100_000);
      expect(await within(wide.submit(square, 3).result())).to.equal(9);
      await within(wide.shutdown(true));
    });
  });

  describe('initargs that cannot be sent fail at construction (they used to hang every task)', () => {
    const bad: readonly { what: string; initargs: unknown[]; path: string }[] = [
      { what: 'a function', initargs: [1, (x: number) => x], path: 'initargs[1] is a function' },
      { what: 'a symbol deep inside', initargs: [{ a: [Symbol('s')] }], path: 'initargs[0].a[0] is a symbol' },
      { what: 'a class instance with methods', initargs: [new (class Point { norm(): number { return 0; } })()], path: 'initargs[0] is an instance of Point' },
    ];
    for (const runtime of RUNTIMES) {
      for (const b of bad) {
        it(`Pool (${runtime}) and ProcessPoolExecutor (${runtime}): ${b.what} → SerializationError naming ${b.path}`, async () => {
          const before = snapshot();
          const init = (): void => undefined;
          for (const run of [
            () => new Pool({ processes: 1, runtime, initializer: init, initargs: b.initargs }),
            () => new ProcessPoolExecutor(1, { runtime, initializer: init, initargs: b.initargs }),
          ]) {
            const error = await failure(run);
            expect(error).to.be.instanceOf(SerializationError);
            expect(error.message).to.include(b.path);
          }
          await expectNoLeaks(before);
        });
      }
    }

    it('ThreadPool and ThreadPoolExecutor run on the main loop: any initargs are fine and nothing pends', async () => {
      const seen: unknown[] = [];
      const init = (f: () => number, s: symbol): void => void seen.push(f(), typeof s);
      const tp = new ThreadPool(1, init, [() => 1, Symbol('s')]);
      const tpe = new ThreadPoolExecutor(1, { initializer: init, initargs: [() => 2, Symbol('t')] });
      try {
        expect(await within(tp.apply(square, [2]))).to.equal(4);
        expect(await within(tpe.submit(square, 3).result())).to.equal(9);
        expect(seen).to.deep.equal([1, 'symbol', 2, 'symbol']);
      } finally {
        await within(Promise.all([tp.terminate(), tpe.shutdown(true)]));
      }
    });
  });

  describe('wait() and as_completed() name an item that is not a future, and its position', () => {
    const cases: readonly { call: string; names: string; run: () => unknown }[] = [
      { call: 'wait([1, 2])', names: 'item 0 of fs is number 1', run: () => wait(A([1, 2])) },
      { call: 'wait(new Set([null]))', names: 'item 0 of fs is null', run: () => wait(A(new Set([null]))) },
      { call: 'as_completed([{}])', names: 'item 0 of fs is an object (Object)', run: () => as_completed(A([{}])) },
      { call: 'wait([future, 2])', names: 'item 1 of fs is number 2', run: () => wait(A([threadExecutor.submit(square, 1), 2])) },
    ];
    for (const c of cases) {
      it(`${c.call} → TypeError "${c.names}"`, async () => {
        const error = await failure(c.run);
        expect(error).to.be.instanceOf(TypeError);
        expect(error.message).to.include(c.names);
      });
    }
  });

  describe('waiting for your own pool from inside one of its tasks is an error, not a deadlock', () => {
    it("ThreadPoolExecutor.shutdown(true) inside its own task rejects with PoolStateError (CPython: RuntimeError 'cannot join current thread')", async () => {
      const ex = new ThreadPoolExecutor(2);
      const future = ex.submit(async () => {
        await ex.shutdown(true);
        return 'waited for itself';
      });
      const error = await failure(() => future.result());
      expect(error).to.be.instanceOf(PoolStateError);
      expect(error.message).to.include('cannot join current thread');
      // The executor is shut down all the same, and shuts down cleanly from outside.
      expect(() => ex.submit(square, 1)).to.throw(PoolStateError);
      await within(ex.shutdown(true));
    });

    it('shutdown(false) inside its own task is fine, as in CPython', async () => {
      const ex = new ThreadPoolExecutor(1);
      expect(await within(ex.submit(async () => { await ex.shutdown(false); return 'ok'; }).result())).to.equal('ok');
      await within(ex.shutdown(true));
    });

    it('ThreadPool.join() inside its own task rejects with PoolStateError (CPython deadlocks)', async () => {
      const tp = new ThreadPool(2);
      const error = await failure(() => tp.apply(async () => {
        tp.close();
        await tp.join();
      }));
      expect(error).to.be.instanceOf(PoolStateError);
      expect(error.message).to.include('join()');
      await within(tp.join());
    });

    it("a task may wait for another pool's join() (only its own pool is refused)", async () => {
      const other = new ThreadPool(1);
      other.close();
      const tp = new ThreadPool(1);
      try {
        expect(await within(tp.apply(async () => { await other.join(); return 'joined'; }))).to.equal('joined');
      } finally {
        await within(tp.terminate());
      }
    });
  });

  describe('task functions: slips caught at submission', () => {
    it('an inline function that merely mentions "[native code]" runs (it is not a native function)', async () => {
      expect(await within(pool.apply((x: number) => `[native code] ${x}`, [1]))).to.equal('[native code] 1');
      expect(() => pool.apply_async(Math.max.bind(null))).to.throw(TypeError, 'bound or native function');
    });

    it('a getter, a setter and method shorthands (plain, async, generator-free) run in the worker', async () => {
      const o = {
        get answer(): number { return 42; },
        set twice(_v: number) { /* a setter, called as a function */ },
        sq(x: number): number { return x * x; },
        async later(x: number): Promise<number> { return x + 1; },
        'quoted name'(x: number): number { return -x; },
      };
      const getter = Object.getOwnPropertyDescriptor(o, 'answer')!.get!;
      const setter = Object.getOwnPropertyDescriptor(o, 'twice')!.set!;
      expect(await within(pool.apply(getter))).to.equal(42);
      expect(await within(pool.apply(setter, [1]))).to.equal(undefined);
      expect(await within(pool.apply(o.sq, [7]))).to.equal(49);
      expect(await within(pool.apply(o.later, [1]))).to.equal(2);
      expect(await within(executor.submit(o['quoted name'], 5).result())).to.equal(-5);
    });

    const refused: readonly { what: string; fn: () => unknown; names: string }[] = [
      { what: 'a method with a computed name', fn: { [Symbol.iterator](): number { return 1; } }[Symbol.iterator], names: 'computed name' },
      { what: 'a class', fn: A(class Point {}), names: 'is a class' },
      { what: 'an async generator function', fn: A(async function* gen(): AsyncGenerator<number> { yield 1; }), names: 'async generator function gen returns a generator' },
      { what: 'a generator function', fn: A(function* gen(): Generator<number> { yield 1; }), names: 'generator function gen returns a generator' },
    ];
    for (const r of refused) {
      it(`${r.what} is refused at submission with a TypeError saying what to do`, () => {
        expect(() => pool.apply_async(r.fn)).to.throw(TypeError, r.names);
        expect(() => executor.submit(r.fn)).to.throw(TypeError, r.names);
      });
    }

    it('error messages never print an empty class name (async generator objects, functions)', () => {
      expect(formatValue((async function* () { yield 1; })())).to.equal('an object (AsyncGenerator)');
      expect(formatValue(async function* agen() { yield 1; })).to.equal('async generator function agen');
      expect(formatValue(Object.create(null))).to.equal('an object (null prototype)');
    });

    it('the per-function cache lets go of a burst of 300,000 fresh functions (heap after GC within 3 MB)', () => {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const heap = (): number => {
        gc();
        gc();
        return process.memoryUsage().heapUsed;
      };
      describeFunction((x: number) => x);
      const before = heap();
      let burst: ((x: number) => number)[] = [];
      for (let i = 0; i < 300_000; i++) burst.push((x: number) => x * 2);
      for (const fn of burst) describeFunction(fn);
      burst = [];
      const grown = (heap() - before) / 2 ** 20;
      // Before the fix the WeakMap kept its largest capacity: about 10 MB for 300,000 entries.
      expect(grown, `heap grew by ${grown.toFixed(1)} MB`).to.be.below(3);
    });
  });
});
