/**
 * Issue 12, item 2: the AsyncLocalStorage that names ThreadPool threads slows every `await` of
 * the process while it is enabled. It must be enabled only while a main-loop pool is alive, and
 * `current_thread()` must keep working. Checked on Node's own flag of the storage, in a fresh
 * process (other specs' pools must not decide the state); bench/als-tax.ts measures the cost.
 */
import { expect } from 'chai';
import { fixture, runNode } from './support.js';

describe('ThreadPool AsyncLocalStorage tax (issue 12.2)', () => {
  it('the task context is enabled only while a ThreadPool or ThreadPoolExecutor is alive', async () => {
    const run = await runNode(fixture('als-states'));
    expect(run.stderr).to.equal('');
    expect(JSON.parse(run.stdout)).to.deep.equal({
      before: false,
      threadPoolTask: { enabled: true, thread: 'Thread_0' },
      whileRunning: true,
      afterTerminate: false,
      twoPools: { afterFirstTerminated: true, afterBothFinished: false },
      executorTask: 'io_0',
      afterShutdown: false,
      afterCloseJoin: false,
      mainThreadAfter: 'MainThread',
    });
  });
});
