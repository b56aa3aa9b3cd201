/**
 * Long soak, run by hand (not part of `npm test`; the short version is spec/reliability/soak.spec.ts):
 *
 *   npm run build && node --expose-gc build/bench/soak.js [tasks=1000000] [runtime=thread]
 *
 * Pushes `tasks` tasks through each of apply_async (in waves of 20,000 outstanding results),
 * map (chunks of 100,000 items) and imap, while one item in every 50,000 crashes its worker
 * with process.exit(3). Checks that nothing is lost or duplicated (every result settles once;
 * every success has its value; every failure is a WorkerLostError accounted for by a
 * workerExit event) and that the heap after GC ends within 10% of where it started.
 * Prints a human summary and one JSON line; exits 1 when a check fails.
 */
import { performance } from 'node:perf_hooks';
import { Pool, WorkerLostError, type AsyncResult, type WorkerExitInfo } from '../lib/index.js';

const TASKS = Number(process.argv[2] ?? 1_000_000);
const RUNTIME = (process.argv[3] ?? 'thread') as 'thread' | 'process';
const WAVE = 20_000;
const MAP_SLICE = 100_000;
const CRASH_EVERY = 50_000;

const crashy = (x: number): number => {
  if (x % 50_000 === 49_999) process.exit(3);
  return x * 2;
};

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc build/bench/soak.js');
  process.exit(2);
}

async function settledHeap(): Promise<{ heapUsed: number; rss: number }> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const problems: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) problems.push(what);
}

const pool = new Pool({ processes: 2, runtime: RUNTIME });
const exits: WorkerExitInfo[] = [];
pool.on('workerExit', (info) => exits.push(info));

// Warm up every code path (workers started, code compiled, a crash and a replacement) before
// the baseline, so one-time allocations are not counted as growth.
await pool.map(crashy, Array.from({ length: 10_000 }, (_, i) => i));
await Promise.all(Array.from({ length: 2_000 }, (_, i) => pool.apply_async(crashy, [49_000 + i]).wait()));
for await (const value of pool.imap(crashy, Array.from({ length: 2_000 }, (_, i) => i), 100)) void value;
exits.length = 0;
const start = await settledHeap();
const t0 = performance.now();

// ---- apply_async, in waves ----------------------------------------------------------------
let applyOk = 0;
let applyLost = 0;
let settleCalls = 0;
for (let base = 0; base < TASKS; base += WAVE) {
  const results: AsyncResult<number>[] = [];
  const end = Math.min(TASKS, base + WAVE);
  const seen = new Uint8Array(end - base);
  for (let x = base; x < end; x++) {
    results.push(
      pool.apply_async(crashy, [x], {
        callback: () => {
          seen[x - base]!++;
          settleCalls++;
        },
        error_callback: () => {
          seen[x - base]!++;
          settleCalls++;
        },
      }),
    );
  }
  await Promise.all(results.map((r) => r.wait()));
  check(seen.every((n) => n === 1), `apply_async wave ${base}: a result settled other than once`);
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (r.successful()) {
      applyOk++;
      if ((await r.get()) !== (base + i) * 2) problems.push(`apply_async ${base + i}: wrong value`);
    } else {
      const error = await r.get().catch((e: unknown) => e);
      if (!(error instanceof WorkerLostError)) problems.push(`apply_async ${base + i}: unexpected ${String(error)}`);
      applyLost++;
    }
  }
}
const applyExits = exits.splice(0);
const applyMs = performance.now() - t0;
check(settleCalls === TASKS, `apply_async: ${settleCalls} settlements for ${TASKS} tasks`);
check(applyOk + applyLost === TASKS, 'apply_async: results missing');
check(applyExits.reduce((s, e) => s + e.lostJobs, 0) === applyLost, 'apply_async: failures not accounted for by workerExit events');

