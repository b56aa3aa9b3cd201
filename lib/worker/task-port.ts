/**
 * Inside a worker: serves the run channel of lib/internal/task-channel.ts, which the init
 * message asks for (`taskPort`, a worker thread's MessagePort; `taskIpc`, a child process's IPC
 * channel). Each message goes through the same handler as tinypool's (so messages stay strictly
 * one after another), and the answer goes back on the channel, without the
 * `process.memoryUsage()` call tinypool's worker entry makes after every task.
 *
 * @module
 * @internal
 */
import type { MessagePort, TransferListItem } from 'node:worker_threads';
import type { InitRequest, WorkerRequest, WorkerResponse } from '../wire/protocol.js';
import { TASK_TAG, type TaskAnswer, type TaskMessage } from '../internal/task-channel.js';

// tinypool's markers of an answer that moves buffers (see movableAnswer): global symbols.
const kTransferable = Symbol.for('Tinypool.transferable');
const kValue = Symbol.for('Tinypool.valueOf');

type Post = (answer: TaskAnswer, transferList: TransferListItem[]) => void;

/** Starts answering run messages on the channel the init request names, when it names one. */
export function serveTaskPort(request: InitRequest, handle: (request: WorkerRequest) => Promise<WorkerResponse>): void {
  const init = request as InitRequest & { taskPort?: MessagePort; taskIpc?: boolean };
  let post: Post;
  if (init.taskPort) {
    const port = init.taskPort;
    post = (answer, transferList) => port.postMessage(answer, transferList);
    port.on('message', (message: TaskMessage) => serve(message, handle, post));
    // tinypool's own port keeps this thread alive; this one need not.
    port.unref();
  } else if (init.taskIpc && process.send) {
    const send = process.send.bind(process);
    post = (answer) => void send(answer);
    process.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as Partial<TaskMessage>)[TASK_TAG] === true) serve(message as TaskMessage, handle, post);
    });
  }
}

function serve(message: TaskMessage, handle: (request: WorkerRequest) => Promise<WorkerResponse>, post: Post): void {
  // handle() never rejects: every outcome, failure included, is an answer.
  void handle(message.request).then((answer) => reply(message.id, answer, post));
}

async function reply(id: number, answer: WorkerResponse, post: Post): Promise<void> {
  let response: unknown = answer;
  let transferList: TransferListItem[] = [];
  // An answer wrapped to move buffers (movableAnswer), as tinypool would unwrap it.
  const movable = answer as unknown as Record<symbol, unknown>;
  if (kTransferable in movable && kValue in movable) {
    transferList = movable[kTransferable] as TransferListItem[];
    response = movable[kValue];
  }
  // As tinypool does: what the task printed is flushed before its answer is posted.
  if (process.stdout.writableLength > 0) await new Promise((resolve) => process.stdout.write('', resolve));
  if (process.stderr.writableLength > 0) await new Promise((resolve) => process.stderr.write('', resolve));
  post({ [TASK_TAG]: true, id, response: response as WorkerResponse }, transferList);
}
