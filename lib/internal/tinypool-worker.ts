/**
 * The only main-thread file that imports tinypool (the worker side is lib/worker/tinypool-answer.ts). It turns one tinypool instance into exactly one worker
 * (thread or child process) with a known life: it starts, runs messages, and exits once.
 * The worker engine owns scheduling; tinypool carries the init message and manages the OS
 * resource (run messages then go on the worker's own channel: task-channel.ts).
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
 * - every child process forked raises stdout's and stderr's max-listener limits for good: each
 *   exit lowers them again (giveBackStdioListenerRoom).
 * - Node 20 (not tinypool) leaks open files when a thread is terminated mid-import: terminate()
 *   waits, bounded, for a starting worker (startedOrGrace).
 * - a crashed worker is replaced by tinypool itself (without our initializer bookkeeping):
 *   we destroy that instance and let the engine start a fresh handle.
 * - its worker entry reads `process.memoryUsage()` (a /proc read, ~15-20 µs) after every task:
 *   workers get run messages on a channel of their own once started (task-channel.ts).
 *
 * @module
 * @internal
 */
import Tinypool from 'tinypool';
import type { Runtime } from '../engine/worker-engine-options.js';
import type { Movable } from '../transfer.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { ChildProcess } from 'node:child_process';
import { LAST_WORDS_TAG, type LastWords, type WorkerRequest, type WorkerResponse } from '../wire/protocol.js';
import { expandLastWords, expandResponse, mayCompact } from './compact-message.js';
import { TaskChannel } from './task-channel.js';

const ENTRY = new URL('../worker/entry.js', import.meta.url).href;
/** How long terminate() waits for a starting worker to finish importing (see startedOrGrace). */
const START_GRACE_MS = 3000;

