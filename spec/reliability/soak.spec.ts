/**
 * Short soak (the long one is bench/soak.ts): 20,000 tasks through apply_async, map and imap
 * while workers crash periodically (process.exit). Nothing is lost or duplicated: every result
 * settles exactly once, every success has the right value, every failure is a WorkerLostError
 * accounted for by a workerExit event, and the pool keeps working.
 */
import { expect } from 'chai';
import { Pool, WorkerLostError, type AsyncResult, type WorkerExitInfo } from '../../lib/index.js';
import { JobLedger, RUNTIMES, expectNoLeaks, snapshot, warmUpThreadPool, within, type ResourceSnapshot } from './support.js';

/** Item x crashes its worker when x % CRASH_EVERY === CRASH_AT; every other item returns x * 2. */
const CRASH_EVERY = 1000;
const CRASH_AT = 617;
const crashy = (x: number): number => {
  if (x % 1000 === 617) process.exit(3);
  return x * 2;
};

describe('reliability: short soak with periodic worker crashes', function () {
  this.timeout(90_000);
  let baseline: ResourceSnapshot;
  before(async () => {
    await warmUpThreadPool();
  });

  for (const runtime of RUNTIMES) {
    describe(`runtime ${runtime}`, () => {
      let pool: Pool;
      let ledger: JobLedger;
      const exits: WorkerExitInfo[] = [];
      // Processes start slower: fewer tasks, same checks.
      const n = runtime === 'thread' ? 10_000 : 4_000;

      before(() => {
        baseline = snapshot();
        pool = new Pool({ processes: 2, runtime });
        ledger = new JobLedger(pool);
        pool.on('workerExit', (info) => exits.push(info));
      });

      after(async () => {
        await within(pool.terminate(), 15, 'terminate');
        ledger.expectEachSettledOnce();
        await expectNoLeaks(baseline);
      });

      it(`apply_async × ${n}: each result settles once; failures are exactly the jobs the crashed workers held`, async () => {
        exits.length = 0;
        const settledCount = new Array<number>(n).fill(0);
        const results: AsyncResult<number>[] = [];
        for (let x = 0; x < n; x++) {
          results.push(
            pool.apply_async(crashy, [x], {
              callback: () => settledCount[x]!++,
              error_callback: () => settledCount[x]!++,
            }),
          );
        }
        await within(Promise.all(results.map((r) => r.wait())), 60, 'all apply_async results');
        expect(settledCount.every((c) => c === 1), 'every callback ran exactly once').to.equal(true);
        let failed = 0;
        for (let x = 0; x < n; x++) {
          const r = results[x]!;
          expect(r.ready()).to.equal(true);
          if (r.successful()) {
            expect(await r.get()).to.equal(x * 2);
            expect(x % CRASH_EVERY, `crashing item ${x} cannot succeed`).to.not.equal(CRASH_AT);
          } else {
            const error = await r.get().catch((e: unknown) => e);
            expect(error).to.be.instanceOf(WorkerLostError);
            expect((error as WorkerLostError).exitCode).to.equal(3);
            failed++;
          }
        }
        // Nothing fails silently: every failed job is one the crashed workers held.
        expect(exits.length).to.be.within(1, n / CRASH_EVERY);
        expect(exits.reduce((sum, e) => sum + e.lostJobs, 0)).to.equal(failed);
        expect(failed).to.be.at.least(exits.length);
      });

      it(`map × ${n} with crashes rejects with WorkerLostError after every chunk finished; without crashes every value is there once`, async () => {
        const crashing = pool.map_async(crashy, Array.from({ length: n }, (_, x) => x), 25);
        const error = await within(crashing.get(), 60, 'map with crashes').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(WorkerLostError);
        expect(crashing.completed).to.equal(n);
        const clean = Array.from({ length: n }, (_, x) => (x % CRASH_EVERY === CRASH_AT ? x + 1 : x));
        const values = await within(pool.map(crashy, clean), 60, 'map without crashes');
        expect(values).to.deep.equal(clean.map((x) => x * 2));
      });

      it(`imap × ${n} with crashes: every position yields exactly once, a value or WorkerLostError, and iteration goes on`, async () => {
        const it = pool.imap(crashy, Array.from({ length: n }, (_, x) => x), 10);
        let position = 0;
        let failures = 0;
        for (;;) {
          let step: IteratorResult<number>;
          try {
            step = await within(it.next(), 30, `imap position ${position}`);
          } catch (error) {
            expect(error).to.be.instanceOf(WorkerLostError);
            failures++;
            position++;
            continue;
          }
          if (step.done) break;
          expect(step.value).to.equal(position * 2);
          position++;
        }
        expect(position).to.equal(n);
        expect(failures).to.be.at.least(Math.floor(n / CRASH_EVERY));
        expect(await within(pool.apply(crashy, [1]), 15, 'pool still usable')).to.equal(2);
      });
    });
  }
});
