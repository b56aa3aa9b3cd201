/**
 * Regression specs for the bugs the reliability work found (each named in docs/guarantees.md).
 */
import { expect } from 'chai';
import { Pool, WorkerLostError } from '../../lib/index.js';
import { RUNTIMES, expectNoLeaks, settle, snapshot, warmUpThreadPool, within } from './support.js';

describe('reliability: regressions', function () {
  this.timeout(30_000);
  before(warmUpThreadPool);

  for (const runtime of RUNTIMES) {
    it(`${runtime}: a task never waits behind an endless task while another worker is idle (dispatch is breadth first)`, async () => {
      const baseline = snapshot();
      const pool = new Pool({ processes: 2, runtime });
      try {
        const endless = pool.apply_async(() => {
          for (;;);
        });
        // Before the fix, the worker running the endless task also received this one.
        expect(await within(pool.apply((x: number) => x + 1, [41]), 15, 'task submitted after an endless one')).to.equal(42);
        expect(endless.ready()).to.equal(false);
      } finally {
        await within(pool.terminate(), 15, 'terminate');
      }
      await expectNoLeaks(baseline);
    });
  }

  it('thread: a worker killed by its heap limit reports "out of memory" (the error was dropped before)', async () => {
    const baseline = snapshot();
    const pool = new Pool({ processes: 1, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
    try {
      const got = await settle(
        pool.apply(() => {
          const hog: number[][] = [];
          for (;;) hog.push(new Array<number>(1e5).fill(1));
        }),
        20,
      );
      expect(got.ok).to.equal(false);
      const error = (got as { error: WorkerLostError }).error;
      expect(error).to.be.instanceOf(WorkerLostError);
      expect(error.message).to.match(/out of memory/i);
      expect((error.cause as { code?: string }).code).to.equal('ERR_WORKER_OUT_OF_MEMORY');
      expect(await within(pool.apply((x: number) => x * 2, [21]), 15, 'replacement worker')).to.equal(42);
    } finally {
      await within(pool.terminate(), 15, 'terminate');
    }
    await expectNoLeaks(baseline);
  });

  it('thread: a worker that dies of an uncaught error in a timer names that error', async () => {
    const pool = new Pool({ processes: 1 });
    try {
      const got = await settle(
        pool.apply(() => {
          setTimeout(() => {
            throw new Error('timer went off');
          }, 1);
          return new Promise(() => undefined);
        }),
        15,
      );
      expect(got.ok).to.equal(false);
      expect((got as { error: Error }).error.message).to.contain('timer went off');
    } finally {
      await within(pool.terminate(), 15, 'terminate');
    }
  });

  it('bad resourceLimits are rejected at the constructor (they were accepted before)', () => {
    expect(() => new Pool({ resourceLimits: 'big' as never })).to.throw(TypeError, 'resourceLimits');
    expect(() => new Pool({ resourceLimits: { maxOldGenerationSizeMb: 0 } })).to.throw(RangeError, 'maxOldGenerationSizeMb');
    expect(() => new Pool({ resourceLimits: { heap: 3 } as never })).to.throw(TypeError, 'heap');
  });
});
