/**
 * Finds the variables of its enclosing scope that an inline task function reads under the name
 * of a worker global: `import crypto from 'node:crypto'` then `(s) => crypto.createHash(...)`.
 * Compiled in the worker's global scope, such a function would silently use the worker's global
 * (the Web Crypto `crypto`, the callback `setTimeout`) instead of failing with the closure-
 * variable error that every other captured variable gets (docs/task-functions.md). The names
 * found travel with the function (FunctionSpec.captured): the worker refuses them only when the
 * function is compiled inline, since a task-module export runs with its own imports.
 *
 * The enclosing scopes are read through the inspector protocol (V8's [[Scopes]] of the function),
 * on the main thread's own session, synchronously. That costs about half a millisecond, once per
 * distinct function source, and only for sources that mention one of the names below.
 *
 * @module
 * @internal
 */
import { createRequire } from 'node:module';
import type { Session as InspectorSession } from 'node:inspector';

/**
 * Globals of every worker that programs also import or declare under the same name. `require` is
 * not among them: the worker gives inline tasks a `require` of their own on purpose.
 */
const IMPORTABLE_GLOBALS = [
  'crypto', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
  'performance', 'URL', 'URLSearchParams', 'Buffer', 'TextEncoder', 'TextDecoder', 'fetch', 'Blob', 'File',
  'EventTarget', 'Event', 'AbortController', 'AbortSignal', 'MessageChannel', 'MessagePort', 'BroadcastChannel',
  'structuredClone', 'process', 'console', 'queueMicrotask', 'atob', 'btoa', 'navigator', 'WebSocket',
  'Headers', 'Request', 'Response', 'FormData', 'ReadableStream', 'WritableStream', 'TransformStream',
];
/** A mention of one of those names that is not a property access (`x.crypto`, `x?.crypto`). */
const MENTION = new RegExp(`(?<![.\\w$])(?:${IMPORTABLE_GLOBALS.join('|')})(?![\\w$])`, 'g');
const PROBE_KEY = '__pypoolScopeProbe';

let session: InspectorSession | null | undefined;

/**
 * The names among the worker's globals that `fn` reads from its enclosing scopes with a value
 * other than the global's, sorted. An import that is the global itself (`node:process`,
 * `performance` from `node:perf_hooks`) is the same in the worker and is not reported.
 */
export function capturedGlobals(fn: object, source: string): string[] {
  const mentioned = new Set(source.match(MENTION));
  if (mentioned.size === 0) return [];
  return shadowedGlobals(fn, mentioned).sort();
}

/** Variables of `fn`'s enclosing scopes (not the global one) among `names` whose value is not the global's. */
function shadowedGlobals(fn: object, names: ReadonlySet<string>): string[] {
  const inspector = connect();
  if (!inspector) return [];
  const globals = globalThis as Record<string, unknown>;
  globals[PROBE_KEY] = fn;
  try {
    const probe = post<{ result: { objectId?: string } }>(inspector, 'Runtime.evaluate', { expression: `globalThis.${PROBE_KEY}`, objectGroup: PROBE_KEY });
    const own = post<{ internalProperties?: Property[] }>(inspector, 'Runtime.getProperties', { objectId: probe.result.objectId, ownProperties: true });
    const scopes = own.internalProperties?.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
    if (!scopes) return [];
    const found = new Set<string>();
    for (const scope of properties(inspector, scopes)) {
      if (!scope.value?.objectId || scope.value.description === 'Global') continue;
      for (const variable of properties(inspector, scope.value.objectId)) {
        if (names.has(variable.name) && !isTheGlobal(inspector, variable)) found.add(variable.name);
      }
    }
    return [...found];
  } catch {
    return []; // an inspector that misbehaves must never stop a task from being sent
  } finally {
    delete globals[PROBE_KEY];
    try {
      post(inspector, 'Runtime.releaseObjectGroup', { objectGroup: PROBE_KEY });
    } catch {
      // Nothing held.
    }
  }
}

/** Whether a scope variable holds the very global of its name (every such global is an object). */
function isTheGlobal(inspector: InspectorSession, variable: Property): boolean {
  const objectId = variable.value?.objectId;
  if (!objectId) return false;
  const same = post<{ result: { value?: unknown } }>(inspector, 'Runtime.callFunctionOn', {
    objectId,
    functionDeclaration: 'function (name) { return this === globalThis[name]; }',
    arguments: [{ value: variable.name }],
    returnByValue: true,
  });
  return same.result.value === true;
}

interface Property {
  readonly name: string;
  readonly value?: { readonly objectId?: string; readonly description?: string };
}

function properties(inspector: InspectorSession, objectId: string): Property[] {
  return post<{ result: Property[] }>(inspector, 'Runtime.getProperties', { objectId, ownProperties: true }).result;
}

/** The main thread's inspector session, connected once; null when Node has no inspector. */
function connect(): InspectorSession | null {
  if (session !== undefined) return session;
  try {
    const { Session } = createRequire(import.meta.url)('node:inspector') as typeof import('node:inspector');
    session = new Session();
    session.connect();
  } catch {
    session = null;
  }
  return session;
}

/** A same-thread session answers synchronously: the callback has run when post() returns. */
function post<T>(inspector: InspectorSession, method: string, params: object): T {
  let answer: T | undefined;
  let failure: Error | null = null;
  (inspector.post as (m: string, p: object, cb: (error: Error | null, result: T) => void) => void)(method, params, (error, result) => {
    failure = error;
    answer = result;
  });
  if (failure) throw failure;
  if (answer === undefined) throw new Error(`no synchronous answer to ${method}`);
  return answer;
}
