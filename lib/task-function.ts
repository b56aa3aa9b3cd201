/**
 * Describes a task function so a worker can rebuild it: by its source code (a task module's
 * export of the same name and source is used instead, inside the worker), or by name for a
 * well-known built-in (Math.sqrt, String, ...). Each function is described once and cached.
 * Everything that can never run in a worker is refused here, at submission, with a TypeError
 * that says how to fix it, rather than failing later inside the worker.
 *
 * @module
 * @internal
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type { TaskFunction } from './engine/engine.js';
import type { FunctionSpec } from './wire/protocol.js';
import { formatValue } from './validate.js';
import { capturedGlobals } from './captured-names.js';
import { builtInName } from './wire/built-ins.js';
import type { FunctionRef } from './wire/function-refs.js';
import { rememberReference } from './wire/known-exports.js';

/** A described function with a process-wide id, used to send its description once per worker. */
export interface RegisteredFunction {
  readonly id: number;
  readonly spec: FunctionSpec;
}

let nextId = 1;
/**
 * Per-function cache, in two generations: a V8 WeakMap keeps the capacity of its largest
 * population after its keys die (1,000,000 fresh closures alive at once left ~32 MB for good),
 * so the current generation is dropped for a fresh one every {@link GENERATION_SIZE} entries.
 * A function found in the older generation is moved to the current one; one that fell out of
 * both is found again by its source (below), at the cost of one toString().
 */
let currentGeneration = new WeakMap<TaskFunction, RegisteredFunction>();
let olderGeneration = new WeakMap<TaskFunction, RegisteredFunction>();
let generationCount = 0;
const GENERATION_SIZE = 4096;
/**
 * Functions with the same name and source share one id, so `pool.apply((x) => x, [i])` in a
 * loop (a new closure object each time) sends and compiles the function once per worker, not
 * once per call. Bounded, in case a program makes endless distinct sources.
 */
const sourceCache = new Map<string, RegisteredFunction>();
const SOURCE_CACHE_LIMIT = 1000;

