/**
 * The main thread's side of functions and classes sent by reference (lib/wire/function-refs.ts):
 * which of its own functions a reference coming back from a worker stands for. Task modules are
 * never imported by the main thread (a script that is its own task module would run again), so
 * it knows only what it has seen: the functions it sent by reference, and what the program
 * registered with {@link registerExports}.
 *
 * @module
 */
import { MaybeEncodingError } from '../errors.js';
import { builtInByName } from './built-ins.js';
import type { FunctionRef } from './function-refs.js';

/** Functions and classes by `name\0source`. Exports live as long as their module: held strongly. */
const known = new Map<string, object>();

function keyOf(name: string, source: string): string {
  return `${name}\0${source}`;
}

/** Records that `fn`, sent by reference as `ref`, is the main thread's function for it. */
export function rememberReference(ref: FunctionRef, fn: object): void {
  if (ref.source !== undefined && !ref.builtIn) known.set(keyOf(ref.name, ref.source), fn);
}

/**
 * Makes task-module exports known to the main thread, so that what a worker sends back by
 * reference arrives as these very objects: an error of an exported class is rebuilt as that class
 * (`instanceof` holds, see docs/errors.md), an exported function returned by a task arrives
 * callable. Pass an object of exports, usually the module namespace itself. Nothing is imported:
 * only what is passed here (or was sent to a worker as an argument) is known. Registering a
 * value that is not a task-module export does no harm: workers only ever refer to exports.
 *
 * Python equivalent: none is needed in Python, where pickle finds a class or function again by
 * its module and name (`copyreg` is the closest explicit registration).
 *
 * @example
 * ```ts
 * // tasks.ts (the pool's task module)
 * export class QuotaError extends Error {}
 * export function check(n: number): number { if (n > 3) throw new QuotaError(`over: ${n}`); return n; }
 * // main.ts
 * import { Pool, registerExports } from 'pypool';
 * import * as tasks from './tasks.js';
 * registerExports(tasks);
 * const pool = new Pool({ module: new URL('./tasks.js', import.meta.url) });
 * try { await pool.apply(tasks.check, [5]); } catch (e) { console.log(e instanceof tasks.QuotaError); } // true
 * ```
 */
export function registerExports(exports: Readonly<Record<string, unknown>>): void {
  for (const name of Object.keys(exports)) {
    const value = exports[name];
    if (typeof value === 'function') known.set(keyOf(name, Function.prototype.toString.call(value)), value);
  }
}

/** The main thread's function or class for `ref`, or undefined when it does not know it. */
export function knownReference(ref: FunctionRef): object | undefined {
  if (ref.builtIn) return builtInByName(ref.name);
  return ref.source === undefined ? undefined : known.get(keyOf(ref.name, ref.source));
}

/** Like knownReference, for a value coming back: an unknown function fails that result. */
export function resolveOnMainThread(ref: FunctionRef, path: string): object {
  const found = knownReference(ref);
  if (found) return found;
  throw new MaybeEncodingError(
    `Error sending result: ${path} is the function ${ref.name} of a task module, which the main thread does not know ` +
      `(functions travel by reference, as Python pickles them, and task modules are never imported by the main thread); ` +
      `register it first: registerExports({ ${ref.name} }), or registerExports(await import('./tasks.js'))`,
  );
}
