// Seed 003_7f709452d8791b48.txt, program 4 — "异步调用" (asynchronous calls):
// Pool(3).apply_async() ten times, then close() + join(), then get() every result.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed3-04-apply-async-close-join.js
//
// Python original:
//   def work(n):
//       print('%s run' % os.getpid())
//       time.sleep(random.random())
//       return n**2
//   if __name__ == '__main__':
//       p = Pool(3)
//       res_l = []
//       for i in range(10):
//           res = p.apply_async(work, args=(i,))  # 异步运行 … 每次最多3个子进程在异步执行
//                                                 # (async: at most 3 run at a time)
//           res_l.append(res)
//       # 主进程需要使用join，等待进程池内任务都处理完，然后可以用get收集结果
//       # (the main process joins the pool, then collects the results with get)
//       p.close()
//       p.join()
//       for res in res_l:
//           print(res.get())
//
// What it shows: the ten tasks overlap, 3 at a time; the results come back in submission
// order (0, 1, 4, … 81) whatever order the tasks finished in.
import { Pool, current_process } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function work(n: number): Promise<number> {
  console.log(`${current_process().pid} (${current_process().name}) run`);
  await sleep(Math.random() * 100); // time.sleep(random.random()), scaled: 1 s -> 100 ms
  return n ** 2;
}

if (current_process().name === 'MainProcess') {
  const p = new Pool({ processes: 3, module: import.meta.url });
  const res_l = [];
  for (let i = 0; i < 10; i++) {
    const res = p.apply_async(work, [i]); // returns an AsyncResult at once
    res_l.push(res);
  }
  p.close(); // no more tasks
  await p.join(); // wait for the workers to finish them
  for (const res of res_l) {
    console.log(await res.get());
  }
}
