/**
 * Lists of one repeated null, undefined, boolean or string cross between threads or processes
 * in a compact form (lib/worker/numbers.ts, lib/internal/compact-message.ts): a `map` over
 * them must still give exactly what it gives for any other list.
 */
import { expect } from 'chai';
import { Pool } from '../../lib/index.js';
import { compactList, expandList, isUniformList } from '../../lib/worker/numbers.js';
import { expandLastWords, expandResponse } from '../../lib/internal/compact-message.js';
import { LAST_WORDS_TAG, type LastWords, type WorkerResponse } from '../../lib/wire/protocol.js';
import { RUNTIMES, within } from '../helpers.js';

describe('compact lists (unit)', () => {
  it('compacts a long list of one repeated primitive and expands it back', () => {
    for (const value of [null, undefined, true, false, '', 'same']) {
      const list = new Array<unknown>(40).fill(value);
      const compact = compactList(list);
      expect(isUniformList(compact), String(value)).to.equal(true);
      expect(expandList(compact)).to.deep.equal(list);
    }
  });

  it('leaves short lists, mixed lists and objects alone', () => {
    expect(compactList(new Array(15).fill(null))).to.equal(undefined);
    expect(compactList([...new Array<unknown>(39).fill(null), undefined])).to.equal(undefined);
    expect(compactList([...new Array<unknown>(39).fill('a'), 'b'])).to.equal(undefined);
    const object = {};
    expect(compactList(new Array(40).fill(object))).to.equal(undefined);
  });

  it('turns all-number lists into a Float64Array, as before', () => {
    expect(compactList(new Array(40).fill(-0))).to.be.instanceOf(Float64Array);
  });

  it('expands the answers of a run and of last words', () => {
    const uniform = compactList(new Array(20).fill(null));
    const response = { type: 'run', ms: 1, jobs: [{ values: uniform }, { values: [1] }] } as unknown as WorkerResponse;
    expect(expandResponse(response)).to.deep.equal({ type: 'run', ms: 1, jobs: [{ values: new Array(20).fill(null) }, { values: [1] }] });
    const words = { [LAST_WORDS_TAG]: true, seq: 1, running: 1, answers: [{ values: uniform }] } as unknown as LastWords;
    expect(expandLastWords(words).answers[0]!.values).to.deep.equal(new Array(20).fill(null));
  });
});

for (const runtime of RUNTIMES) {
  describe(`map over repeated values (${runtime})`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, runtime });
    });
    after(async () => {
      await within(pool.terminate(), 30, 'terminate');
    });

    it('gives back every repeated value exactly (null, undefined, booleans, strings)', async () => {
      for (const value of [null, undefined, true, false, '', 'same']) {
        const items = new Array<unknown>(1000).fill(value);
        const out = await within(pool.map((x: unknown) => x, items, 100), 30, 'map');
        expect(out, String(value)).to.deep.equal(items);
        expect(out.length).to.equal(1000);
      }
    });

    it('runs the function on each repeated item, whatever it returns', async () => {
      const items = new Array<string>(300).fill('a');
      const out = await within(pool.map((x: string) => (x === 'a' ? { x } : 'no'), items, 50), 30, 'map');
      expect(out).to.deep.equal(items.map((x) => ({ x })));
      const strings = await within(pool.map((x: number) => (x < 0 ? 'neg' : 'non-negative'), Array.from({ length: 300 }, (_, i) => i), 50), 30, 'map');
      expect(strings).to.deep.equal(new Array(300).fill('non-negative'));
    });

    it('keeps a list that differs only in its last item as it is', async () => {
      const items: unknown[] = [...new Array<unknown>(99).fill(null), 0];
      expect(await within(pool.map((x: unknown) => x, items, 100), 30, 'map')).to.deep.equal(items);
      const strings = await within(pool.map((x: number) => (x === 99 ? 'b' : 'a'), Array.from({ length: 100 }, (_, i) => i), 100), 30, 'map');
      expect(strings).to.deep.equal([...new Array(99).fill('a'), 'b']);
    });
  });
}
