// Ports CPython 3.11's FutureTests (Lib/test/test_concurrent_futures.py): the Future state
// machine, done callbacks, result()/exception() with timeouts. No executor is involved.
import { expect } from 'chai';
import { CancelledError, InvalidStateError, TimeoutError } from '../../lib/errors.js';
import { Future, type FutureState } from '../../lib/futures/future.js';
import { createFuture, futureState } from '../../lib/futures/future-sinks.js';
import { outcome, within } from '../helpers.js';
import { expectRejection } from './support.js';

class OSError extends Error {}

const pending = () => createFuture('PENDING');
const running = () => createFuture('RUNNING');
const cancelled = () => createFuture('CANCELLED');
const cancelledAndNotified = () => createFuture('CANCELLED_AND_NOTIFIED');
const failed = () => createFuture('FINISHED', { exception: new OSError('boom') });
const successful = () => createFuture<number>('FINISHED', { result: 42 });

/** Replaces console.error while `fn` runs and returns what was written. */
function captureConsoleError(fn: () => void): string[] {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    lines.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' '));
  };
  try {
    fn();
  } finally {
    console.error = original;
  }
  return lines;
}

describe('futures: Future (CPython FutureTests)', () => {
  describe('done callbacks', () => {
    it('runs a callback with the result', async () => {
      let seen: Promise<number> | undefined;
      const f = new Future<number>();
      f.add_done_callback((done) => {
        expect(done).to.equal(f);
        expect(done.done()).to.equal(true);
        seen = done.result(); // CPython's callback reads callback_future.result()
      });
      f.set_result(5);
      expect(seen, 'the callback ran at set_result()').to.be.instanceOf(Promise);
      expect(await within(seen!)).to.equal(5);
    });

    it('lets a callback read the result and the exception', async () => {
      const f = new Future<number>();
      const results: unknown[] = [];
      f.add_done_callback(async (done) => results.push(await done.result()));
      f.set_result(5);
      const g = new Future();
      g.add_done_callback(async (done) => results.push(await done.exception()));
      const error = new Error('test');
      g.set_exception(error);
      await new Promise((resolve) => setImmediate(resolve));
      expect(results).to.deep.equal([5, error]);
    });

    it('runs a callback on cancel', () => {
      let wasCancelled: boolean | undefined;
      const f = new Future();
      f.add_done_callback((done) => (wasCancelled = done.cancelled()));
      expect(f.cancel()).to.equal(true);
      expect(wasCancelled).to.equal(true);
    });

    it('reports a raising callback and still runs the others', () => {
      let raisingCalled = false;
      let otherCalled = false;
      const f = new Future<number>();
      f.add_done_callback(() => {
        raisingCalled = true;
        throw new Error('doh!');
      });
      f.add_done_callback(() => (otherCalled = true));
      const logged = captureConsoleError(() => f.set_result(5));
      expect(raisingCalled).to.equal(true);
      expect(otherCalled).to.equal(true);
      expect(logged.join('\n')).to.include('exception calling callback for').and.include('Error: doh!');
    });

    it('reports an async callback that rejects (no unhandled rejection)', async () => {
      const lines: string[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
      try {
        const f = new Future<number>();
        f.add_done_callback(async () => {
          throw new Error('async doh');
        });
        f.set_result(1);
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        console.error = original;
      }
      expect(lines.join('\n')).to.include('async doh');
    });

    it('runs callbacks in the order they were added', () => {
      const order: number[] = [];
      const f = new Future();
      for (const i of [1, 2, 3]) f.add_done_callback(() => order.push(i));
      f.set_result(undefined);
      expect(order).to.deep.equal([1, 2, 3]);
    });

    it('runs a callback at once on an already successful, failed or cancelled future', () => {
      const seen: string[] = [];
      successful().add_done_callback((f) => seen.push(futureState(f)));
      failed().add_done_callback((f) => seen.push(futureState(f)));
      const c = new Future();
      expect(c.cancel()).to.equal(true);
      c.add_done_callback((f) => seen.push(String(f.cancelled())));
      expect(seen).to.deep.equal(['FINISHED', 'FINISHED', 'true']);
    });

    it('rejects a callback that is not a function', () => {
      expect(() => new Future().add_done_callback(42 as never)).to.throw(TypeError);
    });

    it('has a camelCase alias', () => {
      let called = false;
      const f = new Future();
      f.addDoneCallback(() => (called = true));
      f.setResult(1);
      expect(called).to.equal(true);
    });
  });

  it('repr shows the state (CPython test_repr)', () => {
    expect(String(pending())).to.match(/^<Future #\d+ state=pending>$/);
    expect(String(running())).to.match(/state=running>$/);
    expect(String(cancelled())).to.match(/state=cancelled>$/);
    expect(String(cancelledAndNotified())).to.match(/state=cancelled>$/);
    expect(String(failed())).to.match(/state=finished raised OSError>$/);
    expect(String(successful())).to.match(/state=finished returned number>$/);
  });

  it('cancel() succeeds only before running (CPython test_cancel)', () => {
    const cases: [FutureState, boolean, FutureState][] = [
      ['PENDING', true, 'CANCELLED'],
      ['RUNNING', false, 'RUNNING'],
      ['CANCELLED', true, 'CANCELLED'],
      ['CANCELLED_AND_NOTIFIED', true, 'CANCELLED_AND_NOTIFIED'],
    ];
    for (const [state, expected, after] of cases) {
      const f = createFuture(state);
      expect(f.cancel(), state).to.equal(expected);
      expect(futureState(f)).to.equal(after);
    }
    const f5 = failed();
    expect(f5.cancel()).to.equal(false);
    expect(futureState(f5)).to.equal('FINISHED');
    const f6 = successful();
    expect(f6.cancel()).to.equal(false);
    expect(futureState(f6)).to.equal('FINISHED');
  });

  it('cancelled(), done() and running() follow the state', () => {
    const all = [pending(), running(), cancelled(), cancelledAndNotified(), failed(), successful()];
    expect(all.map((f) => f.cancelled())).to.deep.equal([false, false, true, true, false, false]);
    expect(all.map((f) => f.done())).to.deep.equal([false, false, true, true, true, true]);
    expect(all.map((f) => f.running())).to.deep.equal([false, true, false, false, false, false]);
  });

  describe('result()', () => {
    it('with a zero timeout (CPython test_result_with_timeout)', async () => {
      await expectRejection(pending().result(0), TimeoutError);
      await expectRejection(running().result(0), TimeoutError);
      await expectRejection(cancelled().result(0), CancelledError);
      await expectRejection(cancelledAndNotified().result(0), CancelledError);
      await expectRejection(failed().result(0), OSError);
      expect(await successful().result(0)).to.equal(42);
    });

    it('waits for a result set later (CPython test_result_with_success)', async () => {
      const f = createFuture<number>('PENDING');
      setTimeout(() => f.set_result(42), 20);
      expect(await within(f.result(5))).to.equal(42);
    });

    it('rejects with CancelledError when cancelled while waiting (CPython test_result_with_cancel)', async () => {
      const f = createFuture('PENDING');
      setTimeout(() => f.cancel(), 20);
      await expectRejection(within(f.result(5)), CancelledError);
    });

    it('stays usable after a timeout', async () => {
      const f = new Future<string>();
      await expectRejection(f.result(0.01), TimeoutError);
      f.set_result('late');
      expect(await f.result(0.01)).to.equal('late');
    });

    it('rejects with the same error object every time', async () => {
      const f = new Future();
      const error = new Error('once');
      f.set_exception(error);
      const first = await outcome(f.result());
      const second = await outcome(f.result());
      expect(first.ok === false && first.error).to.equal(error);
      expect(second.ok === false && second.error).to.equal(error);
    });

    it('delivers a thrown non-Error value (even undefined) as a rejection', async () => {
      const f = new Future();
      f.set_exception(undefined);
      const got = await outcome(f.result());
      expect(got.ok).to.equal(false);
    });

    it('rejects a timeout that is not a number', async () => {
      await expectRejection(successful().result('1' as never), TypeError);
    });

    it('makes the future awaitable (PromiseLike)', async () => {
      expect(await successful()).to.equal(42);
      await expectRejection(Promise.resolve(cancelled()), CancelledError);
    });
  });

  describe('exception()', () => {
    it('with a zero timeout (CPython test_exception_with_timeout)', async () => {
      await expectRejection(pending().exception(0), TimeoutError);
      await expectRejection(running().exception(0), TimeoutError);
      await expectRejection(cancelled().exception(0), CancelledError);
      await expectRejection(cancelledAndNotified().exception(0), CancelledError);
      expect(await failed().exception(0)).to.be.instanceOf(OSError);
      expect(await successful().exception(0)).to.equal(null);
    });

    it('waits for an exception set later (CPython test_exception_with_success)', async () => {
      const f = createFuture('PENDING');
      setTimeout(() => f.set_exception(new OSError()), 20);
      expect(await within(f.exception(5))).to.be.instanceOf(OSError);
    });
  });

  describe('executor-side API', () => {
    it('set_running_or_notify_cancel() moves PENDING to RUNNING and CANCELLED to CANCELLED_AND_NOTIFIED', () => {
      const f = new Future();
      expect(f.set_running_or_notify_cancel()).to.equal(true);
      expect(f.running()).to.equal(true);
      expect(() => f.set_running_or_notify_cancel()).to.throw(InvalidStateError);
      const c = new Future();
      c.cancel();
      expect(c.setRunningOrNotifyCancel()).to.equal(false);
      expect(futureState(c)).to.equal('CANCELLED_AND_NOTIFIED');
      expect(c.cancelled()).to.equal(true);
    });

    it('set_result() / set_exception() on a done future throw InvalidStateError', () => {
      const f = new Future<number>();
      f.set_result(1);
      expect(() => f.set_result(2)).to.throw(InvalidStateError, /^FINISHED: <Future/);
      expect(() => f.set_exception(new Error())).to.throw(InvalidStateError);
      const c = new Future<number>();
      c.cancel();
      expect(() => c.setResult(1)).to.throw(InvalidStateError, /^CANCELLED/);
      expect(() => c.setException(new Error())).to.throw(InvalidStateError);
    });

    it('set_result() works on a pending future that never ran', async () => {
      const f = new Future<number>();
      f.set_result(3);
      expect(await f.result()).to.equal(3);
    });
  });

  it('a failed future nobody awaits causes no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const f = new Future();
      f.set_exception(new Error('ignored'));
      const c = new Future();
      c.cancel();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).to.deep.equal([]);
  });
});
