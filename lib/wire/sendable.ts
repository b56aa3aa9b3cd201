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
 * How deep a value may nest. Structured clone and Node's advanced serialization recurse once per
 * level, and the receiving side overflows its stack somewhere between 1,500 and 2,500 levels
 * (measured on Node 20: a worker thread's answer is then dropped without a word, a child
 * process's crashes the main process). CPython's pickle stops even earlier (RecursionError).
 */
export const MAX_DEPTH = 1000;

/**
 * Returned (as the problem) when a value is also part of another job of the same message: the
 * engine then sends that job in a later message, so every job gets its own copy of its
 * arguments, as CPython pickles each task separately.
 */
export const SHARED_WITH_ANOTHER_JOB = 'shared with another job of the same message';

/** Options of {@link findUnsendable}. */
export interface SendCheckOptions {
  /**
   * Whether SharedArrayBuffers may be sent (worker threads: yes; child processes: no, Node's
   * advanced serialization cannot send them). Defaults to what the current worker can do.
   */
  readonly sharedMemory?: boolean;
  /**
   * Objects already claimed by jobs of the message being built, by job number: a value reached
   * from two jobs is reported as {@link SHARED_WITH_ANOTHER_JOB}.
   */
  readonly owners?: Map<object, number>;
  /** This job's number in `owners`. */
  readonly owner?: number;
  /** Also look at named properties of arrays (slow on big arrays: for diagnosing a failed send). */
  readonly thorough?: boolean;
  /**
   * Set to true when the value holds something this check cannot fully vouch for: an array not
   * checked thoroughly (structured clone also sends its named properties) or an Error (whose
   * `stack` or `message` may be a getter). Only such values need a trial clone.
   */
  readonly uncertain?: { value: boolean };
  /**
   * Functions that may travel by reference (lib/wire/function-refs.ts): without it, every
   * function is a problem.
   */
  readonly functions?: FunctionPolicy;
}

/** Which functions a check lets through, to be sent by reference, and whether it met any. */
export interface FunctionPolicy {
  /** Undefined when `fn` can be sent by reference, else why not (a sentence naming `path`). */
  refer(fn: object, path: string): string | undefined;
  /** Set to true when the check let a function through: the value must then be sent withReferences(). */
  found: boolean;
}

/**
 * Inside a child-process worker, results and errors travel by Node's advanced serialization,
 * which cannot send SharedArrayBuffers; worker threads can.
 */
const SHARED_MEMORY_BY_DEFAULT = !(isMainThread && typeof process.send === 'function');

/**
 * The objects seen by a check that tracks no sharing between jobs (cycles only). One map, reused
 * and cleared, instead of a new one per value: checks never nest, and the worker checks every
 * result.
 */
const scratchOwners = new Map<object, number>();

/** The state of one check. */
interface Walk {
  readonly sharedMemory: boolean;
  readonly owners: Map<object, number>;
  readonly owner: number;
  readonly thorough: boolean;
  readonly uncertain: { value: boolean } | undefined;
  readonly functions: FunctionPolicy | undefined;
}

/**
 * Returns `undefined` when `value` can be sent, or a sentence saying what cannot be sent and
 * where (`label` names the root, e.g. "argument 1"), or {@link SHARED_WITH_ANOTHER_JOB}.
 * Never throws: a getter or Proxy trap that throws is reported as a problem.
 */
export function findUnsendable(value: unknown, label: string, options?: SendCheckOptions): string | undefined {
  const kind = typeof value;
  if (kind !== 'object' && kind !== 'function' && kind !== 'symbol') return undefined;
  if (value === null) return undefined;
  const owners = options?.owners ?? scratchOwners;
  const walk: Walk = {
    sharedMemory: options?.sharedMemory ?? SHARED_MEMORY_BY_DEFAULT,
    owners,
    owner: options?.owner ?? 0,
    thorough: options?.thorough ?? false,
    uncertain: options?.uncertain,
    functions: options?.functions,
  };
  try {
    return inspect(value, label, walk, 0);
  } catch (error) {
    // A getter (or Proxy trap) that throws: structured clone would throw the same way.
    return `${label} cannot be read for sending (${errorText(error)}); send plain data instead`;
  } finally {
    if (owners === scratchOwners) scratchOwners.clear();
  }
}

/**
 * What a caught error says (`TypeError: …`), without any chance of throwing again: the error may
 * come from a hostile getter or Proxy. Used wherever a send or clone failure is reported.
 */
export function errorText(error: unknown): string {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return typeof text === 'string' ? text : 'unknown reason';
  } catch {
    return 'an error that cannot be described';
  }
}

function inspect(value: unknown, path: string, walk: Walk, depth: number): string | undefined {
  switch (typeof value) {
    case 'function':
      if (walk.functions) {
        const problem = walk.functions.refer(value, path);
        if (problem === undefined) walk.functions.found = true;
        return problem;
      }
      return `${path} is a function (${value.name || 'anonymous'}); functions cannot be sent to or from a worker`;
    case 'symbol':
      return `${path} is a symbol; symbols cannot be sent to or from a worker`;
    case 'object': {
      if (value === null) return undefined;
      if (depth > MAX_DEPTH) return `${shorten(path)} is nested more than ${MAX_DEPTH} levels deep, more than a worker message can carry; flatten it (e.g. a linked list into an array)`;
      const claimed = claim(value, walk);
      if (claimed !== 'new') return claimed === 'other' ? SHARED_WITH_ANOTHER_JOB : undefined;
      return inspectObject(value, path, walk, depth);
    }
    default:
      return undefined;
  }
}

