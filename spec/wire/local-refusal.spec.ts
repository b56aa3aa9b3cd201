/**
 * A call whose arguments cannot be sent fails where it was submitted: nothing is sent to a
 * worker, and it does not count toward maxtasksperchild (CPython's task handler fails a task it
 * cannot pickle before any worker sees it).
 */
import { expect } from 'chai';
import { SerializationError } from '../../lib/index.js';
import { RUNTIMES, outcome, within } from '../helpers.js';
import { usingPool, workerId } from '../pool/support.js';

for (const runtime of RUNTIMES) {
  describe(`Arguments refused on the main thread (${runtime})`, () => {
    it('an unsendable apply fails locally and does not use up a worker under maxtasksperchild', async () => {
      await usingPool({ processes: 1, maxtasksperchild: 2, runtime }, async (pool) => {
        const first = await within(pool.apply(workerId));
        const refused = await outcome(pool.apply((x: unknown) => x, [Symbol('no')]));
        expect(refused.ok).to.equal(false);
        expect((refused as { error: unknown }).error).to.be.instanceOf(SerializationError);
        // Had the refused call been sent, it would have been this worker's second task, and it
        // would have been replaced before this one.
        const second = await within(pool.apply(workerId));
        expect(second).to.equal(first);
      });
    });

    it('a map chunk whose every item is unsendable fails locally and is not counted either', async () => {
      await usingPool({ processes: 1, maxtasksperchild: 2, runtime }, async (pool) => {
        const first = await within(pool.apply(workerId));
        const refused = await outcome(pool.map((x: unknown) => x, [Symbol('a'), Symbol('b')], 2));
        expect((refused as { error: unknown }).error).to.be.instanceOf(SerializationError);
        expect(await within(pool.apply(workerId))).to.equal(first);
      });
    });
  });
}

