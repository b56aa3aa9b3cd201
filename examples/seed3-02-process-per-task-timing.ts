// Seed 003_7f709452d8791b48.txt, program 2 — "进程池和多进程效率对比" (pool vs one process
// per task), the no-pool half: one new Process per task, 100 of them, timed.
// The pool half is seed3-01-pool-map-timing.ts.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed3-02-process-per-task-timing.js
//
// Python original:
//   def func(n):
//       for i in range(10):  # 同样将1到100，每个数打印十次
//           print(n + 1)
//   if __name__ == "__main__":
//       t1 = time.time()
//       p_list = []
//       for i in range(100):
//           p = Process(target=func, args=(i,))
//           p_list.append(p)
//           p.start()
//       for p in p_list:
//           p.join()
//       t2 = (time.time() - t1)
//       print(t2)
//
// pypool is a pool library, so this half uses Node's own building block: one
// worker_threads Worker per task (what a pool worker is by default), started all at once
// and joined. The point of the comparison stays the same: starting 100 workers costs far
// more than reusing 5 — compare the last line with seed3-01's.
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';

// The task, as source code the Worker evaluates (Process(target=func) sends the function).
const func = `
  const { workerData: n } = require('node:worker_threads');
  for (let i = 0; i < 10; i++) console.log(n + 1);
`;

const t1 = performance.now();
const p_list: Promise<unknown>[] = [];
for (let i = 0; i < 100; i++) {
  const p = new Worker(func, { eval: true, workerData: i }); // Process(...) + p.start()
  // Listen for 'exit' now: a fast worker may be gone before a later join would look.
  p_list.push(once(p, 'exit'));
}
for (const exited of p_list) {
  await exited; // p.join()
}
const t2 = (performance.now() - t1) / 1000;
console.log(t2);
