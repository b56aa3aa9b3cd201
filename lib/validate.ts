/**
 * The one place where pypool checks what callers pass in, and words the errors: every entry
 * point (Pool, ThreadPool, the executors, wait, as_completed) calls these helpers, so the same
 * mistake gets the same message everywhere. Messages name the argument (or option) and show
 * the value that was given; where CPython has its own wording for the same mistake, the
 * message quotes it too, so a search for the Python error still finds the line.
 *
 * @module
 * @internal
 */
import { BrokenProcessPool, BrokenThreadPool, PoolStateError, SerializationError } from './errors.js';
import type { TaskFunction } from './engine/engine.js';
import type { Runtime } from './engine/worker-engine-options.js';
import { findUnsendable } from './wire/sendable.js';

/**
 * A short description of a value for error messages: `string "abc"`, `number 5`, `an array`,
 * `an object (Foo)`, `function f`, `async generator function g`.
 *
 * @example
 * ```ts
 * formatValue('abc'); // '"abc"'
 * formatValue(new Map()); // 'an object (Map)'
 * ```
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'function') return `${functionKind(value)} ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : `an object (${className(value)})`;
  return `${typeof value} ${String(value)}`;
}

/** `function`, `async function`, `generator function` or `async generator function`. */
function functionKind(fn: object): string {
  const tag = (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (tag === 'AsyncFunction') return 'async function';
  if (tag === 'GeneratorFunction') return 'generator function';
  if (tag === 'AsyncGeneratorFunction') return 'async generator function';
  return 'function';
}

/**
 * The class name of an object. Generator objects have no `constructor.name` of their own (their
 * prototype chain ends in the unnamed %GeneratorFunction.prototype%), so their string tag names
 * them instead (`AsyncGenerator`), never an empty string.
 */
function className(value: object): string {
  if (Object.getPrototypeOf(value) === null) return 'null prototype';
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === 'string' && name !== '') return name;
  const tag: unknown = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return typeof tag === 'string' && tag !== '' ? tag : 'unnamed class';
}

/**
 * True for anything with a callable `then`: a promise, or a thenable from another library.
 *
 * @example
 * ```ts
 * isThenable(Promise.resolve(1)); // true
 * isThenable({ then: 1 }); // false
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** CPython's own wording of the same mistakes, quoted after ours (see the module comment). */
const PYTHON_WORDING: Readonly<Record<string, string>> = {
  max_workers: 'max_workers must be greater than 0',
  max_tasks_per_child: 'max_tasks_per_child must be >= 1',
  initializer: 'initializer must be a callable',
};

function withPython(message: string, name: string): string {
  const python = PYTHON_WORDING[name];
  return python ? `${message} (Python: '${python}')` : message;
}

/**
 * Most workers (threads or child processes) one pool may start. Each one is a whole V8 isolate
 * (about 10 MB of memory and an OS thread or process), and extra workers beyond the CPUs only
 * add memory for CPU-bound work; so a count above this is a mistake (a byte count, `1e9`), which
 * would otherwise abort the whole process while starting workers. CPython's Windows limit of
 * 61 is a platform limit, not a rule for us. Pools that run on the main loop (ThreadPool,
 * ThreadPoolExecutor) start no workers and have no such bound.
 */
export const MAX_WORKERS = 1024;

/**
 * Validates an integer ≥ 1 (and ≤ `max`, when given); `null`/`undefined` give `fallback`.
 *
 * @throws TypeError when it is not an integer; RangeError when it is out of range.
 * @example
 * ```ts
 * positiveInteger(undefined, 'processes', 4); // 4
 * positiveInteger(0, 'chunksize', 1); // RangeError: chunksize must be at least 1, got 0
 * ```
 */
export function positiveInteger(value: unknown, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${name} must be an integer, got ${formatValue(value)}`);
  if (value < 1) throw new RangeError(withPython(`${name} must be at least 1, got ${value}`, name));
  if (value > max) throw new RangeError(`${name} must be at most ${max}, got ${value}${max === MAX_WORKERS ? WHY_MAX_WORKERS : ''}`);
  return value;
}

const WHY_MAX_WORKERS = ': each worker is a thread or process of its own, and more workers than CPUs do not run CPU-bound work faster';

/**
 * Validates a required function.
 *
 * @throws TypeError naming the argument.
 * @example
 * ```ts
 * requireFunction(f, 'the task function');
 * ```
 */
export function requireFunction(value: unknown, name: string): TaskFunction {
  if (typeof value !== 'function') throw new TypeError(withPython(`${name} must be a function, got ${formatValue(value)}`, name));
  return value as TaskFunction;
}

/**
 * Validates an optional function: `null`/`undefined` give `undefined`.
 *
 * @throws TypeError naming the argument.
 * @example
 * ```ts
 * optionalFunction(options.initializer, 'initializer');
 * ```
 */
export function optionalFunction(value: unknown, name: string): TaskFunction | undefined {
  if (value === undefined || value === null) return undefined;
  return requireFunction(value, name);
}

/**
 * Validates an argument list (Python's args tuple).
 *
 * @throws TypeError naming the argument.
 * @example
 * ```ts
 * argumentList(args ?? [], 'args');
 * ```
 */
export function argumentList(value: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of arguments, got ${formatValue(value)}`);
  return value;
}

