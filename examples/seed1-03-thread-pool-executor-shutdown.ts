// Seed 001_6ec5b9b748fa8350.txt, program 3 — "线程池" (thread pool): 10 tasks on a
// ThreadPoolExecutor(5); "把ProcessPoolExecutor换成ThreadPoolExecutor,其余用法全部相同"
// (swap the class, everything else stays the same).
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed1-03-thread-pool-executor-shutdown.js
//
// Python original:
//   def task():
//       print("name:%s pid:%s run" % (currentThread().getName(), os.getpid()))
//       time.sleep(random.randint(1, 3))
//   if __name__ == "__main__":
//       pool = ThreadPoolExecutor(5)     # 池中线程数 (number of threads)
//       for i in range(10):
//           pool.submit(task, )
//       pool.shutdown(wait=True)      # 等同于join (same as join)
//       print("主线程")
//
// What it shows: one pid, 5 thread names (ThreadPoolExecutor-0_0 … _4) shared by 10 tasks,
// and "主线程" ("main thread") last because shutdown(true) waits.
// Node runs these tasks on its main event loop, at most 5 at a time: the same shared
// memory and I/O concurrency as Python threads, and current_thread() names the slot.
import { ThreadPoolExecutor, current_thread } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const randint = (a: number, b: number) => a + Math.floor(Math.random() * (b - a + 1));

async function task(): Promise<void> {
  console.log(`name:${current_thread().name} pid:${process.pid} run`);
  await sleep(randint(1, 3) * 100); // time.sleep(randint(1, 3)), scaled: 1 s -> 100 ms
}

const pool = new ThreadPoolExecutor(5);
for (let i = 0; i < 10; i++) {
  pool.submit(task);
}
await pool.shutdown(true);
console.log('主线程');
