/**
 * Remote pools under faults, against a real redis-server and real pypool-worker processes:
 * a worker killed or frozen mid-job, Redis restarting mid-map, lost events, a version
 * mismatch, no worker at all. Every result settles, with a value or a clear error.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool, RemoteJobError, RemoteVersionError, WorkerLostError, remote_workers, type NoWorkersInfo, type PoolOptions, type WorkerExitInfo } from '../../lib/index.js';
import { within } from '../helpers.js';
import { sleepy, spin, square } from './tasks.js';
import { RedisServer, TASKS, freshQueue, killAll, startWorker, waitFor, type Proc } from './support.js';

describe('remote pools under faults (real Redis, real workers)', function () {
  this.timeout(40_000);
  let redis: RedisServer;
  const procs: Proc[] = [];
  const pools: Pool[] = [];
  let tmp: string | undefined;

  before(async () => {
    redis = await RedisServer.start();
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => within(p.terminate(), 10, 'terminate')));
    await killAll(procs.splice(0));
  });

  after(async () => {
    await redis?.kill();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  function pool(queue: string, remote: Partial<PoolOptions['remote'] & object> = {}): Pool {
    const p = new Pool({ processes: 2, module: TASKS, remote: { redis: redis.url, queue, reconcileInterval: 0.2, ...remote } });
    pools.push(p);
    return p;
  }

  async function worker(queue: string, extra: string[] = []): Promise<Proc> {
    const proc = await startWorker(redis.url, queue, extra);
    procs.push(proc);
    return proc;
  }

  it('a worker killed mid-job fails exactly its job with WorkerLostError naming host and pid, within seconds; others finish', async () => {
    const queue = freshQueue();
    const victim = await worker(queue, ['--processes', '1']);
    const p = pool(queue);
    const exits: WorkerExitInfo[] = [];
    p.on('workerExit', (info) => exits.push(info));
    await p.apply(square, [1]); // connected, and the worker takes jobs
    const doomed = p.apply_async(spin, [5000]);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the job is running now
    victim.child.kill('SIGKILL');
    await victim.exited;
    // Hang guard: the lock expires after 1.5 s (--lock-duration 1500), the spin would take 5 s.
    const error = await within(doomed.get().catch((e: unknown) => e), 4, 'the lost job');
    expect(error).to.be.instanceOf(WorkerLostError);
    expect(error).to.include({ pid: victim.pid });
    expect(String((error as Error).cause && (error as { cause: Error }).cause.message)).to.contain(`:${victim.pid}`);
    expect(exits.map((e) => e.workerName)).to.deep.equal([`${(error as { host: string }).host}:${victim.pid}`]);
    // A live worker takes the rest; the lost job is not run again (at-most-once).
    const survivor = await worker(queue);
    expect(await within(p.map(square, [1, 2, 3], 1), 10, 'map')).to.deep.equal([1, 4, 9]);
    expect(survivor.output).not.to.match(/ spin:/);
  });

  it('a worker frozen past its lock (SIGSTOP) loses its job, which fails and never runs twice', async () => {
    const queue = freshQueue();
    const frozen = await worker(queue, ['--processes', '1']);
    const p = pool(queue);
    await p.apply(square, [1]);
    const job = p.apply_async(sleepy, [500]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    frozen.child.kill('SIGSTOP');
    try {
      const error = await within(job.get().catch((e: unknown) => e), 10, 'the frozen job');
      expect(error).to.be.instanceOf(WorkerLostError);
      expect(error).to.include({ pid: frozen.pid });
    } finally {
      frozen.child.kill('SIGCONT');
    }
  });

  it('at-least-once delivery runs a lost job again on another worker', async () => {
    const queue = freshQueue();
    const victim = await worker(queue, ['--processes', '1']);
    const p = pool(queue, { delivery: 'at-least-once' });
    await p.apply(square, [1]);
    const job = p.apply_async(sleepy, [1000]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    victim.child.kill('SIGKILL');
    await worker(queue);
    expect(await within(job.get(), 15, 'the re-sent job')).to.equal(1000);
  });

  it('Redis restarting (without persistence) mid-map settles every result with a clear error, and the pool works after', async () => {
    const queue = freshQueue();
    await worker(queue);
    const p = pool(queue, { window: 8 });
    const result = p.map_async(sleepy, Array.from({ length: 40 }, () => 100), 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.kill();
    await redis.restart();
    const error = await within(result.get().catch((e: unknown) => e), 20, 'the map');
    expect(error).to.be.instanceOf(RemoteJobError);
    expect((error as Error).message).to.match(/no longer in Redis/);
    expect(await within(p.apply(square, [7]), 15, 'apply after the restart')).to.equal(49);
  });

  it('results settle from job state when every event is lost (the reconciler)', async () => {
    const queue = freshQueue();
    await worker(queue);
    const p = pool(queue);
    await p.apply(square, [1]); // connected
    // Stop listening to events altogether: only the reconciler can settle the results now.
    const engine = (p as unknown as { engine: { connection: { events: { close(): Promise<void> } } } }).engine;
    await engine.connection.events.close();
    const xs = Array.from({ length: 30 }, (_, i) => i);
    expect(await within(p.map(square, xs, 1), 15, 'map without events')).to.deep.equal(xs.map((x) => x * x));
  });

  it('a producer and a worker running different versions of a task fail with RemoteVersionError', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'pypool-remote-'));
    const other = join(tmp, 'tasks.mjs');
    writeFileSync(other, 'export function square(x) { return x * x * 1; }\n');
    const queue = freshQueue();
    await worker(queue, ['--module', other]);
    const error = await within(pool(queue).apply(square, [3]).catch((e: unknown) => e), 10, 'apply');
    // The spec's tasks.js comes first on the worker's command line; --module order decides.
    // Start one with only the other version to see the mismatch.
    const queue2 = freshQueue();
    const proc = await startWorkerWithOnly(queue2, other);
    procs.push(proc);
    const mismatch = await within(pool(queue2).apply(square, [3]).catch((e: unknown) => e), 10, 'apply');
    expect(error).to.equal(9);
    expect(mismatch).to.be.instanceOf(RemoteVersionError).with.property('message').that.matches(/different versions/);
  });

  it('with no worker, get(timeout) times out, the pool emits noWorkers and remote_workers() is empty', async () => {
    const queue = freshQueue();
    const p = pool(queue);
    const seen: NoWorkersInfo[] = [];
    p.on('noWorkers', (info) => seen.push(info));
    const r = p.apply_async(square, [2]);
    expect(await r.get(0.3).catch((e: unknown) => e)).to.include({ code: 'ERR_POOL_TIMEOUT' });
    expect(await remote_workers(p)).to.deep.equal([]);
    await within((async () => { while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 50)); })(), 10, 'noWorkers');
    expect(seen[0]).to.deep.include({ queue, pending: 1 });
    const w = await worker(queue);
    expect(await within(r.get(), 10, 'the result once a worker came')).to.equal(4);
    expect((await remote_workers(p)).some((name) => name.endsWith(`:${w.pid}`))).to.equal(true);
  });

  async function startWorkerWithOnly(queue: string, module: string): Promise<Proc> {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const bin = fileURLToPath(new URL('../../bin/pypool-worker.js', import.meta.url));
    const child = spawn(process.execPath, [bin, '--redis', redis.url, '--queue', queue, '--module', module, '--processes', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc: Proc = { child, pid: child.pid!, output: '', exited: new Promise((resolve) => child.once('exit', () => resolve())) };
    child.stdout.on('data', (c: Buffer) => (proc.output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (proc.output += c.toString()));
    await waitFor(proc, 'serving queue');
    return proc;
  }
});
