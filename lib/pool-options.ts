/**
 * Reads and validates the arguments of `new Pool(...)`, in either form: Python's positional
 * `(processes, initializer, initargs, maxtasksperchild)` or one options object.
 *
 * @module
 */
import type { TaskFunction } from './engine/engine.js';
import type { Runtime } from './engine/worker-engine-options.js';
import { cpu_count } from './process-info.js';
import { toModuleUrl } from './task-function.js';
import { registeredTaskModules, type registerTaskModule } from './task-modules.js';
import { resolveRemoteOptions, type RemoteOptions, type ResolvedRemoteOptions } from './remote/options.js';
import {
  MAX_WORKERS,
  argumentList,
  checkOptionKeys,
  formatValue,
  optionalFunction,
  positiveInteger,
  resourceLimitsOption,
  runtimeOption,
  type ResourceLimits,
} from './validate.js';

/**
 * Options of {@link Pool} (and {@link ThreadPool}, which rejects `runtime`, `module` and
 * `resourceLimits`): the object form of `new Pool(...)`.
 *
 * Python equivalent: the keyword arguments of `multiprocessing.Pool(...)`, plus `runtime`,
 * `module` and `resourceLimits`, which Python does not need.
 *
 * @example
 * ```ts
 * // Python: Pool(processes=4, initializer=init, initargs=(42,), maxtasksperchild=100)
 * const pool = new Pool({ processes: 4, initializer: init, initargs: [42], maxtasksperchild: 100, module: import.meta.url });
 * ```
 */
export interface PoolOptions {
  /** Number of workers. Default: {@link cpu_count}(). Python: `processes`. */
  processes?: number | null;
  /** Runs once in every worker before its first task. Python: `initializer`. */
  initializer?: TaskFunction | null;
  /** Arguments of the initializer. Python: `initargs`. */
  initargs?: readonly unknown[];
  /** Replace a worker after it has run this many tasks (chunks). Python: `maxtasksperchild`. */
  maxtasksperchild?: number | null;
  /** `'thread'` (default): worker threads. `'process'`: child processes (full OS isolation). */
  runtime?: Runtime;
  /**
   * Task module(s) (URL, `file:` URL string or path) whose exported functions may be used as
   * task functions; usually `import.meta.url`.
   */
  module?: string | URL | readonly (string | URL)[];
  /**
   * Heap and stack limits of each worker thread (`runtime: 'thread'` only: a TypeError with
   * `runtime: 'process'`). Ranges: `stackSizeMb` 0.5–4096, `maxOldGenerationSizeMb` ≥ 8.
   */
  resourceLimits?: ResourceLimits;
  /**
   * Run the tasks on remote `pypool-worker` processes through a BullMQ queue on Redis instead
   * of local workers (see the distributed guide). Needs `module`; the workers take the
   * initializer and maxtasksperchild on their command line.
   */
  remote?: RemoteOptions;
}

/** Validated options. */
export interface ResolvedPoolOptions {
  readonly processes: number;
  readonly initializer: TaskFunction | undefined;
  readonly initargs: readonly unknown[];
  readonly maxtasksperchild: number | undefined;
  readonly runtime: Runtime;
  readonly modules: readonly string[];
  readonly resourceLimits: PoolOptions['resourceLimits'];
  readonly remote: ResolvedRemoteOptions | undefined;
}

/** The keys of {@link PoolOptions}, for the unknown-option check. */
export const POOL_OPTION_KEYS: readonly string[] = ['processes', 'initializer', 'initargs', 'maxtasksperchild', 'runtime', 'module', 'resourceLimits', 'remote'];

/**
 * Accepts `new Pool(processes?, initializer?, initargs?, maxtasksperchild?)` or
 * `new Pool({ ... })`. `processes` is at most {@link MAX_WORKERS}.
 * @throws TypeError / RangeError naming the bad argument.
 */
export function resolvePoolOptions(
  first: number | PoolOptions | null | undefined,
  initializer?: TaskFunction | null,
  initargs?: readonly unknown[],
  maxtasksperchild?: number | null,
): ResolvedPoolOptions {
  const options: PoolOptions =
    typeof first === 'object' && first !== null
      ? first
      : { processes: first, initializer, initargs: initargs ?? [], maxtasksperchild };
  if (Array.isArray(first)) throw new TypeError('Pool options must be a number of processes or an options object, got an array');
  checkOptionKeys(first, POOL_OPTION_KEYS, 'Pool');
  const runtime = runtimeOption(options.runtime);
  return {
    processes: positiveInteger(options.processes, 'processes', cpu_count(), MAX_WORKERS),
    initializer: optionalFunction(options.initializer, 'initializer'),
    initargs: argumentList(options.initargs ?? [], 'initargs'),
    maxtasksperchild: positiveInteger(options.maxtasksperchild, 'maxtasksperchild', 0) || undefined,
    runtime,
    modules: moduleList(options.module),
    resourceLimits: resourceLimitsOption(options.resourceLimits, runtime),
    remote: remoteOption(options),
  };
}

/**
 * Validates the `module` option (one or several task modules) of Pool and ProcessPoolExecutor,
 * and adds the modules registered with {@link registerTaskModule} (once each).
 */
export function moduleList(value: PoolOptions['module']): readonly string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const given = list.map((m: unknown) => {
    if (typeof m === 'string' && m.length > 0) return m;
    if (m instanceof URL) return m.href;
    throw new TypeError(`module must be a URL, a file: URL string or a path (e.g. import.meta.url), got ${formatValue(m)}`);
  });
  const urls = new Set(given.map(toModuleUrl));
  return [...given, ...registeredTaskModules().filter((url) => !urls.has(url))];
}

/**
 * Validates the `remote` option. A remote pool's workers are configured on their command line
 * (pypool-worker --initializer, --maxtasksperchild, --runtime), so those options are refused.
 */
function remoteOption(options: PoolOptions): ResolvedRemoteOptions | undefined {
  if (options.remote === undefined || options.remote === null) return undefined;
  const remote = resolveRemoteOptions(options.remote);
  for (const key of ['initializer', 'maxtasksperchild', 'runtime', 'resourceLimits'] as const) {
    const value = options[key];
    if (value !== undefined && value !== null) {
      throw new TypeError(`${key} does not apply to a remote pool: the remote workers take it on their command line (pypool-worker --${key === 'resourceLimits' ? 'runtime' : key.toLowerCase()} ...); see the distributed guide`);
    }
  }
  if (options.initargs !== undefined && options.initargs.length > 0) throw new TypeError('initargs does not apply to a remote pool: give them to the workers (pypool-worker --initargs JSON)');
  return remote;
}
