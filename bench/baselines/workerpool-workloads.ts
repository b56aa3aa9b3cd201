/**
 * workerpool 10 baseline: the benchmark workloads on `workerpool.pool(file, { workerType:
 * 'thread' })` with 2 workers kept alive, one `exec(name, [arg])` per task.
 *
 * Usage: node build/bench/baselines/workerpool-workloads.js '<params JSON>'
 */
import { fileURLToPath } from 'node:url';
import workerpool, { type Pool } from 'workerpool';
import { main } from '../common.js';
import { queueWorkloads } from './queue-workloads.js';

const file = fileURLToPath(new URL('./workerpool-worker.js', import.meta.url));

await main(queueWorkloads<Pool>({
  newPool: (threads) => workerpool.pool(file, { workerType: 'thread', minWorkers: threads, maxWorkers: threads }),
  // workerpool returns its own thenable; awaiting it (what users do) is the same as this.
  call: async (pool, name, arg, move) =>
    move ? await pool.exec(name, [move], { transfer: [move.buffer as ArrayBuffer] }) : await pool.exec(name, [arg]),
  stop: async (pool) => {
    await pool.terminate();
  },
}));
