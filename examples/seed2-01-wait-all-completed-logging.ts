// Seed 002_7ab5932c8d8aba85.txt, program 1 — "concurrent.futures.wait方法" 综合示例 (full
// example): a ProcessPoolExecutor(3) with an initializer, two done-callbacks per future,
// logging that names process and thread, and wait(fs, return_when=ALL_COMPLETED).
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed2-01-wait-all-completed-logging.js
//
// Python original (shortened):
//   FORMAT = "%(asctime)-15s [%(processName)s:%(threadName)s, %(process)d:%(thread)8d] %(message)s"
//   logging.basicConfig(stream=sys.stdout, level=logging.INFO, format=FORMAT)
//   log = logging.getLogger(__name__)
//   def init():
//       log.info("我被初始化了--------")            # "I have been initialised"
//   def worker(aaa):
//       log.info("开始工作了~~~~~~~~~~~~~")         # "starting work"
//       time.sleep(2)
//       log.info("工作完成")                        # "work done"
//       return aaa
//   def callback(fs):
//       log.info("回调函数执行{},{}".format(fs, fs.result()))    # "callback ran"
//   def callback2(fs):
//       log.info("2回调函数执行{},{}".format(fs, fs.result()))
//   if __name__ == "__main__":
//       executerPro = ProcessPoolExecutor(max_workers=3, initializer=init)
//       time.sleep(0.1)
//       print(threading.enumerate(), multiprocessing.active_children())
//       fs = []
//       for i in range(5):
//           f = executerPro.submit(fn=worker, aaa=i)
//           f.add_done_callback(callback)
//           f.add_done_callback(callback2)
//           fs.append(f)
//       print(threading.enumerate())
//       print(multiprocessing.active_children())
//       done, not_done = futures.wait(fs, return_when=futures.ALL_COMPLETED)
//       for i in done:
//           print(i.result())
//       print("开始打印not_down....")             # "now printing not_done"
//       for i in not_done:
//           print(i.result())
//
// Differences: Node has no threading.enumerate() / multiprocessing.active_children(), so
// those three prints are left out. Keyword arguments (aaa=i) become positional.
// What it shows: the initializer runs once in each of the 3 workers; both callbacks run, in
// the order they were added, in the main process; ALL_COMPLETED leaves not_done empty.
import { threadId } from 'node:worker_threads';
import {
  ALL_COMPLETED,
  ProcessPoolExecutor,
  current_process,
  wait,
  type Future,
} from 'pypool';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// A minimal stand-in for logging.basicConfig(format=FORMAT): asctime, processName,
// threadName, process id and thread id, then the message.
function asctime(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
  );
}
const log = {
  info(message: string): void {
    const me = current_process();
    // Every pool worker is its own "process" with its own main thread, as in Python.
    console.log(
      `${asctime()} [${me.name}:MainThread, ${me.pid}:${String(threadId).padStart(8)}] ${message}`,
    );
  },
};

export function init(): void {
  log.info('我被初始化了--------');
}

export async function worker(aaa: number): Promise<number> {
  log.info('开始工作了~~~~~~~~~~~~~');
  await sleep(200); // time.sleep(2), scaled: 1 s -> 100 ms
  log.info('工作完成');
  return aaa;
}

async function callback(fs: Future<number>): Promise<void> {
  log.info(`回调函数执行${fs},${await fs.result()}`);
}

async function callback2(fs: Future<number>): Promise<void> {
  log.info(`2回调函数执行${fs},${await fs.result()}`);
}

if (current_process().name === 'MainProcess') {
  const executerPro = new ProcessPoolExecutor(3, { initializer: init, module: import.meta.url });

  await sleep(10); // time.sleep(0.1)

  const fs: Future<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const f = executerPro.submit(worker, i);
    f.add_done_callback(callback);
    f.add_done_callback(callback2);
    fs.push(f);
  }

  // executerPro.shutdown()
  // for (const i of fs) log.info(String(await i.result()));

  const { done, not_done } = await wait(fs, { return_when: ALL_COMPLETED });
  for (const i of done) {
    console.log(await i.result());
  }
  console.log('开始打印not_down....');
  for (const i of not_done) {
    console.log(await i.result());
  }
}
