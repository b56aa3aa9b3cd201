/**
 * Issue 12, item 13: pools print like CPython's (`<multiprocessing.pool.Pool state=RUN
 * pool_size=2>`, checked with Python 3.11 for RUN, CLOSE and TERMINATE) and expose their state.
 */
import { expect } from 'chai';
import { inspect } from 'node:util';
import { Pool, ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor } from '../../lib/index.js';
import { within } from '../helpers.js';

describe('String(pool), util.inspect(pool) and pool.state (issue 12.13)', () => {
  it('a Pool prints its class, state and size, in every state', async () => {
    const pool = new Pool(2);
    expect(String(pool)).to.equal('<pypool.Pool state=RUN pool_size=2>');
    expect(inspect(pool)).to.equal('<pypool.Pool state=RUN pool_size=2>');
    expect(`${pool}`).to.equal('<pypool.Pool state=RUN pool_size=2>');
    expect(pool.state).to.equal('RUN');
    pool.close();
    expect(pool.state).to.equal('CLOSE');
    await within(pool.join());
    expect(String(pool)).to.equal('<pypool.Pool state=CLOSE pool_size=2>');
    const other = new Pool(1);
    await within(other.terminate());
    expect(inspect(other)).to.equal('<pypool.Pool state=TERMINATE pool_size=1>');
  });

  it('a ThreadPool prints as ThreadPool', async () => {
    const pool = new ThreadPool(3);
    expect(String(pool)).to.equal('<pypool.ThreadPool state=RUN pool_size=3>');
    await within(pool.terminate());
    expect(pool.state).to.equal('TERMINATE');
    expect(inspect(pool)).to.equal('<pypool.ThreadPool state=TERMINATE pool_size=3>');
  });

  it('executors print their class and max_workers', async () => {
    const threads = new ThreadPoolExecutor(4);
    const processes = new ProcessPoolExecutor(2);
    expect(String(threads)).to.equal('<pypool.ThreadPoolExecutor max_workers=4>');
    expect(inspect(processes)).to.equal('<pypool.ProcessPoolExecutor max_workers=2>');
    await within(Promise.all([threads.shutdown(true), processes.shutdown(true)]));
  });
});
