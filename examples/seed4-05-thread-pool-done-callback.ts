// Seed 004_4f1326e7aad73e36.txt, program 5 — "六、回调函数" (callbacks): 20 tasks on a
// ThreadPoolExecutor(4), each future bound to a parse() callback.
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed4-05-thread-pool-done-callback.js
//
// Python original:
//   def task(i):
//       print(f'{currentThread().name} 在执行{i}')        # "<thread> running i"
//       time.sleep(1)
//       return i**2
//   # parse 就是一个回调函数 (parse is a callback)
//   def parse(future):
//       # 处理拿到的结果 (handle the result)
//       print(f'{currentThread().name} 结束了当前任务')    # "<thread> finished its task"
//       print(future.result())
//   if __name__ == '__main__':
//       pool = ThreadPoolExecutor(4)
//       for i in range(20):
//           future = pool.submit(task, i)
//           # 给当前执行的任务绑定了一个函数，在当前任务结束的时候就会触发这个函数
//           # (binds a function that fires when the task ends, given the future)
//           future.add_done_callback(parse)
//
// What it shows: every task's square is printed by its callback as soon as it is done.
import { ThreadPoolExecutor, current_thread, type Future } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function task(i: number): Promise<number> {
  console.log(`${current_thread().name} 在执行${i}`);
  await sleep(100); // time.sleep(1), scaled: 1 s -> 100 ms
  return i ** 2;
}

async function parse(future: Future<number>): Promise<void> {
  console.log(`${current_thread().name} 结束了当前任务`);
  console.log(await future.result());
}

const pool = new ThreadPoolExecutor(4);
for (let i = 0; i < 20; i++) {
  const future = pool.submit(task, i);
  future.add_done_callback(parse);
}
