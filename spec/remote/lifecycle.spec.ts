/**
 * Remote pools: the window of jobs in Redis (back-pressure, cancellation), payload caps, a
 * trimmed event stream, a lost connection, and pypool-worker's own flags and shutdown.
 */
import { expect } from 'chai';
import { Pool, ProcessPoolExecutor, RemoteJobError, SerializationError, WorkerLostError, type PoolOptions } from '../../lib/index.js';
import { within } from '../helpers.js';
import { echo, sleepy, square, whereAmI } from './tasks.js';
import { RedisServer, TASKS, freshQueue, killAll, startWorker, waitFor, type Proc } from './support.js';

describe('remote pools: window, limits, shutdown (real Redis, real workers)', function () {
  this.timeout(40_000);
  let redis: RedisServer;
  const procs: Proc[] = [];
  const stops: (() => Promise<void>)[] = [];

  before(async () => {
    redis = await RedisServer.start();
  });

  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => within(stop(), 10, 'terminate')));
    await killAll(procs.splice(0));
  });

  after(async () => {
    await redis?.kill();
  });

  function pool(queue: string, remote: Partial<PoolOptions['remote'] & object> = {}): Pool {
    const p = new Pool({ processes: 2, module: TASKS, remote: { redis: redis.url, queue, reconcileInterval: 0.2, ...remote } });
    stops.push(() => p.terminate());
    return p;
  }

  async function worker(queue: string, extra: string[] = []): Promise<Proc> {
    const proc = await startWorker(redis.url, queue, extra);
    procs.push(proc);
    return proc;
  }

  async function jobsInRedis(queue: string): Promise<number> {
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      const [waiting, active] = await Promise.all([client.llen(`bull:${queue}:wait`), client.llen(`bull:${queue}:active`)]);
      return waiting + active;
    } finally {
      client.disconnect();
    }
  }

  /** Resolves once a job of `queue` is active (held by a worker). */
  async function untilActive(queue: string): Promise<void> {
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      while ((await client.llen(`bull:${queue}:active`)) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      client.disconnect();
    }
  }

  it('keeps at most `window` jobs in Redis, so imap keeps its back-pressure', async () => {
    const queue = freshQueue();
    await worker(queue, ['--processes', '1']);
    const p = pool(queue, { window: 2 });
    let most = 0;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        most = Math.max(most, await jobsInRedis(queue));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const values: number[] = [];
    for await (const v of p.imap(sleepy, Array.from({ length: 12 }, () => 60), { buffersize: 100 })) values.push(v);
    done = true;
    await sampler;
    expect(values).to.have.length(12);
    expect(most).to.be.within(1, 2);
  });

  it('cancel works on calls not yet sent to Redis', async () => {
    const queue = freshQueue();
    await worker(queue, ['--processes', '1']);
    const ex = new ProcessPoolExecutor(1, { module: TASKS, remote: { redis: redis.url, queue, window: 1 } });
    stops.push(() => ex.shutdown(true, { cancel_futures: true }));
    const futures = [ex.submit(sleepy, 300), ex.submit(sleepy, 300), ex.submit(sleepy, 300)];
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first call is in Redis by now
    expect(futures[2]!.cancel()).to.equal(true);
    expect(futures[2]!.cancelled()).to.equal(true);
    expect(await futures[1]!.result(10)).to.equal(300);
  });

  it('a job or an answer over remote.maxPayloadBytes fails with a SerializationError naming the cap', async () => {
    const queue = freshQueue();
    await worker(queue);
    const p = pool(queue, { maxPayloadBytes: 1000 });
    const error = await p.apply(echo, ['x'.repeat(5000)]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SerializationError).with.property('message').that.matches(/maxPayloadBytes/);
    expect(await p.apply(square, [3])).to.equal(9);
  });

  it('a trimmed event stream (maxLen 10) loses no result: the reconciler reads job state', async () => {
    const queue = freshQueue();
    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const trimmed = new Queue(queue, { connection, streams: { events: { maxLen: 10 } } });
    await trimmed.waitUntilReady();
    await trimmed.close();
    connection.disconnect();
    await Promise.all([worker(queue, ['--quiet']), worker(queue, ['--quiet'])]);
    const p = pool(queue, { window: 400 });
    const xs = Array.from({ length: 300 }, (_, i) => i);
    expect(await within(p.map(square, xs, 1), 30, 'map')).to.deep.equal(xs.map((x) => x * x));
  });

  it('Redis gone for good: pending results fail after connectionTimeout with a clear error, and terminate is prompt', async () => {
    const own = await RedisServer.start();
    try {
      const queue = freshQueue();
      const p = new Pool({ processes: 1, module: TASKS, remote: { redis: own.url, queue, reconcileInterval: 0.2, connectionTimeout: 1 } });
      stops.push(() => p.terminate());
      const r = p.apply_async(square, [2]); // no worker: it waits in Redis
      await new Promise((resolve) => setTimeout(resolve, 300));
      await own.kill();
      const error = await within(r.get().catch((e: unknown) => e), 10, 'the result');
      expect(error).to.be.instanceOf(RemoteJobError).with.property('message').that.matches(/has not answered/);
      await within(p.terminate(), 5, 'terminate');
    } finally {
      await own.kill();
    }
  });

  it('pypool-worker honours --maxtasksperchild and finishes its job on SIGTERM, then exits 0', async () => {
    const queue = freshQueue();
    const proc = await worker(queue, ['--processes', '1', '--maxtasksperchild', '1']);
    const p = pool(queue);
    const names = await p.map(whereAmI, [0, 0, 0, 0], 1);
    expect(new Set(names.map((n) => n.split(' ')[1])).size).to.equal(4);
    const running = p.apply_async(sleepy, [500]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    proc.child.kill('SIGTERM');
    expect(await within(running.get(), 10, 'the held job')).to.equal(500);
    await within(proc.exited, 10, 'the worker exit');
    expect(proc.child.exitCode).to.equal(0);
    await waitFor(proc, 'stopped', 1);
  });

  it('a second SIGTERM stops pypool-worker at once while the first still waits for a held job', async () => {
    const queue = freshQueue();
    const proc = await worker(queue, ['--processes', '1']);
    const p = pool(queue);
    const running = p.apply_async(sleepy, [60_000]);
    await within(untilActive(queue), 10, 'the job to start');
    proc.child.kill('SIGTERM');
    await waitFor(proc, 'finishing the jobs it holds', 5);
    proc.child.kill('SIGTERM');
    await within(proc.exited, 10, 'the worker exit after the second signal');
    expect(proc.output).to.include('stopping now');
    expect(await within(running.get().catch((e: unknown) => e), 10, 'the held job')).to.be.instanceOf(WorkerLostError);
  });

  it('pypool-worker asked to stop exits even when Redis is gone (it cannot deliver the answers it holds)', async () => {
    const own = await RedisServer.start();
    try {
      const queue = freshQueue();
      const proc = await startWorker(own.url, queue, ['--processes', '1']);
      procs.push(proc);
      const p = new Pool({ processes: 1, module: TASKS, remote: { redis: own.url, queue, reconcileInterval: 0.2, connectionTimeout: 1 } });
      stops.push(() => p.terminate());
      const r = p.apply_async(sleepy, [1500]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await own.kill();
      proc.child.kill('SIGTERM');
      await within(proc.exited, 20, 'the worker exit with Redis gone');
      expect(proc.output).to.match(/Redis has been unreachable .* stopping without them/);
      expect(proc.child.exitCode).to.equal(0);
      expect(await within(r.get().catch((e: unknown) => e), 10, 'the result')).to.be.instanceOf(RemoteJobError);
    } finally {
      await own.kill();
    }
  });
});
