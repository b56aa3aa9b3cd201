/**
 * The only file that imports tinypool. It turns one tinypool instance into exactly one worker
 * (thread or child process) with a known life: it starts, runs messages, and exits once.
 * The worker engine owns scheduling; tinypool only moves messages and manages the OS resource.
 *
 * tinypool 2.2 defects neutralised here (each has a spec in spec/tinypool-defects.spec.ts):
 * - `process.exit()` inside a worker thread leaves `run()` pending forever and `destroy()` hangs:
 *   we watch the worker's own 'exit' event, report it, and never await `destroy()` of a dead worker.
 * - a crash of an idle worker with no 'error' listener kills the main process: we always listen.
 * - `throw null` resolves: the worker entry never throws, it returns envelopes.
 * - the default task queue is O(n) per dequeue: the engine never lets tinypool queue more than
 *   the few messages in flight for this one worker.
 * - child processes get an empty environment and lose `workerData`: we pass `process.env` and
 *   send everything the worker needs in its first message.
 * - `useAtomics` freezes idle workers' event loops: it is off.
 * - `idleTimeout: 0` churns workers: minThreads = maxThreads = 1, so the idle timer never fires.
 * - `run()` after `destroy()` spawns a worker: a handle refuses to run once terminated.
 * - a crashed worker is replaced by tinypool itself (without our initializer bookkeeping):
 *   we destroy that instance and let the engine start a fresh handle.
 *
 * @module
 * @internal
 */
import Tinypool, { kTransferable, kValue, markMovable } from 'tinypool';
import type { Runtime } from '../engine/worker-engine-options.js';
import type { Movable } from '../transfer.js';
import type { WorkerRequest, WorkerResponse } from '../worker/protocol.js';

const ENTRY = new URL('../worker/entry.js', import.meta.url).href;

/** How to start one worker. */
export interface WorkerHandleOptions {
  readonly runtime: Runtime;
  /** Messages that may be in flight to this worker at once. */
  readonly maxInFlight: number;
  readonly resourceLimits?: WorkerHandleResourceLimits | undefined;
}

/** Heap limits of a worker thread (ignored for child processes). */
export interface WorkerHandleResourceLimits {
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  stackSizeMb?: number;
}

/** Why a worker stopped. `cause` is the error it died of, when one was reported. */
export interface WorkerExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly cause: unknown;
  /** True when the exit was asked for by `terminate()`. */
  readonly expected: boolean;
}

/** One worker: send it messages, learn when it exits, stop it. */
export class WorkerHandle {
  /** Thread id or child process id. */
  readonly id: number;
  /** Resolves once, when the worker has exited for any reason. */
  readonly exited: Promise<WorkerExit>;
  private readonly pool: Tinypool;
  private terminating = false;
  private hasExited = false;
  private lastError: unknown;
  /** Errors the worker reported as it died (see diedOf). */
  private readonly deathErrors = new Set<unknown>();

  constructor(options: WorkerHandleOptions) {
    this.pool = new Tinypool({
      filename: ENTRY,
      runtime: options.runtime === 'process' ? 'child_process' : 'worker_threads',
      minThreads: 1,
      maxThreads: 1,
      concurrentTasksPerWorker: options.maxInFlight,
      useAtomics: false,
      isolateWorkers: false,
      ...(options.runtime === 'process'
        ? { env: { ...process.env } as Record<string, string>, serialization: 'advanced' as const }
        : { resourceLimits: options.resourceLimits }),
    });
    // Without a listener, an idle worker's crash would be re-thrown in the main process.
    this.pool.on('error', (error: unknown) => {
      this.lastError = error;
    });
    const worker = this.pool.threads[0];
    if (!worker) throw new Error('pypool internal error: tinypool started no worker');
    // A worker that dies reports it here first (a thread: the error it died of; a child process:
    // tinypool's "Worker exited unexpectedly"), and tinypool rejects the messages in flight with
    // that same error. Registered after tinypool's own listener, so by the time a rejection is
    // handled the error is known to be a death, not a message that could not be sent.
    worker.on('error', (error: unknown) => {
      this.deathErrors.add(error);
      if (options.runtime !== 'process') this.lastError ??= error;
    });
    this.id = worker.threadId;
    this.exited = new Promise<WorkerExit>((resolve) => {
      worker.once('exit', (code: number | null, signal?: string | null) => {
        this.hasExited = true;
        // The 'exit' event can overtake answers the worker posted just before it died. Let
        // those arrive first (two turns of the loop), so a finished task is not called lost.
        setImmediate(() => setImmediate(() => {
          // tinypool may already have started a replacement inside this instance; stop it.
          this.pool.destroy().catch(() => undefined);
          resolve({ exitCode: code ?? null, signal: signal ?? null, cause: this.lastError, expected: this.terminating });
        }));
      });
    });
  }

  /** True once the worker has exited or is being terminated. */
  get isGone(): boolean {
    return this.hasExited || this.terminating;
  }

  /**
   * True when `error`, a rejection of `run()`, came from the worker's death (or its termination)
   * rather than from a message that could not be serialised and so was never sent.
   */
  diedOf(error: unknown): boolean {
    return this.isGone || this.deathErrors.has(error);
  }

  /**
   * Sends a message and resolves with the worker's answer. Rejects when the message could not
   * be sent (DataCloneError) or the worker died; the engine learns about deaths from `exited`.
   */
  run(request: WorkerRequest, transferList: readonly Movable[] = []): Promise<WorkerResponse> {
    if (this.isGone) return Promise.reject(new Error('pypool internal error: run() on a stopped worker'));
    if (transferList.length === 0) return this.pool.run(request) as Promise<WorkerResponse>;
    return this.pool.run(request, { transferList: [...transferList] as never }) as Promise<WorkerResponse>;
  }

  /** Stops the worker now (running tasks are abandoned). Resolves when it has exited. */
  async terminate(): Promise<void> {
    if (!this.hasExited && !this.terminating) {
      this.terminating = true;
      this.pool.destroy().catch(() => undefined);
    }
    await this.exited;
  }
}

/**
 * Inside a worker thread: wraps an answer so tinypool moves `list` (buffers marked with
 * transfer()) instead of copying them. tinypool flattens the list into its transfer list.
 */
export function movableAnswer<T extends object>(answer: T, list: readonly Movable[]): T {
  if (list.length === 0) return answer;
  // No prototype: the answer crosses an `await`, and a task may have defined Object.prototype.then.
  const wrapper = Object.assign(Object.create(null) as object, { [kTransferable]: [...list], [kValue]: answer });
  markMovable(wrapper);
  return wrapper as unknown as T;
}
