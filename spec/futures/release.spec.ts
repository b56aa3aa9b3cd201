// executor.map and as_completed keep no reference to the item they last yielded (CPython
// bpo-14406): once the caller drops it, it can be collected before the next next(). Each case
// runs in a child `node --expose-gc`, which imports the compiled library, drops its reference
// and reports whether a WeakRef to the yielded item was cleared.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const library = new URL('../../lib/index.js', import.meta.url).href;

/** Runs `body` (an async function body with `lib`, `collected(ref)` in scope) in a child with --expose-gc. */
async function inChild(body: string): Promise<string> {
  const script = `
    const lib = await import(${JSON.stringify(library)});
    const collected = async (ref) => {
      for (let i = 0; i < 5 && ref.deref() !== undefined; i++) { await new Promise((r) => setTimeout(r, 5)); globalThis.gc(); }
      return ref.deref() === undefined;
    };
    ${body}
  `;
  const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { timeout: 20_000 });
  return stdout.trim();
}

/**
 * The child's part of a case: `setup` defines `ex` (an executor), `gate()` and `it`, an iterator
 * whose first item is ready and whose second waits for `gate()`; prints whether the first item
 * could be collected once the caller dropped it.
 */
function releasesFirstItem(setup: string): Promise<string> {
  return inChild(`
    let gate; const wait = new Promise((r) => (gate = r));
    ${setup}
    let step = await it.next();
    const ref = new WeakRef(step.value);
    step = undefined;
    const result = await collected(ref);
    gate();
    await it.next();
    await ex.shutdown();
    console.log(result ? 'collected' : 'alive');
  `);
}

describe('futures: yielded items are not kept alive (bpo-14406)', function () {
  this.timeout(30_000);

  it('executor.map releases the value it yielded last before the next next()', async () => {
    const out = await releasesFirstItem(`
      const ex = new lib.ThreadPoolExecutor(1);
      const it = ex.map(async (i) => { if (i === 1) await wait; return { payload: new Array(1000).fill(i) }; }, [0, 1]);
    `);
    expect(out).to.equal('collected');
  });

  it('as_completed releases the future it yielded last before the next next()', async () => {
    const out = await releasesFirstItem(`
      const ex = new lib.ThreadPoolExecutor(2);
      const it = lib.as_completed([ex.submit(() => 1), ex.submit(async () => { await wait; return 2; })]);
    `);
    expect(out).to.equal('collected');
  });
});
