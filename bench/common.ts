/**
 * Helpers shared by the JavaScript contenders of the benchmark (pypool and raw tinypool).
 *
 * Each contender is a script that runs ONE workload per process: `node <script> '<params JSON>'`.
 * It prints one JSON line `{ ok, metrics | error }` and exits. bench/run.ts spawns it afresh for
 * every measurement, so heap, JIT state and worker pools never leak from one measurement to the
 * next. Nothing here asserts on time: a benchmark reports, it does not judge.
 */
import { performance } from 'node:perf_hooks';

/** The parameters of one measurement, built by bench/run.ts (the same for every contender). */
export interface Params {
  workload: 'apply_latency' | 'apply_async_burst' | 'map' | 'map_first' | 'startup' | 'cpu' | 'payload' | 'imap';
  /** map: the items, ints 0..n-1 (default) or n `null`s (mapped with `x => x`). */
  items?: 'int' | 'null';
  /** Workers in the pool (2 unless stated). */
  processes?: number;
  /** Item / task count. */
  n?: number;
  /** map / imap chunksize; null or absent = default chunking. */
  chunksize?: number | null;
  warmup?: number;
  /** cpu: number of tasks and loop iterations per task (per language, see bench/run.ts). */
  tasks?: number;
  iters?: number;
  /** payload: size in MiB, timed round trips, and whether the buffer is transferred; map_first: calls. */
  mb?: number;
  rounds?: number;
  transfer?: boolean;
  /** pypool only: 'thread' or 'process'. */
  runtime?: 'thread' | 'process';
}

export type Metrics = Record<string, number | string | boolean | null | undefined>;
export type Workload = (p: Params) => Promise<Metrics>;

/** The first of several identical calls against the median of the later ones. */
export function firstVsLater(times: number[]): Metrics {
  const later = median(times.slice(1));
  return { first_ms: times[0]!, later_ms: later, first_over_later: times[0]! / later };
}

export const now = (): number => performance.now();

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile (0..1) of xs, nearest rank. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** CPython's default map chunksize: ceil(n / (4 * processes)). */
/** Per-call latency metrics of `n` sequential calls that took `totalMs` in all, `latencies` each (ms). */
export function latencyMetrics(totalMs: number, n: number, latencies: number[]): Metrics {
  return { us_per_call: (totalMs / n) * 1e3, p50_us: median(latencies) * 1e3, p90_us: quantile(latencies, 0.9) * 1e3, p99_us: quantile(latencies, 0.99) * 1e3 };
}

export function defaultChunksize(n: number, processes: number): number {
  return Math.max(1, Math.ceil(n / (4 * processes)));
}

export function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

export function ints(n: number): number[] {
  const xs = new Array<number>(n);
  for (let i = 0; i < n; i++) xs[i] = i;
  return xs;
}

/** Sum of i*i for i < n, as a Number (exact up to n ~ 2e5, close enough beyond for a check). */
export function sumOfSquares(n: number): number {
  return ((n - 1) * n * (2 * n - 1)) / 6;
}

export function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`wrong result: ${what}`);
}

/** Payload bytes: pseudo-random so nothing can be compressed or deduplicated. */
export function payload(mb: number): Uint8Array {
  const b = new Uint8Array(mb * 1024 * 1024);
  let x = 2463534242;
  const v = new Uint32Array(b.buffer);
  for (let i = 0; i < v.length; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    v[i] = x;
  }
  return b;
}

/**
 * Run the workload named in argv[2] and print its JSON line. Always exits the process (a pool
 * that fails to shut down must not stall the whole benchmark); the runner also has a time limit.
 */
export async function main(workloads: Partial<Record<Params['workload'], Workload>>): Promise<void> {
  let out: unknown;
  try {
    const p = JSON.parse(process.argv[2] ?? '{}') as Params;
    const w = workloads[p.workload];
    out = w ? { ok: true, metrics: await w(p) } : { ok: true, metrics: { skipped: `no workload ${p.workload}` } };
  } catch (e) {
    const err = e as Error;
    out = { ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}` };
  }
  process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
}
