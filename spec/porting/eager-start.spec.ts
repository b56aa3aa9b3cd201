/**
 * Issue 12, item 11: `Pool` and `ThreadPool` start every worker in their constructor and run
 * the initializer in each, as CPython's do (checked with Python 3.11: `Pool(2,
 * initializer=init)` closed and joined without tasks prints twice); the executors start
 * workers on demand (CPython's ProcessPoolExecutor under spawn: 0 initializer runs without
 * tasks, 1 with one task on 3 workers).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool, ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor } from '../../lib/index.js';
import { RUNTIMES, within } from '../helpers.js';

/** Each initializer run appends one 'x' to the file (works in threads and child processes). */
const countRun = (file: string): void => (globalThis as unknown as { require: (m: string) => typeof import('node:fs') }).require('node:fs').appendFileSync(file, 'x');

describe('Eager start of Pool and ThreadPool, lazy executors (issue 12.11)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pypool-eager-'));
    file = join(dir, 'runs');
    writeFileSync(file, '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const runs = (): number => readFileSync(file, 'utf8').length;

  for (const runtime of RUNTIMES) {
    it(`Pool(2) closed and joined without tasks runs the initializer twice (${runtime})`, async () => {
      const pool = new Pool({ processes: 2, runtime, initializer: countRun, initargs: [file] });
      pool.close();
      await within(pool.join());
      expect(runs()).to.equal(2);
    });

    it(`a ProcessPoolExecutor starts workers on demand: none without tasks, one for one task (${runtime})`, async () => {
      const idle = new ProcessPoolExecutor(3, { runtime, initializer: countRun, initargs: [file] });
      await within(idle.shutdown(true));
      expect(runs()).to.equal(0);
      const ex = new ProcessPoolExecutor(3, { runtime, initializer: countRun, initargs: [file] });
      expect(await within(ex.submit((x: number) => x + 1, 1).result())).to.equal(2);
      await within(ex.shutdown(true));
      expect(runs()).to.equal(1);
    });
  }

  it('ThreadPool(2) closed and joined without tasks runs the initializer twice, never inside the constructor', async () => {
    let inits = 0;
    const pool = new ThreadPool(2, () => void inits++);
    expect(inits).to.equal(0); // no user code inside the constructor
    pool.close();
    await within(pool.join());
    expect(inits).to.equal(2);
  });

  it('a ThreadPool runs its tasks on the pre-started threads, each initialized once', async () => {
    const inits: number[] = [];
    let n = 0;
    await using pool = new ThreadPool(3, () => void inits.push(n++));
    const values = await within(pool.map(async (x: number) => (await new Promise((r) => setTimeout(r, 5)), x * 2), [1, 2, 3, 4, 5, 6]));
    expect(values).to.deep.equal([2, 4, 6, 8, 10, 12]);
    expect(inits).to.deep.equal([0, 1, 2]);
  });

  it('a ThreadPoolExecutor stays lazy: no initializer run without calls', async () => {
    let inits = 0;
    const ex = new ThreadPoolExecutor(4, { initializer: () => void inits++ });
    await within(ex.shutdown(true));
    expect(inits).to.equal(0);
  });

  for (const runtime of RUNTIMES) {
    it(`terminate() right after construction stops the starting workers (${runtime})`, async () => {
      const pool = new Pool({ processes: 2, runtime, initializer: countRun, initargs: [file] });
      await within(pool.terminate());
      expect(pool.state).to.equal('TERMINATE');
    });
  }
});
