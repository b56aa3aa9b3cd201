/**
 * Turns a function description sent by the main thread into a callable function inside the
 * worker: a task module's export of the same name and source, or the source compiled once.
 *
 * @module
 * @internal
 */
import vm from 'node:vm';
import { mainModuleUrl } from '../main-module.js';
import type { FunctionSpec } from '../wire/protocol.js';
import { builtInByName, builtInName } from '../wire/built-ins.js';
import type { FunctionRef } from '../wire/function-refs.js';

/** A task function ready to call, with what is needed to explain its failures. */
export interface CompiledFunction {
  readonly fn: (...args: unknown[]) => unknown;
  readonly spec: FunctionSpec;
}

/** Finds or compiles a function. Never throws: a failure becomes a function that throws it. */
export function compileFunction(spec: FunctionSpec): CompiledFunction {
  try {
    return { fn: findExport(spec.name, spec.source) ?? compileInline(spec), spec };
  } catch (error) {
    return { fn: () => { throw error; }, spec };
  }
}

function compileInline(spec: FunctionSpec): (...args: unknown[]) => unknown {
  if (spec.captured?.length) throw capturedVariableError(spec, spec.captured[0]!);
  const { source } = spec;
  // Indirect eval compiles in the worker's global scope: the function sees globals only,
  // exactly like a Python function pickled by reference sees its module's globals.
  const fn: unknown = DYNAMIC_IMPORT.test(source) ? compileWithImports(source) : (0, eval)(`(${source})`);
  if (typeof fn !== 'function') throw new TypeError('pypool: the task function source did not compile to a function');
  return fn as (...args: unknown[]) => unknown;
}

/** Source that may call `import()` (a false positive only costs the slower compile below). */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

/**
 * Compiles in the global scope too, but with `import()` resolving from the user's main module:
 * an indirect eval's import() resolves from this file, inside pypool's own installation, where
 * the user's packages are not.
 */
