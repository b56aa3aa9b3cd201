/**
 * Inside a worker thread: serves the run channel of lib/internal/task-channel.ts, which the
 * init message carries as `taskPort`. Each message goes through the same handler as tinypool's
 * (so messages stay strictly one after another), and the answer goes back on the channel,
 * without the `process.memoryUsage()` call tinypool's worker entry makes after every task.
 *
 * @module
 * @internal
 */
import type { MessagePort, TransferListItem } from 'node:worker_threads';
import { isMovable, kTransferable, kValue } from 'tinypool';
import type { InitRequest, WorkerRequest, WorkerResponse } from './protocol.js';
import type { TaskMessage } from '../internal/task-channel.js';

/** Starts answering run messages on the init request's `taskPort`, when it has one. */
export function serveTaskPort(request: InitRequest, handle: (request: WorkerRequest) => Promise<WorkerResponse>): void {
  const port = (request as InitRequest & { taskPort?: MessagePort }).taskPort;
  if (!port) return;
  port.on('message', (message: TaskMessage) => {
    // handle() never rejects: every outcome, failure included, is an answer.
    void handle(message.request).then((answer) => reply(port, message.id, answer));
  });
  // tinypool's own port keeps this thread alive; this one need not.
  port.unref();
}

async function reply(port: MessagePort, id: number, answer: WorkerResponse): Promise<void> {
  let response: unknown = answer;
  let transferList: TransferListItem[] = [];
  // An answer wrapped to move buffers (movableAnswer), as tinypool would unwrap it.
  if (isMovable(answer)) {
    const movable = answer as unknown as Record<symbol, unknown>;
    transferList = movable[kTransferable] as TransferListItem[];
    response = movable[kValue];
  }
  // As tinypool does: what the task printed is flushed before its answer is posted.
  if (process.stdout.writableLength > 0) await new Promise((resolve) => process.stdout.write('', resolve));
  if (process.stderr.writableLength > 0) await new Promise((resolve) => process.stderr.write('', resolve));
  port.postMessage({ id, response }, transferList);
}
