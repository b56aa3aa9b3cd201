/**
 * Turns anything a task throws into plain data that can be sent to the main thread.
 * The main thread rebuilds it with `decodeThrown` (lib/wire/decode-thrown.ts).
 *
 * Whatever was thrown (getters that throw, proxies, cycles, symbols, functions), the encoder
 * never throws and its output is plain data that structured clone and `v8.serialize` accept:
 * a task's failure must fail that task only, never the batch or the worker around it.
 *
 * @module
 * @internal
 */
import { types } from 'node:util';
import type { EncodedError, EncodedThrown } from './protocol.js';
import type { FunctionRef } from './function-refs.js';
import { errorText, findUnsendable } from './sendable.js';

/** How the root of every path in the messages is named. */
const ROOT = 'the thrown value';
/** Own properties sent in their own fields of the encoding, not among `props`. */
const SENT_APART = new Set(['name', 'message', 'stack', 'cause', 'errors']);
/**
 * Own properties never copied onto the rebuilt error, with the reason: as data (functions cannot
 * be sent) they would break it in the caller. A non-callable `toString` makes `'' + err` throw,
 * a `then` makes the error a thenable that `await` unwraps, `constructor` and `__proto__` would
 * misstate or replace its class.
 */
export const NOT_COPIED: ReadonlyMap<string, string> = new Map([
  ['toString', 'it would replace the error\'s toString method, and converting the error to a string would throw'],
  ['toLocaleString', 'it would replace the error\'s toLocaleString method'],
  ['valueOf', 'it would replace the error\'s valueOf method, and converting the error to a primitive would throw'],
  ['then', 'it would make the error a thenable, which await would unwrap instead of throwing the error'],
  ['constructor', 'it would misstate the error\'s class'],
  ['__proto__', 'it would replace the error\'s class'],
]);
/** Cause chains and AggregateErrors nest; deeper errors are not sent (recursion stays bounded). */
const MAX_DEPTH = 16;
/** At most this many errors per thrown value (an AggregateError of AggregateErrors could explode). */
const MAX_ERRORS = 10_000;

/**
 * How an error's class is named by reference, when its worker has task modules (set by the
 * worker entry: lib/worker/compile.ts#errorClassReference). Never throws into the encoder.
 */
let classReference: ((error: Error) => FunctionRef | undefined) | undefined;

/** Lets errors of exported classes carry their class by reference (called once, by the worker entry). */
export function referErrorClasses(refer: (error: Error) => FunctionRef | undefined): void {
  classReference = refer;
}

