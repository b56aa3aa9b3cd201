/**
 * What one step of an imap delivers to a `next()` call: a value, the end, the failure of an
 * item, or nothing yet (lib/imap/imap-stream.ts takes them, lib/imap/waiters.ts hands them out).
 *
 * @module
 * @internal
 */

/** Nothing can be delivered yet. */
export const PENDING = Symbol('pending');

/** An item that failed: its error is raised at its position. */
export class Failure {
  constructor(readonly error: unknown) {}
}

/** A value or the end, or an item's failure. */
export type Step = IteratorResult<unknown, undefined> | Failure;

/** A fresh end-of-iteration result (callers may keep or change it). */
export function done(): IteratorReturnResult<undefined> {
  return { value: undefined, done: true };
}
