/**
 * Knows which pool (or executor) on the main loop is running the current code, so that a task
 * that waits for its own pool to finish (`await ex.shutdown(true)`, `await pool.join()` inside
 * one of its tasks) gets an error instead of waiting for itself forever.
 *
 * @module
 * @internal
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TaskFunction } from './engine/engine.js';

/** The pool whose task is running; follows the task across its awaits. */
const owners = new AsyncLocalStorage<object>();

/**
 * Wraps a task function of a main-loop pool so that the code it runs (and everything it
 * awaits) knows its owner.
 */
export function ownedBy(owner: object, fn: TaskFunction): TaskFunction {
  return (...args: unknown[]) => owners.run(owner, fn, ...args);
}

/** True while the running code is (part of) a task of `owner`. */
export function insideTaskOf(owner: object): boolean {
  return owners.getStore() === owner;
}