// ---- map, in slices ---------------------------------------------------------------------
const t1 = performance.now();
let mapValues = 0;
let mapRejected = 0;
for (let base = 0; base < TASKS; base += MAP_SLICE) {
  const items = Array.from({ length: Math.min(MAP_SLICE, TASKS - base) }, (_, i) => base + i);
  const result = pool.map_async(crashy, items, 500);
  try {
    const values = await result.get();
    values.forEach((v, i) => {
      if (v !== items[i]! * 2) problems.push(`map ${items[i]}: wrong value`);
    });
    mapValues += values.length;
  } catch (error) {
    if (!(error instanceof WorkerLostError)) problems.push(`map slice ${base}: unexpected ${String(error)}`);
    mapRejected++;
  }
  check(result.completed === items.length, `map slice ${base}: settled before every chunk finished`);
}
const mapExits = exits.splice(0);
const mapMs = performance.now() - t1;

// ---- imap over a generator --------------------------------------------------------------
const t2 = performance.now();
function* naturals(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}
const it = pool.imap(crashy, naturals(TASKS), 100);
let position = 0;
let imapLost = 0;
for (;;) {
  let step: IteratorResult<number>;
  try {
    step = await it.next();
  } catch (error) {
    if (!(error instanceof WorkerLostError)) problems.push(`imap ${position}: unexpected ${String(error)}`);
    imapLost++;
    position++;
    continue;
  }
  if (step.done) break;
  if (step.value !== position * 2) problems.push(`imap ${position}: got ${step.value}`);
  position++;
}
const imapExits = exits.splice(0);
const imapMs = performance.now() - t2;
check(position === TASKS, `imap: ${position} positions for ${TASKS} items`);

// ---- memory -----------------------------------------------------------------------------
const end = await settledHeap();
const growth = (end.heapUsed - start.heapUsed) / start.heapUsed;
check(growth <= 0.1, `heap after GC grew ${(growth * 100).toFixed(1)}% (limit 10%)`);
await pool.terminate();

const summary = {
  runtime: RUNTIME,
  tasksPerApi: TASKS,
  crashEvery: CRASH_EVERY,
  apply: { ok: applyOk, workerLost: applyLost, workerExits: applyExits.length, seconds: +(applyMs / 1000).toFixed(1), perSecond: Math.round(TASKS / (applyMs / 1000)) },
  map: { values: mapValues, slicesRejected: mapRejected, workerExits: mapExits.length, seconds: +(mapMs / 1000).toFixed(1), perSecond: Math.round(TASKS / (mapMs / 1000)) },
  imap: { positions: position, workerLost: imapLost, workerExits: imapExits.length, seconds: +(imapMs / 1000).toFixed(1), perSecond: Math.round(TASKS / (imapMs / 1000)) },
  heapUsedMb: { start: +mb(start.heapUsed), end: +mb(end.heapUsed), growthPercent: +(growth * 100).toFixed(1) },
  rssMb: { start: +mb(start.rss), end: +mb(end.rss) },
  problems: problems.slice(0, 20),
  problemCount: problems.length,
};
console.log(`soak ${RUNTIME}: ${TASKS} tasks per API, a crash every ${CRASH_EVERY}`);
console.log(`  apply_async: ${applyOk} ok, ${applyLost} WorkerLostError, ${applyExits.length} worker exits, ${summary.apply.seconds} s`);
console.log(`  map:         ${mapValues} values, ${mapRejected} slices rejected, ${mapExits.length} worker exits, ${summary.map.seconds} s`);
console.log(`  imap:        ${position} positions, ${imapLost} WorkerLostError, ${imapExits.length} worker exits, ${summary.imap.seconds} s`);
console.log(`  heap after GC: ${mb(start.heapUsed)} MB -> ${mb(end.heapUsed)} MB (${summary.heapUsedMb.growthPercent}%), rss ${mb(start.rss)} -> ${mb(end.rss)} MB`);
console.log(problems.length ? `  FAILED: ${problems.length} problems, first: ${problems[0]}` : '  OK: nothing lost, nothing duplicated, memory back to its start');
console.log(JSON.stringify(summary));
process.exitCode = problems.length ? 1 : 0;
