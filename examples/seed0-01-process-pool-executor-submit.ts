// Seed 000_662332178814a49c.txt, program 1 — "进程池与线程池" (process pools and thread pools):
// submit 10 tasks to a pool of 4 and do NOT wait for them.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed0-01-process-pool-executor-submit.js
//
// Python original:
//   def task(name):
//       print('name: %s, pid: %s is running' % (name, os.getpid()))
//       time.sleep(random.randint(1, 3))
//
//   if __name__ == '__main__':
//       pool = ProcessPoolExecutor(4)
//       # pool = ThreadPoolExecutor(4)
//       for i in range(10):
//           pool.submit(task, 'linda%s' % i)    # 异步调用 (asynchronous call)
//       # pool.shutdown(wait=True)    # 类似 join()
//       print('主...')
//
// What it shows: submit() returns at once, so '主...' ("main...") prints before the tasks do.
// As in Python, the program still waits for every submitted task before it exits.
import { ProcessPoolExecutor, current_process } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const randint = (a: number, b: number) => a + Math.floor(Math.random() * (b - a + 1));

// Exported so the pool's workers can call it: this file is its own task module.
export async function task(name: string): Promise<void> {
  const me = current_process();
  // Workers are threads of one process by default, so the pid repeats; the worker
  // name tells the 4 workers apart (use `runtime: 'process'` for distinct pids).
  console.log(`name: ${name}, pid: ${me.pid} (${me.name}) is running`);
  await sleep(randint(1, 3) * 100); // time.sleep(randint(1, 3)), scaled: 1 s -> 100 ms
}

// The equivalent of `if __name__ == '__main__':` — workers import this file too.
if (current_process().name === 'MainProcess') {
  const pool = new ProcessPoolExecutor(4, { module: import.meta.url });
  // const pool = new ThreadPoolExecutor(4);   // same API, tasks run on this thread
  for (let i = 0; i < 10; i++) {
    pool.submit(task, `linda${i}`); // asynchronous: returns a Future immediately
  }
  // await pool.shutdown(true);  // like join()
  console.log('主...');
}