/** Per-encoding bookkeeping: the errors being encoded (to stop cycles) and the error budget. */
interface Context {
  /** At most MAX_DEPTH long: a list is cheaper than a Set for the common single error. */
  readonly ancestors: object[];
  count: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Encodes a thrown value. Never throws: what cannot be read or sent is reported instead (an
 * Error's unsendable parts in `unsent`; an unsendable non-Error value as a MaybeEncodingError).
 * `explain`, if given, may replace the value first (e.g. a clearer ReferenceError); it runs
 * under the same guard, and if it throws the value is encoded as it was thrown.
 */
export function encodeThrown(thrown: unknown, explain?: (thrown: unknown) => unknown): EncodedThrown {
  try {
    return encodeAny(explained(thrown, explain), ROOT, { ancestors: [], count: 0 }, 0);
  } catch (error) {
    // Only an exotic object can get here (e.g. a prototype chain through a throwing Proxy).
    return encodingFailure(`${ROOT} cannot be read for sending (${errorText(error)})`);
  }
}

function explained(thrown: unknown, explain: ((thrown: unknown) => unknown) | undefined): unknown {
  if (!explain) return thrown;
  try {
    return explain(thrown);
  } catch {
    return thrown;
  }
}

/** Encodes a value found at `path`: an Error keeps its identity, anything else goes as data. */
function encodeAny(value: unknown, path: string, context: Context, depth: number): EncodedThrown {
  const nested = encodeNested(value, path, context, depth);
  return typeof nested === 'string' ? encodingFailure(nested) : nested;
}

/** Like encodeAny, but returns the reason (a sentence) when `value` cannot be sent. */
function encodeNested(value: unknown, path: string, context: Context, depth: number): EncodedThrown | string {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? findUnsendable(value, path)! : { isError: false, value };
  }
  if (types.isProxy(value)) return `${path} is a Proxy; proxies cannot be sent to or from a worker`;
  if (!(value instanceof Error)) {
    const copy = sendableCopy(value, path);
    return copy.problem ?? { isError: false, value: copy.value };
  }
  if (context.ancestors.includes(value)) return `${path} refers back to an error that contains it (a cycle); it is not sent again`;
  if (depth >= MAX_DEPTH) return `${path} is nested more than ${MAX_DEPTH} errors deep; it is not sent`;
  if (++context.count > MAX_ERRORS) return `${path} is beyond the first ${MAX_ERRORS} errors; it is not sent`;
  context.ancestors.push(value);
  try {
    return encodeError(value, path, context, depth);
  } finally {
    context.ancestors.pop();
  }
}

function encodeError(error: Error, path: string, context: Context, depth: number): EncodedError {
  const unsent = new Unsent();
  const base = builtInBase(error);
  const name = readString(error, 'name', path, unsent) ?? base;
  const message = readString(error, 'message', path, unsent) ?? '';
  const stack = readString(error, 'stack', path, unsent) ?? `${name}: ${message}`;
  const encoded: Mutable<EncodedError> = { isError: true, name, base, message, stack, props: encodeProps(error, path, unsent) };
  const cause = encodeCause(error, path, context, depth, unsent);
  if (cause !== undefined) encoded.cause = cause;
  if (base === 'AggregateError') encoded.errors = encodeErrors(error, path, context, depth, unsent);
  if (unsent.reasons) encoded.unsent = unsent.reasons;
  const classRef = classOf(error);
  if (classRef) encoded.classRef = classRef;
  return encoded;
}

function classOf(error: Error): FunctionRef | undefined {
  try {
    return classReference?.(error);
  } catch {
    return undefined; // a hostile prototype chain: the error goes as its built-in base, as before
  }
}

/** The parts of an error that are not sent, by property name, each with the reason. */
class Unsent {
  /** Null prototype: a property named `__proto__` is recorded like any other. */
  reasons: Record<string, string> | undefined;

  add(key: string, reason: string): void {
    this.reasons ??= Object.create(null) as Record<string, string>;
    this.reasons[key] = reason;
  }
}

/** Own enumerable properties (code, errno, custom fields); what cannot be sent goes to `unsent`. */
function encodeProps(error: Error, path: string, unsent: Unsent): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (SENT_APART.has(key)) continue;
    const notCopied = NOT_COPIED.get(key);
    if (notCopied !== undefined) {
      unsent.add(key, `${path}.${key} is not copied: ${notCopied}`);
      continue;
    }
    const value = readProperty(error, key, path);
    if (value === UNREADABLE) {
      unsent.add(key, unreadable);
      continue;
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) {
      props[key] = value; // The common case (code, errno, syscall...): nothing to check.
      continue;
    }
    const copy = sendableCopy(value, `${path}.${key}`);
    if (copy.problem !== undefined) unsent.add(key, copy.problem);
    else props[key] = copy.value;
  }
  return props;
}

function encodeCause(error: Error, path: string, context: Context, depth: number, unsent: Unsent): EncodedThrown | undefined {
  if (!('cause' in error)) return undefined;
  const value = readProperty(error, 'cause', path);
  if (value === UNREADABLE) {
    unsent.add('cause', unreadable);
    return undefined;
  }
  if (value === undefined) return undefined;
  const cause = encodeNested(value, `${path}.cause`, context, depth + 1);
  if (typeof cause !== 'string') return cause;
  unsent.add('cause', cause);
  return undefined;
}

