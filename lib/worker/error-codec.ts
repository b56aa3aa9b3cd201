/**
 * Turns anything a task throws into plain data that can be sent to the main thread.
 * The main thread rebuilds it with `decodeThrown` (lib/remote-error.ts).
 *
 * @module
 * @internal
 */
import type { EncodedThrown } from './protocol.js';
import { findUnsendable } from './sendable.js';

const SKIPPED_PROPS = new Set(['name', 'message', 'stack', 'cause', 'errors']);

/** Encodes a thrown value. Never throws. */
export function encodeThrown(thrown: unknown, depth = 0): EncodedThrown {
  if (!(thrown instanceof Error)) {
    const problem = findUnsendable(thrown, 'the thrown value');
    return { isError: false, value: problem ? String(thrown) : thrown };
  }
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) {
    if (SKIPPED_PROPS.has(key)) continue;
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (!findUnsendable(value, key)) props[key] = value;
  }
  const encoded: {
    isError: true; name: string; base: string; message: string; stack: string; props: Record<string, unknown>;
    cause?: EncodedThrown; errors?: EncodedThrown[];
  } = {
    isError: true,
    name: safeString(thrown.name, 'Error'),
    base: builtInBase(thrown),
    message: safeString(thrown.message, ''),
    stack: safeString(thrown.stack, `${thrown.name}: ${thrown.message}`),
    props,
  };
  // Depth guard: a cause chain could be cyclic.
  if (depth < 8 && 'cause' in thrown && thrown.cause !== undefined) encoded.cause = encodeThrown(thrown.cause, depth + 1);
  if (depth < 8 && thrown instanceof AggregateError) encoded.errors = thrown.errors.map((e: unknown) => encodeThrown(e, depth + 1));
  return encoded;
}

function safeString(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

const BUILT_IN_NAMES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError']);

/** Name of the nearest built-in error class in the error's prototype chain. */
function builtInBase(error: Error): string {
  for (let p: object | null = Object.getPrototypeOf(error); p !== null; p = Object.getPrototypeOf(p)) {
    const name = (p as { constructor?: { name?: string } }).constructor?.name;
    if (name && BUILT_IN_NAMES.has(name) && (globalThis as Record<string, unknown>)[name] === (p as { constructor?: unknown }).constructor) return name;
  }
  return 'Error';
}
