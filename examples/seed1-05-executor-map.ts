// Seed 001_6ec5b9b748fa8350.txt, program 5 — "map方法": executor.map() replaces a
// for-loop of submit(); also seed 004_4f1326e7aad73e36.txt, program 3 ("Map的用法"),
// which is the same program with range(1, 21).
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed1-05-executor-map.js [N]
//      (N = 11 by default, as in seed 001; pass 20 for seed 004's version)
//
// Python original:
//   def task(n):
//       print('%s is runing' % os.getpid())
//       time.sleep(random.randint(1, 3))
//       return n**2
//   if __name__ == '__main__':
//       executor = ThreadPoolExecutor(max_workers=3)
//       # for i in range(11):
//       #     future = executor.submit(task, i)
//       executor.map(task, range(1, 12))  # map取代了for+submit (map replaces for + submit)
//
// What it shows: map() submits every item at once (3 run at a time) and the program waits
// for them, even though the results are never read.
import { ThreadPoolExecutor, current_process } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const randint = (a: number, b: number) => a + Math.floor(Math.random() * (b - a + 1));
const range = (start: number, stop: number) =>
  Array.from({ length: stop - start }, (_, i) => start + i);

async function task(n: number): Promise<number> {
  console.log(`${current_process().pid} is runing`); // (sic) the tutorial's spelling
  await sleep(randint(1, 3) * 100); // time.sleep(randint(1, 3)), scaled: 1 s -> 100 ms
  return n ** 2;
}

const last = Number(process.argv[2] ?? 11);
const executor = new ThreadPoolExecutor(3);
// for (const i of range(0, last)) executor.submit(task, i);
executor.map(task, range(1, last + 1)); // map replaces for + submit
// To read the results, iterate:  for await (const r of executor.map(task, xs)) console.log(r);
