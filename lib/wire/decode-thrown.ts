/**
 * Rebuilds errors thrown in workers so the caller gets the same class, name, message, code and
 * own properties, with the worker-side stack as `cause` (a RemoteTraceback), as CPython
 * re-raises a worker's exception with its remote traceback attached.
 *
 * @module
 * @internal
 */
import { MaybeEncodingError, RemoteTraceback, SerializationError } from '../errors.js';
import { knownReference } from './known-exports.js';
import { NOT_COPIED } from './encode-thrown.js';
import type { EncodedError, EncodedThrown } from './protocol.js';

type ErrorConstructorLike = new (message?: string) => Error;

const BUILT_IN_ERRORS: Readonly<Record<string, ErrorConstructorLike>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Own properties that the rebuilt error gets from dedicated fields of the encoding, never from `props`. */
const SET_APART = new Set(['name', 'message', 'stack', 'cause', 'errors']);

/**
 * pypool's own codes. A task's error carrying one would pass for pypool's error with callers
 * that branch on `err.code` (a task re-throwing the TimeoutError of a pool it uses itself would
 * read as "the result is not ready yet"), so it arrives prefixed with {@link TASK_CODE_PREFIX}.
 */
const POOL_CODE = /^ERR_POOL(_|$)/;
/** Prefix given to a task error's own `code` that starts with ERR_POOL. */
export const TASK_CODE_PREFIX = 'TASK_';

/** Rebuilds a thrown value sent by a worker. Non-Error values come back as they were thrown. */
export function decodeThrown(encoded: EncodedThrown): unknown {
  return encoded.isError ? decodeError(encoded) : encoded.value;
}

function decodeError(encoded: EncodedError): Error {
  const error = instantiate(encoded);
  copyProps(error, encoded.props, encoded.pypoolClass === undefined);
  if (error.name !== encoded.name) {
    Object.defineProperty(error, 'name', { value: encoded.name, writable: true, configurable: true, enumerable: false });
  }
  const remoteCause = encoded.cause ? decodeThrown(encoded.cause) : undefined;
  const traceback = new RemoteTraceback(encoded.stack, {
    ...(remoteCause === undefined ? {} : { cause: remoteCause }),
    ...(encoded.unsent ? { unsent: encoded.unsent } : {}),
  });
  Object.defineProperty(error, 'cause', { value: traceback, writable: true, configurable: true, enumerable: false });
  return error;
}

/**
 * Copies the sent own properties. Defined, not assigned: assignment would run setters (a
 * `__proto__` key would replace the prototype). Keys that would break the error are skipped
 * (the worker does not send them either).
 */
function copyProps(error: Error, props: Record<string, unknown>, fromTask: boolean): void {
  for (const key of Object.keys(props)) {
    if (SET_APART.has(key) || NOT_COPIED.has(key)) continue;
    let value = props[key];
    if (fromTask && key === 'code' && typeof value === 'string' && POOL_CODE.test(value)) value = TASK_CODE_PREFIX + value;
    Object.defineProperty(error, key, { value, writable: true, enumerable: true, configurable: true });
  }
}

function instantiate(encoded: EncodedError): Error {
  if (encoded.pypoolClass === 'MaybeEncodingError') return new MaybeEncodingError(encoded.message);
  if (encoded.pypoolClass === 'SerializationError') return new SerializationError(encoded.message);
  const error = encoded.errors || encoded.base === 'AggregateError'
    ? new AggregateError((encoded.errors ?? []).map(decodeThrown), encoded.message)
    : new (BUILT_IN_ERRORS[encoded.base] ?? Error)(encoded.message);
  return asClass(error, encoded);
}

/**
 * Gives the error its task-module class when the caller knows that class (registerExports, see
 * docs/errors.md): `instanceof` then holds, as for an unpickled exception. The error stays a
 * native error of its built-in base (its internal slot, stack and `util.inspect` output); only
 * its prototype changes. Its constructor is not run in the caller: its fields arrive as sent.
 */
function asClass(error: Error, encoded: EncodedError): Error {
  if (!encoded.classRef) return error;
  const cls = knownReference(encoded.classRef);
  const proto: unknown = typeof cls === 'function' ? (cls as { prototype?: unknown }).prototype : undefined;
  if (typeof proto === 'object' && proto !== null && proto instanceof Error) Object.setPrototypeOf(error, proto);
  return error;
}
