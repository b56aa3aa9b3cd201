/**
 * Reads and validates the arguments of `new Pool(...)`, in either form: Python's positional
 * `(processes, initializer, initargs, maxtasksperchild)` or one options object.
 *
 * @module
 */
import type { TaskFunction } from './engine/engine.js';
import type { Runtime } from './engine/worker-engine-options.js';
import { cpu_count } from './process-info.js';
import { describe } from './timeout.js';

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
  /** Heap limits of each worker thread (`runtime: 'thread'` only). */
  resourceLimits?: {
    /** Main heap size limit, in MB (a worker that exceeds it dies: WorkerLostError). */
    maxOldGenerationSizeMb?: number;
    /** Young-generation heap size limit, in MB. */
    maxYoungGenerationSizeMb?: number;
    /** Stack size of the worker thread, in MB. */
    stackSizeMb?: number;
  };
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
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['processes', 'initializer', 'initargs', 'maxtasksperchild', 'runtime', 'module', 'resourceLimits']);

/**
 * Accepts `new Pool(processes?, initializer?, initargs?, maxtasksperchild?)` or
 * `new Pool({ ... })`.
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
  if (typeof first === 'object' && first !== null) {
    if (Array.isArray(first)) throw new TypeError('Pool options must be a number of processes or an options object, got an array');
    for (const key of Object.keys(first)) {
      if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`Unknown Pool option "${key}"; known options: ${[...KNOWN_OPTIONS].join(', ')}`);
    }
  }
  return {
    processes: positiveInteger(options.processes, 'processes', cpu_count()),
    initializer: optionalFunction(options.initializer, 'initializer'),
    initargs: argumentList(options.initargs ?? [], 'initargs'),
    maxtasksperchild: options.maxtasksperchild == null ? undefined : positiveInteger(options.maxtasksperchild, 'maxtasksperchild', 1),
    runtime: runtime(options.runtime),
    modules: moduleList(options.module),
    resourceLimits: resourceLimits(options.resourceLimits),
  };
}

const RESOURCE_LIMITS: ReadonlySet<string> = new Set(['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'stackSizeMb']);

/** Validates `resourceLimits` (Node would accept nonsense here and fail later, in every worker). */
function resourceLimits(value: unknown): PoolOptions['resourceLimits'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`resourceLimits must be an object, got ${describe(value)}`);
  for (const [key, limit] of Object.entries(value)) {
    if (!RESOURCE_LIMITS.has(key)) throw new TypeError(`Unknown resourceLimits key "${key}"; known keys: ${[...RESOURCE_LIMITS].join(', ')}`);
    if (limit === undefined) continue;
    if (typeof limit !== 'number' || Number.isNaN(limit)) throw new TypeError(`resourceLimits.${key} must be a number of megabytes, got ${describe(limit)}`);
    if (!(limit > 0)) throw new RangeError(`resourceLimits.${key} must be greater than 0, got ${limit}`);
  }
  return value as PoolOptions['resourceLimits'];
}

/** Validates an integer ≥ 1; `null`/`undefined` give `fallback`. */
export function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${name} must be an integer, got ${describe(value)}`);
  if (value < 1) throw new RangeError(`${name} must be at least 1, got ${value}`);
  return value;
}

/** Validates an optional function. */
export function optionalFunction(value: unknown, name: string): TaskFunction | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function (or omitted), got ${describe(value)}`);
  return value as TaskFunction;
}

/** Validates an argument list (Python's args tuple). */
export function argumentList(value: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of arguments, got ${describe(value)}`);
  return value;
}

function runtime(value: unknown): Runtime {
  if (value === undefined) return 'thread';
  if (value !== 'thread' && value !== 'process') throw new TypeError(`runtime must be 'thread' or 'process', got ${describe(value)}`);
  return value;
}

/** Validates the `module` option (one or several task modules) of Pool and ProcessPoolExecutor. */
export function moduleList(value: PoolOptions['module']): readonly string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((m: unknown) => {
    if (typeof m === 'string' && m.length > 0) return m;
    if (m instanceof URL) return m.href;
    throw new TypeError(`module must be a URL, a file: URL string or a path (e.g. import.meta.url), got ${describe(m)}`);
  });
}
