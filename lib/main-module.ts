/**
 * The user's main module: where the `import()` and `require()` of inline task functions
 * resolve from, in the workers. pypool may be installed anywhere (a `file:` dependency, a
 * global install); the packages a task imports are the user's, installed next to their script.
 *
 * @module
 * @internal
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Set in a worker to its pool's main module, so nested pools inherit it. */
const MAIN_KEY = Symbol.for('pypool.mainModule');
const globals = globalThis as Record<symbol, unknown>;

/**
 * The main module's URL: the script Node was started with (`process.argv[1]`, with symlinks
 * resolved, as Node resolves it), or the current directory when there is none (`node -e`,
 * the REPL). Inside a worker, the main module of the pool that started it.
 */
export function mainModuleUrl(): string {
  const inherited = globals[MAIN_KEY];
  if (typeof inherited === 'string') return inherited;
  const script = process.argv[1];
  if (script) {
    try {
      return pathToFileURL(realpathSync(script)).href;
    } catch {
      // Not a file (a REPL or -e argument): resolve from the current directory.
    }
  }
  return pathToFileURL(`${process.cwd()}/`).href;
}

/** Called by the worker entry with the main module its pool sent. */
export function setMainModule(url: string): void {
  globals[MAIN_KEY] = url;
}
