/**
 * Short soak (the long one is bench/soak.ts): 20,000 tasks through apply_async, map and imap
 * while workers crash periodically (process.exit). Nothing is lost or duplicated: every result
 * settles exactly once, every success has the right value, every failure is a WorkerLostError
 * accounted for by a workerExit event, and the pool keeps working. A batched burst adds the
 * batching cases: arguments shared across the burst, bad arguments and bad results at known
 * positions, and each job's runs counted so that none runs twice.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MaybeEncodingError, Pool, SerializationError, WorkerLostError, type AsyncResult, type WorkerExitInfo } from '../../lib/index.js';
import { BatchProbe, COUNT_RUN, installTally, newTally, runCounts, warmUp } from './batch-support.js';
import { JobLedger, RUNTIMES, expectNoLeaks, settle, snapshot, warmUpThreadPool, within, type ResourceSnapshot } from './support.js';

/** Item x crashes its worker when x % CRASH_EVERY === CRASH_AT; every other item returns x * 2. */
const CRASH_EVERY = 1000;
const CRASH_AT = 617;
const crashy = (x: number): number => {
  if (x % 1000 === 617) process.exit(3);
  return x * 2;
};

/**
 * The batching cases: item x gets a bad argument when x % BAD_EVERY === BAD_ARGUMENT_AT, returns a
 * result that cannot be sent when x % BAD_EVERY === BAD_RESULT_AT, crashes like `crashy`, and
 * otherwise returns x * 2 if the shared object it was given (if any) was its own fresh copy.
 */
const BAD_EVERY = 250;
const BAD_ARGUMENT_AT = 100;
const BAD_RESULT_AT = 200;
const SHARE_EVERY = 50;
const mixed = new Function(
  'x',
  'shared',
  `${COUNT_RUN}
   if (x % 1000 === 617) process.exit(3);
   if (x % 250 === 200) return Object.assign([x], { f: () => x });
   if (shared !== null && shared.n++ !== 0) return -x;
   return x * 2;`,
) as (x: number, shared: unknown) => unknown;

describe('reliability: short soak with periodic worker crashes', function () {
  this.timeout(90_000);
  let baseline: ResourceSnapshot;
  let tmp: string;
  before(async () => {
    await warmUpThreadPool();
    tmp = mkdtempSync(join(tmpdir(), 'pypool-soak-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

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

      it(`batched apply_async × ${n}: arguments shared across the burst, a bad argument and a bad result every ${BAD_EVERY}, crashes every ${CRASH_EVERY}: nothing lost, nothing duplicated`, async () => {
        const tally = newTally(runtime, n, join(tmp, `soak-${runtime}.log`));
        const batched = new Pool({ processes: 2, runtime, initializer: installTally, initargs: [tally] });
        const batchedLedger = new JobLedger(batched);
        const probe = new BatchProbe(batched);
        const lost: WorkerExitInfo[] = [];
        batched.on('workerExit', (info) => lost.push(info));
        try {
          await warmUp(batched);
          // Every SHARE_EVERY-th task gets one of two shared objects: messages are cut there, so
          // they still carry many jobs, and each job must see a fresh copy.
          const shared = [{ n: 0 }, { n: 0 }];
          const settledCount = new Array<number>(n).fill(0);
          const results = Array.from({ length: n }, (_, x) => {
            const count = (): void => void settledCount[x]!++;
            const arg = x % BAD_EVERY === BAD_ARGUMENT_AT ? Object.assign([x], { f: () => x }) : x % SHARE_EVERY === 0 ? shared[(x / SHARE_EVERY) % 2] : null;
            return batched.apply_async(mixed, [x, arg], { callback: count, error_callback: count });
          });
          const outcomes = await within(Promise.all(results.map((r) => settle(r.get(), 60))), 90, 'all batched results');
          expect(settledCount.every((c) => c === 1), 'every callback ran exactly once').to.equal(true);
          expect(shared).to.deep.equal([{ n: 0 }, { n: 0 }], 'the caller\'s shared objects are never changed');
          const runs = runCounts(tally, n);
          expect(runs.flatMap((r, x) => (r > 1 ? [x] : [])), 'items that ran more than once').to.deep.equal([]);
          let workerLost = 0;
          outcomes.forEach((o, x) => {
            if (o.ok) {
              expect(o.value, `item ${x}`).to.equal(x * 2);
              expect(runs[x], `item ${x} succeeded, so it ran once`).to.equal(1);
              expect(x % CRASH_EVERY === CRASH_AT || x % BAD_EVERY === BAD_ARGUMENT_AT || x % BAD_EVERY === BAD_RESULT_AT, `item ${x} cannot succeed`).to.equal(false);
            } else if (x % BAD_EVERY === BAD_ARGUMENT_AT) {
              // Never sent, so never lost to a crash either.
              expect(o.error, `item ${x}`).to.be.instanceOf(SerializationError);
              expect(runs[x]).to.equal(0);
            } else if (o.error instanceof WorkerLostError) {
              expect(o.error.exitCode).to.equal(3);
              workerLost++;
            } else {
              expect(x % BAD_EVERY, `item ${x} failed with ${String(o.error)}`).to.equal(BAD_RESULT_AT);
              expect(o.error, `item ${x}`).to.be.instanceOf(MaybeEncodingError);
            }
            if (x % CRASH_EVERY === CRASH_AT) expect(o.ok ? undefined : o.error, `crashing item ${x}`).to.be.instanceOf(WorkerLostError);
          });
          // Every WorkerLostError is a job a crashed worker held; each crash took at most its
          // messages in flight (2 × 256 jobs).
          expect(lost.length).to.be.within(1, Math.ceil(n / CRASH_EVERY));
          expect(lost.reduce((sum, e) => sum + e.lostJobs, 0)).to.equal(workerLost);
          for (const exit of lost) expect(exit.lostJobs).to.be.within(1, 2 * 256);
          probe.expectBatched(16);
          console.log(`      [figure] ${runtime}: ${lost.length} crashes failed ${workerLost} of ${n} jobs; largest message ${probe.largest} jobs`);
        } finally {
          await within(batched.terminate(), 15, 'terminate');
        }
        batchedLedger.expectEachSettledOnce();
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
