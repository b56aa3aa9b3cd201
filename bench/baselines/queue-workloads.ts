/**
 * The benchmark workloads for the "run a named export" pools (raw tinypool, piscina, workerpool),
 * written once against a four-call adapter so that every library does exactly the same work.
 * Each library's own file (tinypool-workloads.ts, piscina-workloads.ts, workerpool-workloads.ts)
 * supplies the adapter the way its users write it: a worker file with named exports, a pool
 * of 2 threads kept alive, one call per task. `map` and `imap` are done by hand (these libraries
 * have neither): split into chunks with CPython's default chunk size, one call per chunk.
 */
import {
  check, firstVsLater, latencyMetrics, defaultChunksize, ints, median, now, payload, range, sumOfSquares,
  type Params, type Workload,
} from '../common.js';

/** What a workload needs from a library: start a pool, call a named export, move a buffer, stop. */
export interface QueueApi<P> {
  newPool(threads: number): P;
  /** Calls the worker file's export `name` with one argument; `move`: transfer the buffer. */
  call<R>(pool: P, name: string, arg: unknown, move?: Uint8Array): Promise<R>;
  stop(pool: P): Promise<unknown>;
}

/** The workloads of bench/run.ts on one library. */
export function queueWorkloads<P>(api: QueueApi<P>): Partial<Record<Params['workload'], Workload>> {
  const newPool = (p: Params, threads = p.processes ?? 2): P => api.newPool(threads);
  const warm = async (pool: P): Promise<void> => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => api.call(pool, 'inc', i)));
  };
  const mapChunks = async (pool: P, xs: unknown[], chunksize: number, name = 'sqChunk'): Promise<unknown[]> => {
    const jobs: Promise<unknown[]>[] = [];
    for (let i = 0; i < xs.length; i += chunksize) jobs.push(api.call(pool, name, xs.slice(i, i + chunksize)));
    return (await Promise.all(jobs)).flat();
  };
  return {
    async apply_latency(p) {
      const n = p.n!;
      const pool = newPool(p);
      await warm(pool);
      for (let i = 0; i < (p.warmup ?? 100); i++) await api.call(pool, 'inc', i);
      const lat: number[] = [];
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const s = now();
        const r = await api.call<number>(pool, 'inc', i);
        lat.push(now() - s);
        check(r === i + 1, 'inc');
      }
      const total = now() - t0;
      await api.stop(pool);
      return latencyMetrics(total, n, lat);
    },

    async apply_async_burst(p) {
      const n = p.n!;
      const pool = newPool(p);
      await warm(pool);
      const t0 = now();
      const rs: Promise<number>[] = [];
      for (let i = 0; i < n; i++) rs.push(api.call<number>(pool, 'inc', i));
      const submitted = now() - t0;
      let total = 0;
      for (const r of rs) total += await r;
      const elapsed = now() - t0;
      check(total === (n * (n + 1)) / 2, 'sum');
      await api.stop(pool);
      return { tasks_per_s: n / (elapsed / 1e3), submit_ms: submitted, elapsed_ms: elapsed };
    },

    async map(p) {
      const n = p.n!;
      const nulls = p.items === 'null';
      const xs: unknown[] = nulls ? new Array<null>(n).fill(null) : ints(n);
      const pool = newPool(p);
      await warm(pool);
      const t0 = now();
      const out = await mapChunks(pool, xs, p.chunksize ?? defaultChunksize(n, p.processes ?? 2), nulls ? 'identityChunk' : 'sqChunk');
      const elapsed = now() - t0;
      check(out.length === n && out[n - 1] === (nulls ? null : (n - 1) * (n - 1)), 'map');
      await api.stop(pool);
      return { items_per_s: n / (elapsed / 1e3), elapsed_ms: elapsed };
    },

    async map_first(p) {
      const n = p.n!;
      const xs = ints(n);
      const cs = p.chunksize ?? defaultChunksize(n, p.processes ?? 2);
      const pool = newPool(p);
      await warm(pool);
      const times: number[] = [];
      for (let i = 0; i < (p.rounds ?? 4); i++) {
        const t0 = now();
        const out = await mapChunks(pool, xs, cs);
        times.push(now() - t0);
        check(out[n - 1] === (n - 1) * (n - 1), 'map');
      }
      await api.stop(pool);
      return firstVsLater(times);
    },

    async startup(p) {
      const t0 = now();
      const pool = newPool(p);
      const r = await api.call<number>(pool, 'inc', 1);
      const first = now() - t0;
      check(r === 2, 'inc');
      await api.stop(pool);
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
        const res = await Promise.all(Array.from({ length: tasks }, () => api.call<number>(pool, 'cpuWork', iters)));
        const el = now() - t0;
        check(res.every((r, i) => r === serial[i]), 'cpuWork');
        out[`w${w}_ms`] = el;
        out[`speedup_w${w}`] = serialMs / el;
        await api.stop(pool);
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
        const sent = p.transfer ? new Uint8Array(data) : data; // a fresh buffer to give away (copy made outside timing)
        const t0 = now();
        const back = await (p.transfer ? api.call<Uint8Array>(pool, 'echoMove', sent, sent) : api.call<Uint8Array>(pool, 'echo', sent));
        const el = now() - t0;
        check(back.byteLength === data.byteLength, 'echo');
        if (p.transfer) detached &&= sent.byteLength === 0;
        if (i >= (p.warmup ?? 1)) times.push(el);
      }
      await api.stop(pool);
      const med = median(times);
      return { mb_per_s: mb / (med / 1e3), round_trip_ms: med, ...(p.transfer ? { sender_detached: detached } : {}) };
    },

    async imap(p) {
      // A hand-rolled lazy imap: chunks of the generator, a bounded window of calls in flight,
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
          inflight.push(api.call<number[]>(pool, 'sqChunk', chunk));
          chunk = [];
          if (inflight.length >= window) await drainOne();
        }
      }
      if (chunk.length) inflight.push(api.call<number[]>(pool, 'sqChunk', chunk));
      while (inflight.length) await drainOne();
      const elapsed = now() - t0;
      const want = sumOfSquares(n);
      check(Math.abs(total - want) / want < 1e-9, 'imap sum');
      await api.stop(pool);
      return { items_per_s: n / (elapsed / 1e3), elapsed_ms: elapsed };
    },
  };
}

