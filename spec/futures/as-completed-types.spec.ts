// as_completed yields the submitted futures themselves, and CPython's idiom
// `future_to_url[future]` ports without a cast when the Map's keys are typed
// `CompletedFuture<Future<T>>`. This file is also a type-level spec: the build fails here if the
// loop variable's type changes, or differs between a first and a second loop (TypeScript types
// a `for await` variable as the awaited yield type, except the first time it meets an iterator
// type it does not know: a yielded PromiseLike `Future<T>` would be `Future<T>` once, then `T`).
import { expect } from 'chai';
import { ThreadPoolExecutor } from '../../lib/futures/thread-pool-executor.js';
import { Future } from '../../lib/futures/future.js';
import { as_completed, type CompletedFuture } from '../../lib/futures/wait.js';
import { within } from '../helpers.js';

/** Compiles only when A and B are assignable to each other. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(): T | void {}

describe('futures: as_completed yields the submitted futures', () => {
  it('a Map keyed by CompletedFuture takes the submitted futures and looks up the yielded ones (future_to_url[future])', async () => {
    const ex = new ThreadPoolExecutor(2);
    try {
      const futureToWord = new Map<CompletedFuture<Future<number>>, string>();
      for (const word of ['a', 'bb', 'ccc']) futureToWord.set(ex.submit((w: string) => w.length, word), word);
      for (let round = 0; round < 2; round++) {
        const seen: [string, number][] = [];
        for await (const future of as_completed(futureToWord.keys())) {
          assertType<Mutual<typeof future, CompletedFuture<Future<number>>>>();
          const word: string | undefined = futureToWord.get(future);
          expect(word, 'the yielded object is the submitted future itself').to.be.a('string');
          seen.push([word!, await future.result()]);
        }
        expect(seen.sort()).to.deep.equal([['a', 1], ['bb', 2], ['ccc', 3]]);
      }
      // The submitted futures themselves, as before.
      const submitted = [ex.submit(() => 1)];
      for await (const future of as_completed(submitted)) assertType<Mutual<typeof future, CompletedFuture<Future<number>>>>();
    } finally {
      await ex.shutdown();
    }
  });

  it('next() resolves with the future object itself, never with its value', async () => {
    const f = new Future<number>();
    f.set_result(42);
    const it = as_completed([f]);
    const step = await within(it.next());
    expect(step.done).to.equal(false);
    expect(step.value).to.equal(f);
    expect((await within(it.next())).done).to.equal(true);
  });
});
