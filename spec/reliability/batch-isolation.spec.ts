/**
 * Batching is a speed device, never a change of meaning. The worker engine sends up to 256
 * short jobs in one message; each of them must still behave as if it had been sent alone, as
 * CPython pickles each task on its own: its own copy of its arguments, its own result and
 * error, and its own fate when a neighbour cannot be sent or kills the worker.
 *
 * Each spec first warms the pool up (the engine batches only once it has measured that jobs are
 * short) and then submits a full burst synchronously, so the jobs travel in shared messages.
 */
import { expect } from 'chai';
import { MaybeEncodingError, Pool, SerializationError, WorkerLostError, transfer, type AsyncResult } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';

const BURST = 300;

/** Lets the engine measure that jobs are short, so the next burst is batched. */
async function warmUp(pool: Pool): Promise<void> {
  await within(pool.map((x: number) => x, Array.from({ length: 64 }, (_, i) => i), 1), 30, 'warm-up');
}

/** Settles every result of a burst, counting how often each settled (must be exactly once). */
async function settleAll<T>(results: AsyncResult<T>[]): Promise<({ ok: true; value: T } | { ok: false; error: unknown })[]> {
  return Promise.all(results.map((r) => outcome(r.get(), 30)));
}

for (const runtime of RUNTIMES) {
  describe(`Batch isolation (${runtime})`, function () {
    this.timeout(60_000);
    let pool: Pool;
    let exits: number;
    beforeEach(async () => {
      pool = new Pool({ processes: 2, runtime });
      exits = 0;
      pool.on('workerExit', () => exits++);
      await warmUp(pool);
    });
    afterEach(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    describe('each job gets its own copy of its arguments', () => {
      it('50 apply_async calls given one shared array each see a fresh copy (CPython: fifty 1s)', async () => {
        const shared: number[] = [];
        const results = Array.from({ length: 50 }, () => pool.apply_async((a: number[]) => { a.push(1); return a.length; }, [shared]));
        const values = await Promise.all(results.map((r) => within(r.get(), 30, 'get')));
        expect(values).to.deep.equal(Array(50).fill(1));
        expect(shared).to.deep.equal([], 'the caller\'s array is never changed');
      });

      it('map with chunksize 1 over one object repeated gives every item its own copy', async () => {
        const obj = { n: 0 };
        const values = await within(pool.map((o: { n: number }) => ++o.n, Array(50).fill(obj), 1), 30, 'map');
        expect(values).to.deep.equal(Array(50).fill(1));
      });

      it('items of one chunk may share, as in CPython (map(f, [obj]*50, 50) gives 1..50)', async () => {
        const obj = { n: 0 };
        const values = await within(pool.map((o: { n: number }) => ++o.n, Array(50).fill(obj), 50), 30, 'map');
        expect(values).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
      });

      it('two jobs holding views on one buffer do not share its memory', async () => {
        const bytes = new Uint8Array(4);
        const results = Array.from({ length: 40 }, () => pool.apply_async((b: Uint8Array) => ++b[0]!, [bytes]));
        const values = await Promise.all(results.map((r) => within(r.get(), 30, 'get')));
        expect(values).to.deep.equal(Array(40).fill(1));
      });
    });

    describe('one argument that cannot be sent fails its own job only', () => {
      const badArguments: [string, () => [unknown], RegExp][] = [
        ['an array with a function-valued named property', () => [Object.assign([1], { f: () => 1 })], /argument 0\.f is a function|could not be cloned/],
        ['an Error whose cause is a Symbol', () => [new Error('x', { cause: Symbol('s') })], /argument 0\.cause is a symbol/],
        ['a view on a detached buffer', () => {
          const buffer = new ArrayBuffer(8);
          const view = new Uint8Array(buffer);
          structuredClone(buffer, { transfer: [buffer] });
          return [view];
        }, /detached|moved away/],
        ['a Proxy as the argument list', () => new Proxy([1], {}) as [unknown], /argument list is a Proxy/],
        ['a getter that throws', () => [{ get boom(): never { throw new Error('getter says no'); } }], /getter says no/],
      ];
      for (const [name, makeArgs, message] of badArguments) {
        it(`${name}: exactly that call fails with SerializationError naming the call; ${BURST - 1} neighbours succeed`, async () => {
          const results = Array.from({ length: BURST }, (_, i) =>
            i === 150 ? pool.apply_async(function named(x: unknown) { return x; }, makeArgs()) : pool.apply_async((i: number) => i * 2, [i]));
          const settled = await settleAll(results);
          const failed = settled.flatMap((s, i) => (s.ok ? [] : [i]));
          expect(failed).to.deep.equal([150]);
          const error = (settled[150] as { error: Error }).error;
          expect(error).to.be.instanceOf(SerializationError);
          expect(error.message).to.include('named(…)').and.match(message);
          settled.forEach((s, i) => { if (i !== 150) expect(s).to.deep.equal({ ok: true, value: i * 2 }); });
          expect(exits).to.equal(0, 'no worker died');
        });
      }

      // Threads only: between processes transfer() copies, so nothing is moved.
      if (runtime === 'thread') it('a buffer given to transfer() by two calls: the first moves it, the second fails alone', async () => {
        const buffer = new Uint8Array([7, 7]).buffer;
        const results = Array.from({ length: 40 }, (_, i) =>
          i === 10 || i === 11 ? pool.apply_async((b: ArrayBuffer) => b.byteLength, [transfer(buffer)]) : pool.apply_async((i: number) => i, [i]));
        const settled = await settleAll(results);
        expect(settled[10]).to.deep.equal({ ok: true, value: 2 });
        expect(settled[11]!.ok).to.equal(false);
        expect((settled[11] as { error: Error }).error).to.be.instanceOf(SerializationError);
        expect(settled.filter((s) => !s.ok)).to.have.length(1);
      });

      it('a job whose message could not be sent runs once, never twice (the others are re-sent, not re-run)', async () => {
        const counter = runtime === 'thread' ? new Int32Array(new SharedArrayBuffer(4 * BURST)) : undefined;
        const bad = Object.assign([0], { f: () => 0 });
        const results = Array.from({ length: BURST }, (_, i) => {
          if (i === 5) return pool.apply_async((a: unknown) => a, [bad]);
          return counter
            ? pool.apply_async((c: Int32Array, i: number) => Atomics.add(c, i, 1) + 1, [counter, i])
            : pool.apply_async((i: number) => i, [i]);
        });
        const settled = await settleAll(results);
        expect(settled.filter((s) => !s.ok)).to.have.length(1);
        if (counter) expect([...counter].filter((n, i) => i !== 5 && n !== 1)).to.deep.equal([], 'each job ran exactly once');
      });
    });

    describe('one result that cannot be sent fails its own job only, and the worker lives', () => {
      const badResults: [string, () => unknown][] = [
        ['an array with a function-valued named property', () => Object.assign([1], { f: () => 1 })],
        ['an Error whose cause is a Symbol', () => new Error('x', { cause: Symbol('s') })],
        ['a value nested 2,500 levels deep', () => { let o: unknown = null; for (let i = 0; i < 2500; i++) o = { next: o }; return o; }],
      ];
      for (const [name, make] of badResults) {
        it(`${name}: MaybeEncodingError for that call; ${BURST - 1} neighbours keep their results`, async () => {
          const source = `return (${make.toString()})()`;
          const results = Array.from({ length: BURST }, (_, i) =>
            i === 150 ? pool.apply_async(new Function(source) as () => unknown) : pool.apply_async((i: number) => i * 3, [i]));
          const settled = await settleAll(results);
          expect(settled.flatMap((s, i) => (s.ok ? [] : [i]))).to.deep.equal([150]);
          expect((settled[150] as { error: Error }).error).to.be.instanceOf(MaybeEncodingError);
          settled.forEach((s, i) => { if (i !== 150) expect(s).to.deep.equal({ ok: true, value: i * 3 }); });
          expect(exits).to.equal(0, 'no worker died');
        });
      }

      it('an argument nested 2,500 levels deep is a SerializationError that says how deep is too deep', async () => {
        let deep: unknown = null;
        for (let i = 0; i < 2500; i++) deep = { next: deep };
        const settled = await outcome(pool.apply((x: unknown) => typeof x, [deep]), 30);
        expect(settled.ok).to.equal(false);
        expect((settled as { error: Error }).error).to.be.instanceOf(SerializationError);
        expect((settled as { error: Error }).error.message).to.match(/nested more than 1000 levels/);
        expect(await within(pool.apply((x: number) => x + 1, [1]), 30, 'next task')).to.equal(2);
      });

      it('1,000 levels still cross both ways', async () => {
        let deep: unknown = 0;
        for (let i = 0; i < 999; i++) deep = { next: deep };
        const depth = await within(pool.apply((x: unknown) => { let n = 0; for (let o: unknown = x; typeof o === 'object' && o !== null; o = (o as { next: unknown }).next) n++; return n; }, [deep]), 30, 'deep');
        expect(depth).to.equal(999);
      });
    });

    describe('a crash in a full batch takes only the culprit (the worker\'s last words)', () => {
      it(`process.exit() at item 150 of ${BURST}: only item 150 fails; the rest keep their values or run elsewhere`, async () => {
        const crashy = (i: number): number => {
          if (i === 150) process.exit(3);
          return i * 2;
        };
        const settled = await settleAll(Array.from({ length: BURST }, (_, i) => pool.apply_async(crashy, [i])));
        expect(settled.flatMap((s, i) => (s.ok ? [] : [i]))).to.deep.equal([150]);
        expect((settled[150] as { error: Error }).error).to.be.instanceOf(WorkerLostError);
        settled.forEach((s, i) => { if (i !== 150) expect(s).to.deep.equal({ ok: true, value: i * 2 }); });
        expect(exits).to.equal(1);
      });

      it('a worker that dies of an uncaught error names it as the WorkerLostError\'s cause', async () => {
        const settled = await outcome(pool.apply(() => new Promise(() => { setTimeout(() => { throw new RangeError('late timer'); }, 1); })), 30);
        const error = (settled as { error: WorkerLostError }).error;
        expect(error).to.be.instanceOf(WorkerLostError);
        expect(error.cause).to.be.instanceOf(RangeError);
        expect((error.cause as Error).message).to.equal('late timer');
      });
    });

    describe('the worker loop does not depend on globals a task can change', () => {
      it('a task that defines Object.prototype.then does not wedge its worker', async () => {
        const polluted = await outcome(pool.apply(() => {
          Object.defineProperty(Object.prototype, 'then', { value: function then() { /* never calls back */ }, configurable: true, writable: true });
          return { a: 1 };
        }), 30);
        expect(polluted).to.deep.equal({ ok: true, value: { a: 1 } });
        const later = await within(pool.map((x: number) => ({ x }), [1, 2, 3, 4, 5, 6], 1), 30, 'later tasks');
        expect(later).to.deep.equal([1, 2, 3, 4, 5, 6].map((x) => ({ x })));
      });

      it('a task that replaces globalThis.setImmediate does not wedge its worker', async () => {
        await within(pool.map(() => { (globalThis as { setImmediate: unknown }).setImmediate = () => undefined; return 1; }, [1, 2, 3, 4], 1), 30, 'replace');
        expect(await within(pool.map((x: number) => x * 2, [1, 2, 3, 4, 5, 6], 1), 30, 'later tasks')).to.deep.equal([2, 4, 6, 8, 10, 12]);
      });
    });
  });
}
