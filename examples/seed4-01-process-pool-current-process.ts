// Seed 004_4f1326e7aad73e36.txt, program 1 — "3.1 进程池" (process pool): 20 tasks on a
// ProcessPoolExecutor(4), each printing the name of the process that runs it.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed4-01-process-pool-current-process.js
//
// Python original:
//   def task(i):
//       print(f'{current_process().name} 在执行任务{i}')   # "<name> is running task i"
//       time.sleep(1)
//   if __name__ == '__main__':
//       pool = ProcessPoolExecutor(4)  # 进程池里有4个进程 (4 processes in the pool)
//       for i in range(20):  # 20个任务 (20 tasks)
//           pool.submit(task, i)
//
// What it shows: only 4 names ever appear (PoolWorker-1 … 4, CPython says ForkProcess-N):
// "池子里的4个进程一次一次执行任务" — the same 4 workers take the tasks in turn, 4 at a time.
// There is no shutdown(); the program still waits for all 20 tasks, as in Python.
import { ProcessPoolExecutor, current_process } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function task(i: number): Promise<void> {
  console.log(`${current_process().name} 在执行任务${i}`);
  await sleep(100); // time.sleep(1), scaled: 1 s -> 100 ms
}

if (current_process().name === 'MainProcess') {
  const pool = new ProcessPoolExecutor(4, { module: import.meta.url });
  for (let i = 0; i < 20; i++) {
    pool.submit(task, i);
  }
}
