// pypool quickstart: Python's multiprocessing.Pool, in Node.
//
// Run: npm start        (or: npx tsc -p tsconfig.json && node build/examples/quickstart.js)
//
// The Python this mirrors:
//   with Pool(4) as pool:
//       print(pool.map(square, range(1, 7)))
//       r = pool.apply_async(pow, (2, 10), callback=lambda v: print('callback:', v))
//       print('get():', r.get(timeout=5))
//       for line in pool.imap(factorial_line, [5, 10, 20]):
//           print(line)
import { Pool } from 'pypool';

// A task can be an inline, self-contained function: pypool sends its source to the
// workers once. (Functions that need imports or module state go in a task module: see
// the seed*.ts examples that pass `module: import.meta.url`.)
const square = (x: number) => x * x;

// `await using` is Python's `with`: leaving the scope terminates the pool.
await using pool = new Pool(4); // 4 workers running in parallel

// map(): like the built-in map, in parallel; results keep the input order.
console.log(await pool.map(square, [1, 2, 3, 4, 5, 6])); // [ 1, 4, 9, 16, 25, 36 ]

// apply_async(): returns an AsyncResult at once. The callback runs here, in the main
// thread, as soon as the value arrives — before get() hands it to you.
const r = pool.apply_async((base: number, exp: number) => base ** exp, [2, 10], {
  callback: (v) => console.log(`callback: ${v}`),
});
console.log(`get(): ${await r.get(5)}`); // timeouts are in seconds, as in Python

// imap(): a lazy map you iterate with `for await`; each result arrives as soon as it
// (and the ones before it) are done. BigInt results cross from the workers intact.
const factorialLine = (n: number) => {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return `${n}! = ${f}`;
};
for await (const line of pool.imap(factorialLine, [5, 10, 20])) {
  console.log(line);
}
