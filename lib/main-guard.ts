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

/**
 * Where this code runs in a tree of pools: `depth` 0 on the main thread of the main process, 1
 * in a worker of a pool created there, and so on; `daemon` in a worker of a `Pool` (not of a
 * `ProcessPoolExecutor`). Set by the worker entry from its init message.
 */
export interface WorkerNesting {
  readonly depth: number;
  readonly daemon: boolean;
}

/**
 * Deepest nesting at which a ProcessPoolExecutor's worker may still start workers. A script
 * whose unguarded code creates pools only after an await escapes the import check below; this
 * bound (like CPython's rule for `Pool` workers) still stops it from growing without end.
 */
export const MAX_NESTING = 3;

let nesting: WorkerNesting = { depth: 0, daemon: false };

/** Called by the worker entry with what its init message said. */
export function setWorkerNesting(value: WorkerNesting): void {
  nesting = value;
}

/** The nesting of workers started from here (for the init message). */
export function childNesting(daemon: boolean): WorkerNesting {
  return { depth: nesting.depth + 1, daemon };
}

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
 * Throws when this code may not start workers: while this worker is importing a task module,
 * inside a `Pool`'s worker, or nested {@link MAX_NESTING} levels deep.
 * @param what - what was being created, e.g. `'a Pool'`.
 * @throws PoolStateError that shows the main guard.
 */
export function checkMayStartWorkers(what: string): void {
  const url = globals[IMPORTING_KEY];
  // The import check first: its advice (the main guard) is the more precise one.
  if (typeof url !== 'string') return checkNesting(what);
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

/**
 * CPython's rule for pool workers ("daemonic processes are not allowed to have children"): a
 * worker of a `Pool` starts no workers of its own; a ProcessPoolExecutor's worker may (as in
 * CPython 3.9+), down to {@link MAX_NESTING} levels.
 * @throws PoolStateError that says what to do instead.
 */
function checkNesting(what: string): void {
  if (nesting.daemon) {
    throw new PoolStateError(
      `Cannot start ${what} inside a worker of a Pool (${current_process().name}): Pool workers start no workers of their own, ` +
        "as in CPython (\"daemonic processes are not allowed to have children\"). Use a ThreadPool inside the task, " +
        'or a ProcessPoolExecutor as the outer pool (its workers may start pools). If this pool is created by your ' +
        "script's top-level code, guard it with if (current_process().name === 'MainProcess') (docs/porting-guide.md).",
    );
  }
  if (nesting.depth >= MAX_NESTING) {
    throw new PoolStateError(
      `Cannot start ${what} in ${current_process().name}: pools are already nested ${nesting.depth} deep, the most pypool allows (${MAX_NESTING}). ` +
        "This usually means the script's top-level code creates pools without the main guard " +
        "(if (current_process().name === 'MainProcess'); see docs/porting-guide.md), so every worker that imports it starts more workers.",
    );
  }
}