/** The `errors` of an AggregateError; an item that cannot be sent becomes a MaybeEncodingError. */
function encodeErrors(error: Error, path: string, context: Context, depth: number, unsent: Unsent): EncodedThrown[] {
  const items = readProperty(error, 'errors', path);
  if (items === UNREADABLE) {
    unsent.add('errors', unreadable);
    return [];
  }
  if (!Array.isArray(items) || types.isProxy(items)) {
    const what = items === null ? 'null' : types.isProxy(items) ? 'a Proxy' : typeof items;
    unsent.add('errors', `${path}.errors is not an array (${what}); it is not sent`);
    return [];
  }
  const encoded: EncodedThrown[] = [];
  for (let i = 0; i < items.length; i++) {
    // An item may be a getter that throws, like any property.
    const item = readProperty(items, String(i), `${path}.errors`);
    encoded.push(item === UNREADABLE ? encodingFailure(unreadable) : encodeAny(item, `${path}.errors[${i}]`, context, depth + 1));
  }
  return encoded;
}

/**
 * A copy of `value` that is certain to serialize, or why it cannot be sent. findUnsendable names
 * the culprit (functions, symbols, class instances); structured clone then catches what it cannot
 * see (an Error holding a cyclic or symbol cause) and turns getters into plain data once.
 */
function sendableCopy(value: unknown, path: string): { value?: unknown; problem?: string } {
  const problem = findUnsendable(value, path);
  if (problem) return { problem };
  try {
    return { value: structuredClone(value) };
  } catch (error) {
    return { problem: `${path} cannot be sent (${errorText(error)})` };
  }
}

/** What readProperty returns when the property could not be read; `unreadable` then says why. */
const UNREADABLE: unique symbol = Symbol('unreadable');
let unreadable = '';

/** Reads a property that may be a getter that throws (no allocation on the common path). */
function readProperty(object: object, key: string, path: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    unreadable = `${path}.${key} cannot be read (${errorText(error)}); it is not sent`;
    return UNREADABLE;
  }
}

/** A string-valued property, or undefined (noted in `unsent` when reading it threw). */
function readString(error: Error, key: 'name' | 'message' | 'stack', path: string, unsent: Unsent): string | undefined {
  const value = readProperty(error, key, path);
  if (value === UNREADABLE) unsent.add(key, unreadable);
  return typeof value === 'string' ? value : undefined;
}

/** The encoding of a MaybeEncodingError: what the task threw could not be sent. */
function encodingFailure(problem: string): EncodedError {
  return maybeEncodingError(`Error sending what the task threw: ${problem}`);
}

/**
 * The encoding of a SerializationError with this message, rebuilt as that class in the caller:
 * an argument the worker could not take (a function reference it cannot resolve).
 */
export function serializationError(message: string): EncodedError {
  return pypoolError('SerializationError', 'ERR_POOL_SERIALIZATION', message);
}

/**
 * The encoding of a MaybeEncodingError with this message, rebuilt as that class in the caller
 * (lib/wire/decode-thrown.ts): a result or thrown value that cannot be sent back.
 */
export function maybeEncodingError(message: string): EncodedError {
  return pypoolError('MaybeEncodingError', 'ERR_POOL_ENCODING', message);
}

/** The encoding of one of pypool's own error classes, made in the worker. */
function pypoolError(name: 'SerializationError' | 'MaybeEncodingError', code: string, message: string): EncodedError {
  return { isError: true, name, base: 'Error', message, stack: `${name}: ${message}`, props: { code }, pypoolClass: name };
}

const BUILT_IN_NAMES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError']);

/** Name of the nearest built-in error class in the error's prototype chain. */
function builtInBase(error: Error): string {
  try {
    for (let p: object | null = Object.getPrototypeOf(error); p !== null; p = Object.getPrototypeOf(p)) {
      const ctor = (p as { constructor?: unknown }).constructor;
      const name = typeof ctor === 'function' ? ctor.name : undefined;
      if (name && BUILT_IN_NAMES.has(name) && (globalThis as Record<string, unknown>)[name] === ctor) return name;
    }
  } catch {
    // A `constructor` getter that throws: the error is still sent, as a plain Error.
  }
  return 'Error';
}
