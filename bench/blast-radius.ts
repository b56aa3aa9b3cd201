/**
 * Blast radius of a crash, run by hand (not part of `npm test`):
 *
 *   npm run build && node build/bench/blast-radius.js [runtime=thread] [tasks=20000]
 *
 * Submits `tasks` tiny apply_async tasks at once on 2 workers (so they travel in batched
 * messages); every 1,000th calls process.exit(3). Prints one JSON line: crashes, failed tasks,
 * failures per crash, and successes with a wrong value (must be 0). docs/guarantees.md quotes it.
 */
import { Pool } from '../lib/index.js';

const runtime = (process.argv[2] ?? 'thread') as 'thread' | 'process';
const tasks = Number(process.argv[3] ?? 20_000);
const crashy = (x: number): number => {
  if (x % 1000 === 999) process.exit(3);
  return x * 2;
};

const pool = new Pool({ processes: 2, runtime });
let crashes = 0;
pool.on('workerExit', () => crashes++);
// Warm up, so the engine has measured that tasks are short and batches them.
await pool.map((x: number) => x, Array.from({ length: 64 }, (_, i) => i), 1);
const started = performance.now();
const results = Array.from({ length: tasks }, (_, i) => pool.apply_async(crashy, [i]));
const outcomes = await Promise.allSettled(results.map((r) => r.get(60)));
const failed = outcomes.filter((o) => o.status === 'rejected').length;
const wrong = outcomes.filter((o, i) => o.status === 'fulfilled' && o.value !== i * 2).length;
const ms = Math.round(performance.now() - started);
console.log(JSON.stringify({ runtime, tasks, crashes, failed, failedPerCrash: +(failed / Math.max(1, crashes)).toFixed(1), wrong, ms }));
await pool.terminate();
