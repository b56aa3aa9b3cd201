/**
 * The main thread's end of a worker's own channel for run messages.
 *
 * tinypool answers each task through its worker entry, which reads `process.memoryUsage()`
 * after every task: on Linux that reads /proc (about 15-20 µs here), on the path of every
 * round trip. So once a worker has answered its init message (sent through tinypool, which
 * tells it to serve this channel), run messages travel here instead and are answered by
 * lib/worker/task-port.ts: a MessageChannel of its own for a worker thread, tagged messages on
 * the IPC channel for a child process (tinypool's child entry ignores untagged messages, and
 * the main side of tinypool ignores them too). tinypool still starts, watches and stops the
 * worker; the handle rejects what is pending here when the worker has exited.
 *
 * @module
 * @internal
 */
import type { ChildProcess } from 'node:child_process';
import { MessageChannel, type MessagePort, type TransferListItem } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse } from '../wire/protocol.js';

/** Marks the run messages and answers of a child process's channel on its IPC channel. */
export const TASK_TAG = '__pypoolTask';

/** A run message on the channel; the answer comes back with the same id. */
export interface TaskMessage {
  readonly [TASK_TAG]: true;
  readonly id: number;
  readonly request: WorkerRequest;
}

/** The worker's answer to the {@link TaskMessage} `id`. */
export interface TaskAnswer {
  readonly [TASK_TAG]: true;
  readonly id: number;
  readonly response: WorkerResponse;
}

/** How a channel reaches its worker. */
interface Transport {
  /** Sends; throws when the message cannot be serialised (then nothing was sent). */
  post(message: TaskMessage, transferList: readonly TransferListItem[]): void;
  /** Keep the process alive (an answer is awaited) or not (idle, as tinypool leaves it). */
  hold(on: boolean): void;
  close(): void;
}

interface Pending {
  resolve(response: WorkerResponse): void;
  reject(error: unknown): void;
}

/** One worker's run channel (see the module comment). */
export class TaskChannel {
  /** Worker threads: the worker's end, sent (transferred) in the init message. */
  readonly workerPort: MessagePort | undefined;
  private readonly transport: Transport;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private open = false;
  private closed = false;

  /**
   * A worker thread's channel (`child` undefined) or a child process's. `onThreadGone`: a worker
   * thread's end closed while answers were awaited (see threadTransport).
   */
  constructor(child: ChildProcess | undefined, onThreadGone: () => void) {
    if (child) {
      this.transport = processTransport(child, (answer) => this.onAnswer(answer));
    } else {
      const { port1, port2 } = new MessageChannel();
      this.workerPort = port2;
      this.transport = threadTransport(port1, (answer) => this.onAnswer(answer), () => {
        if (this.pending.size > 0) onThreadGone();
      });
    }
  }

  /** What the init message must carry for the worker to serve this channel. */
  get initFields(): { taskPort: MessagePort } | { taskIpc: true } {
    return this.workerPort ? { taskPort: this.workerPort } : { taskIpc: true };
  }

  /** True once the worker serves the channel (it answered the init message that asked it to). */
  get isOpen(): boolean {
    return this.open && !this.closed;
  }

  /** True while an answer is awaited. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Called when the worker answered its init message. */
  markOpen(): void {
    this.open = true;
  }

  /** Sends a run message. Rejects at once when it cannot be serialised (nothing was sent). */
  send(request: WorkerRequest, transferList: readonly TransferListItem[]): Promise<WorkerResponse> {
    const id = this.nextId++;
    try {
      this.transport.post({ [TASK_TAG]: true, id, request }, transferList);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.pending.size === 0) this.transport.hold(true);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** The worker has exited: what is still pending never gets an answer. */
  close(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.transport.close();
    for (const p of pending) p.reject(error);
  }

  private onAnswer(answer: TaskAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.transport.hold(false);
    pending.resolve(answer.response);
  }
}

function threadTransport(port: MessagePort, onAnswer: (answer: TaskAnswer) => void, onGone: () => void): Transport {
  port.on('message', onAnswer);
  // A worker that dies while an answer is awaited closes its end. tinypool keeps the Worker
  // itself unref'd, so without a hold on it the process could exit before the Worker's 'exit'
  // event (which settles the lost calls): onGone refs it, as tinypool does for its own port.
  port.once('close', onGone);
  // Like tinypool's own port: it keeps the process alive only while an answer is awaited.
  port.unref();
  return {
    post: (message, transferList) => port.postMessage(message, transferList),
    hold: (on) => (on ? port.ref() : port.unref()),
    close: () => port.close(),
  };
}

function processTransport(child: ChildProcess, onAnswer: (answer: TaskAnswer) => void): Transport {
  const listener = (message: unknown): void => {
    if (typeof message === 'object' && message !== null && (message as Partial<TaskAnswer>)[TASK_TAG] === true) onAnswer(message as TaskAnswer);
  };
  child.on('message', listener);
  return {
    // The callback swallows a failed write to a dying child: its exit settles the lost calls.
    post: (message) => void child.send(message, () => undefined),
    // A ref'd child process keeps the process alive until its exit, so lost calls get settled.
    hold: (on) => {
      const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
      if (on) {
        child.ref();
        channel?.ref?.();
      } else {
        channel?.unref?.();
        child.unref();
      }
    },
    close: () => child.off('message', listener),
  };
}
