/**
 * `ProcessPoolExecutor`: runs calls in worker threads or child processes.
 *
 * @module
 */
import { BrokenProcessPool } from '../errors.js';
import { WorkerEngine } from '../engine/worker-engine.js';
import type { Runtime } from '../engine/worker-engine-options.js';
import { cpu_count } from '../process-info.js';
import { describe } from '../timeout.js';
import { moduleList } from '../pool-options.js';
import { Executor, checkInitializer, checkMaxWorkers, splitConstructorArguments, type InitializerOptions } from './executor.js';

/**
 * Options of {@link ProcessPoolExecutor}.
 *
 * Python equivalent: the keyword arguments of `ProcessPoolExecutor(...)`; `runtime` replaces
 * `mp_context`, and `module` names the task module(s).
 * @example
 * ```ts
 * // Python: ProcessPoolExecutor(4, initializer=init, initargs=(1,), max_tasks_per_child=100)
 * const ex = new ProcessPoolExecutor(4, { initializer: init, initargs: [1], max_tasks_per_child: 100, module: import.meta.url });
 * ```
 */
export interface ProcessPoolExecutorOptions extends InitializerOptions {
  /** Replace a worker after it has run this many jobs; default never. */
  max_tasks_per_child?: number | null;
  /** camelCase alias of `max_tasks_per_child`. */
  maxTasksPerChild?: number | null;
  /** `'thread'` (worker threads, default) or `'process'` (child processes, full OS isolation). */
  runtime?: Runtime;
  /** Task module(s) whose exported functions may be submitted, e.g. `import.meta.url`. */
  module?: string | URL | readonly (string | URL)[];
}

/**
 * An executor whose calls run in parallel in worker threads (default) or child processes.
 * Functions are sent by source (self-contained inline functions) or by name (exports of a
 * task module); arguments and results are copied. A worker that dies mid-call fails only that
 * call's future with `WorkerLostError` and is replaced (CPython breaks the whole pool). Queued
 * calls stay cancellable: each worker receives one call at a time, plus one waiting.
 *
 * Python equivalent: `concurrent.futures.ProcessPoolExecutor(max_workers=None,
 * initializer=None, initargs=(), max_tasks_per_child=None)`.
 *
 * @example
 * ```ts
 * await using ex = new ProcessPoolExecutor(4);
 * const f = ex.submit((n: number) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }, 1e8);
 * console.log(await f.result());
 * ```
 */
export class ProcessPoolExecutor extends Executor {
  protected readonly engine: WorkerEngine;
  /** The number of workers (CPython's `_max_workers`). */
  readonly max_workers: number;

  /**
   * @param max_workers - number of workers; default `cpu_count()`. May also be an options
   *   object holding `max_workers`.
   * @param options - `initializer`, `initargs`, `max_tasks_per_child`, `runtime`, `module`.
   * @throws TypeError when an argument has the wrong type; RangeError when `max_workers < 1`
   *   or `max_tasks_per_child < 1`.
   */
  constructor(
    max_workers?: number | null | (ProcessPoolExecutorOptions & { max_workers?: number | null }),
    options?: ProcessPoolExecutorOptions,
  ) {
    super();
    const args = splitConstructorArguments(max_workers, options);
    this.max_workers = checkMaxWorkers(args.maxWorkers, cpu_count());
    const { initializer, initargs } = checkInitializer(args.options);
    const { runtime = 'thread', module } = args.options;
    if (runtime !== 'thread' && runtime !== 'process') {
      throw new TypeError(`runtime must be 'thread' or 'process', got ${describe(runtime)}`);
    }
    this.engine = new WorkerEngine({
      processes: this.max_workers,
      initializer,
      initargs,
      maxtasksperchild: checkMaxTasksPerChild(args.options.max_tasks_per_child ?? args.options.maxTasksPerChild),
      runtime,
      modules: moduleList(module),
      // One call per message keeps every call but the next one per worker cancellable.
      maxBatch: 1,
      brokenError: this.onBroken,
    });
  }

  protected brokenError(cause: unknown): Error {
    return new BrokenProcessPool('A process initializer failed, the process pool is not usable anymore', { cause });
  }

  /** Also rejects functions that cannot be sent to a worker, at once. */
  protected override checkFunction(fn: unknown, method: string): void {
    super.checkFunction(fn, method);
    this.engine.checkFunction(fn as (...args: unknown[]) => unknown);
  }
}

function checkMaxTasksPerChild(value: number | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`max_tasks_per_child must be an integer, got ${describe(value)}`);
  }
  if (value < 1) throw new RangeError('max_tasks_per_child must be >= 1');
  return value;
}
