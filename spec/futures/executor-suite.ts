// The executor behaviours both ThreadPoolExecutor and ProcessPoolExecutor share, ported from
// CPython 3.11's Lib/test/test_concurrent_futures.py (ExecutorTest, WaitTests,
// AsCompletedTests, ExecutorShutdownTest, InitializerMixin, FailingInitializerMixin).
// Each executor's spec file calls `executorSuite` with a factory.
//
// Task functions below run inside workers for ProcessPoolExecutor, so each is self-contained.
// Durations are hang guards and "clearly longer than" margins, never timing assertions.
import { expect } from 'chai';
import { BrokenExecutor, CancelledError, PoolStateError, TimeoutError } from '../../lib/errors.js';
import type { Executor } from '../../lib/futures/executor.js';
import { Future } from '../../lib/futures/future.js';
import { createFuture } from '../../lib/futures/future-sinks.js';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, as_completed, wait } from '../../lib/futures/wait.js';
import { outcome, within } from '../helpers.js';
import { collect, expectRejection, tick } from './support.js';

/** What the shared suite needs to know about an executor class. */
export interface ExecutorKind {
  readonly name: string;
  create(maxWorkers?: number, options?: { initializer?: (...args: never[]) => unknown; initargs?: unknown[] }): Executor;
  /** BrokenThreadPool or BrokenProcessPool. */
  readonly brokenClass: abstract new (...args: never[]) => BrokenExecutor;
}

const WORKERS = 4;
/** A call that is clearly still running when the assertions run. */
const LONG = 1.5;

const mul = (x: number, y: number): number => x * y;
const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const sleepAndRaise = async (seconds: number): Promise<never> => {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  throw new Error('this is an exception');
};
const divmod = (a: number, b: number): [number, number] => {
  if (b === 0) throw new RangeError('integer division or modulo by zero');
  return [Math.floor(a / b), a % b];
};
const init = (status: string): void => {
  (globalThis as Record<string, unknown>).PYPOOL_INIT_STATUS = status;
};
const asyncInit = async (status: string): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  (globalThis as Record<string, unknown>).PYPOOL_INIT_STATUS = status;
};
const getInitStatus = (): unknown => (globalThis as Record<string, unknown>).PYPOOL_INIT_STATUS ?? 'uninitialized';
const initFail = async (): Promise<never> => {
  await new Promise((resolve) => setTimeout(resolve, 100)); // let some futures be scheduled
  throw new Error('error in initializer');
};

/** CPython's module-level futures in fixed states. */
function fixedFutures() {
  return {
    CANCELLED: createFuture('CANCELLED'),
    CANCELLED_AND_NOTIFIED: createFuture('CANCELLED_AND_NOTIFIED'),
    EXCEPTION: createFuture('FINISHED', { exception: new Error('OSError') }),
    SUCCESSFUL: createFuture('FINISHED', { result: 42 }),
  };
}

