// wait() and as_completed() on futures without an executor: CPython's AsCompletedTests that
// need no workers (timeout message, duplicates), completion order, and pypool's choice that a
// future cancelled by cancel() wakes waiters at once (CPython gh-109934 is not reproduced).
import { expect } from 'chai';
import { TimeoutError } from '../../lib/errors.js';
import { Future } from '../../lib/futures/future.js';
import { createFuture } from '../../lib/futures/future-sinks.js';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, as_completed, asCompleted, wait } from '../../lib/futures/wait.js';
import { within } from '../helpers.js';
import { collect, expectRejection, tick } from './support.js';

describe('futures: wait()', () => {
  it('resolves at once for no futures', async () => {
    const { done, not_done } = await within(wait([]));
    expect(done.size).to.equal(0);
    expect(not_done.size).to.equal(0);
  });

  it('removes duplicates', async () => {
    const f = createFuture('FINISHED', { result: 1 });
    const { done } = await within(wait([f, f, f]));
    expect([...done]).to.deep.equal([f]);
  });

  it('never rejects on timeout: unfinished futures are in not_done', async () => {
    const a = new Future();
    const b = createFuture('FINISHED', { result: 1 });
    const { done, not_done } = await within(wait([a, b], { timeout: 0.05 }));
    expect(done).to.deep.equal(new Set([b]));
    expect(not_done).to.deep.equal(new Set([a]));
    const zero = await wait([a], { timeout: 0 });
    expect(zero.not_done).to.deep.equal(new Set([a]));
  });

  it('FIRST_COMPLETED wakes on the first result', async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const waited = wait([a, b], { return_when: FIRST_COMPLETED });
    await tick();
    b.set_result(2);
    const { done, not_done } = await within(waited);
    expect(done).to.deep.equal(new Set([b]));
    expect(not_done).to.deep.equal(new Set([a]));
  });

  it('FIRST_EXCEPTION ignores successes and returns at the first failure', async () => {
    const fs = [new Future(), new Future(), new Future()] as const;
    const waited = wait(fs, { return_when: FIRST_EXCEPTION });
    fs[0].set_result(1);
    await tick();
    fs[1].set_exception(new Error('x'));
    const { done, not_done } = await within(waited);
    expect(done).to.deep.equal(new Set([fs[0], fs[1]]));
    expect(not_done).to.deep.equal(new Set([fs[2]]));
  });

  it('FIRST_EXCEPTION without any failure behaves as ALL_COMPLETED', async () => {
    const fs = [new Future(), new Future()];
    const waited = wait(fs, { return_when: FIRST_EXCEPTION });
    fs[0]?.set_result(1);
    fs[1]?.cancel();
    const { done } = await within(waited);
    expect(done.size).to.equal(2);
  });

  it('a future cancelled with cancel() wakes waiters at once (no gh-109934 hang)', async () => {
    const f = new Future();
    const waited = wait([f], { return_when: ALL_COMPLETED });
    await tick();
    expect(f.cancel()).to.equal(true);
    const { done } = await within(waited, 5, 'wait() on a cancelled future');
    expect(done).to.deep.equal(new Set([f]));
  });

  it('deviation: a CANCELLED future (not yet acknowledged by an executor) counts as done', async () => {
    // CPython's test_first_completed expects CANCELLED_FUTURE in not_done.
    const cancelled = createFuture('CANCELLED');
    const { done } = await within(wait([cancelled, new Future()], { return_when: FIRST_COMPLETED }));
    expect(done).to.deep.equal(new Set([cancelled]));
  });

  it('rejects an unknown return_when and a bad timeout', async () => {
    await expectRejection(wait([new Future()], { return_when: 'SOMETIMES' as never }), RangeError);
    await expectRejection(wait([new Future()], { timeout: 'soon' as never }), TypeError);
  });
});

describe('futures: as_completed()', () => {
  it('yields done futures first, then in completion order', async () => {
    const done = createFuture('FINISHED', { result: 0 });
    const [a, b, c] = [new Future<number>(), new Future<number>(), new Future<number>()];
    const it = as_completed([a, b, c, done]);
    expect((await it.next()).value).to.equal(done);
    c.set_result(3);
    a.set_exception(new Error('a'));
    expect((await within(it.next())).value).to.equal(c);
    expect((await within(it.next())).value).to.equal(a);
    setTimeout(() => b.cancel(), 10);
    expect((await within(it.next())).value).to.equal(b);
    expect((await within(it.next())).done).to.equal(true);
  });

  it('reports how many futures are unfinished on timeout (test_correct_timeout_exception_msg)', async () => {
    const fs = [createFuture('CANCELLED_AND_NOTIFIED'), createFuture('PENDING'), createFuture('RUNNING'), createFuture('FINISHED', { result: 42 })];
    const error = await expectRejection(collect(as_completed(fs, 0)), TimeoutError);
    expect((error as Error).message).to.equal('2 (of 4) futures unfinished');
  });

  it('ends after the TimeoutError', async () => {
    const it = as_completed([new Future()], 0.01);
    await expectRejection(it.next(), TimeoutError);
    expect((await it.next()).done).to.equal(true);
  });

  it('times out while waiting, after yielding what finished in time', async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const seen: unknown[] = [];
    setTimeout(() => a.set_result(1), 5);
    const error = await expectRejection(
      within(
        (async () => {
          for await (const f of as_completed([a, b], 0.3)) seen.push(f);
        })(),
      ),
      TimeoutError,
    );
    expect((error as Error).message).to.equal('1 (of 2) futures unfinished');
    expect(seen).to.deep.equal([a]);
  });

  it('yields each duplicate once and accepts any iterable (test_duplicate_futures)', async () => {
    const f = new Future();
    function* repeat() {
      for (let i = 0; i < 3; i++) yield f;
    }
    const it = asCompleted(repeat());
    f.set_result(1);
    expect(await within(collect(it))).to.deep.equal([f]);
  });

  it('serialises next() calls made without awaiting', async () => {
    const [a, b] = [new Future(), new Future()];
    const it = as_completed([a, b]);
    const first = it.next();
    const second = it.next();
    b.set_result(2);
    a.set_result(1);
    expect((await within(first)).value).to.equal(b);
    expect((await within(second)).value).to.equal(a);
  });

  it('return() ends the iteration (leaving a for await loop early)', async () => {
    const [a, b] = [createFuture('FINISHED', { result: 1 }), new Future()];
    const it = as_completed([a, b]);
    expect((await it.next()).value).to.equal(a);
    await it.return?.();
    b.set_result(2);
    expect((await it.next()).done).to.equal(true);
  });

  it('rejects a bad timeout at once', () => {
    expect(() => as_completed([], 'soon' as never)).to.throw(TypeError);
  });
});
