/**
 * `current_process()` and `cpu_count()`: who am I, and how many CPUs are there.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { threadId } from 'node:worker_threads';

/**
 * What {@link current_process} returns.
 *
 * Python equivalent: the `multiprocessing.Process` object (`name`, `pid`, `ident`, `daemon`).
 *
 * @example
 * ```ts
 * const { name, pid } = current_process(); // 'MainProcess', 12345
 * ```
 */
export interface ProcessInfo {
  /** `'MainProcess'` in the main program, `'PoolWorker-N'` inside a pool worker. */
  readonly name: string;
  /** The OS process id. Worker threads share the main process's pid. */
  readonly pid: number;
  /** The worker thread id (0 in the main thread and in child processes). */
  readonly ident: number;
  /** True inside a pool worker. */
  readonly daemon: boolean;
}

/** Where a worker records its name, before any task module is imported. */
const IDENTITY_KEY = Symbol.for('pypool.workerName');

/** @internal Called by the worker entry before it imports task modules. */
export function setWorkerName(name: string): void {
  (globalThis as Record<symbol, unknown>)[IDENTITY_KEY] = name;
}

/**
 * Describes the process (or worker) that calls it.
 *
 * Python equivalent: `multiprocessing.current_process()`. Use it to guard a task module's main
 * code, as Python scripts use `if __name__ == '__main__'`.
 *
 * @example
 * ```ts
 * export const square = (x: number) => x * x;
 * async function main() {
 *   await using pool = new Pool({ processes: 4, module: import.meta.url });
 *   console.log(await pool.map(square, [1, 2, 3]));
 * }
 * // Python: if __name__ == '__main__': main()
 * if (current_process().name === 'MainProcess') main();
 * ```
 */
export function current_process(): ProcessInfo {
  const workerName = (globalThis as Record<symbol, unknown>)[IDENTITY_KEY];
  return {
    name: typeof workerName === 'string' ? workerName : 'MainProcess',
    pid: process.pid,
    ident: threadId,
    daemon: typeof workerName === 'string',
  };
}

/**
 * Number of CPUs this process may use: the default number of pool workers.
 *
 * Python equivalent: `multiprocessing.cpu_count()` / `os.cpu_count()`.
 *
 * @example
 * ```ts
 * const pool = new Pool(cpu_count());
 * ```
 */
export function cpu_count(): number {
  return availableParallelism();
}

/**
 * camelCase alias of {@link current_process}. Python equivalent: `multiprocessing.current_process()`.
 * @example
 * ```ts
 * console.log(currentProcess().name); // 'MainProcess'
 * ```
 */
export const currentProcess = current_process;
/**
 * camelCase alias of {@link cpu_count}. Python equivalent: `multiprocessing.cpu_count()`.
 * @example
 * ```ts
 * console.log(cpuCount()); // e.g. 8
 * ```
 */
export const cpuCount = cpu_count;
