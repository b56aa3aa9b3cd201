/**
 * Issue 12, item 1, the case the import check cannot see: an unguarded script whose pool is
 * created after an await (the import has finished by then). CPython's rule for Pool workers
 * ("daemonic processes are not allowed to have children") and a bound on how deep executors'
 * workers may nest pools keep the number of workers bounded and say why (lib/main-guard.ts).
 */
import { expect } from 'chai';
import { Pool, PoolStateError, ProcessPoolExecutor, ThreadPool } from '../../lib/index.js';
import { MAX_NESTING, setWorkerNesting } from '../../lib/main-guard.js';
import { RUNTIMES } from '../helpers.js';
import { fixture, runNode } from './support.js';

/** Runs `body` as if this code were a worker at `depth` (of a Pool when `daemon`). */
function asWorker(depth: number, daemon: boolean, body: () => void): void {
  setWorkerNesting({ depth, daemon });
  try {
    body();
  } finally {
    setWorkerNesting({ depth: 0, daemon: false });
  }
}

describe('Nested pools are bounded (issue 12.1, pools created after an await)', () => {
  it("a Pool's worker may start no Pool or ProcessPoolExecutor, as CPython's daemonic workers", () => {
    asWorker(1, true, () => {
      expect(() => new Pool(1)).to.throw(PoolStateError, /Pool workers start no workers of their own.*daemonic/s);
      expect(() => new ProcessPoolExecutor(1)).to.throw(PoolStateError, /ThreadPool inside the task/);
    });
  });

  it("a ProcessPoolExecutor's worker may start pools, down to MAX_NESTING levels", async () => {
    let pool: Pool | undefined;
    asWorker(MAX_NESTING - 1, false, () => {
      pool = new Pool(1);
    });
    await pool!.terminate();
    asWorker(MAX_NESTING, false, () => {
      expect(() => new Pool(1)).to.throw(PoolStateError, new RegExp(`nested ${MAX_NESTING} deep`));
    });
  });

  it('a ThreadPool starts no workers, so it is allowed anywhere', async () => {
    let pool: ThreadPool | undefined;
    asWorker(MAX_NESTING, true, () => {
      pool = new ThreadPool(1);
    });
    expect(await pool!.apply((x: number) => x + 1, [1])).to.equal(2);
    await pool!.terminate();
  });

  for (const runtime of RUNTIMES) {
    for (const kind of ['pool', 'executor']) {
      it(`an unguarded script creating a ${kind} after an await gets the error in its workers and starts few of them (${runtime})`, async () => {
        const run = await runNode(fixture('unguarded-async-script'), { env: { RUNTIME: runtime, KIND: kind }, seconds: 60 });
        const mains = run.stdout.split('\n').filter((line) => line.startsWith('main runs in'));
        expect(mains[0]).to.equal('main runs in MainProcess');
        // Pool: the main pool's 2 workers (and their replacements) refuse; executor: 3 levels.
        expect(mains.length, run.stdout).to.be.below(kind === 'pool' ? 12 : 40);
        expect(run.stderr).to.match(kind === 'pool' ? /PoolWorker-\d failed: PoolStateError: .*Pool workers start no workers of their own/ : /failed: PoolStateError: .*nested 3 deep/);
        // The script's own work is unharmed.
        expect(run.stdout).to.include('[ 1, 4, 9 ]');
        expect(run.code, run.stderr).to.equal(0);
      });
    }
  }
});