/** How to start one worker. */
export interface WorkerHandleOptions {
  readonly runtime: Runtime;
  /** Messages that may be in flight to this worker at once. */
  readonly maxInFlight: number;
  readonly resourceLimits?: WorkerHandleResourceLimits | undefined;
  /** Called with a dying worker's last words (see lib/worker/last-words.ts). */
  readonly onLastWords?: (words: LastWords) => void;
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
  /** Resolves once, when the worker has exited for any reason. */
  readonly exited: Promise<WorkerExit>;
  private readonly pool: Tinypool;
  private terminating = false;
  private hasExited = false;
  private lastError: unknown;
  /**
   * Worker threads: the worker's end of its last-words channel, to send in the init message.
   * Child processes use their IPC channel instead.
   */
  readonly lastWordsPort: MessagePort | undefined;
  /** Settles with the answer to the first message (the init message, which imports the modules). */
  private started: Promise<void> | undefined;
  /** Errors the worker reported as it died (see diedOf). */
  private readonly deathErrors = new Set<unknown>();
  /** Where run messages go once the worker has started (see task-channel.ts). */
  private readonly channel: TaskChannel;

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
      // tinypool reports a death here only when none of *its* tasks was running; with run
      // messages on our own channel, a death mid-message must still count as one with work in
      // flight, whose cause is the worker's own (its last words), not tinypool's generic text.
      if (this.channel?.busy) return;
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
    const child = options.runtime === 'process' ? (worker as unknown as { process: ChildProcess }).process : undefined;
    this.channel = new TaskChannel(child, () => worker.ref?.());
    const listening = this.listenForLastWords(child, options.onLastWords);
    this.lastWordsPort = listening.port;
    this.exited = new Promise<WorkerExit>((resolve) => {
      worker.once('exit', (code: number | null, signal?: string | null) => {
        this.hasExited = true;
        if (options.runtime === 'process') giveBackStdioListenerRoom();
        // The 'exit' event can overtake answers (and last words) the worker posted just before it
        // died. Let those arrive first: two turns of the loop for a thread; for a child process,
        // until its IPC channel has been read to the end (bounded).
        void whenDrained(child).then(() => setImmediate(() => setImmediate(() => {
          listening.stop();
          this.channel.close(new Error('pypool internal error: the worker exited before answering'));
          // tinypool may already have started a replacement inside this instance; stop it.
          this.pool.destroy().catch(() => undefined);
          resolve({ exitCode: code ?? null, signal: signal ?? null, cause: this.lastError, expected: this.terminating });
        })));
      });
    });
  }

  /** Hands a dying worker's last words to `listener`; returns the thread's port and a stop. */
  private listenForLastWords(child: ChildProcess | undefined, listener: ((words: LastWords) => void) | undefined): { port: MessagePort | undefined; stop: () => void } {
    if (!listener) return { port: undefined, stop: () => undefined };
    if (child) {
      const onMessage = (message: unknown): void => {
        if (typeof message === 'object' && message !== null && (message as Partial<LastWords>)[LAST_WORDS_TAG] === true) listener(expandLastWords(message as LastWords));
      };
      child.on('message', onMessage);
      return { port: undefined, stop: () => child.off('message', onMessage) };
    }
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (words: LastWords) => listener(expandLastWords(words)));
    port1.unref(); // a listener must never keep the process alive
    return { port: port2, stop: () => port1.close() };
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
    // Jobs of many calls may cross in a compact form (lib/internal/compact-message.ts); a single
    // apply never does, and pays nothing for it.
    const answer = this.send(request, transferList);
    return mayCompact(request) ? answer.then(expandResponse) : answer;
  }

  /** Through the worker's own channel once it is open, else through tinypool (the init message opens it). */
  private send(request: WorkerRequest, transferList: readonly Movable[]): Promise<WorkerResponse> {
    const channel = this.channel;
    if (channel.isOpen) return channel.send(request, transferList);
    let list: Movable[] | MessagePort[] = [...transferList];
    let sent = request;
    if (request.type === 'init') {
      sent = { ...request, ...channel.initFields } as WorkerRequest;
      if (channel.workerPort) list = [...transferList, channel.workerPort] as MessagePort[];
    }
    const answer = (list.length === 0 ? this.pool.run(sent) : this.pool.run(sent, { transferList: list as never })) as Promise<WorkerResponse>;
    if (!this.started) {
      this.started = answer.then(() => undefined, () => undefined);
      // Registered before the engine's own callbacks: the channel is open when they run.
      if (request.type === 'init') answer.then(() => channel.markOpen(), () => undefined);
    }
    return answer;
  }

  /** Stops the worker now (running tasks are abandoned). Resolves when it has exited. */
  async terminate(): Promise<void> {
    if (!this.hasExited && !this.terminating) {
      this.terminating = true;
      await this.startedOrGrace();
      this.pool.destroy().catch(() => undefined);
    }
    await this.exited;
  }

  /**
   * Node 20 leaks the ESM loader's open files when a worker thread is terminated while it is
   * still importing (its entry or a task module): a service creating and closing pools reaches
   * EMFILE. So a worker still answering its first message (which imports everything) is given
   * until that answer, at most START_GRACE_MS, before it is stopped.
   */
  private async startedOrGrace(): Promise<void> {
    if (!this.started || this.hasExited) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, START_GRACE_MS);
    });
    await Promise.race([this.started, grace, this.exited]);
    clearTimeout(timer);
  }
}

/** How long an exited child process's IPC channel may take to be read to the end. */
const DRAIN_MS = 500;

/** Resolves once a child process's IPC channel is closed (all it sent has been read), bounded. */
function whenDrained(child: ChildProcess | undefined): Promise<void> {
  if (!child || !child.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, DRAIN_MS);
    child.once('disconnect', done);
    function done(): void {
      clearTimeout(timer);
      child!.off('disconnect', done);
      resolve();
    }
  });
}

/**
 * tinypool raises the main process's stdout and stderr max-listener limits by one for every
 * child process it forks and never lowers them, so a long-lived pool that replaces workers
 * would hide real listener leaks behind an ever-growing limit. Each exit gives that one back.
 */
function giveBackStdioListenerRoom(): void {
  for (const stream of [process.stdout, process.stderr]) stream.setMaxListeners(Math.max(0, stream.getMaxListeners() - 1));
}
