// Seed 003_7f709452d8791b48.txt, program 3 — "同步调用" (synchronous calls): Pool(3).apply()
// ten times, each waiting for its task to finish.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed3-03-apply-sync.js
//
// Python original:
//   def work(n):
//       print('%s run' % os.getpid())
//       time.sleep(3)
//       return n**2
//   if __name__ == '__main__':
//       p = Pool(3)  # 进程池中从无到有创建三个进程,以后一直是这三个进程在执行任务
//                    # (three processes are created and then do all the work)
//       res_l = []
//       for i in range(10):
//           # 同步调用，直到本次任务执行完毕拿到res (synchronous: wait for this task's result)
//           res = p.apply(work, args=(i,))
//       print(res_l)
//
// What it shows: apply() waits for each task, so the ten tasks run one at a time, about
// 10 × 300 ms in all, even with 3 workers. The original never appends to res_l, so it
// prints `[]` — kept as is; `res` holds each result (0, 1, 4, … 81).
import { Pool, current_process } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function work(n: number): Promise<number> {
  console.log(`${current_process().pid} (${current_process().name}) run`);
  await sleep(300); // time.sleep(3), scaled: 1 s -> 100 ms
  return n ** 2;
}

if (current_process().name === 'MainProcess') {
  const p = new Pool({ processes: 3, module: import.meta.url });
  const res_l: number[] = [];
  const start = performance.now();
  for (let i = 0; i < 10; i++) {
    const res = await p.apply(work, [i]); // blocks (awaits) until work(i) has returned
    void res;
  }
  console.log(res_l);
  // Not in the original: the serial cost, visible.
  console.log(`10 apply() calls took ${Math.round((performance.now() - start) / 100) / 10} s`);
  p.close();
  await p.join();
}
