/**
 * `current_thread()`: the name of the (virtual) thread running the caller.
 *
 * @module
 */
import { threadId } from 'node:worker_threads';
import { currentThreadName } from './task-owner.js';

/**
 * What {@link current_thread} returns.
 *
 * Python equivalent: the `threading.Thread` object (`name`, `ident`).
 *
 * @example
 * ```ts
 * console.log(current_thread().name); // 'MainThread'
 * ```
 */
export interface ThreadInfo {
  /** `'MainThread'`, or the name of the ThreadPool / ThreadPoolExecutor thread running the task. */
  readonly name: string;
  /** The Node worker thread id (0 on the main thread). */
  readonly ident: number;
}

/**
 * Describes the thread that runs the caller. Tasks of a `ThreadPoolExecutor` (or `ThreadPool`)
 * see the name of their virtual thread, e.g. `'ThreadPoolExecutor-0_1'`; everything else sees
 * `'MainThread'`, as in Python.
 *
 * Python equivalent: `threading.current_thread()`.
 *
 * @example
 * ```ts
 * const ex = new ThreadPoolExecutor(2);
 * console.log(await ex.submit(() => current_thread().name).result()); // 'ThreadPoolExecutor-0_0'
 * ```
 */
export function current_thread(): ThreadInfo {
  return { name: currentThreadName(), ident: threadId };
}

/**
 * camelCase alias of {@link current_thread}. Python equivalent: `threading.current_thread()`.
 * @example
 * ```ts
 * console.log(currentThread().name); // 'MainThread'
 * ```
 */
export const currentThread = current_thread;
