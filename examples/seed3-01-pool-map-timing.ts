// Seed 003_7f709452d8791b48.txt, program 1 — "进程池和多进程效率对比" (pool vs one process
// per task), the pool half: 100 tasks on a Pool(5) with map(), timed.
// The other half is seed3-02-process-per-task-timing.ts.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed3-01-pool-map-timing.js
//
// Python original:
//   def func(n):
//       for i in range(10):  # 将1到100，每个数打印十次 (print each of 1..100 ten times)
//           print(n + 1)
//   if __name__ == "__main__":
//       start = time.time()
//       pool = Pool(5)
//       pool.map(func, range(100))  # 一百个任务 (a hundred tasks)
//       t2 = (time.time() - start)
//       print(t2)
//
// What it shows: 5 workers are started once and reused for all 100 tasks; compare the
// time printed on the last line with the one from seed3-02.
import { Pool, current_process } from 'pypool';

export function func(n: number): void {
  for (let i = 0; i < 10; i++) {
    console.log(n + 1);
  }
}

if (current_process().name === 'MainProcess') {
  const start = performance.now();
  const pool = new Pool({ processes: 5, module: import.meta.url });
  await pool.map(func, Array.from({ length: 100 }, (_, i) => i));
  const t2 = (performance.now() - start) / 1000; // seconds, like time.time() differences
  console.log(t2);
  // Python leaves the pool to its finalizer; pypool's idle pool does not hold the program
  // open either, but closing it is the tidy way.
  pool.close();
  await pool.join();
}
