/**
 * Raw tinypool 2.2 baseline: the benchmark workloads written directly against `Tinypool#run()`
 * (2 worker threads, workers kept alive, no isolation), as someone would without pypool.
 * `map` is done by hand: split into chunks (CPython's default chunksize formula), one run() each.
 *
 * Usage: node build/bench/baselines/tinypool-workloads.js '<params JSON>'
 */
import Tinypool from 'tinypool';
import {
  check, quantile, defaultChunksize, ints, main, median, now, payload, range, sumOfSquares,
  type Params, type Workload,
} from '../common.js';

const workerFile = new URL('./tinypool-worker.js', import.meta.url).href;

function newPool(p: Params, threads = p.processes ?? 2): Tinypool {
  return new Tinypool({
    filename: workerFile,
    minThreads: threads,
    maxThreads: threads,
    isolateWorkers: false,
    idleTimeout: 60_000,
  });
}

async function warm(pool: Tinypool): Promise<void> {
  await Promise.all(Array.from({ length: 8 }, (_, i) => pool.run(i, { name: 'inc' })));
}

async function mapChunks(pool: Tinypool, xs: number[], chunksize: number): Promise<number[]> {
  const jobs: Promise<number[]>[] = [];
  for (let i = 0; i < xs.length; i += chunksize) jobs.push(pool.run(xs.slice(i, i + chunksize), { name: 'sqChunk' }));
  const parts = await Promise.all(jobs);
  return parts.flat();
}

const workloads: Record<Params['workload'], Workload> = {
  async apply_latency(p) {
    const n = p.n!;
    const pool = newPool(p);
    await warm(pool);
    for (let i = 0; i < (p.warmup ?? 100); i++) await pool.run(i, { name: 'inc' });
    const lat: number[] = [];
    const t0 = now();
    for (let i = 0; i < n; i++) {
      const s = now();
      const r = (await pool.run(i, { name: 'inc' })) as number;
      lat.push(now() - s);
      check(r === i + 1, 'inc');
    }
    const total = now() - t0;
    await pool.destroy();
    return { us_per_call: (total / n) * 1e3, p50_us: median(lat) * 1e3, p90_us: quantile(lat, 0.9) * 1e3, p99_us: quantile(lat, 0.99) * 1e3 };
  },

  async apply_async_burst(p) {
    const n = p.n!;
    const pool = newPool(p);
    await warm(pool);
    const t0 = now();
    const rs: Promise<number>[] = [];
    for (let i = 0; i < n; i++) rs.push(pool.run(i, { name: 'inc' }));
    const submitted = now() - t0;
    let total = 0;
    for (const r of rs) total += await r;
    const elapsed = now() - t0;
    check(total === (n * (n + 1)) / 2, 'sum');
    await pool.destroy();
    return { tasks_per_s: n / (elapsed / 1e3), submit_ms: submitted, elapsed_ms: elapsed };
  },

  async map(p) {
    const n = p.n!;
    const xs = ints(n);
    const pool = newPool(p);
    await warm(pool);
    const t0 = now();
    const out = await mapChunks(pool, xs, p.chunksize ?? defaultChunksize(n, p.processes ?? 2));
    const elapsed = now() - t0;
    check(out.length === n && out[n - 1] === (n - 1) * (n - 1), 'map');
    await pool.destroy();
    return { items_per_s: n / (elapsed / 1e3), elapsed_ms: elapsed };
  },

  async startup(p) {
    const t0 = now();
    const pool = newPool(p);
    const r = (await pool.run(1, { name: 'inc' })) as number;
    const first = now() - t0;
    check(r === 2, 'inc');
    await pool.destroy();
    return { first_result_ms: first };
  },

  async cpu(p) {
    const { cpuWork } = await import('../cpu-work.js');
    const tasks = p.tasks!;
    const iters = p.iters!;
    let t0 = now();
    const serial: number[] = [];
    for (let i = 0; i < tasks; i++) serial.push(cpuWork(iters));
    const serialMs = now() - t0;
    const out: Record<string, number> = { serial_ms: serialMs, task_ms: serialMs / tasks };
    for (const w of [1, 2]) {
      const pool = newPool(p, w);
      await warm(pool);
      t0 = now();
      const res = await Promise.all(Array.from({ length: tasks }, () => pool.run(iters, { name: 'cpuWork' })));
      const el = now() - t0;
      check(res.every((r, i) => r === serial[i]), 'cpuWork');
      out[`w${w}_ms`] = el;
      out[`speedup_w${w}`] = serialMs / el;
      await pool.destroy();
    }
    return out;
  },

  async payload(p) {
    const mb = p.mb!;
    const pool = newPool(p);
    await warm(pool);
    const times: number[] = [];
    let detached = true;
    const data = payload(mb);
    for (let i = 0; i < (p.warmup ?? 1) + p.rounds!; i++) {
      let sent = data;
      if (p.transfer) sent = new Uint8Array(data); // a fresh buffer to give away (copy made outside timing)
      const t0 = now();
      const back = (await (p.transfer
        ? pool.run(Tinypool.move(sent), { name: 'echoMove' })
        : pool.run(sent, { name: 'echo' }))) as Uint8Array;
      const el = now() - t0;
      check(back.byteLength === data.byteLength, 'echo');
      if (p.transfer) detached &&= sent.byteLength === 0;
      if (i >= (p.warmup ?? 1)) times.push(el);
    }
    await pool.destroy();
    const med = median(times);
    return { mb_per_s: mb / (med / 1e3), round_trip_ms: med, ...(p.transfer ? { sender_detached: detached } : {}) };
  },

  async imap(p) {
    // A hand-rolled lazy imap: chunks of the generator, a bounded window of run() calls in flight,
    // results consumed in order.
    const n = p.n!;
    const cs = p.chunksize!;
    const window = 4 * (p.processes ?? 2);
    const pool = newPool(p);
    await warm(pool);
    const t0 = now();
    const inflight: Promise<number[]>[] = [];
    let total = 0;
    let chunk: number[] = [];
    const drainOne = async () => {
      for (const r of await inflight.shift()!) total += r;
    };
    for (const x of range(n)) {
      chunk.push(x);
      if (chunk.length === cs) {
        inflight.push(pool.run(chunk, { name: 'sqChunk' }));
        chunk = [];
        if (inflight.length >= window) await drainOne();
      }
    }
    if (chunk.length) inflight.push(pool.run(chunk, { name: 'sqChunk' }));
    while (inflight.length) await drainOne();
    const elapsed = now() - t0;
    const want = sumOfSquares(n);
    check(Math.abs(total - want) / want < 1e-9, 'imap sum');
    await pool.destroy();
    return { items_per_s: n / (elapsed / 1e3), elapsed_ms: elapsed };
  },
};

await main(workloads);
