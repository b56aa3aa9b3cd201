/**
 * The ThreadPool's tax on unrelated awaits, run by hand or from bench/run.ts:
 *
 *   npm run build && node build/bench/als-tax.js [awaits=1000000] [rounds=5]
 *
 * Times `awaits` sequential `await null` (median of `rounds`) in this fresh process: before any
 * ThreadPool exists, inside a ThreadPool task while the pool runs, on the main code while it
 * runs, after terminate(), and after a ThreadPoolExecutor's shutdown(). ThreadPools name their
 * virtual threads with an AsyncLocalStorage, which makes Node 20 track every promise while it is
 * enabled; pypool disables it when the last main-loop pool has finished, so the "after" ratios
 * must stay near 1 (the limit: 1.2x). Prints one JSON line; exit code 1 above the limit.
 */
import { ThreadPool, ThreadPoolExecutor } from '../lib/index.js';

const awaits = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 5);
const LIMIT = 1.2;

async function awaitLoop(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < awaits; i++) await null;
  return performance.now() - started;
}

async function median(): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) times.push(await awaitLoop());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

// Warm-up: the first loops also compile and tier up the loop.
for (let i = 0; i < 3; i++) await awaitLoop();
const before = await median();

const pool = new ThreadPool(2);
const insideTask = await pool.apply(median);
const mainWhileRunning = await median();
await pool.terminate();
const afterTerminate = await median();

const executor = new ThreadPoolExecutor(2);
await executor.submit(() => null).result();
await executor.shutdown(true);
const afterShutdown = await median();

const ratio = (ms: number): number => +(ms / before).toFixed(2);
const report = {
  awaits,
  beforeMs: +before.toFixed(1),
  insideTaskRatio: ratio(insideTask),
  mainWhileRunningRatio: ratio(mainWhileRunning),
  afterTerminateRatio: ratio(afterTerminate),
  afterShutdownRatio: ratio(afterShutdown),
  limit: LIMIT,
};
console.log(JSON.stringify(report));
if (report.afterTerminateRatio > LIMIT || report.afterShutdownRatio > LIMIT) process.exitCode = 1;
