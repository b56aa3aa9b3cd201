/**
 * The main thread's end of a worker thread's own message channel for run messages.
 *
 * tinypool answers each task through its worker entry, which reads `process.memoryUsage()`
 * after every task: on Linux that reads /proc (about 15-20 µs here), on the path of every
 * round trip. So once a worker thread has answered its init message (sent through tinypool,
 * with the worker's end of this channel), run messages travel over this channel instead and
 * are answered by lib/worker/task-port.ts. tinypool still starts, watches and stops the worker;
 * the handle rejects what is pending here when the worker has exited.
 *
 * @module
 * @internal
 */
import { MessageChannel, type MessagePort, type TransferListItem } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse } from '../worker/protocol.js';

/** A run message on the channel; the answer comes back with the same id. */
export interface TaskMessage {
  readonly id: number;
  readonly request: WorkerRequest;
}

/** The worker's answer to the {@link TaskMessage} `id`. */
export interface TaskAnswer {
  readonly id: number;
  readonly response: WorkerResponse;
}

interface Pending {
  resolve(response: WorkerResponse): void;
  reject(error: unknown): void;
}

/** One worker thread's run channel (see the module comment). */
export class TaskChannel {
  /** The worker's end: sent, transferred, in the init message. */
  readonly workerPort: MessagePort;
  private readonly port: MessagePort;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private open = false;
  private closed = false;

  /** `onClose`: the worker's end closed (it is exiting); see the constructor. */
  constructor(onClose: () => void) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.workerPort = port2;
    port1.on('message', (answer: TaskAnswer) => this.onAnswer(answer));
    // A worker that dies while an answer is awaited closes its end. tinypool keeps the Worker
    // itself unref'd, so without a hold on it the process could exit before the Worker's 'exit'
    // event (which settles the lost calls): onClose refs it, as tinypool does for its own port.
    port1.once('close', () => {
      if (this.pending.size > 0) onClose();
    });
    // Like tinypool's own port: it keeps the process alive only while an answer is awaited.
    port1.unref();
  }

  /** True once the worker serves the channel (it answered the init message that carried it). */
  get isOpen(): boolean {
    return this.open && !this.closed;
  }

  /** Called when the worker answered its init message. */
  markOpen(): void {
    this.open = true;
  }

  /** Sends a run message. Rejects at once when it cannot be cloned (nothing was sent). */
  send(request: WorkerRequest, transferList: readonly TransferListItem[]): Promise<WorkerResponse> {
    const id = this.nextId++;
    const message: TaskMessage = { id, request };
    try {
      this.port.postMessage(message, transferList);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.pending.size === 0) this.port.ref();
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** The worker has exited: what is still pending never gets an answer. */
  close(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.port.close();
    for (const p of pending) p.reject(error);
  }

  private onAnswer(answer: TaskAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.port.unref();
    pending.resolve(answer.response);
  }
}
