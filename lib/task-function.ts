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
let builtInNames: Map<unknown, string> | undefined;

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
    registered = { id: nextId++, spec: describeSource(fn) };
    inlineCache.set(fn, registered);
  }
  return registered;
}

function describeSource(fn: TaskFunction): FunctionSpec {
  const source = Function.prototype.toString.call(fn);
  if (source.includes('[native code]')) {
    const builtIn = builtInName(fn);
    if (builtIn) return { source: builtIn, name: builtIn };
    throw new TypeError(
      `Task function ${fn.name || '(anonymous)'} is a bound or native function, whose source cannot be sent to a worker. ` +
        `Wrap it in a self-contained arrow function, e.g. (x) => Math.sqrt(x), or export it from a task module.`,
    );
  }
  return { source: compilableSource(fn, source), name: fn.name };
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