/** Registers the shared specs for one executor kind. */
export function executorSuite(kind: ExecutorKind): void {
  describe(`${kind.name}: shared executor behaviour`, function () {
    this.timeout(20000);
    let executor: Executor;
    const created: Executor[] = [];
    const make = (...args: Parameters<ExecutorKind['create']>): Executor => {
      const e = kind.create(...args);
      created.push(e);
      return e;
    };

    beforeEach(async () => {
      delete (globalThis as Record<string, unknown>).PYPOOL_INIT_STATUS;
      executor = make(WORKERS);
      // CPython's _prime_executor: start every worker first, so worker start-up time never
      // eats into the margins of the timeout specs.
      await within(Promise.all(Array.from({ length: WORKERS }, () => executor.submit(sleep, 0.01))), 15, 'priming');
    });
    afterEach(async () => {
      await within(Promise.all(created.splice(0).map((e) => e.shutdown(true))), 15, 'shutdown in afterEach');
    });

    describe('submit and map (CPython ExecutorTest)', () => {
      it('submit returns a future of the result', async () => {
        const future = executor.submit(Math.pow, 2, 8);
        expect(future).to.be.instanceOf(Future);
        expect(await within(future.result())).to.equal(256);
      });

      it('submit passes several arguments (keyword arguments become an object)', async () => {
        const f = executor.submit((o: { x: number; y: number }) => o.x * o.y, { x: 2, y: 8 });
        expect(await within(f)).to.equal(16);
      });

      it('submit rejects a non-function at once', () => {
        expect(() => executor.submit(42 as never)).to.throw(TypeError);
      });

      it('a failing call keeps its error class', async () => {
        const error = await expectRejection(executor.submit(divmod, 1, 0).result(10), RangeError);
        expect((error as Error).message).to.equal('integer division or modulo by zero');
      });

      it('map yields the results in order, with and without chunksize', async () => {
        const range10 = [...Array(10).keys()];
        const expected = range10.map((x) => x ** x);
        expect(await within(collect(executor.map(Math.pow, range10, range10)))).to.deep.equal(expected);
        expect(await within(collect(executor.map(Math.pow, range10, range10, { chunksize: 3 })))).to.deep.equal(expected);
      });

      it('map stops at the shortest iterable and accepts no items', async () => {
        expect(await within(collect(executor.map(mul, [1, 2, 3], [10, 20])))).to.deep.equal([10, 40]);
        expect(await within(collect(executor.map(mul, [], [])))).to.deep.equal([]);
      });

      it('map raises the first error at its position and then ends (test_map_exception)', async () => {
        const it = executor.map(divmod, [1, 1, 1, 1], [2, 3, 0, 5]);
        expect((await within(it.next())).value).to.deep.equal([0, 1]);
        expect((await within(it.next())).value).to.deep.equal([0, 1]);
        await expectRejection(it.next(), RangeError);
        expect((await within(it.next())).done).to.equal(true);
      });

      it('map rejects with TimeoutError when the deadline passes (test_map_timeout)', async () => {
        const results: unknown[] = [];
        const error = await outcome(
          (async () => {
            for await (const r of executor.map(sleep, [0, 0, LONG], { timeout: 0.5 })) results.push(r);
          })(),
        );
        expect(error.ok).to.equal(false);
        expect(error.ok || error.error).to.be.instanceOf(TimeoutError);
        expect(results).to.deep.equal([undefined, undefined]);
      });

      it('map fixes its deadline at the call, not at the first next()', async () => {
        const it = executor.map(sleep, [LONG], { timeout: 0.2 });
        await sleep(0.3); // the first next() comes after the deadline, while the call still runs
        // The deadline has passed: next() rejects before the event loop turns once more. Had the
        // deadline been taken at the first next(), it would wait 0.2 s more, a timer: at least
        // one more turn (an ordering, not a timing, assertion).
        const next = it.next();
        const first = await Promise.race([next.then(() => 'next()', () => 'next()'), tick().then(() => 'one event-loop turn')]);
        expect(first, 'next() after the deadline must settle at once').to.equal('next()');
        await expectRejection(within(next, 15, 'next() after the deadline'), TimeoutError);
      });

      it('map validates its arguments at once', () => {
        expect(() => executor.map(mul, [1], [2], { chunksize: 0 })).to.throw(RangeError);
        expect(() => executor.map(mul, [1], [2], { chunksize: 1.5 })).to.throw(TypeError);
        expect(() => executor.map(mul, [1], 5 as never)).to.throw(TypeError);
        expect(() => executor.map('mul' as never, [1])).to.throw(TypeError);
      });

      it('map then shutdown does not hang (test_shutdown_race_issue12456)', async () => {
        executor.map(String, Array(WORKERS + 1).fill(2));
        await within(executor.shutdown());
      });

      it('max_workers must be a positive integer (test_max_workers_negative)', () => {
        for (const n of [0, -1]) expect(() => kind.create(n)).to.throw(RangeError, 'max_workers must be greater than 0');
        expect(() => kind.create(1.5)).to.throw(TypeError);
      });
    });

    describe('shutdown (CPython ExecutorShutdownTest)', () => {
      it('submit after shutdown is an error (test_run_after_shutdown)', async () => {
        await executor.shutdown();
        expect(() => executor.submit(Math.pow, 2, 5)).to.throw(PoolStateError, 'cannot schedule new futures after shutdown');
        expect(() => executor.map(Math.pow, [2], [5])).to.throw(PoolStateError);
      });

      it('lets every submitted call finish (test_hang_issue12364)', async () => {
        const fs = Array.from({ length: 50 }, () => executor.submit(sleep, 0.01));
        await within(executor.shutdown());
        for (const f of fs) expect(f.done()).to.equal(true);
        await Promise.all(fs.map((f) => f.result()));
      });

      it('can be called several times, also without waiting', async () => {
        const f = executor.submit(sleep, 0.2);
        await executor.shutdown(false);
        await executor.shutdown(false);
        expect(await within(f)).to.equal(undefined);
        await within(executor.shutdown(true));
      });

      it('await using shuts the executor down (test_context_manager_shutdown)', async () => {
        let escaped: Executor;
        {
          await using e = make(5);
          escaped = e;
          expect(await within(collect(e.map(Math.abs, [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4])))).to.deep.equal([5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
        }
        expect(() => escaped.submit(Math.abs, 1)).to.throw(PoolStateError);
      });

      it('cancel_futures cancels queued calls and lets the others finish (test_cancel_futures)', async () => {
        const fs = Array.from({ length: 50 }, () => executor.submit(sleep, 0.1));
        await within(fs[0] as Future<void>);
        await within(executor.shutdown(true, { cancel_futures: true }));
        const cancelled = fs.filter((f) => f.cancelled());
        const others = fs.filter((f) => !f.cancelled());
        expect(cancelled.length).to.be.greaterThan(20);
        expect(others.length).to.be.greaterThan(0);
        for (const f of others) {
          expect(f.done(), f.toString()).to.equal(true);
          expect(await f.exception()).to.equal(null);
        }
      });

      it('a call already running survives shutdown(false, { cancel_futures }) (test_cancel_futures_wait_false)', async () => {
        const f = executor.submit(sleep, 0.1);
        await within(untilRunning(f), 10, 'the call to start');
        await executor.shutdown(false, { cancelFutures: true });
        expect(await within(f)).to.equal(undefined);
        expect(f.cancelled()).to.equal(false);
      });

      it('futures cancelled by shutdown wake wait() and as_completed() at once (no gh-109934 hang)', async () => {
        const fs = Array.from({ length: 30 }, () => executor.submit(sleep, 0.05));
        const waited = wait(fs);
        const completed = collect(as_completed(fs));
        await executor.shutdown(false, { cancel_futures: true });
        const { done, not_done } = await within(waited, 10, 'wait()');
        expect(done.size).to.equal(30);
        expect(not_done.size).to.equal(0);
        expect((await within(completed, 10, 'as_completed()')).length).to.equal(30);
        expect(fs.some((f) => f.cancelled())).to.equal(true);
      });
    });

    describe('wait (CPython WaitTests)', () => {
      it('FIRST_COMPLETED returns with the first finished future (test_first_completed)', async () => {
        const future1 = executor.submit(mul, 21, 2);
        const future2 = executor.submit(sleep, LONG);
        const { done, not_done } = await within(wait([future1, future2], { return_when: FIRST_COMPLETED }));
        expect(done).to.deep.equal(new Set([future1]));
        expect(not_done).to.deep.equal(new Set([future2]));
      });

      it('FIRST_COMPLETED counts futures already done (test_first_completed_some_already_completed)', async () => {
        const { CANCELLED_AND_NOTIFIED, SUCCESSFUL } = fixedFutures();
        const future1 = executor.submit(sleep, LONG);
        const { done, not_done } = await within(
          wait([CANCELLED_AND_NOTIFIED, SUCCESSFUL, future1], { return_when: FIRST_COMPLETED }),
        );
        expect(done).to.deep.equal(new Set([CANCELLED_AND_NOTIFIED, SUCCESSFUL]));
        expect(not_done).to.deep.equal(new Set([future1]));
      });

      it('FIRST_EXCEPTION returns at the first failure (test_first_exception)', async () => {
        const future1 = executor.submit(mul, 2, 21);
        const future2 = executor.submit(sleepAndRaise, 0.3);
        const future3 = executor.submit(sleep, LONG * 2);
        const { done, not_done } = await within(wait([future1, future2, future3], { return_when: FIRST_EXCEPTION }));
        expect(done).to.deep.equal(new Set([future1, future2]));
        expect(not_done).to.deep.equal(new Set([future3]));
      });

      it('FIRST_EXCEPTION with some already complete (test_first_exception_some_already_complete)', async () => {
        const { SUCCESSFUL, CANCELLED, CANCELLED_AND_NOTIFIED } = fixedFutures();
        const future1 = executor.submit(divmod, 21, 0);
        const future2 = executor.submit(sleep, LONG);
        const { done, not_done } = await within(
          wait([SUCCESSFUL, CANCELLED, CANCELLED_AND_NOTIFIED, future1, future2], { returnWhen: FIRST_EXCEPTION }),
        );
        // Deviation: CPython leaves CANCELLED (cancelled, not yet acknowledged) in not_done.
        expect(done).to.deep.equal(new Set([SUCCESSFUL, CANCELLED, CANCELLED_AND_NOTIFIED, future1]));
        expect(not_done).to.deep.equal(new Set([future2]));
      });

      it('FIRST_EXCEPTION with one already failed (test_first_exception_one_already_failed)', async () => {
        const { EXCEPTION } = fixedFutures();
        const future1 = executor.submit(sleep, LONG);
        const { done, not_done } = await within(wait([EXCEPTION, future1], { return_when: FIRST_EXCEPTION }));
        expect(done).to.deep.equal(new Set([EXCEPTION]));
        expect(not_done).to.deep.equal(new Set([future1]));
      });

      it('ALL_COMPLETED waits for every future (test_all_completed)', async () => {
        const { SUCCESSFUL, CANCELLED_AND_NOTIFIED, EXCEPTION } = fixedFutures();
        const future1 = executor.submit(divmod, 2, 0);
        const future2 = executor.submit(mul, 2, 21);
        const all = [SUCCESSFUL, CANCELLED_AND_NOTIFIED, EXCEPTION, future1, future2];
        const { done, not_done } = await within(wait(all, { return_when: ALL_COMPLETED }));
        expect(done).to.deep.equal(new Set(all));
        expect(not_done.size).to.equal(0);
      });

      it('returns the unfinished futures in not_done when the timeout passes (test_timeout)', async () => {
        const { CANCELLED_AND_NOTIFIED, EXCEPTION, SUCCESSFUL } = fixedFutures();
        const future1 = executor.submit(mul, 6, 7);
        const future2 = executor.submit(sleep, LONG * 2);
        await within(future1);
        const { done, not_done } = await within(
          wait([CANCELLED_AND_NOTIFIED, EXCEPTION, SUCCESSFUL, future1, future2], { timeout: 0.3, return_when: ALL_COMPLETED }),
        );
        expect(done).to.deep.equal(new Set([CANCELLED_AND_NOTIFIED, EXCEPTION, SUCCESSFUL, future1]));
        expect(not_done).to.deep.equal(new Set([future2]));
      });
    });

    describe('as_completed (CPython AsCompletedTests)', () => {
      it('yields every future once (test_no_timeout)', async () => {
        const { CANCELLED_AND_NOTIFIED, EXCEPTION, SUCCESSFUL } = fixedFutures();
        const future1 = executor.submit(mul, 2, 21);
        const future2 = executor.submit(mul, 7, 6);
        const all = [CANCELLED_AND_NOTIFIED, EXCEPTION, SUCCESSFUL, future1, future2];
        expect(new Set(await within(collect(as_completed(all))))).to.deep.equal(new Set(all));
      });

      it('yields the done futures, then times out (test_zero_timeout)', async () => {
        const { CANCELLED_AND_NOTIFIED, EXCEPTION, SUCCESSFUL } = fixedFutures();
        const future1 = executor.submit(sleep, LONG);
        const completed = new Set<unknown>();
        const result = await outcome(
          (async () => {
            for await (const f of as_completed([CANCELLED_AND_NOTIFIED, EXCEPTION, SUCCESSFUL, future1], 0)) completed.add(f);
          })(),
        );
        expect(result.ok || result.error).to.be.instanceOf(TimeoutError);
        expect(completed).to.deep.equal(new Set([CANCELLED_AND_NOTIFIED, EXCEPTION, SUCCESSFUL]));
      });

      it('yields a duplicated future once (test_duplicate_futures)', async () => {
        const future1 = executor.submit(sleep, 0.2);
        expect(await within(collect(as_completed([future1, future1, future1])))).to.deep.equal([future1]);
      });
    });

    describe('initializer (CPython InitializerMixin, FailingInitializerMixin)', () => {
      it('runs before the calls (test_initializer)', async () => {
        const e = make(2, { initializer: init, initargs: ['initialized'] });
        const fs = [e.submit(getInitStatus), e.submit(getInitStatus)];
        for (const f of fs) expect(await within(f)).to.equal('initialized');
      });

      it('is awaited when async', async () => {
        const e = make(2, { initializer: asyncInit, initargs: ['async-initialized'] });
        expect(await within(e.submit(getInitStatus))).to.equal('async-initialized');
      });

      it('breaks the executor when it throws (test_initializer failing)', async () => {
        const e = make(2, { initializer: initFail });
        const error = await expectRejection(e.submit(getInitStatus).result(10), kind.brokenClass);
        expect(error).to.be.instanceOf(BrokenExecutor);
        expect(((error as Error).cause as Error).message).to.include('error in initializer');
        // ... and from this point submit() fails at once.
        expect(() => e.submit(getInitStatus)).to.throw(kind.brokenClass);
      });

      it('fails every queued call of a broken executor', async () => {
        const e = make(1, { initializer: initFail });
        const fs = Array.from({ length: 5 }, () => e.submit(mul, 1, 2));
        for (const f of fs) await expectRejection(f.result(10), kind.brokenClass);
      });

      it('must be a function', () => {
        expect(() => kind.create(1, { initializer: 'init' as never })).to.throw(TypeError, 'initializer must be a callable');
      });
    });

    describe('Future from an executor', () => {
      it('cannot be cancelled once running, and reports running()', async () => {
        const f = executor.submit(sleep, 0.2);
        await within(untilRunning(f), 10, 'the call to start');
        expect(f.running()).to.equal(true);
        expect(f.cancel()).to.equal(false);
        expect(await within(f)).to.equal(undefined);
        expect(f.done()).to.equal(true);
      });

      it('queued calls beyond the cancellation window are cancellable', async () => {
        const e = make(1);
        const fs = Array.from({ length: 10 }, () => e.submit(sleep, 0.05));
        await tick();
        const cancelled = fs.filter((f) => f.cancel());
        // At most the running call and the one sent ahead of it cannot be cancelled.
        expect(cancelled.length).to.be.at.least(8);
        for (const f of cancelled) await expectRejection(f.result(0), CancelledError);
        await within(e.shutdown());
      });
    });
  });
}

/** Resolves once `future` runs (or is done): polled, as CPython's tests poll. */
async function untilRunning(future: Future<unknown>): Promise<void> {
  while (!future.running() && !future.done()) await new Promise((resolve) => setTimeout(resolve, 1));
}