function compileWithImports(source: string): unknown {
  const loader = (vm.constants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (!loader) return (0, eval)(`(${source})`);
  silenceLoaderWarning(loader);
  return vm.runInThisContext(`(${source})`, { filename: mainModuleUrl(), importModuleDynamically: loader as never });
}

let loaderWarningSilenced = false;

/**
 * Node 20 warns, once per thread, at the first import() through this loader option, that the
 * option is experimental: a warning about pypool's internals, not the user's code. One import()
 * made here, under a filter, uses up that warning; no other warning is touched.
 */
function silenceLoaderWarning(loader: symbol): void {
  if (loaderWarningSilenced) return;
  loaderWarningSilenced = true;
  const { emitWarning } = process;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(typeof warning === 'string' ? warning : warning.message).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const loading = vm.runInThisContext('import("node:path")', { importModuleDynamically: loader as never }) as Promise<unknown>;
    loading.catch(() => undefined);
  } catch {
    // Nothing to silence then.
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** Namespaces of the task modules this worker imported at start-up. */
const taskModules: Record<string, unknown>[] = [];
/** Their URLs, to name them in errors. */
const taskModuleUrls: string[] = [];

/** Imports a task module and remembers it, so its exports can serve as task functions. */
export async function loadTaskModule(url: string): Promise<void> {
  taskModules.push((await import(url)) as Record<string, unknown>);
  taskModuleUrls.push(url);
}

/** The task-module export with this name and exactly this source, if there is one. */
function findExport(name: string, source: string): ((...args: unknown[]) => unknown) | undefined {
  if (!name) return undefined;
  for (const namespace of taskModules) {
    const candidate = namespace[name];
    if (typeof candidate === 'function' && Function.prototype.toString.call(candidate) === source) {
      return candidate as (...args: unknown[]) => unknown;
    }
  }
  return undefined;
}

/**
 * An inline function that reads a variable of its enclosing scope fails in the worker with
 * "x is not defined". Say why, and how to fix it.
 */
export function explainMissingVariable(thrown: unknown, compiled: CompiledFunction | undefined): unknown {
  if (!(thrown instanceof ReferenceError) || !compiled) return thrown;
  const match = /^(\S+) is not defined$/.exec(thrown.message);
  if (!match || !compiled.spec.source.includes(match[1]!)) return thrown;
  const name = match[1]!;
  const fnName = compiled.spec.name || 'anonymous';
  if (taskModuleUrls.length > 0) {
    // The pool has its task module(s): advising `module: import.meta.url` would mislead.
    thrown.message =
      `Task function ${fnName} reads "${name}", which does not exist in the worker. The worker loaded the task module(s) ` +
      `${taskModuleUrls.join(', ')}, but none exports a function named ${fnName} with this source, so it was sent as ` +
      `source code, without the variables of its module. Export it (export function ${fnName}...) from its module, ` +
      `or pass "${name}" as an argument.`;
    return thrown;
  }
  thrown.message =
    `Task function ${fnName} reads "${name}", which does not exist in the worker: inline task functions ` +
    `are sent as source code and cannot use variables of their enclosing scope. Pass "${name}" as an ` +
    `argument, set it on globalThis in an initializer, or export the function from a task module ` +
    `(new Pool({ module: import.meta.url })).`;
  return thrown;
}

/**
 * An inline function that reads a variable of its enclosing scope named like a worker global
 * (`import crypto from 'node:crypto'`): compiled, it would silently use the worker's global.
 */
function capturedVariableError(spec: FunctionSpec, name: string): ReferenceError {
  const what = `a variable of its enclosing scope (an import?) that would silently be the worker's global "${name}" there`;
  return new ReferenceError(closureVariableMessage(spec, name, what, `Import it inside the task (e.g. const { createHash } = await import('node:crypto'))`));
}

function closureVariableMessage(spec: FunctionSpec, name: string, what: string, firstFix: string): string {
  const fnName = spec.name || 'anonymous';
  return (
    `Task function ${fnName} reads "${name}", ${what}: inline task functions ` +
    `are sent as source code and cannot use variables of their enclosing scope. ${firstFix}, ` +
    `set it on globalThis in an initializer, or export the function from a task module ` +
    `(new Pool({ module: import.meta.url })).`
  );
}

/**
 * How `value` (a function or class met in a result or an error) travels back by reference: a
 * well-known built-in by name, a task-module export by its export name and source. Undefined for
 * anything else, which cannot be sent.
 */
export function exportReference(value: object): FunctionRef | undefined {
  const builtIn = builtInName(value);
  if (builtIn) return { name: builtIn, builtIn: true };
  for (const namespace of taskModules) {
    for (const name of Object.keys(namespace)) {
      if (namespace[name] === value) return { name, source: Function.prototype.toString.call(value) };
    }
  }
  return undefined;
}

/** Why a function met at `path` in a result cannot go back (undefined when it can, by reference). */
export function referenceProblem(fn: object, path: string): string | undefined {
  if (exportReference(fn)) return undefined;
  const name = (fn as { name?: unknown }).name;
  const shown = typeof name === 'string' && name !== '' ? name : 'anonymous';
  return (
    `${path} is a function (${shown}) that is neither an export of the pool's task module nor a well-known built-in, so it ` +
    `cannot be sent back: functions travel by reference, as Python pickles them; export it from the task module`
  );
}

/**
 * The worker's function for a reference found in an argument: the task-module export of that
 * name and source, or the built-in of that name.
 *
 * @throws Error, with a message naming `path`, when this worker has no such function.
 */
export function resolveReference(ref: FunctionRef, path: string): unknown {
  const found = ref.builtIn ? builtInByName(ref.name) : ref.source === undefined ? undefined : findExport(ref.name, ref.source);
  if (found) return found;
  const where = taskModules.length === 0 ? 'the pool has no task module (the module option)' : `no task module of the pool exports a function ${ref.name} with this very source`;
  throw new Error(
    `${path} is a function (${ref.name}), but ${where}: functions travel by reference, as Python pickles them ` +
      `("Can't pickle <function ${ref.name}>: attribute lookup ${ref.name} failed"); export it from the pool's task module ` +
      `(new Pool({ module: import.meta.url })) and pass the export`,
  );
}

/** The nearest class in `error`'s prototype chain that a task module exports, by reference. */
export function errorClassReference(error: Error): FunctionRef | undefined {
  if (taskModules.length === 0) return undefined;
  for (let p: object | null = Object.getPrototypeOf(error); p !== null && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    const ctor: unknown = Object.getOwnPropertyDescriptor(p, 'constructor')?.value;
    if (typeof ctor !== 'function') continue;
    const ref = exportReference(ctor);
    if (ref && !ref.builtIn) return ref;
  }
  return undefined;
}
