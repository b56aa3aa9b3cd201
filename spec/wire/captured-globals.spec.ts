/**
 * An inline task that reads an imported binding named like a worker global (`crypto`,
 * `setTimeout` from node:timers/promises) gets the closure-variable error, instead of silently
 * running with the worker's global (issue 12 item 10).
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { RUNTIMES, within, rejection } from '../helpers.js';
import { usingPool } from '../pool/support.js';
import { sha1 } from '../fixtures/wire-module.js';

const WIRE_MODULE = new URL('../fixtures/wire-module.js', import.meta.url);

for (const runtime of RUNTIMES) {
  describe(`Inline tasks reading imports named like worker globals (${runtime})`, () => {
    it('import crypto from "node:crypto" then crypto.createHash: the closure-variable error', async () => {
      await usingPool({ processes: 1, runtime }, async (pool) => {
        const error = await rejection(pool.apply((s: string) => crypto.createHash('sha1').update(s).digest('hex'), ['x']));
        expect(error).to.be.instanceOf(ReferenceError);
        expect(error.message).to.include('reads "crypto"');
        expect(error.message).to.include('cannot use variables of their enclosing scope');
        expect(error.message).to.include('await import(');
      });
    });

    it('import { setTimeout } from "node:timers/promises": the closure-variable error', async () => {
      await usingPool({ processes: 1, runtime }, async (pool) => {
        const error = await rejection(pool.apply(async (ms: number) => { await setTimeout(ms); return ms; }, [1]));
        expect(error).to.be.instanceOf(ReferenceError);
        expect(error.message).to.include('reads "setTimeout"');
      });
    });

    it('a function that uses the global itself (no enclosing binding) still runs', async () => {
      const usesGlobal = (0, eval)('(() => typeof crypto.getRandomValues)') as () => string;
      await usingPool({ processes: 1, runtime }, async (pool) => {
        expect(await within(pool.apply(usesGlobal))).to.equal('function');
      });
    });

    it('an import that is the global itself (performance from node:perf_hooks) still runs', async () => {
      await usingPool({ processes: 1, runtime }, async (pool) => {
        expect(await within(pool.apply(() => typeof performance.now()))).to.equal('number');
      });
    });

    it('a task-module export that uses its own crypto import still runs', async () => {
      await usingPool({ processes: 1, runtime, module: WIRE_MODULE }, async (pool) => {
        expect(await within(pool.apply(sha1, ['x']))).to.equal(sha1('x'));
      });
    });
  });
}
