/**
 * Remote pool vs raw BullMQ, over loopback with two worker processes each (2 workers × 2
 * jobs at once). Starts its own redis-server. Prints a markdown table.
 *
 * Run: npm run build && node build/bench/remote.js [--apply]   (REMOTE_BENCH_RUNS=N, default 5)
 *
 * Rows: map over 1,000,000 ints at chunksize 1,000 and 10,000, and the apply round trip
 * (sequential). "raw BullMQ" adds the same chunks by hand (addBulk, JSON data, results from
 * QueueEvents, removeOnComplete) to plain BullMQ Workers that square them: "inline" in the
 * processor, on the event loop that renews the job locks (the fastest possible, but a CPU-bound
 * task there loses its lock), "sandboxed" in BullMQ's own worker threads (`useWorkerThreads`),
 * which keeps the loop free as pypool-worker's local pool does: the like-for-like baseline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from '../lib/index.js';
import { square } from './remote-tasks.js';

const N = 1_000_000;
const APPLY_CALLS = 300;
/** Interleaved repetitions per row (pypool, raw, pypool, raw, ...): the table shows medians. */
const RUNS = Number(process.env.REMOTE_BENCH_RUNS ?? 5);
/** `--apply` runs the apply row only (for profiling the round trip). */
const APPLY_ONLY = process.argv.includes('--apply');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(command: string, args: string[], ready: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before it was ready: ${out}`)));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(ready)) resolve(child);
    });
  });
}

/** Raw BullMQ by hand: add the chunks, collect results from QueueEvents. */
class Raw {
  private readonly waiting = new Map<string, (value: number[]) => void>();
  private next = 0;
  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly connections: Redis[],
  ) {
    events.on('completed', ({ jobId, returnvalue }) => {
      const resolve = this.waiting.get(jobId);
      if (!resolve) return;
      this.waiting.delete(jobId);
      resolve((typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as number[]);
    });
  }

  static async open(url: string, name: string): Promise<Raw> {
    const a = new Redis(url, { maxRetriesPerRequest: null });
    const b = new Redis(url, { maxRetriesPerRequest: null });
    const raw = new Raw(new Queue(name, { connection: a }), new QueueEvents(name, { connection: b }), [a, b]);
    await raw.events.waitUntilReady();
    return raw;
  }

  async run(chunks: number[][]): Promise<number[][]> {
    const ids = chunks.map(() => `r${++this.next}`);
    const results = ids.map((id) => new Promise<number[]>((resolve) => this.waiting.set(id, resolve)));
    await this.queue.addBulk(chunks.map((items, i) => ({ name: 'square', data: { items }, opts: { jobId: ids[i], removeOnComplete: true } })));
    return Promise.all(results);
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }
}

/** Timings (ms) of RUNS interleaved repetitions of each side, so load changes hit both alike. */
interface Timings {
  readonly ours: number[];
  readonly inline: number[];
  readonly sandboxed: number[];
}

type Side = () => Promise<void>;

async function interleaved(ours: Side, inline: Side, sandboxed: Side): Promise<Timings> {
  const t: Timings = { ours: [], inline: [], sandboxed: [] };
  for (let i = 0; i < RUNS; i++) {
    t.ours.push(await timed(ours));
    t.inline.push(await timed(inline));
    t.sandboxed.push(await timed(sandboxed));
  }
  return t;
}

async function timed(run: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The ratios ours/theirs of each repetition: median and range. */
function ratios(ours: readonly number[], theirs: readonly number[]): string {
  const r = ours.map((t, i) => t / theirs[i]!);
  return `${median(r).toFixed(2)}x (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
}

async function main(): Promise<void> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  try {
    children.push(await start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'Ready to accept connections'));
    const bin = fileURLToPath(new URL('../bin/pypool-worker.js', import.meta.url));
    const tasks = fileURLToPath(new URL('./remote-tasks.js', import.meta.url));
    const rawWorker = fileURLToPath(new URL('./remote-raw-worker.js', import.meta.url));
    for (let i = 0; i < 2; i++) {
      children.push(await start(process.execPath, [bin, '--redis', url, '--queue', 'bench-pypool', '--module', tasks, '--processes', '2', '--quiet'], 'serving queue'));
      children.push(await start(process.execPath, [rawWorker, url, 'bench-raw', '2', 'inline'], 'serving queue'));
      children.push(await start(process.execPath, [rawWorker, url, 'bench-sandboxed', '2', 'sandboxed'], 'serving queue'));
    }
    const pool = new Pool({ processes: 4, module: tasks, remote: { redis: url, queue: 'bench-pypool' } });
    const raw = await Raw.open(url, 'bench-raw');
    const sandboxed = await Raw.open(url, 'bench-sandboxed');
    const xs = Array.from({ length: N }, (_, i) => i);
    const rows: string[] = [];
    await pool.map(square, xs.slice(0, 10_000), 1000); // warm-up: connections, worker start-up
    await raw.run([xs.slice(0, 1000)]);
    await sandboxed.run([xs.slice(0, 1000)]);
    for (const chunksize of APPLY_ONLY ? [] : [1000, 10_000]) {
      const chunks: number[][] = [];
      for (let i = 0; i < N; i += chunksize) chunks.push(xs.slice(i, i + chunksize));
      const t = await interleaved(
        async () => void (await pool.map(square, xs, chunksize)),
        async () => void (await raw.run(chunks)),
        async () => void (await sandboxed.run(chunks)),
      );
      const rate = (ms: number): string => `${((N / ms) * 1000 / 1e6).toFixed(2)} M items/s`;
      rows.push(row(`map 1,000,000 ints, chunksize ${chunksize.toLocaleString('en')}`, t, rate));
    }
    const sequential = (each: (i: number) => Promise<unknown>) => async (): Promise<void> => {
      for (let i = 0; i < APPLY_CALLS; i++) await each(i);
    };
    const t = await interleaved(
      sequential((i) => pool.apply(square, [i])),
      sequential((i) => raw.run([[i]])),
      sequential((i) => sandboxed.run([[i]])),
    );
    const perCall = (ms: number): string => `${((ms / APPLY_CALLS) * 1000).toFixed(0)} µs`;
    rows.push(row('apply round trip (sequential)', t, perCall));
    pool.close();
    await pool.join();
    await raw.close();
    await sandboxed.close();
    console.log(
      `| remote, loopback, 2 workers × 2 (median of ${RUNS} interleaved runs) | pypool remote Pool | raw BullMQ, inline | raw BullMQ, sandboxed | pypool ÷ inline (time): median (range) | pypool ÷ sandboxed (time) |`,
    );
    console.log('|---|---|---|---|---|---|');
    for (const line of rows) console.log(line);
  } finally {
    await stopAll(children);
  }
}

/** Stops the workers (SIGTERM, SIGKILL after 5 s), then redis-server (the first child), so nothing outlives the bench. */
async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  const exited = (child: ChildProcess): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
  const stop = async (child: ChildProcess): Promise<void> => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(timer);
  };
  await Promise.all(children.slice(1).map(stop));
  if (children[0]) await stop(children[0]);
}

function row(name: string, t: Timings, show: (ms: number) => string): string {
  return `| ${name} | ${show(median(t.ours))} | ${show(median(t.inline))} | ${show(median(t.sandboxed))} | ${ratios(t.ours, t.inline)} | ${ratios(t.ours, t.sandboxed)} |`;
}

await main();
