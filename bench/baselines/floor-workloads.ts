/**
 * The machine's floor for start-up and latency, measured in the same run as the pools: what
 * bare `node:worker_threads` costs with no pool at all.
 * - startup: two `new Worker()` started at once, one message posted to each; the time to the
 *   first answer (a pool of 2 started → first result cannot beat it).
 * - apply_latency: one `postMessage` round trip to an idle worker thread, sequentially.
 *
 * Usage: node build/bench/baselines/floor-workloads.js '<params JSON>'
 */
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { check, latencyMetrics, main, now } from '../common.js';

const file = new URL('./floor-worker.js', import.meta.url);

/** Posts x and resolves with the worker's next message. */
function roundTrip(w: Worker, x: number): Promise<number> {
  return new Promise((resolve) => {
    w.once('message', resolve);
    w.postMessage(x);
  });
}

await main({
  async startup() {
    const t0 = now();
    const workers = [new Worker(file), new Worker(file)];
    const answers = workers.map((w) => roundTrip(w, 1));
    const first = await Promise.race(answers);
    const firstMs = now() - t0;
    await Promise.all(answers);
    const bothMs = now() - t0;
    check(first === 2, 'inc');
    await Promise.all(workers.map((w) => w.terminate()));
    return { first_result_ms: firstMs, both_answered_ms: bothMs };
  },

  async apply_latency(p) {
    const n = p.n!;
    const w = new Worker(file);
    await once(w, 'online');
    for (let i = 0; i < (p.warmup ?? 100) + 8; i++) await roundTrip(w, i);
    const lat: number[] = [];
    const t0 = now();
    for (let i = 0; i < n; i++) {
      const s = now();
      const r = await roundTrip(w, i);
      lat.push(now() - s);
      check(r === i + 1, 'inc');
    }
    const total = now() - t0;
    await w.terminate();
    return latencyMetrics(total, n, lat);
  },
});
