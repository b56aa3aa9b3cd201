/**
 * Rebuilds errors thrown in workers so the caller gets the same class, name, message, code and
 * own properties, with the worker-side stack as `cause` (a RemoteTraceback), as CPython
 * re-raises a worker's exception with its remote traceback attached.
 *
 * @module
 * @internal
 */
import { MaybeEncodingError, RemoteTraceback } from './errors.js';
import type { EncodedError, EncodedThrown } from './worker/protocol.js';

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

/** Rebuilds a thrown value sent by a worker. Non-Error values come back as they were thrown. */
export function decodeThrown(encoded: EncodedThrown): unknown {
  return encoded.isError ? decodeError(encoded) : encoded.value;
}

function decodeError(encoded: EncodedError): Error {
  const error = instantiate(encoded);
  Object.assign(error, encoded.props);
  if (error.name !== encoded.name) {
    Object.defineProperty(error, 'name', { value: encoded.name, writable: true, configurable: true, enumerable: false });
  }
  const remoteCause = encoded.cause ? decodeThrown(encoded.cause) : undefined;
  const traceback = new RemoteTraceback(encoded.stack, remoteCause === undefined ? undefined : { cause: remoteCause });
  Object.defineProperty(error, 'cause', { value: traceback, writable: true, configurable: true, enumerable: false });
  return error;
}

function instantiate(encoded: EncodedError): Error {
  if (encoded.pypoolClass === 'MaybeEncodingError') return new MaybeEncodingError(encoded.message);
  if (encoded.errors) return new AggregateError(encoded.errors.map(decodeThrown), encoded.message);
  const ctor = BUILT_IN_ERRORS[encoded.base] ?? Error;
  return new ctor(encoded.message);
}
