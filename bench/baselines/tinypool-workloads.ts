/**
 * Raw tinypool 2.2 baseline: the benchmark workloads written directly against `Tinypool#run()`
 * (2 worker threads, workers kept alive, no isolation), as someone would without pypool.
 *
 * Usage: node build/bench/baselines/tinypool-workloads.js '<params JSON>'
 */
import Tinypool from 'tinypool';
import { main } from '../common.js';
import { queueWorkloads } from './queue-workloads.js';

const workerFile = new URL('./tinypool-worker.js', import.meta.url).href;

await main(queueWorkloads<Tinypool>({
  newPool: (threads) => new Tinypool({ filename: workerFile, minThreads: threads, maxThreads: threads, isolateWorkers: false, idleTimeout: 60_000 }),
  call: (pool, name, arg, move) => pool.run(move ? Tinypool.move(move) : arg, { name }),
  stop: (pool) => pool.destroy(),
}));
