// Seed 002_7ab5932c8d8aba85.txt, program 2 — "上下文管理" (context management): a
// ThreadPoolExecutor(3) used as a context manager, with the main thread polling done().
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed2-02-context-manager-polling.js
//
// Python original (shortened):
//   FORMAT = "%(asctime)-15s [%(processName)s:%(threadName)s, %(process)d:%(thread)8d] %(message)s"
//   logging.basicConfig(stream=sys.stdout, level=logging.INFO, format=FORMAT)
//   log = logging.getLogger(__name__)
//   def worker(n):
//       log.info("开始工作：{}".format(n))         # "start work: n"
//       time.sleep(2)
//       logging.info("结束工作 {}".format(n))      # "end work n"
//   if __name__ == "__main__":
//       with futures.ThreadPoolExecutor(max_workers=3) as executer:
//           fs = []
//           for i in range(5):
//               fs.append(executer.submit(worker, i))
//           while True:
//               time.sleep(2)
//               log.info(threading.enumerate())
//               flag = True
//               for f in fs:  # 判断是否还有未完成的任务 (any unfinished task left?)
//                   log.info(f.done())
//                   flag = flag and f.done()
//               print("- " * 30)
//               if flag:
//                   break
//           # executer.shutdown() #上下文已经清理了资源 (the with block cleans up)
//       log.info("========end=========")
//       log.info(threading.enumerate())
//
// Python's `with` becomes `await using`: leaving the block awaits executor.shutdown(true).
// Node has no threading.enumerate(), so the two log lines that print it are left out.
// What it shows: tasks 0-2 run first, 3-4 when threads free up; done() flips to True as
// they finish, and the loop stops once all five are done.
import { ThreadPoolExecutor, current_process, current_thread } from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function asctime(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
  );
}
// Tasks of a ThreadPoolExecutor share this process and thread; current_thread() names the
// pool slot that runs them (ThreadPoolExecutor-0_0 …), like Python's %(threadName)s.
const log = {
  info(message: unknown): void {
    const me = current_process();
    console.log(`${asctime()} [${me.name}:${current_thread().name}, ${me.pid}] ${String(message)}`);
  },
};

async function worker(n: number): Promise<void> {
  log.info(`开始工作：${n}`);
  await sleep(200); // time.sleep(2), scaled: 1 s -> 100 ms
  log.info(`结束工作 ${n}`);
}

{
  await using executer = new ThreadPoolExecutor(3);
  const fs = [];
  for (let i = 0; i < 5; i++) {
    fs.push(executer.submit(worker, i));
  }

  for (;;) {
    await sleep(200); // time.sleep(2), scaled
    let flag = true;
    for (const f of fs) {
      log.info(f.done() ? 'True' : 'False');
      flag = flag && f.done();
    }
    console.log('- '.repeat(30));
    if (flag) break;
  }
  // await executer.shutdown(); — `await using` already did it
}
log.info('========end=========');