/**
 * Validates the `runtime` option.
 *
 * @throws TypeError for anything but `'thread'` or `'process'`.
 * @example
 * ```ts
 * runtimeOption(undefined); // 'thread'
 * ```
 */
export function runtimeOption(value: unknown): Runtime {
  if (value === undefined) return 'thread';
  if (value !== 'thread' && value !== 'process') throw new TypeError(`runtime must be 'thread' or 'process', got ${formatValue(value)}`);
  return value;
}

/**
 * Rejects keys of an options object that are not in `known`, naming the key and suggesting the
 * closest known one (a typo such as `chunkSize` or `callbak` would otherwise be ignored).
 * `null`/`undefined` pass; a non-object is the caller's business.
 *
 * @throws TypeError `Unknown map_async option "chunkSize"; did you mean "chunksize"? Known options: ...`.
 * @example
 * ```ts
 * checkOptionKeys({ timout: 1 }, ['timeout', 'chunksize'], 'executor.map'); // TypeError
 * ```
 */
export function checkOptionKeys(options: unknown, known: readonly string[], what: string): void {
  if (typeof options !== 'object' || options === null) return;
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw unknownOption(key, known, what);
  }
}

/** The TypeError for an unknown option `key` (see {@link checkOptionKeys}). */
export function unknownOption(key: string, known: readonly string[], what: string): TypeError {
  const suggestion = closestName(key, known);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  return new TypeError(`Unknown ${what} option "${key}"${hint} Known options: ${known.join(', ')}`);
}

/**
 * The known name closest to `key` (edit distance ignoring case and underscores, at most a
 * third of the name's length, at least 2; a prefix counts as 1), or `undefined` when nothing is close. On a tie the
 * first known name wins: lists give the Python (snake_case) name before its camelCase alias.
 */
