// Seed 000_662332178814a49c.txt, program 3 — "异步调用" (asynchronous submission):
// submit without waiting and let add_done_callback() receive each finished Future.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed0-03-async-add-done-callback.js
//
// Python original:
//   def task(name):
//       print('%s is doing ' % name)
//       time.sleep(random.randint(1, 3))
//       ret = random.randint(4, 6) * '#'
//       return {'name': name, 'ret': ret}
//
//   def callback(future):
//       # callback只会在task执行完，自动执行 (runs automatically once task is done)
//       d = future.result()
//       name, size = d['name'], d['ret']
//       print('at last, name: %s, size: %s' % (name, size))
//
//   if __name__ == '__main__':
//       pool = ThreadPoolExecutor(13)
//       pool.submit(task, 'linda').add_done_callback(callback)
//       pool.submit(task, 'tom').add_done_callback(callback)
//       pool.submit(task, 'catherine').add_done_callback(callback)
//
// What it shows: all three tasks start at once; the callbacks fire in completion order.
import { ThreadPoolExecutor, type Future } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const randint = (a: number, b: number) => a + Math.floor(Math.random() * (b - a + 1));

interface Ret {
  name: string;
  ret: string;
}

async function task(name: string): Promise<Ret> {
  console.log(`${name} is doing `);
  await sleep(randint(1, 3) * 100); // time.sleep(randint(1, 3)), scaled: 1 s -> 100 ms
  const ret = '#'.repeat(randint(4, 6));
  return { name, ret };
}

// The callback is given the finished Future, as in Python. Its result is already there,
// but result() is still a Promise in JavaScript, hence the await.
async function callback(future: Future<Ret>): Promise<void> {
  const d = await future.result();
  const { name, ret: size } = d;
  console.log(`at last, name: ${name}, size: ${size}`);
}

const pool = new ThreadPoolExecutor(13);

pool.submit(task, 'linda').add_done_callback(callback);
pool.submit(task, 'tom').add_done_callback(callback);
pool.submit(task, 'catherine').add_done_callback(callback);
