/**
 * Issue 12, item 1: a script without its main guard, which is its own task module, makes every
 * worker create a pool while importing it. That fails at once with an error that shows the
 * guard (CPython under spawn: RuntimeError "...before the current process has finished its
 * bootstrapping phase..."), the outer pool breaks at start-up with that error as its cause, and
 * the number of workers stays bounded.
 */
import { expect } from 'chai';
import { Pool, ProcessPoolExecutor, PoolStateError } from '../../lib/index.js';
import { whileImportingTaskModule } from '../../lib/main-guard.js';
import { RUNTIMES } from '../helpers.js';
import { fixture, runNode } from './support.js';

describe('Main guard: a pool created while a worker imports its task module (issue 12.1)', () => {
  for (const runtime of RUNTIMES) {
    it(`an unguarded script fails at once, shows the guard and starts a bounded number of workers (${runtime})`, async () => {
      const run = await runNode(fixture('unguarded-script'), { env: { RUNTIME: runtime } });
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr).to.include('BrokenProcessPool: A task module failed to load');
      expect(run.stderr).to.include('still importing its task module');
      expect(run.stderr).to.include("if (current_process().name === 'MainProcess')");
      const topLevelRuns = run.stdout.split('\n').filter((line) => line.startsWith('top-level code runs in'));
      expect(topLevelRuns[0]).to.equal('top-level code runs in MainProcess');
      // The main program and at most the two workers of its pool: no worker starts workers.
      expect(topLevelRuns.length).to.be.within(2, 3);
    });
  }

  it('Pool and ProcessPoolExecutor refuse to start during the import; after it, they start', async () => {
    await whileImportingTaskModule('file:///x/script.js', async () => {
      expect(() => new Pool(1)).to.throw(PoolStateError, /still importing its task module file:\/\/\/x\/script\.js/);
      expect(() => new ProcessPoolExecutor(1)).to.throw(PoolStateError, /MainProcess/);
    });
    const pool = new Pool(1);
    await pool.terminate();
  });
});
