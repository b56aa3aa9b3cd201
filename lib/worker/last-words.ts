/**
 * A worker's last words: when a task kills its worker (`process.exit()`, an uncaught error from
 * a timer), the answers of the jobs that already finished in the current message are sent
 * before the worker goes, with the index of the job that was running and the uncaught error. Without them, those
 * results would die with the message (the engine would fail jobs that had succeeded), and a
 * child process could not say which jobs never started.
 *
 * Threads speak on a MessagePort of their own (given in the init message); child processes on
 * their IPC channel. A kill from outside (SIGKILL, out of memory) leaves no last words: the
 * engine then falls back to what it knows (see lib/engine/crash-triage.ts).
 *
 * @module
 * @internal
 */
import type { MessagePort } from 'node:worker_threads';
import { encodeThrown } from '../wire/encode-thrown.js';
import type { JobResponse, LastWords } from '../wire/protocol.js';
import { LAST_WORDS_TAG } from '../wire/protocol.js';

/** The message being run: its sequence number, the answers so far, the job running now. */
interface Current {
  readonly seq: number;
  readonly answers: readonly JobResponse[];
}

let current: Current | undefined;
let port: MessagePort | undefined;
let installed = false;

/** Starts listening for the worker's end. `threadPort` is the port of a worker thread. */
export function prepareLastWords(threadPort: MessagePort | undefined): void {
  port = threadPort;
  if (installed) return;
  installed = true;
  const exit = process.exit;
  // A task's process.exit() (and Node's own exit after an uncaught error) passes through here.
  // The arguments are passed on exactly as given: Node's own call relies on how many there are
  // (`exit(undefined)` would end a worker that died of an error with code 0 instead of 1).
  process.exit = function exitAfterLastWords(this: NodeJS.Process, ...args: unknown[]): never {
    sayLastWords();
    return (exit as (...a: unknown[]) => never).apply(this, args);
  } as typeof process.exit;
  process.on('uncaughtExceptionMonitor', (error) => sayLastWords(error));
}

/**
 * Called when a message starts: `answers` is filled in as its jobs finish. The last message is
 * kept after it was answered, until the next one starts: a worker that dies while idle (a timer
 * of a finished task throws) repeats that answer, since its exit can overtake the answer itself
 * on the way to the main thread. Repeating an answer that did arrive changes nothing (the engine
 * settles each job once).
 */
export function messageStarted(seq: number, answers: readonly JobResponse[]): void {
  current = { seq, answers };
}

/** `error`: what the worker dies of, when it is an uncaught error (not a process.exit()). */
function sayLastWords(error?: unknown): void {
  if (!current) return;
  const words: LastWords = {
    [LAST_WORDS_TAG]: true,
    seq: current.seq,
    answers: current.answers.slice(),
    running: current.answers.length,
    ...(error === undefined ? {} : { error: encodeThrown(error) }),
  };
  current = undefined; // once: Node's exit after an uncaught error passes through process.exit too
  try {
    if (port) port.postMessage(words);
    else process.send?.(words);
  } catch {
    // Nothing more can be done for a dying worker; the engine falls back to what it knows.
  }
}
