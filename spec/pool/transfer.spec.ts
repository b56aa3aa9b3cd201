/**
 * transfer(): buffers moved to and from workers instead of copied (threads); copied between
 * processes.
 */
import { expect } from 'chai';
import { transfer } from '../../lib/index.js';
import { RUNTIMES, within } from '../helpers.js';
import { usingPool } from './support.js';

describe('transfer()', () => {
  it('rejects values that cannot be moved, with a TypeError', () => {
    expect(() => transfer({} as unknown as ArrayBuffer)).to.throw(TypeError, /ArrayBuffer/);
    expect(() => transfer(42 as unknown as ArrayBuffer)).to.throw(TypeError);
  });

  for (const runtime of RUNTIMES) {
    const moves = runtime === 'thread';
    it(`${moves ? 'moves' : 'copies'} a marked argument and a marked result (${runtime})`, async () => {
      await usingPool({ processes: 1, runtime }, async (pool) => {
        const data = new Float64Array([1, 2, 3, 4]);
        const back = await within(
          pool.apply(async (a: Float64Array) => {
            const { transfer: move } = await import('pypool');
            a[0] = 10;
            (globalThis as Record<string, unknown>).sentBack = a; // to look at it after the return
            return move(a);
          }, [transfer(data)]),
        );
        expect([...back]).to.deep.equal([10, 2, 3, 4]);
        // The sender's buffer is detached when moved, untouched when copied: the caller's
        // argument, and the worker's result (asked of the same, only, worker).
        expect(data.length).to.equal(moves ? 0 : 4);
        const left = await within(pool.apply(() => ((globalThis as Record<string, unknown>).sentBack as Float64Array).byteLength));
        expect(left, "byteLength of the worker's buffer after it was sent back").to.equal(moves ? 0 : 32);
      });
    });

    it(`works for map items too (${runtime})`, async () => {
      await usingPool({ processes: 2, runtime }, async (pool) => {
        const buffers = [new Uint8Array([1, 2]), new Uint8Array([3, 4, 5])];
        const lengths = await within(pool.map((b: Uint8Array) => b.length, buffers.map((b) => transfer(b))));
        expect(lengths).to.deep.equal([2, 3]);
        expect(buffers.map((b) => b.length)).to.deep.equal(moves ? [0, 0] : [2, 3]);
      });
    });
  }
});

describe('transfer() with ThreadPool', () => {
  it('hands the buffer itself to the task and back (one thread: nothing to move)', async () => {
    const { ThreadPool } = await import('../../lib/index.js');
    const pool = new ThreadPool(1);
    try {
      const data = new Uint8Array([1, 2, 3]);
      const back = await within(pool.apply((a: Uint8Array) => transfer(a), [transfer(data)]));
      expect(back).to.equal(data);
    } finally {
      await pool.terminate();
    }
  });
});
