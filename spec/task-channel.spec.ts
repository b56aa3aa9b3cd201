/**
 * Workers answer run messages on a channel of their own once started
 * (lib/internal/task-channel.ts: a MessageChannel for a thread, tagged IPC messages for a child
 * process): tinypool then carries only the init message, so its worker entry's per-task
 * `process.memoryUsage()` (a /proc read) is off the round trip.
 */
import { expect } from 'chai';
import { WorkerHandle } from '../lib/internal/tinypool-worker.js';
import { describeFunction } from '../lib/task-function.js';
import type { WorkerResponse } from '../lib/wire/protocol.js';
import { RUNTIMES, within } from './helpers.js';

const double = (x: number): number => x * 2;

/** Runs `double` on `x` as the engine would, in message number `seq`. */
function runDouble(handle: WorkerHandle, seq: number, x: number): Promise<WorkerResponse> {
  const { id, spec } = describeFunction(double);
  return handle.run({ type: 'run', seq, fns: [[id, spec]], jobs: [{ fnId: id, calls: [[x]] }] });
}

for (const runtime of RUNTIMES) {
  describe(`run messages after start-up (${runtime})`, () => {
    it('travel on the worker\'s own channel: tinypool completes only the init message', async () => {
      const handle = new WorkerHandle({ runtime, maxInFlight: 2 });
      try {
        const init = await within(handle.run({ type: 'init', name: 'PoolWorker-1', modules: [], initializer: null, initargs: [] }), 20, 'init');
        expect(init.type).to.equal('init');
        const answers = await within(Promise.all([1, 2, 3].map((x, i) => runDouble(handle, i + 1, x))), 20, 'runs');
        expect(answers.map((a) => (a.type === 'run' ? [...a.jobs[0]!.values] : a))).to.deep.equal([[2], [4], [6]]);
        const completed = (handle as unknown as { pool: { completed: number } }).pool.completed;
        expect(completed).to.equal(1);
      } finally {
        await within(handle.terminate(), 20, 'terminate');
      }
    });

    it('a worker that dies with a run in flight rejects it as a death', async () => {
      const handle = new WorkerHandle({ runtime, maxInFlight: 1 });
      try {
        await within(handle.run({ type: 'init', name: 'PoolWorker-1', modules: [], initializer: null, initargs: [] }), 20, 'init');
        const { id, spec } = describeFunction(() => process.exit(5));
        const error = await within(handle.run({ type: 'run', seq: 1, fns: [[id, spec]], jobs: [{ fnId: id, calls: [[]] }] }).then(() => undefined, (e: unknown) => e), 20, 'the lost run');
        expect(error).to.be.instanceOf(Error);
        expect(handle.diedOf(error)).to.equal(true);
        expect((await handle.exited).exitCode).to.equal(5);
      } finally {
        await within(handle.terminate(), 20, 'terminate');
      }
    });
  });
}
