/**
 * Remote pools over a real redis-server with two real pypool-worker processes: the Pool and
 * ProcessPoolExecutor APIs behave as they do locally.
 */
import { expect } from 'chai';
import { Pool, ProcessPoolExecutor, PoolStateError, as_completed, wait, type PoolOptions } from '../../lib/index.js';
import { within } from '../helpers.js';
import { CustomError, add, echo, failOdd, readLabel, sleepy, square, whereAmI } from './tasks.js';
import { RedisServer, TASKS, freshQueue, killAll, startWorker, type Proc } from './support.js';

describe('remote pools (real Redis, two pypool-worker processes)', function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let queue: string;
  const workers: Proc[] = [];
  const pools: { terminate(): Promise<void> }[] = [];

  before(async () => {
    redis = await RedisServer.start();
    queue = freshQueue();
    workers.push(...(await Promise.all([startWorker(redis.url, queue, ['--initializer', 'initLabel', '--initargs', '["ready"]']), startWorker(redis.url, queue)])));
  });

  after(async () => {
    await Promise.all(pools.map((p) => within(p.terminate(), 10, 'terminate')));
    await killAll(workers);
    await redis?.kill();
  });

  function pool(extra: Partial<PoolOptions> = {}): Pool {
    const p = new Pool({ processes: 2, module: TASKS, remote: { redis: redis.url, queue }, ...extra });
    pools.push(p);
    return p;
  }

  it('apply, map, starmap and imap give the values in order', async () => {
    const p = pool();
    expect(await p.apply(add, [2, 3])).to.equal(5);
    const xs = Array.from({ length: 100 }, (_, i) => i);
    expect(await p.map(square, xs, 7)).to.deep.equal(xs.map((x) => x * x));
    expect(await p.starmap(add, [[1, 2], [3, 4]])).to.deep.equal([3, 7]);
    const seen: number[] = [];
    for await (const v of p.imap(square, xs.slice(0, 20), 3)) seen.push(v);
    expect(seen).to.deep.equal(xs.slice(0, 20).map((x) => x * x));
    p.close();
    await within(p.join(), 10, 'join');
  });

  it('values keep undefined, NaN, BigInt, Date, Map, Set and typed arrays', async () => {
    const p = pool();
    const value = { u: undefined, n: NaN, inf: -Infinity, big: 2n ** 70n, d: new Date(5), m: new Map([[1, 'a']]), s: new Set([1]), t: new Float32Array([1.5]) };
    expect(await p.apply(echo, [value])).to.deep.equal(value);
  });

  it('errors come back with their class base, name, code, properties and remote stack', async () => {
    const p = pool();
    const error = await p.apply(failOdd, [3]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError);
    expect(error).to.include({ name: 'CustomError', message: 'odd: 3', code: 'E_CUSTOM' });
    expect((error as CustomError).detail).to.deep.equal({ n: 1n, when: new Date(0) });
    expect(String((error as { cause?: { tb?: string } }).cause?.tb)).to.contain('tasks.js');
    // map: the first failing item's error, after all items ran.
    const mapError = await p.map(failOdd, [0, 2, 5, 7], 1).catch((e: unknown) => e);
    expect(mapError).to.include({ message: 'odd: 5' });
  });

  it('apply_async runs callbacks; get(timeout) times out and the result still comes', async () => {
    const p = pool();
    const got: number[] = [];
    const r = p.apply_async(square, [9], { callback: (v) => got.push(v) });
    expect(await r.get(10)).to.equal(81);
    expect(got).to.deep.equal([81]);
    const errors: unknown[] = [];
    await p.apply_async(failOdd, [1], { error_callback: (e) => errors.push(e) }).wait(10);
    expect(errors[0]).to.be.instanceOf(TypeError);
    const slow = p.apply_async(sleepy, [600]);
    const timeout = await slow.get(0.05).catch((e: unknown) => e);
    expect(timeout).to.include({ code: 'ERR_POOL_TIMEOUT' });
    expect(await slow.get(10)).to.equal(600);
  });

  it('work is spread over both workers, which log host:pid, and the initializer ran', async () => {
    const p = pool();
    const where = await p.map(whereAmI, Array.from({ length: 40 }, () => 0), 1);
    const pids = new Set(where.map((w) => w.split(' ')[0]!.split(':')[1]));
    expect(pids).to.deep.equal(new Set(workers.map((w) => String(w.pid))));
    expect(workers[0]!.output).to.match(new RegExp(`:${workers[0]!.pid}\\] job \\S+ whereAmI`));
    const labels = new Set(await p.map(readLabel, Array.from({ length: 20 }, () => 0), 1));
    expect(labels.has('ready')).to.equal(true);
  });

  it('without chunksize, map, imap and Executor.map of 1,000 items make few remote jobs (the remote default chunk size)', async () => {
    // Counted from the workers' job log lines; a line still in a pipe can only lower the count.
    const jobsOf = (task: string): number => workers.reduce((n, w) => n + (w.output.match(new RegExp(`\\] job \\S+ ${task}: done`, 'g'))?.length ?? 0), 0);
    const p = pool();
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const before = jobsOf('echo');
    expect(await p.map(echo, xs)).to.deep.equal(xs);
    const seen: unknown[] = [];
    for await (const v of p.imap(echo, xs)) seen.push(v);
    expect(seen).to.deep.equal(xs);
    const ex = new ProcessPoolExecutor(2, { module: TASKS, remote: { redis: redis.url, queue } });
    pools.push({ terminate: () => ex.shutdown(true, { cancel_futures: true }) });
    const fromExecutor: unknown[] = [];
    for await (const v of ex.map(echo, xs)) fromExecutor.push(v);
    expect(fromExecutor).to.deep.equal(xs);
    await ex.shutdown(true);
    // processes 2: map makes 4 x 2 chunks; imap and Executor.map (chunksize 1) feed the engine
    // as their look-ahead allows, and their chunks are packed into some 40 remote jobs each
    // (measured) instead of 1,000 each: 2,008 jobs without packing.
    expect(jobsOf('echo') - before).to.be.at.most(150);
  });

  it('close then join waits for queued work; terminate fails what is left at once', async () => {
    const p = pool();
    const done = p.map_async(sleepy, [50, 50, 50, 50], 1);
    p.close();
    await within(p.join(), 10, 'join');
    expect(await done.get(0)).to.deep.equal([50, 50, 50, 50]);
    expect(() => p.apply_async(square, [1])).to.throw(PoolStateError);
    const q = pool({ remote: { redis: redis.url, queue, window: 2 } });
    // 20 jobs of 2 s on 4 local workers would take 10 s: the hang guard catches a terminate that waits.
    const pending = q.map_async(sleepy, Array.from({ length: 20 }, () => 2000), 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await within(q.terminate(), 5, 'terminate');
    expect(await pending.get(1).catch((e: unknown) => e)).to.be.instanceOf(PoolStateError);
  });

  it('inline functions are refused before anything is sent, saying how to fix it', async () => {
    const p = pool();
    expect(() => p.apply_async((x: number) => x + 1, [1])).to.throw(TypeError, /task module/);
    const named = function notExported(x: number): number {
      return x;
    };
    const error = await p.map(named, [1]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError).with.property('message').that.matches(/not an export/);
    // Nothing was sent: the only jobs in Redis are none.
    expect(workers.some((w) => /notExported/.test(w.output))).to.equal(false);
  });

  it('imap_unordered, map_async callbacks, and imap errors at their position', async () => {
    const p = pool();
    const unordered: number[] = [];
    for await (const v of p.imap_unordered(square, [1, 2, 3, 4], 1)) unordered.push(v);
    expect(unordered.sort((a, b) => a - b)).to.deep.equal([1, 4, 9, 16]);
    const got: number[][] = [];
    await p.map_async(square, [5, 6], { chunksize: 1, callback: (vs) => got.push(vs) }).wait(10);
    expect(got).to.deep.equal([[25, 36]]);
    const it = p.imap(failOdd, [0, 1, 2], 3);
    expect(await it.next()).to.deep.equal({ value: 0, done: false });
    expect(await it.next().catch((e: unknown) => e)).to.include({ message: 'odd: 1' });
    expect(await it.next()).to.deep.equal({ value: 2, done: false });
  });

  it('ProcessPoolExecutor: submit, map, wait and as_completed', async () => {
    const ex = new ProcessPoolExecutor(2, { module: TASKS, remote: { redis: redis.url, queue } });
    pools.push({ terminate: () => ex.shutdown(true, { cancel_futures: true }) });
    const f = ex.submit(add, 20, 22);
    expect(await f.result(10)).to.equal(42);
    const values: number[] = [];
    for await (const v of ex.map(square, [1, 2, 3])) values.push(v);
    expect(values).to.deep.equal([1, 4, 9]);
    const fs = [ex.submit(sleepy, 30), ex.submit(sleepy, 10)];
    const { done } = await wait(fs, { timeout: 10 });
    expect(done.size).to.equal(2);
    const order: number[] = [];
    for await (const g of as_completed([ex.submit(square, 3), ex.submit(square, 4)], 10)) order.push(await g.result());
    expect(order.sort()).to.deep.equal([16, 9].sort());
    await ex.shutdown(true);
  });

  it('settled jobs are removed from Redis', async () => {
    const p = pool();
    await p.map(square, [1, 2, 3, 4], 1);
    p.close();
    await p.join();
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      // This pool's jobs only (an earlier spec terminated a pool while two of its jobs ran).
      const producer = (p as unknown as { engine: { producerId: string } }).engine.producerId;
      const keys = await client.keys(`bull:${queue}:${producer}-*`);
      expect(keys).to.deep.equal([]);
    } finally {
      client.disconnect();
    }
  });
});
