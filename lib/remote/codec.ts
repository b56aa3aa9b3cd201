/**
 * The exact encoding of values on top of BullMQ's JSON: `v8.serialize` (the format Node uses
 * between processes), base64-encoded. It keeps undefined, NaN, ±Infinity, -0, BigInt, Date,
 * Map, Set, RegExp, typed arrays and nested objects; errors travel apart, through the
 * worker error codec, so they keep their class, code, properties and remote stack.
 *
 * @module
 * @internal
 */
import { deserialize, serialize } from 'node:v8';
import { SerializationError } from '../errors.js';
import { errorText } from '../wire/sendable.js';

/**
 * Encodes `value` to base64. `what` names it in errors.
 * @throws SerializationError when it cannot be serialised or is larger than `maxBytes`.
 */
export function encodePayload(value: unknown, what: string, maxBytes: number): string {
  let bytes: Buffer;
  try {
    bytes = serialize(value);
  } catch (error) {
    throw new SerializationError(`Cannot send ${what} to a remote worker: ${errorText(error)}`);
  }
  if (bytes.length > maxBytes) {
    throw new SerializationError(
      `Cannot send ${what} through Redis: it is ${bytes.length} bytes, more than the cap of ${maxBytes} bytes (remote.maxPayloadBytes); use a smaller chunksize or pass a reference (a key, a URL) instead of the data`,
    );
  }
  return bytes.toString('base64');
}

/** Decodes what {@link encodePayload} made. */
export function decodePayload<T>(payload: string): T {
  return deserialize(Buffer.from(payload, 'base64')) as T;
}
