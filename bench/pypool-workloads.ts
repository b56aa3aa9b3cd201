/**
 * pypool side of the benchmark: the same workloads as bench/python/mp_bench.py, written as a
 * line-by-line port of the Python (inline task functions, `Pool`, `apply`, `apply_async` +
 * `get()`, `map`, `imap`), on the thread runtime or the process runtime (`params.runtime`).
 *
 * Usage: node build/bench/pypool-workloads.js '<params JSON>'
 */
import * as pypool from '../lib/index.js';
import { Pool } from '../lib/index.js';
import { cpuWork } from './cpu-work.js';
import {
  check, firstVsLater, latencyMetrics, ints, main, median, now, payload, range, sumOfSquares,
  type Metrics, type Params, type Workload,
} from './common.js';

// Task functions: self-contained, sent to the workers as source (as a Python user would write
// module-level functions).
const inc = (x: number): number => x + 1;
const sq = (x: number): number => x * x;
const identity = (x: unknown): unknown => x;
const echo = (b: Uint8Array): Uint8Array => b;
/** Echo that moves the buffer back instead of copying it (pypool's documented way, from a worker). */
const echoMove = async (b: Uint8Array): Promise<Uint8Array> => {
  const { transfer } = await import('pypool');
  return transfer(b);
};

function newPool(p: Params, processes = p.processes ?? 2): Pool {
  return new Pool({ processes, runtime: p.runtime ?? 'thread' });
}

async function warm(pool: Pool): Promise<void> {
  await pool.map(inc, ints(8), 1);
}

/** The optional buffer-transfer helper of pypool, if the library offers one. */
function transferHelper(): ((b: Uint8Array) => unknown) | undefined {
  const ns = pypool as unknown as Record<string, unknown>;
  for (const name of ['transfer', 'move']) if (typeof ns[name] === 'function') return ns[name] as (b: Uint8Array) => unknown;
  return undefined;
}

const workloads: Record<Params['workload'], Workload> = {
  async apply_latency(p) {
    const n = p.n!;
    const pool = newPool(p);
    await warm(pool);
    for (let i = 0; i < (p.warmup ?? 100); i++) await pool.apply(inc, [i]);
    const lat: number[] = [];
    const t0 = now();
    for (let i = 0; i < n; i++) {
      const s = now();
      const r = await pool.apply(inc, [i]);
      lat.push(now() - s);
      check(r === i + 1, 'inc');
    }
    const total = now() - t0;
    await pool.terminate();
    return latencyMetrics(total, n, lat);
  },

  async apply_async_burst(p) {
    const n = p.n!;
    const pool = newPool(p);
    await warm(pool);
    const t0 = now();
    const rs = [];
    for (let i = 0; i < n; i++) rs.push(pool.apply_async(inc, [i]));
    const submitted = now() - t0;
    let total = 0;
    for (const r of rs) total += await r.get();
    const elapsed = now() - t0;
    check(total === (n * (n + 1)) / 2, 'sum');
    await pool.terminate();
    return { tasks_per_s: n / (elapsed / 1e3), submit_ms: submitted, elapsed_ms: elapsed };
  },

  async map(p) {
    const n = p.n!;
    const nulls = p.items === 'null';
    const xs: unknown[] = nulls ? new Array<null>(n).fill(null) : ints(n);
    const fn = (nulls ? identity : sq) as (x: unknown) => unknown;
    const pool = newPool(p);
    await warm(pool);
    const t0 = now();
    const out = await (p.chunksize ? pool.map(fn, xs, p.chunksize) : pool.map(fn, xs));
    const elapsed = now() - t0;
    check(out.length === n && out[n - 1] === (nulls ? null : (n - 1) * (n - 1)), 'map');
    await pool.terminate();
    return { items_per_s: n / (elapsed / 1e3), elapsed_ms: elapsed };
  },

  async map_first(p) {
    const n = p.n!;
    const xs = ints(n);
    const pool = newPool(p);
    await warm(pool);
    const times: number[] = [];
    for (let i = 0; i < (p.rounds ?? 4); i++) {
      const t0 = now();
      const out = await (p.chunksize ? pool.map(sq, xs, p.chunksize) : pool.map(sq, xs));
      times.push(now() - t0);
      check(out[n - 1] === (n - 1) * (n - 1), 'map');
    }
    await pool.terminate();
    return firstVsLater(times);
  },

  async startup(p) {
    const t0 = now();
    const pool = newPool(p);
    const r = await pool.apply(inc, [1]);
    const first = now() - t0;
    check(r === 2, 'inc');
    await pool.terminate();
    return { first_result_ms: first };
  },

  async cpu(p) {
    const tasks = p.tasks!;
    const iters = p.iters!;
    let t0 = now();
    const serial: number[] = [];
    for (let i = 0; i < tasks; i++) serial.push(cpuWork(iters));
    const serialMs = now() - t0;
    const out: Metrics = { serial_ms: serialMs, task_ms: serialMs / tasks };
    for (const w of [1, 2]) {
      const pool = newPool(p, w);
      await warm(pool);
      t0 = now();
      const res = await pool.map(cpuWork, new Array<number>(tasks).fill(iters), 1);
      const el = now() - t0;
      check(res.every((r, i) => r === serial[i]), 'cpuWork');
      out[`w${w}_ms`] = el;
      out[`speedup_w${w}`] = serialMs / el;
      await pool.terminate();
    }
    return out;
  },

  async payload(p) {
    const mb = p.mb!;
    let move: ((b: Uint8Array) => unknown) | undefined;
    if (p.transfer) {
      if ((p.runtime ?? 'thread') === 'process') return { skipped: 'child processes cannot share memory: a transfer is a copy' };
      move = transferHelper();
      if (!move) return { skipped: 'pypool exports no transfer helper yet' };
    }
    const pool = newPool(p);
    await warm(pool);
    const data = payload(mb);
    const times: number[] = [];
    let detached = true;
    for (let i = 0; i < (p.warmup ?? 1) + p.rounds!; i++) {
      const sent = move ? new Uint8Array(data) : data; // the copy to give away is made outside timing
      const t0 = now();
      const back = move ? await pool.apply(echoMove, [move(sent) as Uint8Array]) : await pool.apply(echo, [sent]);
      const el = now() - t0;
      check(back.byteLength === data.byteLength, 'echo');
      if (move) detached &&= sent.byteLength === 0;
      if (i >= (p.warmup ?? 1)) times.push(el);
    }
    await pool.terminate();
    const med = median(times);
    return { mb_per_s: mb / (med / 1e3), round_trip_ms: med, ...(move ? { sender_detached: detached } : {}) };
  },

  async imap(p) {
    const n = p.n!;
    const pool = newPool(p);
    // Typed loosely so that this file compiles before Pool#imap exists.
    type Imap = (fn: (x: number) => number, xs: Iterable<number>, chunksize: number) => AsyncIterable<number>;
    const imap = (pool as unknown as { imap?: Imap }).imap;
    if (typeof imap !== 'function') {
      await pool.terminate();
      return { skipped: 'pypool has no imap yet' };
    }
    await warm(pool);
    const t0 = now();
    let total = 0;
    for await (const r of imap.call(pool, sq, range(n), p.chunksize!)) total += r;
    const elapsed = now() - t0;
    const want = sumOfSquares(n);
    check(Math.abs(total - want) / want < 1e-9, 'imap sum');
    await pool.terminate();
    return { items_per_s: n / (elapsed / 1e3), elapsed_ms: elapsed };
  },
};

await main(workloads);
