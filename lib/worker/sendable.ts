/**
 * Finds values that cannot cross to or from a worker, before structured clone would either
 * throw deep inside a message (losing a whole batch) or silently strip behaviour (a class
 * instance arriving as a plain object). Used for task arguments in the main thread and for
 * task results in the worker.
 *
 * @module
 * @internal
 */

import { types } from 'node:util';
import { isMainThread } from 'node:worker_threads';

/** Prototypes whose instances structured clone copies faithfully. */
const CLONEABLE_PROTOTYPES: ReadonlySet<object | null> = new Set<object | null>([
  null,
  Object.prototype,
  Array.prototype,
  Date.prototype,
  RegExp.prototype,
  Map.prototype,
  Set.prototype,
  ArrayBuffer.prototype,
  SharedArrayBuffer.prototype,
  DataView.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  BigInt.prototype,
]);

/**
 * Inside a child-process worker, results and errors travel by Node's advanced serialization,
 * which cannot send SharedArrayBuffers; worker threads can.
 */
const SHARED_MEMORY_BY_DEFAULT = !(isMainThread && typeof process.send === 'function');
/** Whether the current check allows SharedArrayBuffers (set for the duration of one call). */
let sharedMemoryAllowed = SHARED_MEMORY_BY_DEFAULT;

/**
 * Returns `undefined` when `value` can be sent, or a sentence saying what cannot be sent and
 * where (`label` names the root, e.g. "argument 1"). Pass `sharedMemory: false` when the value
 * crosses to or from a child process: Node's advanced serialization cannot send a
 * SharedArrayBuffer, and the failure would otherwise surface as an uncaught exception.
 */
export function findUnsendable(value: unknown, label: string, options?: { sharedMemory?: boolean }): string | undefined {
  const kind = typeof value;
  if (kind !== 'object' && kind !== 'function' && kind !== 'symbol') return undefined;
  if (value === null) return undefined;
  sharedMemoryAllowed = options?.sharedMemory ?? SHARED_MEMORY_BY_DEFAULT;
  try {
    return inspect(value, label, new Set());
  } catch (error) {
    // A getter (or Proxy trap) that throws: structured clone would throw the same way.
    return `${label} cannot be read for sending (${error instanceof Error ? error.message : String(error)}); send plain data instead`;
  } finally {
    sharedMemoryAllowed = SHARED_MEMORY_BY_DEFAULT;
  }
}

function inspect(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'function':
      return `${path} is a function (${value.name || 'anonymous'}); functions cannot be sent to or from a worker`;
    case 'symbol':
      return `${path} is a symbol; symbols cannot be sent to or from a worker`;
    case 'object':
      if (value === null || seen.has(value)) return undefined;
      seen.add(value);
      return inspectObject(value, path, seen);
    default:
      return undefined;
  }
}

function inspectObject(value: object, path: string, seen: Set<object>): string | undefined {
  if (!sharedMemoryAllowed && value instanceof SharedArrayBuffer) {
    return `${path} is a SharedArrayBuffer, which cannot be sent to or from a child process (runtime: 'process'); use runtime: 'thread' or copy it into an ArrayBuffer`;
  }
  if (types.isProxy(value)) return `${path} is a Proxy; proxies cannot be sent to or from a worker`;
  if (ArrayBuffer.isView(value) || value instanceof Error) return undefined;
  const proto: object | null = Object.getPrototypeOf(value);
  if (!CLONEABLE_PROTOTYPES.has(proto) && hasBehaviour(proto)) {
    const className = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'unknown class';
    return `${path} is an instance of ${className}, whose methods would be lost; send plain data (e.g. an object of its fields) instead`;
  }
  if (value instanceof Map) return inspectEntries(value, path, seen);
  if (value instanceof Set) return inspectList([...value], `${path}(set item)`, seen);
  if (Array.isArray(value)) return inspectList(value, path, seen);
  for (const key of Object.keys(value)) {
    const problem = inspect((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
    if (problem) return problem;
  }
  return undefined;
}

function inspectList(list: readonly unknown[], path: string, seen: Set<object>): string | undefined {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    // Fast path: most items of big arrays are primitives.
    if (item === null || (typeof item !== 'object' && typeof item !== 'function' && typeof item !== 'symbol')) continue;
    const problem = inspect(item, `${path}[${i}]`, seen);
    if (problem) return problem;
  }
  return undefined;
}

function inspectEntries(map: Map<unknown, unknown>, path: string, seen: Set<object>): string | undefined {
  for (const [key, item] of map) {
    const problem = inspect(key, `${path}(map key)`, seen) ?? inspect(item, `${path}.get(${String(key)})`, seen);
    if (problem) return problem;
  }
  return undefined;
}

/** True when a prototype chain defines methods (beyond `constructor`) before Object.prototype. */
function hasBehaviour(proto: object | null): boolean {
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (Object.getOwnPropertyNames(p).some((name) => name !== 'constructor')) return true;
  }
  return false;
}
