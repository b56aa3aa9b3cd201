// Functions as task arguments: the Pool example of CPython's multiprocessing documentation
// (calculate(func, args) with mul and plus), where each task is a function and its arguments.
//
// Run: npx tsc -p tsconfig.json && node build/examples/function-arguments.js
//
// Python original (CPython docs, "Examples", shortened; run with python3, it prints the same
// lines with ForkPoolWorker-N for PoolWorker-N):
//   def calculate(func, args):
//       result = func(*args)
//       return '%s says that %s%s = %s' % (current_process().name, func.__name__, args, result)
//   def calculatestar(args):
//       return calculate(*args)
//   def mul(a, b):
//       time.sleep(0.05 * random.random()); return a * b
//   def plus(a, b):
//       time.sleep(0.05 * random.random()); return a + b
//   if __name__ == '__main__':
//       TASKS = [(mul, (i, 7)) for i in range(4)] + [(plus, (i, 8)) for i in range(4)]
//       with multiprocessing.Pool(4) as pool:
//           results = [pool.apply_async(calculate, t) for t in TASKS]
//           imap_it = pool.imap(calculatestar, TASKS)
//           print('Ordered results using pool.apply_async():')
//           for r in results:
//               print('\t', r.get())
//           print()
//           print('Ordered results using pool.imap():')
//           for x in imap_it:
//               print('\t', x)
//           print()
//           try:
//               pool.apply(calculate, (lambda a, b: a - b, (1, 2)))
//           except Exception as e:
//               print('%s: %s' % (type(e).__name__, str(e).split(' at 0x')[0]))
//
// What it shows: mul and plus, exported by this script (the pool's task module), travel by
// reference as Python pickles them, and arrive callable in the workers. A lambda fails in both:
// Python's PicklingError, pypool's SerializationError, before anything is sent.
import { Pool, current_process } from 'pypool';

type BinaryOp = (a: number, b: number) => number;
type Task = [BinaryOp, readonly [number, number]];

/** time.sleep(seconds): blocks the worker, as Python's does. */
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

export function calculate(func: BinaryOp, args: readonly [number, number]): string {
  const result = func(...args);
  return `${current_process().name} says that ${func.name}(${args.join(', ')}) = ${result}`;
}

export function calculatestar([func, args]: Task): string {
  return calculate(func, args);
}

export function mul(a: number, b: number): number {
  sleep(0.05 * Math.random());
  return a * b;
}

export function plus(a: number, b: number): number {
  sleep(0.05 * Math.random());
  return a + b;
}

async function main(): Promise<void> {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const tasks: Task[] = [...range(4).map((i): Task => [mul, [i, 7]]), ...range(4).map((i): Task => [plus, [i, 8]])];
  await using pool = new Pool({ processes: 4, module: import.meta.url });
  const results = tasks.map((t) => pool.apply_async(calculate, t));
  const imapIt = pool.imap(calculatestar, tasks);
  console.log('Ordered results using pool.apply_async():');
  for (const r of results) console.log('\t', await r.get());
  console.log();
  console.log('Ordered results using pool.imap():');
  for await (const x of imapIt) console.log('\t', x);
  console.log();
  try {
    await pool.apply(calculate, [(a: number, b: number) => a - b, [1, 2]]);
  } catch (e) {
    // The first sentence of the message, as the Python side prints the first part of its own.
    console.log(`${(e as Error).name}: ${(e as Error).message.split(', an anonymous function')[0]}`);
  }
}

if (current_process().name === 'MainProcess') await main();
