/**
 * `ProcessPoolExecutor`: runs calls in worker threads or child processes.
 *
 * @module
 */
import { inspect } from 'node:util';
import { executorRepr } from '../pool-repr.js';
import { WorkerEngine } from '../engine/worker-engine.js';
import { checkMayStartWorkers } from '../main-guard.js';
import type { Engine } from '../engine/engine.js';
import { RemoteEngine } from '../remote/remote-engine.js';
import { resolveRemoteOptions, type RemoteOptions } from '../remote/options.js';
import type { Runtime } from '../engine/worker-engine-options.js';
import { cpu_count } from '../process-info.js';
import { moduleList } from '../pool-options.js';
import { MAX_WORKERS, brokenPoolError, checkSendableInitargs, positiveInteger, runtimeOption } from '../validate.js';
import { Executor, checkInitializer, splitConstructorArguments, type InitializerOptions } from './executor.js';

/** The keys of {@link ProcessPoolExecutorOptions}. */
const OPTION_KEYS: readonly string[] = ['initializer', 'initargs', 'max_tasks_per_child', 'maxTasksPerChild', 'runtime', 'module', 'remote'];

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
  /**
   * Run the calls on remote `pypool-worker` processes through a BullMQ queue on Redis (see the
   * distributed guide). Needs `module`; initializer and max_tasks_per_child go to the workers.
   */
  remote?: RemoteOptions;
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
  protected readonly engine: Engine;
  /** The number of workers (CPython's `_max_workers`). */
  readonly max_workers: number;

  /**
   * @param max_workers - number of workers; default `cpu_count()`. May also be an options
   *   object holding `max_workers`.
   * @param options - `initializer`, `initargs`, `max_tasks_per_child`, `runtime`, `module`.
   * @throws TypeError when an argument has the wrong type or an option is unknown; RangeError
   *   when `max_workers` is not in 1..1024 or `max_tasks_per_child < 1`; SerializationError
   *   when an element of `initargs` cannot be sent to a worker.
   */
  constructor(
    max_workers?: number | null | (ProcessPoolExecutorOptions & { max_workers?: number | null }),
    options?: ProcessPoolExecutorOptions,
  ) {
    super();
    if (typeof options === 'object' && options !== null && 'mp_context' in options) {
      throw new TypeError("ProcessPoolExecutor has no mp_context option: use runtime: 'thread' (worker threads) or 'process' (child processes)");
    }
    const args = splitConstructorArguments(max_workers, options, OPTION_KEYS, 'ProcessPoolExecutor');
    this.max_workers = positiveInteger(args.maxWorkers, 'max_workers', cpu_count(), MAX_WORKERS);
    const { initializer, initargs } = checkInitializer(args.options);
    const runtime = runtimeOption(args.options.runtime);
    const module = args.options.module;
    const maxTasksPerChild = positiveInteger(args.options.max_tasks_per_child ?? args.options.maxTasksPerChild, 'max_tasks_per_child', 0) || undefined;
    if (args.options.remote !== undefined && args.options.remote !== null) {
      if (initializer || initargs.length > 0 || maxTasksPerChild !== undefined || args.options.runtime !== undefined) {
        throw new TypeError('initializer, initargs, max_tasks_per_child and runtime do not apply to a remote executor: give them to the workers (pypool-worker --initializer NAME --initargs JSON --maxtasksperchild N --runtime ...)');
      }
      this.engine = new RemoteEngine({ processes: this.max_workers, modules: moduleList(module), remote: resolveRemoteOptions(args.options.remote) });
      return;
    }
    // Arguments the workers could not receive would stop every worker from starting.
    checkSendableInitargs(initargs, runtime);
    checkMayStartWorkers('a ProcessPoolExecutor');
    this.engine = new WorkerEngine({
      processes: this.max_workers,
      initializer,
      initargs,
      maxtasksperchild: maxTasksPerChild,
      runtime,
      modules: moduleList(module),
      // One call per message keeps every call but the next one per worker cancellable.
      maxBatch: 1,
      brokenError: this.onBroken,
    });
  }

  /**
   * Python equivalent: `repr(executor)` (CPython prints the class and the address).
   * @example
   * ```ts
   * console.log(String(new ProcessPoolExecutor(4))); // <pypool.ProcessPoolExecutor max_workers=4>
   * ```
   */
  override toString(): string {
    return executorRepr(this.constructor.name, this.max_workers);
  }

  /** `console.log(executor)` prints the same as `String(executor)`. */
  [inspect.custom](): string {
    return this.toString();
  }

  protected brokenError(cause: unknown, message?: string): Error {
    return brokenPoolError('process', cause, message);
  }

  /** Also rejects functions that cannot be sent to a worker, at once. */
  protected override checkFunction(fn: unknown, method: string): void {
    super.checkFunction(fn, method);
    this.engine.checkFunction?.(fn as (...args: unknown[]) => unknown);
  }
}
