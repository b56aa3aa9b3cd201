/**
 * piscina 5.3 baseline: the benchmark workloads on `new Piscina({ filename })` with 2 threads
 * kept alive, one `run(arg, { name })` per task, default options otherwise (so piscina's own
 * `atomics: 'sync'` wake-up path is what is measured).
 *
 * Usage: node build/bench/baselines/piscina-workloads.js '<params JSON>'
 */
import { Piscina } from 'piscina';
import { main } from '../common.js';
import { queueWorkloads } from './queue-workloads.js';

const filename = new URL('./piscina-worker.js', import.meta.url).href;

await main(queueWorkloads<Piscina>({
  newPool: (threads) => new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 }),
  call: (pool, name, arg, move) => pool.run(move ? Piscina.move(move) : arg, { name }),
  stop: (pool) => pool.destroy(),
}));
