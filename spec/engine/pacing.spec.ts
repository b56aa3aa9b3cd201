/**
 * The worker engine's pacing (lib/engine/worker-slot.ts): how many queued jobs go in one message,
 * from the measured time per job.
 */
import { expect } from 'chai';
import { Pacing } from '../../lib/engine/worker-slot.js';

describe('worker engine pacing: jobs per message', () => {
  it('sends one job per message until a job time is measured', () => {
    expect(new Pacing(undefined, undefined).batchSize(100, 2, 0)).to.equal(1);
  });

  it('gives jobs shorter than a message to one worker together (no parallelism to gain, only messages)', () => {
    const pacing = new Pacing(undefined, undefined);
    pacing.measure(0.01, 1); // 10 µs per job
    expect(pacing.batchSize(8, 2, 0)).to.equal(8);
    // A larger burst is spread over the workers even so: the estimate may be wrong for it.
    expect(pacing.batchSize(16, 2, 0)).to.equal(4);
    expect(pacing.batchSize(1000, 2, 0)).to.equal(200); // about 2 ms of work per message
  });

  it('spreads jobs of moderate length over the workers (two messages in flight each)', () => {
    const pacing = new Pacing(undefined, undefined);
    pacing.measure(0.5, 1);
    expect(pacing.batchSize(8, 2, 0)).to.equal(2);
  });

  it('sends long jobs one at a time, and never more than maxBatch or what maxtasksperchild leaves', () => {
    const long = new Pacing(undefined, undefined);
    long.measure(30, 1);
    expect(long.batchSize(50, 2, 0)).to.equal(1);
    const capped = new Pacing(3, undefined);
    capped.measure(0.01, 1);
    expect(capped.batchSize(50, 2, 0)).to.equal(3);
    const recycled = new Pacing(undefined, 5);
    recycled.measure(0.01, 1);
    expect(recycled.batchSize(50, 2, 3)).to.equal(2);
  });

  it('sends one job per message when maxBatch is 1 (a remote worker\'s local pool)', () => {
    const one = new Pacing(1, undefined);
    one.measure(0.01, 1);
    expect(one.batchSize(50, 2, 0)).to.equal(1);
  });
});

describe('worker engine pacing: a burst after short jobs (real workers)', () => {
  it('runs a burst of heavy calls on every worker although earlier calls measured tiny', async () => {
    const { Pool } = await import('../../lib/index.js');
    const pool = new Pool(2);
    try {
      await pool.map((x: number) => x + 1, Array.from({ length: 200 }, (_, i) => i), 1); // tiny: ~µs per call
      const heavy = async (ms: number, i: number): Promise<[number, number]> => {
        const { threadId } = await import('node:worker_threads');
        const end = Date.now() + ms;
        while (Date.now() < end); // busy: the worker cannot take anything else meanwhile
        return [threadId, i];
      };
      // The burst is batched on the tiny estimate; the worker hands back what overruns the batch's
      // time budget, so the other worker gets its share, and every call settles once, as itself.
      const results = Array.from({ length: 8 }, (_, i) => pool.apply_async(heavy, [40, i]));
      const answers = await Promise.all(results.map((r) => r.get(30)));
      expect(answers.map(([, i]) => i)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(new Set(answers.map(([thread]) => thread)).size).to.equal(2);
    } finally {
      await pool.terminate();
    }
  });
});
