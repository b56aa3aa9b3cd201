/**
 * map / map_async / starmap / starmap_async and chunksize.
 * CPython (checked with python3 3.11): default chunksize = ceil(n / (4 * processes))
 * (divmod(100, 8) -> 12 remainder 4 -> 13); map waits for every chunk before reporting an
 * error (no fail-fast). pypool changes: chunksize < 1 is a RangeError (CPython silently
 * returns Nones), and the error reported is the lowest-index failing item's (CPython: whichever
 * failing chunk finished first).
 */
import { expect } from 'chai';
import { MapResult, Pool, type Progress } from '../../lib/index.js';
import { defaultChunksize } from '../../lib/pool.js';
import { RUNTIMES, outcome, within } from '../helpers.js';

/** Sizes of the chunks a map ran in, from its progress events (one event per finished chunk). */
function chunkSizes(events: Progress[]): number[] {
  return events.map((e, i) => e.completed - (i === 0 ? 0 : events[i - 1]!.completed)).sort((a, b) => b - a);
}

describe('defaultChunksize (CPython formula)', () => {
  it('is ceil(n / (4 * processes)), at least 1', () => {
    expect(defaultChunksize(100, 2)).to.equal(13);
    expect(defaultChunksize(8, 2)).to.equal(1);
    expect(defaultChunksize(9, 2)).to.equal(2);
    expect(defaultChunksize(1_000_000, 4)).to.equal(62_500);
    expect(defaultChunksize(0, 4)).to.equal(1);
  });
});

