/**
 * Turns a function description sent by the main thread into a callable function inside the
 * worker: a task module's export of the same name and source, or the source compiled once.
 *
 * @module
 * @internal
 */
import type { FunctionSpec } from '../wire/protocol.js';

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
  const fn: unknown = (0, eval)(`(${source})`);
  if (typeof fn !== 'function') throw new TypeError('pypool: the task function source did not compile to a function');
  return fn as (...args: unknown[]) => unknown;
}

/** Namespaces of the task modules this worker imported at start-up. */
const taskModules: Record<string, unknown>[] = [];

/** Imports a task module and remembers it, so its exports can serve as task functions. */
export async function loadTaskModule(url: string): Promise<void> {
  taskModules.push((await import(url)) as Record<string, unknown>);
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
  thrown.message = closureVariableMessage(compiled.spec, name, 'which does not exist in the worker', `Pass "${name}" as an argument`);
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