export function closestName(key: string, known: readonly string[]): string | undefined {
  const wanted = normalizeName(key);
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 3)) + 1;
  for (const name of known) {
    const candidate = normalizeName(name);
    // A truncated name (`chunk` for `chunksize`) counts as one typo.
    const truncated = wanted.length >= 3 && (candidate.startsWith(wanted) || wanted.startsWith(candidate));
    const distance = truncated ? 1 : editDistance(wanted, candidate);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** `cancel_futures` and `cancelFutures` compare equal. */
function normalizeName(name: string): string {
  return name.toLowerCase().replaceAll('_', '');
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Heap and stack limits of a worker thread (Node's `resourceLimits`), in MB.
 *
 * Python equivalent: none (CPython's pool processes take no memory limits).
 *
 * @example
 * ```ts
 * const pool = new Pool({ processes: 2, resourceLimits: { maxOldGenerationSizeMb: 256 } });
 * ```
 */
export interface ResourceLimits {
  /** Main heap size limit, in MB (a worker that exceeds it dies: WorkerLostError). */
  maxOldGenerationSizeMb?: number;
  /** Young-generation heap size limit, in MB. */
  maxYoungGenerationSizeMb?: number;
  /** Stack size of the worker thread, in MB. */
  stackSizeMb?: number;
}

/**
 * Accepted range of each `resourceLimits` key, measured with Node 20 worker threads (Linux,
 * 23 GB of RAM). stackSizeMb: 0.2 overflows while Node starts the thread and kills the main
 * process; 0.25 fails inside the worker's start-up; 0.3 starts (1,000 frames deep); 32768 is
 * refused by the OS (a bare EAGAIN: the stack must fit in memory) while 16384 starts. So 0.5
 * (margin over 0.3) to 4096 (room for several workers on a machine with a few GB).
 * maxOldGenerationSizeMb: up to 4 a pypool worker cannot even start (the pool breaks at once),
 * 8 runs tasks. Every limit must be finite: `Infinity` would be silently clamped by V8.
 */
const RESOURCE_LIMIT_RANGES: Readonly<Record<keyof ResourceLimits, readonly [min: number, max: number]>> = {
  maxOldGenerationSizeMb: [8, Number.MAX_SAFE_INTEGER],
  maxYoungGenerationSizeMb: [Number.MIN_VALUE, Number.MAX_SAFE_INTEGER],
  stackSizeMb: [0.5, 4096],
};

/**
 * Validates `resourceLimits`: an object of known keys whose values are finite numbers in the
 * range a worker can live with (Node accepts nonsense here and fails later: in every worker, or
 * by killing the whole process). Worker threads only: child processes ignore these limits.
 *
 * @throws TypeError for a non-object, an unknown key, a non-number or `runtime: 'process'`;
 *   RangeError naming the key and the limit for a value out of range.
 * @example
 * ```ts
 * resourceLimitsOption({ stackSizeMb: 8 }, 'thread');
 * ```
 */
export function resourceLimitsOption(value: unknown, runtime: Runtime): ResourceLimits | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`resourceLimits must be an object, got ${formatValue(value)}`);
  if (runtime === 'process') {
    throw new TypeError(
      "resourceLimits applies to worker threads only (runtime: 'thread'); child processes would silently ignore it. " +
        'For runtime: \'process\', start your program with NODE_OPTIONS="--max-old-space-size=MB --stack-size=KB" (child processes inherit it).',
    );
  }
  const known = Object.keys(RESOURCE_LIMIT_RANGES);
  for (const [key, limit] of Object.entries(value)) {
    const range = RESOURCE_LIMIT_RANGES[key as keyof ResourceLimits] as readonly [number, number] | undefined;
    if (!range) throw unknownOption(key, known, 'resourceLimits');
    if (limit === undefined) continue;
    if (typeof limit !== 'number' || Number.isNaN(limit)) throw new TypeError(`resourceLimits.${key} must be a number of megabytes, got ${formatValue(limit)}`);
    if (!(limit > 0)) throw new RangeError(`resourceLimits.${key} must be greater than 0, got ${limit}`);
    if (!Number.isFinite(limit)) throw new RangeError(`resourceLimits.${key} must be a finite number of megabytes, got ${limit}`);
    const [min, max] = range;
    if (limit < min) throw new RangeError(`resourceLimits.${key} must be at least ${min} (MB), got ${limit}: a worker cannot start with less`);
    if (limit > max) throw new RangeError(`resourceLimits.${key} must be at most ${max} (MB), got ${limit}: the OS refuses larger thread stacks`);
  }
  return value as ResourceLimits;
}

/**
 * Checks, when the pool is created, that the initializer's arguments can be sent to a worker:
 * otherwise every worker would fail to start and every task would wait forever. CPython raises
 * at construction too (pickling `initargs` for the first process).
 *
 * @throws SerializationError naming `initargs[i]` and the path inside it.
 * @example
 * ```ts
 * checkSendableInitargs([Symbol('x')], 'thread'); // SerializationError: initargs[0] is a symbol; ...
 * ```
 */
export function checkSendableInitargs(initargs: readonly unknown[], runtime: Runtime): void {
  for (let i = 0; i < initargs.length; i++) {
    const problem = findUnsendable(initargs[i], `initargs[${i}]`, { sharedMemory: runtime === 'thread' });
    if (problem) throw new SerializationError(`${problem}. The initializer's arguments are sent to every worker; pass plain data`);
  }
}

/**
 * The error of submitting to a pool that was closed or terminated (CPython's
 * `ValueError("Pool not running")`).
 *
 * @example
 * ```ts
 * if (engine.state !== 'running') throw poolNotRunning();
 * ```
 */
export function poolNotRunning(): PoolStateError {
  return new PoolStateError('Pool not running');
}

/**
 * The error of every task of a broken pool: BrokenProcessPool for worker pools, BrokenThreadPool
 * for pools on the main loop, with what broke it (usually the initializer's error) as `cause`.
 * `message` says why when it was not the initializer (a task module failed to load, workers kept
 * dying at start-up).
 *
 * @example
 * ```ts
 * brokenPoolError('thread', initializerError);
 * ```
 */
export function brokenPoolError(kind: 'process' | 'thread', cause: unknown, message?: string): BrokenProcessPool | BrokenThreadPool {
  return kind === 'process'
    ? new BrokenProcessPool(message ?? 'A worker initializer failed, the pool cannot run tasks anymore; see the cause', { cause })
    : new BrokenThreadPool(message ?? 'A thread initializer failed, the thread pool cannot run tasks anymore; see the cause', { cause });
}
