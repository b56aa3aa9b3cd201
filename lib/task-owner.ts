/**
 * The context of code running on the main loop for a ThreadPool or ThreadPoolExecutor: which
 * pool (or executor) runs it, and the name of its virtual thread. One AsyncLocalStorage holds
 * both, and only while a main-loop pool is alive.
 *
 * Why: while any AsyncLocalStorage is enabled, Node 20 tracks every promise of the process, and
 * every `await` anywhere costs 2-4x more. So the storage is disabled when the last main-loop
 * pool has finished (terminated, or closed and drained), and a program that used a ThreadPool
 * once pays nothing afterwards (bench/als-tax.ts measures it).
 *
 * The owner lets a task that waits for its own pool (`await ex.shutdown(true)`, `await
 * pool.join()` inside one of its tasks) get an error instead of waiting for itself forever; the
 * thread name is what `current_thread().name` reports.
 *
 * @module
 * @internal
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TaskFunction } from './engine/engine.js';

/** What code running for a main-loop pool knows about itself. */
interface TaskContext {
  /** The pool or executor whose task (or initializer) is running; undefined between tasks. */
  readonly owner: object | undefined;
  /** The virtual thread's name, e.g. `'ThreadPoolExecutor-0_1'`. */
  readonly thread: string | undefined;
}

const context = new AsyncLocalStorage<TaskContext>();
/** Main-loop engines started and not yet finished: the storage is needed while this is > 0. */
let alive = 0;

/** Called when a main-loop engine is created: its tasks need the storage. */
export function mainLoopPoolStarted(): void {
  alive++;
}

/**
 * Called once when a main-loop engine has finished (terminated, or closed with nothing left to
 * run). The last one disables the storage, which stops Node's tracking of every promise; the
 * next `run()` (a new pool's first task) enables it again.
 */
export function mainLoopPoolFinished(): void {
  alive = Math.max(0, alive - 1);
  if (alive === 0) context.disable();
}

/**
 * Whether the storage is enabled (it costs every `await` of the process while it is). Reads
 * Node's own flag on the storage, not our counter, so a spec can check the real state.
 */
export function taskContextEnabled(): boolean {
  return (context as unknown as { enabled?: boolean }).enabled === true;
}

/** Runs `fn` as the virtual thread `name` (everything it awaits keeps the name). */
export function runAsThread<T>(name: string, fn: () => T): T {
  return context.run({ owner: undefined, thread: name }, fn);
}

/**
 * Wraps a task function of a main-loop pool so that the code it runs (and everything it
 * awaits) knows its owner; it keeps the virtual thread's name.
 */
export function ownedBy(owner: object, fn: TaskFunction): TaskFunction {
  return (...args: unknown[]) => context.run({ owner, thread: context.getStore()?.thread }, fn, ...args);
}

/** True while the running code is (part of) a task of `owner`. */
export function insideTaskOf(owner: object): boolean {
  return context.getStore()?.owner === owner;
}

/**
 * Name of the virtual thread running the current task, or `'MainThread'` outside tasks.
 *
 * Python equivalent: `threading.current_thread().name`.
 *
 * @returns the name, e.g. `'ThreadPoolExecutor-0_1'`.
 * @example
 * ```ts
 * const ex = new ThreadPoolExecutor(2, { thread_name_prefix: 'io' });
 * await ex.submit(() => currentThreadName()); // 'io_0'
 * ```
 */
export function currentThreadName(): string {
  return context.getStore()?.thread ?? 'MainThread';
}
