// Seed 004_4f1326e7aad73e36.txt, program 2 — "3.2 线程池" (thread pool): 20 tasks on a
// ThreadPoolExecutor(4), each printing the name of the thread that runs it.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed4-02-thread-pool-current-thread.js
//
// Python original:
//   def task(i):
//       print(f'{currentThread().name} 在执行任务{i}')   # "<name> is running task i"
//       time.sleep(1)
//   if __name__ == '__main__':
//       pool = ThreadPoolExecutor(4)  # 池里有4个线程 (4 threads in the pool)
//       for i in range(20):
//           pool.submit(task, i)
//
// What it shows: 4 names, ThreadPoolExecutor-0_0 … _3, reused for the 20 tasks.
// The tasks run on Node's main event loop, at most 4 at a time; current_thread() names
// the pool slot running the task, as Python names the thread.
import { ThreadPoolExecutor, current_thread } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function task(i: number): Promise<void> {
  console.log(`${current_thread().name} 在执行任务${i}`);
  await sleep(100); // time.sleep(1), scaled: 1 s -> 100 ms
}

const pool = new ThreadPoolExecutor(4);
for (let i = 0; i < 20; i++) {
  pool.submit(task, i);
}
