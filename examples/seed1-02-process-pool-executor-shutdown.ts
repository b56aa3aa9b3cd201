// Seed 001_6ec5b9b748fa8350.txt, program 2 — "进程池" (process pool): 10 tasks on a
// ProcessPoolExecutor(4), then shutdown(wait=True) before the main process carries on.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed1-02-process-pool-executor-shutdown.js
//
// Python original:
//   def task(name):
//       print("name:%s pid:%s run" % (name, os.getpid()))
//       time.sleep(random.randint(1, 3))
//   if __name__ == "__main__":
//       pool = ProcessPoolExecutor(4)      # 池中进程数,不指定默认是cpu的核数 (defaults to the CPU count)
//       for i in range(10):
//           pool.submit(task, "name%s" % i)
//       pool.shutdown(wait=True)      # 等同于join (same as join)
//       print("主进程")
//
// What it shows: "主进程" ("main process") prints last, after all 10 tasks, and only 4
// distinct pids ever appear: the pool reuses its 4 processes.
// `runtime: 'process'` makes the workers real child processes, as in Python, so the pids
// differ; without it they are worker threads (faster to start, one shared pid).
import { ProcessPoolExecutor, current_process } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const randint = (a: number, b: number) => a + Math.floor(Math.random() * (b - a + 1));

export async function task(name: string): Promise<void> {
  console.log(`name:${name} pid:${current_process().pid} run`);
  await sleep(randint(1, 3) * 100); // time.sleep(randint(1, 3)), scaled: 1 s -> 100 ms
}

if (current_process().name === 'MainProcess') {
  const pool = new ProcessPoolExecutor(4, { runtime: 'process', module: import.meta.url });
  for (let i = 0; i < 10; i++) {
    pool.submit(task, `name${i}`);
  }
  await pool.shutdown(true); // blocks until the 10 tasks are done, like join()
  console.log('主进程');
}
