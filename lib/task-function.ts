/**
 * Describes a task function so a worker can rebuild it: by its source code (a task module's
 * export of the same name and source is used instead, inside the worker), or by name for a
 * well-known built-in (Math.sqrt, String, ...). Each function is described once and cached.
 *
 * @module
 * @internal
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type { TaskFunction } from './engine/engine.js';
import type { FunctionSpec } from './worker/protocol.js';

/** A described function with a process-wide id, used to send its description once per worker. */
export interface RegisteredFunction {
  readonly id: number;
  readonly spec: FunctionSpec;
}

let nextId = 1;
const inlineCache = new WeakMap<TaskFunction, RegisteredFunction>();
/**
 * Functions with the same name and source share one id, so `pool.apply((x) => x, [i])` in a
 * loop (a new closure object each time) sends and compiles the function once per worker, not
 * once per call. Bounded, in case a program makes endless distinct sources.
 */
const sourceCache = new Map<string, RegisteredFunction>();
const SOURCE_CACHE_LIMIT = 1000;
let builtInNames: Map<unknown, string> | undefined;

/** The registered function for this name and source, described by `compile` on a cache miss. */
function bySource(name: string, source: string, compile: () => string): RegisteredFunction {
  const key = `${name}\0${source}`;
  let registered = sourceCache.get(key);
  if (!registered) {
    registered = { id: nextId++, spec: { source: compile(), name } };
    if (sourceCache.size >= SOURCE_CACHE_LIMIT) sourceCache.delete(sourceCache.keys().next().value!);
    sourceCache.set(key, registered);
  }
  return registered;
}

/** Normalises a task module given as URL, `file:` URL string or path. */
export function toModuleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

/**
 * Describes `fn` for the workers, once per function (cached).
 *
 * Task modules are never imported in the main thread: a script that is its own task module and
 * awaits inside its main guard would deadlock importing itself. A function travels as its name
 * and source instead; a worker whose task module exports a function of that name with that very
 * source uses the export (with its imports and module state), and compiles the source otherwise.
 *
 * @throws TypeError when `fn` cannot be sent to a worker (bound functions, native methods that
 * are not well-known built-ins, source that does not compile).
 */
export function describeFunction(fn: TaskFunction): RegisteredFunction {
  let registered = inlineCache.get(fn);
  if (!registered) {
    registered = describeUncached(fn);
    inlineCache.set(fn, registered);
  }
  return registered;
}

function describeUncached(fn: TaskFunction): RegisteredFunction {
  const source = Function.prototype.toString.call(fn);
  if (source.includes('[native code]')) {
    const builtIn = builtInName(fn);
    if (builtIn) return bySource(builtIn, builtIn, () => builtIn);
    throw new TypeError(
      `Task function ${fn.name || '(anonymous)'} is a bound or native function, whose source cannot be sent to a worker. ` +
        `Wrap it in a self-contained arrow function, e.g. (x) => Math.sqrt(x), or export it from a task module.`,
    );
  }
  return bySource(fn.name, source, () => compilableSource(fn, source));
}

/** Method shorthand (`square(x) { ... }`) is not an expression: wrap it in an object literal. */
function compilableSource(fn: TaskFunction, source: string): string {
  if (compiles(`(${source})`)) return source;
  const wrapped = `({ ${source} })[${JSON.stringify(fn.name)}]`;
  if (compiles(`(${wrapped})`)) return wrapped;
  throw new TypeError(`Task function ${fn.name || '(anonymous)'} cannot be rebuilt from its source; use an arrow function or a task module`);
}

function compiles(expression: string): boolean {
  try {
    // Only parses: the body of the returned function is never run.
    new Function(`return ${expression};`);
    return true;
  } catch {
    return false;
  }
}

/** Maps well-known built-in functions (Math.sqrt, String, JSON.stringify, ...) to their names. */
function builtInName(fn: unknown): string | undefined {
  if (!builtInNames) {
    builtInNames = new Map();
    const namespaces: Record<string, unknown> = { Math, JSON, Number, String, Object, Array, Reflect, Atomics, BigInt, Date, Promise };
    for (const [nsName, ns] of Object.entries(namespaces)) addFunctions(builtInNames, ns as object, `${nsName}.`);
    addFunctions(builtInNames, globalThis, '');
  }
  return builtInNames.get(fn);
}

/** Adds the plain function-valued properties of `owner` (getters are skipped: they may warn). */
function addFunctions(names: Map<unknown, string>, owner: object, prefix: string): void {
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(owner))) {
    const value: unknown = descriptor.value;
    if (typeof value === 'function' && !names.has(value)) names.set(value, `${prefix}${key}`);
  }
}