/** Records that this job holds `object`: 'new', 'seen' (by this job) or 'other' (another job). */
function claim(object: object, walk: Walk): 'new' | 'seen' | 'other' {
  const owner = walk.owners.get(object);
  if (owner === undefined) {
    walk.owners.set(object, walk.owner);
    return 'new';
  }
  return owner === walk.owner ? 'seen' : 'other';
}

/** Keeps a message readable when the path of a deep value is thousands of characters long. */
function shorten(path: string): string {
  return path.length <= 80 ? path : `${path.slice(0, 60)}…${path.slice(-16)}`;
}

function inspectObject(value: object, path: string, walk: Walk, depth: number): string | undefined {
  if (types.isProxy(value)) return `${path} is a Proxy; proxies cannot be sent to or from a worker`;
  if (value instanceof SharedArrayBuffer) {
    if (walk.sharedMemory) return undefined;
    return `${path} is a SharedArrayBuffer, which cannot be sent to or from a child process (runtime: 'process'); use runtime: 'thread' or copy it into an ArrayBuffer`;
  }
  if (value instanceof ArrayBuffer) return isDetached(value) ? detachedMessage(path) : undefined;
  if (ArrayBuffer.isView(value)) return inspectView(value, path, walk, depth);
  if (value instanceof Error) return inspectError(value, path, walk, depth);
  const proto: object | null = Object.getPrototypeOf(value);
  if (!CLONEABLE_PROTOTYPES.has(proto) && hasBehaviour(proto)) {
    // Generator objects and the like have an unnamed constructor: fall back to their tag.
    const className = (proto as { constructor?: { name?: string } }).constructor?.name || Object.prototype.toString.call(value).slice(8, -1);
    return `${path} is an instance of ${className}, whose methods would be lost; send plain data (e.g. an object of its fields) instead`;
  }
  if (value instanceof Map) return inspectEntries(value, path, walk, depth);
  if (value instanceof Set) return inspectList([...value], `${path}(set item)`, walk, depth);
  if (Array.isArray(value)) {
    if (!walk.thorough && walk.uncertain) walk.uncertain.value = true;
    return inspectList(value, path, walk, depth) ?? (walk.thorough ? inspectNamedKeys(value, path, walk, depth) : undefined);
  }
  for (const key of Object.keys(value)) {
    const problem = inspect((value as Record<string, unknown>)[key], `${path}.${key}`, walk, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** A view shares its buffer: two jobs holding views on one buffer share memory. */
function inspectView(view: ArrayBufferView, path: string, walk: Walk, depth: number): string | undefined {
  const buffer = view.buffer;
  if (buffer instanceof SharedArrayBuffer) return inspectObject(buffer, `${path}.buffer`, walk, depth);
  const claimed = claim(buffer, walk);
  if (claimed === 'other') return SHARED_WITH_ANOTHER_JOB;
  return isDetached(buffer) ? detachedMessage(path) : undefined;
}

/** Structured clone sends an error's name, message, stack and `cause` (not its other properties). */
function inspectError(error: Error, path: string, walk: Walk, depth: number): string | undefined {
  if (walk.uncertain) walk.uncertain.value = true;
  if (!Object.prototype.hasOwnProperty.call(error, 'cause')) return undefined;
  return inspect((error as { cause?: unknown }).cause, `${path}.cause`, walk, depth + 1);
}

/**
 * Node 20 has no `ArrayBuffer.prototype.detached`. A detached buffer has length 0, and cloning
 * an empty buffer costs nothing, so only empty buffers are tried.
 */
function isDetached(buffer: ArrayBuffer): boolean {
  if (buffer.byteLength !== 0) return false;
  try {
    structuredClone(buffer);
    return false;
  } catch {
    return true;
  }
}

function detachedMessage(path: string): string {
  return `${path} uses an ArrayBuffer that was moved away (detached, e.g. by transfer() in another task); send a copy instead`;
}

function inspectList(list: readonly unknown[], path: string, walk: Walk, depth: number): string | undefined {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    // Fast path: most items of big arrays are primitives.
    if (item === null || (typeof item !== 'object' && typeof item !== 'function' && typeof item !== 'symbol')) continue;
    const problem = inspect(item, `${path}[${i}]`, walk, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** Named (non-index) properties of an array, which structured clone sends too. */
function inspectNamedKeys(list: readonly unknown[], path: string, walk: Walk, depth: number): string | undefined {
  for (const key of Object.keys(list)) {
    if (/^\d+$/.test(key)) continue;
    const problem = inspect((list as unknown as Record<string, unknown>)[key], `${path}.${key}`, walk, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function inspectEntries(map: Map<unknown, unknown>, path: string, walk: Walk, depth: number): string | undefined {
  for (const [key, item] of map) {
    const problem = inspect(key, `${path}(map key)`, walk, depth + 1) ?? inspect(item, `${path}.get(${String(key)})`, walk, depth + 1);
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
