// A progress bar driven by pypool's progress events (no Python original: in Python you
// would wrap pool.imap() in tqdm). Counts the primes below 1,000,000 in 40 slices, twice:
// once with map_async() and once with imap().
//
// Run: npx tsc -p tsconfig.json && node build/examples/progress-bar.js
// Needs the `cli-progress` package (a devDependency of pypool).
//
// Both map_async()'s MapResult and imap()'s iterator emit 'progress' with
// { completed, total } as results come back; chunksize 1 makes every slice one step.
import cliProgress from 'cli-progress';
import { Pool } from 'pypool';

const SLICE = 25_000;
const slices = Array.from({ length: 40 }, (_, k) => [k * SLICE, (k + 1) * SLICE] as const);

// Self-contained, so it can run inline in the workers.
const countPrimes = ([lo, hi]: readonly [number, number]) => {
  let count = 0;
  for (let n = Math.max(lo, 2); n < hi; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
};

await using pool = new Pool(4);

// The bar draws on stderr; when stderr is not a terminal (CI, a pipe) cli-progress prints
// a plain line every 200 ms instead of redrawing, so logs still show progress.
const newBar = (label: string) =>
  new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} slices`,
      noTTYOutput: true,
      notTTYSchedule: 200,
    },
    cliProgress.Presets.shades_classic,
  );

// 1. map_async(): one result object for the whole list.
let bar = newBar('map_async');
bar.start(slices.length, 0);
const result = pool.map_async(countPrimes, slices, 1);
result.on('progress', ({ completed }) => bar.update(completed));
const counts = await result.get();
bar.stop();
console.log(`map_async: primes below ${slices.length * SLICE}: ${counts.reduce((a, b) => a + b, 0)}`);

// 2. imap(): results stream in order while the bar follows every completed task, including
// those that finished ahead of the one the loop is waiting for.
bar = newBar('imap     ');
bar.start(slices.length, 0);
const it = pool.imap(countPrimes, slices);
it.on('progress', ({ completed }) => bar.update(completed));
let total = 0;
for await (const count of it) total += count;
bar.stop();
console.log(`imap:      primes below ${slices.length * SLICE}: ${total}`);
