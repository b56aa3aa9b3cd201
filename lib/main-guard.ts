/**
 * CPython's "bootstrapping phase" check. A worker imports its task modules before it runs
 * anything; a task module whose top-level code creates a pool (a script without its main
 * guard) would make every worker start workers of its own, without end. CPython under spawn
 * raises RuntimeError there; pypool throws PoolStateError, which fails that import, so the
 * outer pool breaks at start-up with it as the cause (and never grows).
 *
 * @module
 * @internal
 */
import { PoolStateError } from './errors.js';
import { current_process } from './process-info.js';

/** Set (to the module's URL) by the worker entry while it imports a task module. */
const IMPORTING_KEY = Symbol.for('pypool.importingTaskModule');
const globals = globalThis as Record<symbol, unknown>;

/** Runs `load` (the import of the task module `url`) with the "importing" mark set. */
export async function whileImportingTaskModule(url: string, load: () => Promise<void>): Promise<void> {
  globals[IMPORTING_KEY] = url;
  try {
    await load();
  } finally {
    delete globals[IMPORTING_KEY];
  }
}

/**
 * Throws when called while this worker is importing a task module.
 * @param what - what was being created, e.g. `'a Pool'`.
 * @throws PoolStateError that shows the main guard.
 */
export function checkNotImportingTaskModule(what: string): void {
  const url = globals[IMPORTING_KEY];
  if (typeof url !== 'string') return;
  throw new PoolStateError(
    `An attempt has been made to start ${what} while this worker (${current_process().name}) is still importing its task module ${url}.\n\n` +
      'This probably means that the module creates pools in its top-level code, without the main guard, so every ' +
      "worker that imports it would start workers of its own. Guard the main code, as Python's " +
      "`if __name__ == '__main__':` does:\n\n" +
      "    if (current_process().name === 'MainProcess') {\n" +
      '      // create and use the pools here\n' +
      '    }\n\n' +
      'See "Guarding the main module" in pypool\'s porting guide (docs/porting-guide.md).',
  );
}
