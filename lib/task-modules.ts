/**
 * `registerTaskModule()`: a module that defines task functions says so once, and every pool
 * created afterwards loads it in its workers. A reusable helper that creates pools for its
 * callers (a map-reduce class) can then run their exported functions without a `module`
 * option threaded through every call.
 *
 * Opt-in and explicit: pypool never imports a caller's module by itself, since importing an
 * unguarded script in a worker runs its main code there.
 *
 * @module
 */
import { toModuleUrl } from './task-function.js';
import { formatValue } from './validate.js';

const registered: string[] = [];

/**
 * Registers a task module: `Pool`s and `ProcessPoolExecutor`s created afterwards load it in
 * each of their workers, as if it were in their `module` option, so its exported functions
 * can be their task functions. Call it at the top of the module, with `import.meta.url`; the
 * module's main code must be guarded (`if (current_process().name === 'MainProcess')`),
 * since every worker imports it. Registering the same module twice is a no-op.
 *
 * Python equivalent: none needed; pickle finds a function by its module name, and every worker
 * imports that module.
 *
 * @param module - the module's URL (`import.meta.url`), a `file:` URL string or a path.
 * @throws TypeError when `module` is not a URL, a string or a path.
 * @example
 * ```ts
 * // caller.ts: its exports run in the pools that mapreduce.ts creates
 * import { registerTaskModule, current_process } from 'pypool';
 * import { SimpleMapReduce } from './mapreduce.js';
 * registerTaskModule(import.meta.url);
 * export const words = (line: string) => line.split(' ');
 * if (current_process().name === 'MainProcess') console.log(await new SimpleMapReduce(words).run(lines));
 * ```
 */
export function registerTaskModule(module: string | URL): void {
  if (!(module instanceof URL) && (typeof module !== 'string' || module.length === 0)) {
    throw new TypeError(`registerTaskModule() takes a module URL, a file: URL string or a path (e.g. import.meta.url), got ${formatValue(module)}`);
  }
  const url = toModuleUrl(module);
  if (!registered.includes(url)) registered.push(url);
}

/** @internal The registered task modules, in registration order. */
export function registeredTaskModules(): readonly string[] {
  return registered;
}
