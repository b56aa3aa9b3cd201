/**
 * Helpers shared by the Pool specs (spec/pool/*.spec.ts).
 */
import { Pool, type PoolOptions } from '../../lib/index.js';
import { within } from '../helpers.js';

/** Creates a pool, runs `body`, and always terminates the pool (with a hang guard). */
export async function usingPool<T>(options: PoolOptions, body: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool(options);
  try {
    return await body(pool);
  } finally {
    await within(pool.terminate(), 30, 'pool.terminate()');
  }
}

/** A task that names the worker it runs in: pid (child processes) and thread id (threads). */
export const workerId = (): string => `${process.pid}:${require('node:worker_threads').threadId}`;

/** URL of the compiled fixture task module. */
export const TASK_MODULE = new URL('../fixtures/task-module.js', import.meta.url);

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` until it is true; the hang guard rejects after `seconds`. */
export function waitUntil(predicate: () => boolean, seconds = 15, what = 'condition'): Promise<void> {
  return within(
    (async () => {
      while (!predicate()) await sleep(10);
    })(),
    seconds,
    what,
  );
}

/** Calls `submit` and returns what it threw synchronously, or the rejection of what it returned. */
export async function thrownOrRejected(submit: () => unknown): Promise<unknown> {
  let returned: unknown;
  try {
    returned = submit();
  } catch (error) {
    return error;
  }
  try {
    await within(returned as PromiseLike<unknown>, 15, 'result');
  } catch (error) {
    return error;
  }
  throw new Error('expected a synchronous throw or a rejection, but the call succeeded');
}

/** Collects unhandled rejections while `body` runs (plus a few turns of the event loop after it). */
export async function unhandledRejectionsDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  try {
    await body();
    // Unhandled rejections are reported after the microtask queue drains: give it a few turns.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    await sleep(50);
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}
