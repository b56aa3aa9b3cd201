/**
 * The floor's worker: a bare `Worker` that answers each number with the number plus one.
 * Nothing a pool could leave out.
 */
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (x: number) => parentPort!.postMessage(x + 1));