for (const runtime of RUNTIMES) {
  describe(`Pool map / starmap (${runtime})`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    it('map returns fn(item) for every item, in input order', async () => {
      const items = Array.from({ length: 200 }, (_, i) => i);
      expect(await within(pool.map((x: number) => x * 3, items))).to.deep.equal(items.map((x) => x * 3));
    });

    it('keeps input order when later items finish first', async () => {
      const delays = [40, 30, 20, 10, 0, 0];
      const values = await within(pool.map(async (ms: number) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return ms;
      }, delays, 1));
      expect(values).to.deep.equal(delays);
    });

    it('accepts any iterable: Set, generator, string', async () => {
      function* gen(): Generator<number> {
        yield 1;
        yield 2;
      }
      expect(await within(pool.map((x: number) => x + 1, new Set([5, 6])))).to.deep.equal([6, 7]);
      expect(await within(pool.map((x: number) => x * 10, gen()))).to.deep.equal([10, 20]);
      expect(await within(pool.map((c: string) => c.toUpperCase(), 'ab'))).to.deep.equal(['A', 'B']);
    });

    it('maps an empty iterable to []', async () => {
      expect(await within(pool.map((x: number) => x, []))).to.deep.equal([]);
      const result = pool.map_async((x: number) => x, []);
      expect(result.ready()).to.equal(true);
      expect(await within(result.get())).to.deep.equal([]);
    });

    it('starmap calls fn(...item)', async () => {
      expect(await within(pool.starmap((a: number, b: number) => a ** b, [[2, 3], [3, 2], [10, 0]]))).to.deep.equal([8, 9, 1]);
    });

    it('map_async / starmap_async return a MapResult and run callback with the whole list first', async () => {
      const events: string[] = [];
      const result = pool.map_async((x: number) => -x, [1, 2, 3], { callback: (values) => events.push(`callback ${values.join(',')}`) });
      expect(result).to.be.instanceOf(MapResult);
      events.push(`get ${(await within(result.get())).join(',')}`);
      expect(events).to.deep.equal(['callback -1,-2,-3', 'get -1,-2,-3']);
      expect(await within(pool.starmap_async((a: string, b: string) => a + b, [['a', 'b']]).get())).to.deep.equal(['ab']);
    });

    it('map_async accepts the chunksize as a number or in the options object', async () => {
      expect(await within(pool.map_async((x: number) => x, [1, 2, 3], 2).get())).to.deep.equal([1, 2, 3]);
      expect(await within(pool.map_async((x: number) => x, [1, 2, 3], { chunksize: 2 }).get())).to.deep.equal([1, 2, 3]);
    });

    it('uses the default chunksize ceil(n / (4 * processes)): 100 items on 2 workers run in chunks of 13', async () => {
      const events: Progress[] = [];
      const result = pool.map_async((x: number) => x, Array.from({ length: 100 }, (_, i) => i));
      result.on('progress', (p) => events.push(p));
      await within(result.get());
      expect(chunkSizes(events)).to.deep.equal([13, 13, 13, 13, 13, 13, 13, 9]);
      expect(events.at(-1)).to.deep.equal({ completed: 100, total: 100 });
    });

    it('honours an explicit chunksize (a chunk larger than the input is one chunk)', async () => {
      const events: Progress[] = [];
      const result = pool.map_async((x: number) => x, Array.from({ length: 25 }, (_, i) => i), 10);
      result.on('progress', (p) => events.push(p));
      await within(result.get());
      expect(chunkSizes(events)).to.deep.equal([10, 10, 5]);
      const single: Progress[] = [];
      const whole = pool.map_async((x: number) => x, [1, 2, 3], 50);
      whole.on('progress', (p) => single.push(p));
      await within(whole.get());
      expect(single).to.deep.equal([{ completed: 3, total: 3 }]);
    });

    it('reports progress (completed, total) on the MapResult', async () => {
      const result = pool.map_async((x: number) => x, [1, 2, 3, 4], 1);
      expect(result.total).to.equal(4);
      await within(result.wait());
      expect(result.completed).to.equal(4);
    });

    it('runs each item of a chunk with its own outcome: one failing item does not hide the others\' work', async () => {
      const result = pool.map_async((x: number) => {
        if (x === 2) throw new Error('item 2');
        return x;
      }, [0, 1, 2, 3, 4], 5);
      const settled = await outcome(result.get());
      expect(settled.ok === false && (settled.error as Error).message).to.equal('item 2');
      expect(result.completed).to.equal(5);
    });

    it('does not fail fast and rejects with the error of the lowest-index failing item', async () => {
      // Item 5 fails at once, item 3 fails later: the error is still item 3's.
      const errorCallbacks: unknown[] = [];
      const result = pool.map_async(async (x: number) => {
        if (x === 3) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          throw new Error('bad 3');
        }
        if (x === 5) throw new Error('bad 5');
        return x;
      }, Array.from({ length: 10 }, (_, i) => i), { chunksize: 1, error_callback: (e) => errorCallbacks.push(e) });
      const settled = await outcome(result.get());
      expect(settled.ok === false && (settled.error as Error).message).to.equal('bad 3');
      expect(result.completed).to.equal(10);
      expect(errorCallbacks).to.have.length(1);
      expect(errorCallbacks[0]).to.equal(settled.ok ? undefined : settled.error);
    });

    it('map rejects with the failing item\'s error', async () => {
      const settled = await outcome(pool.map((x: number) => {
        if (x === 1) throw new TypeError('one');
        return x;
      }, [0, 1, 2]));
      expect(settled.ok === false && settled.error).to.be.instanceOf(TypeError).with.property('message', 'one');
    });

    it('chunksize < 1 is a RangeError (CPython silently returns Nones); a non-integer is a TypeError', async () => {
      expect(() => pool.map_async((x: number) => x, [1], 0)).to.throw(RangeError, /chunksize/);
      expect(() => pool.starmap_async((x: number) => x, [[1]], -1)).to.throw(RangeError, /chunksize/);
      expect(() => pool.map_async((x: number) => x, [1], 1.5)).to.throw(TypeError, /chunksize/);
      const rejected = await outcome(pool.map((x: number) => x, [1], 0));
      expect(rejected.ok === false && rejected.error).to.be.instanceOf(RangeError);
      const rejectedStar = await outcome(pool.starmap((x: number) => x, [[1]], 0));
      expect(rejectedStar.ok === false && rejectedStar.error).to.be.instanceOf(RangeError);
    });

    it('a non-iterable input or a starmap item that is not an argument list is a TypeError', async () => {
      expect(() => pool.map_async((x: number) => x, 5 as unknown as number[])).to.throw(TypeError, /iterable/);
      expect(() => pool.starmap_async((x: number) => x, [[1], 2 as unknown as [number]])).to.throw(TypeError, /item 1/);
      const rejected = await outcome(pool.map((x: number) => x, null as unknown as number[]));
      expect(rejected.ok === false && rejected.error).to.be.instanceOf(TypeError);
    });
  });
}
