/**
 * new Pool(...): both constructor forms, defaults, and validation of every argument.
 * CPython (checked with python3 3.11): Pool(0) -> ValueError, Pool(maxtasksperchild=0) ->
 * ValueError, Pool(initializer=1) -> TypeError; pypool throws RangeError / TypeError naming the argument.
 */
import { expect } from 'chai';
import { cpu_count, Pool, PoolStateError } from '../../lib/index.js';
import { RUNTIMES, within } from '../helpers.js';
import { TASK_MODULE, usingPool } from './support.js';

describe('Pool constructor', () => {
  it('defaults processes to cpu_count(), as CPython defaults to os.cpu_count()', async () => {
    const pool = new Pool();
    try {
      expect(pool.processes).to.equal(cpu_count());
      expect(await within(pool.apply(() => 1))).to.equal(1);
    } finally {
      await pool.terminate();
    }
  });

  it('accepts the positional form (processes, initializer, initargs, maxtasksperchild)', async () => {
    const pool = new Pool(
      2,
      (a: number, b: string) => {
        (globalThis as Record<string, unknown>).positional = [a, b];
      },
      [7, 'seven'],
      5,
    );
    try {
      expect(pool.processes).to.equal(2);
      expect(await within(pool.apply(() => (globalThis as Record<string, unknown>).positional))).to.deep.equal([7, 'seven']);
    } finally {
      await pool.terminate();
    }
  });

  it('accepts null for every positional argument (Python None)', async () => {
    const pool = new Pool(null, null, [], null);
    try {
      expect(pool.processes).to.equal(cpu_count());
    } finally {
      await pool.terminate();
    }
  });

  for (const runtime of RUNTIMES) {
    it(`accepts the options form with runtime '${runtime}'`, async () => {
      await usingPool({ processes: 2, runtime }, async (pool) => {
        expect(pool.processes).to.equal(2);
        expect(await within(pool.map((x: number) => x + 1, [1, 2, 3]))).to.deep.equal([2, 3, 4]);
      });
    });
  }

  it('runs tasks in worker threads by default and in child processes with runtime: process', async () => {
    const where = (): [number, boolean] => [process.pid, require('node:worker_threads').isMainThread];
    await usingPool({ processes: 1 }, async (pool) => {
      expect(await within(pool.apply(where))).to.deep.equal([process.pid, false]);
    });
    await usingPool({ processes: 1, runtime: 'process' }, async (pool) => {
      const [pid, isMainThread] = await within(pool.apply(where));
      expect(pid).to.not.equal(process.pid);
      expect(isMainThread).to.equal(true);
    });
  });

  describe('validation (throws at once, naming the argument)', () => {
    const cases: [string, () => unknown, ErrorConstructor, RegExp][] = [
      ['processes 0', () => new Pool(0), RangeError, /processes/],
      ['processes -1', () => new Pool({ processes: -1 }), RangeError, /processes/],
      ['processes 1.5', () => new Pool(1.5), TypeError, /processes/],
      ['processes "2"', () => new Pool({ processes: '2' as unknown as number }), TypeError, /processes/],
      ['processes NaN', () => new Pool(NaN), TypeError, /processes/],
      ['initializer not a function', () => new Pool(1, 42 as unknown as () => void), TypeError, /initializer/],
      ['initargs not an array', () => new Pool({ processes: 1, initializer: () => 1, initargs: 'ab' as unknown as unknown[] }), TypeError, /initargs/],
      ['maxtasksperchild 0', () => new Pool(1, null, [], 0), RangeError, /maxtasksperchild/],
      ['maxtasksperchild 2.5', () => new Pool({ processes: 1, maxtasksperchild: 2.5 }), TypeError, /maxtasksperchild/],
      ['runtime "fork"', () => new Pool({ processes: 1, runtime: 'fork' as 'thread' }), TypeError, /runtime/],
      ['unknown option', () => new Pool({ processes: 1, maxWorkers: 2 } as unknown as { processes: number }), TypeError, /maxWorkers/],
      ['module 42', () => new Pool({ processes: 1, module: 42 as unknown as string }), TypeError, /module/],
      ['options as an array', () => new Pool([2] as unknown as number), TypeError, /array/],
    ];
    for (const [label, make, errorClass, pattern] of cases) {
      it(`rejects ${label}`, () => {
        expect(make).to.throw(errorClass, pattern);
      });
    }
  });

  it('accepts module as a URL, a file: URL string, a path, or an array of them', async () => {
    const { square } = await import(TASK_MODULE.href);
    const { fileURLToPath } = await import('node:url');
    for (const module of [TASK_MODULE, TASK_MODULE.href, fileURLToPath(TASK_MODULE), [TASK_MODULE.href]]) {
      await usingPool({ processes: 1, module }, async (pool) => {
        expect(await within(pool.apply(square, [6]))).to.equal(36);
      });
    }
  });

  it('has camelCase aliases of the snake_case methods', async () => {
    await usingPool({ processes: 1 }, async (pool) => {
      expect(await within(pool.applyAsync((x: number) => x * 2, [4]).get())).to.equal(8);
      expect(await within(pool.mapAsync((x: number) => x * 2, [1, 2]).get())).to.deep.equal([2, 4]);
      expect(await within(pool.starmapAsync((a: number, b: number) => a * b, [[2, 3]]).get())).to.deep.equal([6]);
    });
  });

  it('await using terminates the pool at the end of the block, like Python `with Pool() as pool`', async () => {
    let escaped: Pool | undefined;
    {
      await using pool = new Pool(1);
      escaped = pool;
      expect(await within(pool.apply((x: number) => x + 1, [1]))).to.equal(2);
    }
    expect(() => escaped!.apply_async(() => 1)).to.throw(PoolStateError, 'Pool not running');
    await within(escaped.join(), 15, 'join after dispose');
  });

  it('infers argument and result types from the task function (compile-time check)', async () => {
    await usingPool({ processes: 1 }, async (pool) => {
      const doubled: number[] = await within(pool.map((x: number) => x * 2, [1, 2]));
      const joined: string = await within(pool.apply((a: string, b: number) => `${a}${b}`, ['a', 1]));
      const awaited: number = await within(pool.apply(async () => 5));
      expect([doubled, joined, awaited]).to.deep.equal([[2, 4], 'a1', 5]);
      if ((0 as number) > 1) {
        // @ts-expect-error a string item does not fit a number argument
        await pool.map((x: number) => x, ['a']);
        // @ts-expect-error wrong argument types for apply
        await pool.apply((a: number) => a, ['x']);
      }
    });
  });
});
