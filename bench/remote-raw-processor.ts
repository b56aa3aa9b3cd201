/**
 * The processor file of bench/remote-raw-worker.ts in sandboxed mode: BullMQ runs it in a worker
 * thread of its own (`useWorkerThreads`), BullMQ's way of keeping a CPU-bound processor off the
 * event loop that renews the job locks, as pypool-worker does with its local pool.
 */
export default function square(job: { data: { items: number[] } }): number[] {
  return job.data.items.map((x) => x * x);
}
