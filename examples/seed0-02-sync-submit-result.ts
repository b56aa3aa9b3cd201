// Seed 000_662332178814a49c.txt, program 2 — "同步调用" (synchronous submission):
// submit a task, wait for its result on the spot, then hand it to a callback by hand.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed0-02-sync-submit-result.js
//
// Python original:
//   def task(name):
//       print('name: %s' % name)
//       time.sleep(random.randint(1, 3))
//       ret = random.randint(4, 6) * '#'
//       return {'name': name, 'ret': ret}
//
//   def callback(d):
//       name, size = d['name'], d['ret']
//       print('name: %s, size: %s' % (name, size))
//
//   if __name__ == '__main__':
//       pool = ThreadPoolExecutor(13)
//       ret1 = pool.submit(task, 'linda').result()
//       callback(ret1)
//       ret2 = pool.submit(task, 'tom').result()
//       callback(ret2)
//       ret3 = pool.submit(task, 'catherine').result()
//       callback(ret3)
//
// What it shows: waiting on each result right after submit() makes the program serial —
// the three tasks run one after another even though the pool has 13 slots.
import { ThreadPoolExecutor } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const randint = (a: number, b: number) => a + Math.floor(Math.random() * (b - a + 1));

interface Ret {
  name: string;
  ret: string;
}

// ThreadPoolExecutor runs tasks on this thread (like Python threads share memory), so a
// task can be any function, closures included, and no `__main__` guard is needed.
async function task(name: string): Promise<Ret> {
  console.log(`name: ${name}`);
  await sleep(randint(1, 3) * 100); // time.sleep(randint(1, 3)), scaled: 1 s -> 100 ms
  const ret = '#'.repeat(randint(4, 6));
  return { name, ret };
}

function callback(d: Ret): void {
  const { name, ret: size } = d;
  console.log(`name: ${name}, size: ${size}`);
}

const pool = new ThreadPoolExecutor(13);

// `.result()` blocks in Python; here it is a Promise we await — the same "wait on the spot".
const ret1 = await pool.submit(task, 'linda').result();
callback(ret1);
const ret2 = await pool.submit(task, 'tom').result();
callback(ret2);
const ret3 = await pool.submit(task, 'catherine').result();
callback(ret3);
