// as_completed yields the submitted futures, typed as given: CPython's idiom
// `future_to_url[future]` ports as `futureToUrl.get(future)` without a cast. This file is also a
// type-level spec: if as_completed's iterator typed the `for await` variable as anything but
// the submitted future type (an AsyncIterableIterator<F> gives Awaited<F>, the future's value;
// the former CompletedFuture<F> had no `then`), the build fails here.
import { expect } from 'chai';
import { ThreadPoolExecutor } from '../../lib/futures/thread-pool-executor.js';
import { Future } from '../../lib/futures/future.js';
import { as_completed } from '../../lib/futures/wait.js';
import { within } from '../helpers.js';

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

describe('futures: as_completed yields the submitted futures', () => {
  it('a Map keyed by the futures looks them up without a cast (future_to_url[future])', async () => {
    const ex = new ThreadPoolExecutor(2);
    try {
      const futureToWord = new Map<Future<number>, string>();
      for (const word of ['a', 'bb', 'ccc']) futureToWord.set(ex.submit((w: string) => w.length, word), word);
      const seen: [string, number][] = [];
      for await (const future of as_completed(futureToWord.keys())) {
        assertType<Equal<typeof future, Future<number>>>();
        const word: string | undefined = futureToWord.get(future);
        expect(word, 'the yielded object is the submitted future itself').to.be.a('string');
        seen.push([word!, await future.result()]);
      }
      expect(seen.sort()).to.deep.equal([['a', 1], ['bb', 2], ['ccc', 3]]);
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
