/**
 * The raw-BullMQ side of bench/remote.ts: a plain BullMQ Worker doing the same work by hand
 * (squares the items of each job). Inline: in its processor, on the event loop that renews the
 * job locks (fine for a square, unsafe for CPU-bound work). Sandboxed: in BullMQ's own worker
 * threads (remote-raw-processor.ts), the like-for-like design of pypool-worker.
 *
 * Usage: node remote-raw-worker.js URL QUEUE CONCURRENCY [inline|sandboxed]
 */
import { fileURLToPath } from 'node:url';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';

const [url, queue, concurrency, mode = 'inline'] = process.argv.slice(2);
const connection = new Redis(url!, { maxRetriesPerRequest: null });
const inline = async (job: Job): Promise<number[]> => (job.data as { items: number[] }).items.map((x) => x * x);
const sandboxed = fileURLToPath(new URL('./remote-raw-processor.js', import.meta.url));
const worker =
  mode === 'sandboxed'
    ? new Worker(queue!, sandboxed, { connection, concurrency: Number(concurrency), useWorkerThreads: true })
    : new Worker(queue!, inline, { connection, concurrency: Number(concurrency) });
await worker.waitUntilReady();
console.log('serving queue');
process.on('SIGTERM', () => void worker.close().then(() => { connection.disconnect(); process.exit(0); }));
