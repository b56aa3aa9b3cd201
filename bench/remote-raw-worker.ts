/**
 * The raw-BullMQ side of bench/remote.ts: a plain BullMQ Worker doing the same work by hand
 * (squares the items of each job in its processor). Usage: node remote-raw-worker.js URL QUEUE CONCURRENCY
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [url, queue, concurrency] = process.argv.slice(2);
const connection = new Redis(url!, { maxRetriesPerRequest: null });
const worker = new Worker(queue!, async (job) => (job.data as { items: number[] }).items.map((x) => x * x), { connection, concurrency: Number(concurrency) });
await worker.waitUntilReady();
console.log('serving queue');
process.on('SIGTERM', () => void worker.close().then(() => { connection.disconnect(); process.exit(0); }));
