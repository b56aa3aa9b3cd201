// Seed 004_4f1326e7aad73e36.txt, program 4 — "五、同步和异步" (sync and async): 20 futures
// on a ProcessPoolExecutor(4), shutdown(wait=True), then every result — and a global `n`
// that the tasks change in their own process only.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed4-04-process-pool-global-state.js
//
// Python original:
//   n = 1
//   def task(i):
//       global n
//       print(f'{current_process().name} 在执行任务{i}')
//       time.sleep(1)
//       n += i
//       return n
//   if __name__ == '__main__':
//       pool = ProcessPoolExecutor(4)
//       pool_lis = []
//       for i in range(20):
//           future = pool.submit(task, i)
//           # print(future.result()) # 在这里等结果会让所有任务变成串行
//           #                        # (waiting here would make every task serial)
//           pool_lis.append(future)
//       pool.shutdown(wait=True)  # 关闭池的入口 … 等所有任务执行完 (close the pool, wait for all)
//       for p in pool_lis:
//           print(p.result())
//       print(n)
//
// What it shows: each worker imported this module once and has its own `n`, so a result
// is 1 + the task numbers *that worker* ran, and the main process still prints 1 at the
// end: workers do not share memory with the main program, as with Python processes.
import { ProcessPoolExecutor, current_process, type Future } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let n = 1;

export async function task(i: number): Promise<number> {
  console.log(`${current_process().name} 在执行任务${i}`);
  await sleep(100); // time.sleep(1), scaled: 1 s -> 100 ms
  n += i;
  return n;
}

if (current_process().name === 'MainProcess') {
  const pool = new ProcessPoolExecutor(4, { module: import.meta.url });
  const pool_lis: Future<number>[] = [];
  for (let i = 0; i < 20; i++) {
    const future = pool.submit(task, i);
    // console.log(await future.result());  // waiting here would make the tasks serial
    pool_lis.push(future);
  }
  await pool.shutdown(true);
  for (const p of pool_lis) {
    console.log(await p.result());
  }
  console.log(n);
}
