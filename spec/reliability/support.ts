/**
 * Shared tools of the reliability specs: counting OS resources (worker threads, child
 * processes), counting how often each engine job settles, and hang guards.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import type { Pool } from '../../lib/index.js';
import type { Engine, FailureKind, Job, Outcome } from '../../lib/engine/engine.js';
import { within } from '../helpers.js';

export { within, outcome, RUNTIMES } from '../helpers.js';

/** Threads of this process (the main thread, V8/libuv helpers and every worker thread). */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Live child processes of this process (from /proc: ppid === process.pid). */
export function childProcessCount(): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces): state, ppid, ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z') count++;
    } catch {
      // The process exited while we looked.
    }
  }
  return count;
}

/** Resources that a finished pool must give back. */
export interface ResourceSnapshot {
  readonly threads: number;
  readonly children: number;
  readonly workerPorts: number;
}

/** MessagePorts are what worker threads hold open in the main thread. */
function workerPortCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
}

export function snapshot(): ResourceSnapshot {
  return { threads: threadCount(), children: childProcessCount(), workerPorts: workerPortCount() };
}

/** Starts libuv's thread pool once, so its threads are part of every baseline. */
export async function warmUpThreadPool(): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  await readFile('/proc/self/stat');
}

/**
 * Asserts that every worker thread and child process started since `before` is gone. Exits are
 * asynchronous in the OS (a thread disappears from /proc shortly after its 'exit' event), so the
 * counts are polled for a short while; this is a hang guard, not a timing assertion.
 */
export async function expectNoLeaks(before: ResourceSnapshot, seconds = 5): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let now = snapshot();
  while ((now.threads > before.threads || now.children > before.children || now.workerPorts > before.workerPorts) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    now = snapshot();
  }
  expect(now.children, 'child processes left behind').to.be.at.most(before.children);
  expect(now.threads, 'threads left behind').to.be.at.most(before.threads);
  expect(now.workerPorts, 'worker MessagePorts left open').to.be.at.most(before.workerPorts);
}

/** The engine behind a pool (internal; specs only). */
export function engineOf(pool: Pool): Engine {
  return (pool as unknown as { engine: Engine }).engine;
}

/**
 * Counts, for every job a pool hands to its engine, how often the engine settled or failed it.
 * The engine contract is "exactly once"; `expectEachSettledOnce()` checks it.
 */
export class JobLedger {
  readonly counts: number[] = [];

  constructor(pool: Pool) {
    const engine = engineOf(pool);
    const submit = engine.submit.bind(engine);
    engine.submit = (job: Job): void => {
      const index = this.counts.push(0) - 1;
      const mutable = job as { settle: (o: Outcome[]) => void; settleValues?: (v: ArrayLike<unknown>) => void; fail: (e: unknown, kind: FailureKind) => void };
      const settle = mutable.settle;
      const settleValues = mutable.settleValues;
      const fail = mutable.fail;
      if (settleValues) {
        mutable.settleValues = (values: ArrayLike<unknown>) => {
          this.counts[index]!++;
          settleValues.call(job, values);
        };
      }
      // Patched in place: the engine compares jobs by identity (cancel).
      mutable.settle = (outcomes: Outcome[]) => {
        this.counts[index]!++;
        settle.call(job, outcomes);
      };
      mutable.fail = (error: unknown, kind: FailureKind) => {
        this.counts[index]!++;
        fail.call(job, error, kind);
      };
      submit(job);
    };
  }

  get jobs(): number {
    return this.counts.length;
  }

  expectEachSettledOnce(): void {
    const wrong = this.counts.map((n, i) => [i, n] as const).filter(([, n]) => n !== 1);
    expect(wrong, 'jobs settled a number of times other than once ([job, times])').to.deep.equal([]);
  }
}

/** Polls `condition` until it holds; rejects (hang guard) after `seconds`. */
export async function until(condition: () => boolean, seconds = 10, what = 'condition'): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`hang guard: ${what} did not hold within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `promise` is still pending after `ms` (used to show that something waits, not to time it). */
export async function stillPending(promise: PromiseLike<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  Promise.resolve(promise).then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(ms);
  return !settled;
}

/** Awaits `promise` under a hang guard, returning its settled outcome. */
export async function settle<T>(promise: PromiseLike<T>, seconds = 15, what = 'result'): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await within(promise, seconds, what) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('hang guard:')) throw error;
    return { ok: false, error };
  }
}