/** The registered function for this name and source, described by `compile` on a cache miss. */
function bySource(name: string, source: string, compile: () => string, captures: () => readonly string[] = () => []): RegisteredFunction {
  const key = `${name}\0${source}`;
  let registered = sourceCache.get(key);
  if (!registered) {
    // Captured imports are looked for once per source: closures of one source come from one place
    // in the code, so they read the same scopes (a loop of fresh closures probes once).
    const compiled = compile();
    const captured = captures();
    registered = { id: nextId++, spec: { source: compiled, name, ...(captured.length > 0 ? { captured } : {}) } };
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
  const registered = currentGeneration.get(fn);
  if (registered) return registered;
  const described = olderGeneration.get(fn) ?? describeUncached(fn);
  if (++generationCount > GENERATION_SIZE) {
    olderGeneration = currentGeneration;
    currentGeneration = new WeakMap();
    generationCount = 1;
  }
  currentGeneration.set(fn, described);
  return described;
}

/**
 * The source text V8 gives every native or bound function: `function name() { [native code] }`
 * (also `function get size() { [native code] }`). Anchored, so a function of ours that merely
 * mentions "[native code]" (in a string, a comment) is not mistaken for one.
 */
const NATIVE_SOURCE = /^function\s*(?:[gs]et\s+)?[^\s(]*\s*\(\)\s*\{\s*\[native code\]\s*\}$/;

function describeUncached(fn: TaskFunction): RegisteredFunction {
  const source = Function.prototype.toString.call(fn);
  if (NATIVE_SOURCE.test(source)) {
    const builtIn = builtInName(fn);
    if (builtIn) return bySource(builtIn, builtIn, () => builtIn);
    throw new TypeError(
      `Task function ${fn.name || '(anonymous)'} is a bound or native function, whose source cannot be sent to a worker. ` +
        `Wrap it in a self-contained arrow function, e.g. (x) => Math.sqrt(x), or export it from a task module.`,
    );
  }
  checkResultSendable(fn);
  return bySource(fn.name, source, () => compilableSource(fn, source), () => capturedGlobals(fn, source));
}

/** A generator's result is a generator object, which can never be sent back from a worker. */
function checkResultSendable(fn: TaskFunction): void {
  const tag = (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (tag !== 'GeneratorFunction' && tag !== 'AsyncGeneratorFunction') return;
  throw new TypeError(
    `Task function ${formatValue(fn)} returns a generator, which cannot be sent back from a worker. ` +
      'Collect its values in the task (return [...gen()] or await Array.fromAsync(gen())), or feed the items to imap().',
  );
}

/** `get x() {...}` / `set x(v) {...}`: the source of a getter or setter (possibly `static`). */
const ACCESSOR_SOURCE = /^(?:static\s+)?[gs]et[\s[]/;
/** A method shorthand whose name is computed (`[key]() {...}`): the key may read any variable. */
const COMPUTED_KEY_SOURCE = /^(?:static\s+)?(?:async\b\s*)?(?:\*\s*)?(?:[gs]et\s*)?\[/;

/**
 * Source that compiles, in the worker, to this very function. A function expression, arrow or
 * built-in is its own source. Method shorthand (`square(x) { ... }`), getters and setters are
 * not expressions: they are rebuilt from an object literal holding just them, taking its only
 * property (or accessor), whatever the method's name.
 *
 * @throws TypeError, saying what to do, for sources that cannot be rebuilt on their own.
 */
function compilableSource(fn: TaskFunction, source: string): string {
  const name = fn.name || '(anonymous)';
  if (/^class\b/.test(source)) {
    throw new TypeError(`Task function ${name} is a class, which cannot be called without new; pass a function, e.g. (...args) => ({ ...fields }), or export a factory from a task module`);
  }
  if (compiles(`(${source})`)) return source;
  const howToFix = 'rewrite it as an arrow function or a function expression (e.g. const f = (x) => ...), or export it from a task module';
  if (COMPUTED_KEY_SOURCE.test(source)) {
    throw new TypeError(`Task function ${name} is a method with a computed name, whose source cannot be rebuilt in a worker; ${howToFix}`);
  }
  const literal = `{ ${source} }`;
  const wrapped = ACCESSOR_SOURCE.test(source)
    ? `((o) => { const d = Object.getOwnPropertyDescriptor(o, Reflect.ownKeys(o)[0]); return d.get ?? d.set; })(${literal})`
    : `((o) => o[Reflect.ownKeys(o)[0]])(${literal})`;
  if (compiles(wrapped)) return wrapped;
  throw new TypeError(`Task function ${name} cannot be rebuilt from its source (a class method using private fields or super?); ${howToFix}`);
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

/**
 * How `fn`, found at `path` inside an argument, travels by reference (docs/task-functions.md):
 * a well-known built-in by name, a named function or class by name and source (the worker uses
 * its task module's export of that name and source). Returns why not, as a sentence, for a
 * function that can be no export: anonymous, bound or native.
 */
export function describeReference(fn: object, path: string): FunctionRef | string {
  const builtIn = builtInName(fn);
  if (builtIn) return { name: builtIn, builtIn: true };
  const name = (fn as { name?: unknown }).name;
  const shown = typeof name === 'string' && name !== '' ? name : 'anonymous';
  const source = Function.prototype.toString.call(fn);
  const why = NATIVE_SOURCE.test(source) ? 'a bound or native function' : shown === 'anonymous' ? 'an anonymous function' : undefined;
  if (why) {
    return (
      `${path} is a function (${shown}), ${why}, which cannot be sent to or from a worker: functions travel by reference, ` +
      `as Python pickles them ("Can't pickle <function <lambda>>: attribute lookup failed"); export a named function ` +
      `from the pool's task module (new Pool({ module: import.meta.url })) and pass that, or a well-known built-in such as Math.max`
    );
  }
  const ref: FunctionRef = { name: shown, source };
  rememberReference(ref, fn);
  return ref;
}
