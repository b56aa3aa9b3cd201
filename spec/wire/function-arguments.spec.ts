/**
 * Functions travel by reference as task arguments and results (issue 12 item 5), as Python
 * pickles them: task-module exports and well-known built-ins arrive callable; any other function
 * fails that task with an error saying what to do.
 */
import { expect } from 'chai';
import { MaybeEncodingError, SerializationError, registerExports } from '../../lib/index.js';
import { RUNTIMES, within, rejection } from '../helpers.js';
import { usingPool } from '../pool/support.js';
import { applyAll, calculate, mul, opsTable, pickOp, plus, secretOp } from '../fixtures/wire-module.js';
import * as wire from '../fixtures/wire-module.js';

const WIRE_MODULE = new URL('../fixtures/wire-module.js', import.meta.url);

for (const runtime of RUNTIMES) {
  describe(`Functions as arguments and results (${runtime})`, () => {
    const options = { processes: 2, runtime, module: WIRE_MODULE } as const;

    it("CPython's calculate(func, args) pattern: exported functions and built-ins as arguments", async () => {
      await usingPool(options, async (pool) => {
        const tasks: [(...args: number[]) => number, number[]][] = [[mul, [3, 4]], [plus, [1, 2]], [Math.max, [1, 9]]];
        expect(await within(pool.starmap(calculate, tasks))).to.deep.equal(['mul(3, 4) = 12', 'plus(1, 2) = 3', 'max(1, 9) = 9']);
        expect(await within(pool.apply(calculate, [mul, [5, 6]]))).to.equal('mul(5, 6) = 30');
      });
    });

    it('functions anywhere inside an argument arrive callable', async () => {
      await usingPool(options, async (pool) => {
        expect(await within(pool.apply(applyAll, [{ ops: [mul, plus, Math.max] }, 2, 5]))).to.deep.equal([10, 7, 5]);
        expect(await within(pool.map((op: (a: number, b: number) => number) => op(6, 7), [mul, plus]))).to.deep.equal([42, 13]);
      });
    });

    it('an anonymous function argument fails at once with SerializationError, as Python refuses a lambda', async () => {
      await usingPool(options, async (pool) => {
        const error = await rejection(pool.apply(calculate, [(a: number) => a, [1]]));
        expect(error).to.be.instanceOf(SerializationError);
        expect(error.message).to.include('argument 0 is a function (anonymous)').and.include('export');
      });
    });

    it('a named function that no task module exports fails that task with SerializationError saying so', async () => {
      const add = (a: number, b: number): number => a + b;
      await usingPool(options, async (pool) => {
        const error = await rejection(pool.apply(calculate, [add, [1, 2]]));
        expect(error).to.be.instanceOf(SerializationError);
        expect(error.message).to.include('argument 0 is a function (add)').and.include('exports a function add');
        expect(await within(pool.apply(calculate, [mul, [2, 2]]))).to.equal('mul(2, 2) = 4');
      });
    });

    it('results: an export the main thread knows and a built-in arrive as the very functions', async () => {
      await usingPool(options, async (pool) => {
        // Sent as arguments, mul and plus are now known to the main thread.
        await within(pool.starmap(calculate, [[mul, [1, 1]], [plus, [1, 1]]]));
        expect(await within(pool.apply(pickOp, ['mul']))).to.equal(mul);
        expect(await within(pool.apply(pickOp, ['max']))).to.equal(Math.max);
        const table = (await within(pool.apply(opsTable))) as Awaited<ReturnType<typeof opsTable>>;
        expect(table.byName.get('mul')).to.equal(mul);
        expect(table.list[0]).to.equal(plus);
        expect(table.list[1]).to.equal(Math.min);
      });
    });

    it('results: an export the main thread does not know fails with MaybeEncodingError until it is registered', async () => {
      await usingPool(options, async (pool) => {
        // The registry is process-wide: only the first runtime sees secretOp unknown.
        if (runtime === RUNTIMES[0]) {
          const error = await rejection(pool.apply(pickOp, ['secret']));
          expect(error).to.be.instanceOf(MaybeEncodingError);
          expect(error.message).to.include('secretOp').and.include('registerExports');
        }
        registerExports({ secretOp });
        const op = (await within(pool.apply(pickOp, ['secret']))) as typeof secretOp;
        expect(op).to.equal(secretOp);
        expect(op(5, 3)).to.equal(2);
      });
    });

    it('results: a function that is neither an export nor a built-in fails with MaybeEncodingError', async () => {
      await usingPool(options, async (pool) => {
        const error = await rejection(pool.apply(pickOp, ['local']));
        expect(error).to.be.instanceOf(MaybeEncodingError);
        expect(error.message).to.include('the result is a function (localOp)').and.include('export');
      });
    });
  });
}

// Last: it makes every export of the fixture known for the rest of the process.
describe('registerExports(namespace)', () => {
  it('makes every export of a module namespace known: an error of an exported class arrives as that class', async () => {
    await usingPool({ processes: 1, module: WIRE_MODULE }, async (pool) => {
      const before = await rejection(pool.apply(wire.validate, [99]));
      expect(before).not.to.be.instanceOf(wire.UnregisteredError);
      registerExports(wire);
      const after = await rejection(pool.apply(wire.validate, [99]));
      expect(after).to.be.instanceOf(wire.UnregisteredError);
      expect(after).to.be.instanceOf(RangeError);
    });
  });
});
