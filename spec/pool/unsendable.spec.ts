/**
 * Arguments and results that cannot cross to or from a worker fail only that task, with an
 * error naming what could not be sent; the pool and other tasks carry on. Data that can be
 * sent (Map, Set, Date, BigInt, typed arrays, nested objects...) arrives intact.
 */
import { expect } from 'chai';
import { MaybeEncodingError, Pool, SerializationError } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';

for (const runtime of RUNTIMES) {
  describe(`Unsendable arguments and results (${runtime})`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    const identity = (...args: unknown[]): unknown => args.length;

    /** The error a call with these arguments fails with. */
    async function argumentError(args: unknown[]): Promise<Error> {
      const settled = await outcome(pool.apply(identity, args));
      if (settled.ok) throw new Error('expected the task to fail');
      return settled.error as Error;
    }

    it('round-trips rich data: Map, Set, Date, BigInt, RegExp, typed arrays, nested objects, NaN, -0, undefined', async () => {
      const value = {
        map: new Map<unknown, unknown>([['a', 1], [2, { b: [3] }]]),
        set: new Set([1, 'two']),
        date: new Date(86_400_000),
        big: 12345678901234567890n,
        regex: /ab+c/gi,
        bytes: new Uint8Array([1, 2, 3]),
        floats: new Float64Array([0.5]),
        buffer: new ArrayBuffer(4),
        nested: { deep: { deeper: [null, undefined, NaN, -0] } },
        error: new RangeError('a returned error is a value'),
      };
      const back = (await within(pool.apply((v: unknown) => v, [value]))) as typeof value;
      expect(back.map).to.deep.equal(value.map);
      expect(back.set).to.deep.equal(value.set);
      expect(back.date).to.deep.equal(value.date);
      expect(back.big).to.equal(value.big);
      expect(back.regex.source).to.equal('ab+c');
      expect(back.regex.flags).to.equal('gi');
      expect([...back.bytes]).to.deep.equal([1, 2, 3]);
      expect(back.floats[0]).to.equal(0.5);
      expect(back.buffer.byteLength).to.equal(4);
      expect(back.nested.deep.deeper[1]).to.equal(undefined);
      expect(Number.isNaN(back.nested.deep.deeper[2])).to.equal(true);
      expect(Object.is(back.nested.deep.deeper[3], -0)).to.equal(true);
      expect(back.error).to.be.instanceOf(RangeError);
    });

    it('a function argument fails that task with SerializationError naming the argument', async () => {
      const error = await argumentError([1, () => 2]);
      expect(error).to.be.instanceOf(SerializationError);
      expect(error.message).to.include('argument 1').and.include('function');
    });

    it('names the path of a value nested inside an argument', async () => {
      const error = await argumentError([{ a: { b: [0, Symbol('s')] } }]);
      expect(error).to.be.instanceOf(SerializationError);
      expect(error.message).to.include('argument 0.a.b[1]').and.include('symbol');
    });

    it('a class instance with methods is refused (its behaviour would be lost)', async () => {
      class Point {
        constructor(readonly x: number) {}
        norm(): number {
          return Math.abs(this.x);
        }
      }
      const error = await argumentError([new Point(1)]);
      expect(error).to.be.instanceOf(SerializationError);
      expect(error.message).to.include('Point');
    });

    it('an argument whose getter throws fails that task, not the main process (regression)', async () => {
      const error = await argumentError([{ get broken(): never { throw new Error('getter exploded'); } }]);
      expect(error).to.be.instanceOf(SerializationError);
      expect(error.message).to.include('getter exploded');
    });

    it('a Proxy argument fails that task with SerializationError (regression)', async () => {
      const error = await argumentError([new Proxy({}, {})]);
      expect(error).to.be.instanceOf(SerializationError);
      expect(error.message).to.include('Proxy');
    });

    it('only the task with the bad argument fails; its neighbours run', async () => {
      const results = [
        pool.apply_async((x: number) => x, [1]),
        pool.apply_async((x: unknown) => x, [() => 0]),
        pool.apply_async((x: number) => x, [3]),
      ];
      const settled = await within(Promise.all(results.map((r) => outcome(r.get()))));
      expect(settled[0]).to.deep.equal({ ok: true, value: 1 });
      expect(settled[1]!.ok === false && settled[1]!.error).to.be.instanceOf(SerializationError);
      expect(settled[2]).to.deep.equal({ ok: true, value: 3 });
    });

    it('in a map, only the bad item fails: the other items run and the map reports that item', async () => {
      const result = pool.map_async((x: unknown) => typeof x, [1, 'a', () => 0, true], 2);
      const settled = await outcome(result.get());
      expect(settled.ok === false && settled.error).to.be.instanceOf(SerializationError);
      expect((settled as { error: Error }).error.message).to.include('argument 0');
      expect(result.completed).to.equal(4);
      expect(await within(pool.starmap((a: number, b: unknown) => a, [[1, 2], [3, Symbol('x')], [5, 6]]).catch((e: unknown) => e))).to.be.instanceOf(SerializationError);
    });

    it('a result that cannot be sent fails that task with MaybeEncodingError naming the result', async () => {
      const cases: (() => unknown)[] = [
        () => () => 1,
        () => Symbol('s'),
        () => ({ ok: 1, nested: [{ fn() { return 1; } }] }),
        () => new (class Thing { m(): number { return 1; } })(),
        () => new Proxy({}, {}),
        () => new WeakMap(),
      ];
      for (const fn of cases) {
        const settled = await outcome(pool.apply(fn));
        expect(settled.ok, fn.toString()).to.equal(false);
        const error = (settled as { error: Error }).error;
        expect(error, fn.toString()).to.be.instanceOf(MaybeEncodingError);
        expect(error.message).to.include('the result');
      }
    });

    it('only the task with the bad result fails; the worker and its other tasks carry on', async () => {
      const results = [pool.apply_async(() => 1), pool.apply_async(() => new Proxy({}, {})), pool.apply_async(() => 3), pool.apply_async(() => Symbol('x'))];
      const settled = await within(Promise.all(results.map((r) => outcome(r.get()))));
      expect(settled.map((s) => s.ok)).to.deep.equal([true, false, true, false]);
      expect(await within(pool.map((x: number) => x * 2, [1, 2]))).to.deep.equal([2, 4]);
    });

    if (runtime === 'thread') {
      it('a SharedArrayBuffer is shared with a worker thread', async () => {
        const shared = new SharedArrayBuffer(4);
        await within(pool.apply((sab: SharedArrayBuffer) => { new Int32Array(sab)[0] = 7; }, [shared]));
        expect(new Int32Array(shared)[0]).to.equal(7);
      });
    } else {
      it('a SharedArrayBuffer argument or result fails only that task, not the main process or worker (regression)', async () => {
        const error = await argumentError([new SharedArrayBuffer(4)]);
        expect(error).to.be.instanceOf(SerializationError);
        expect(error.message).to.include('SharedArrayBuffer');
        const results: { get(): Promise<unknown> }[] = [pool.apply_async(() => 1), pool.apply_async(() => new SharedArrayBuffer(4)), pool.apply_async(() => 3)];
        const settled = await within(Promise.all(results.map((r) => outcome(r.get()))));
        expect(settled[0]).to.deep.equal({ ok: true, value: 1 });
        expect(settled[1]!.ok === false && settled[1]!.error).to.be.instanceOf(MaybeEncodingError);
        expect(settled[2]).to.deep.equal({ ok: true, value: 3 });
      });
    }
  });
}
