/**
 * Timeouts are given in seconds, as in Python. These helpers validate them and convert to ms.
 *
 * @module
 * @internal
 */
import { formatValue } from './validate.js';

/** Largest delay setTimeout accepts; longer waits are treated as "forever". */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Converts a Python-style timeout in seconds to milliseconds.
 * `undefined`/`null` mean "wait forever" and return `undefined`. Negative values count as 0,
 * as CPython's `AsyncResult.wait(-1)` returns at once.
 *
 * @throws TypeError when the timeout is not a number.
 */
export function timeoutToMs(timeout: number | null | undefined, argName = 'timeout'): number | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new TypeError(`${argName} must be a number of seconds (or undefined to wait forever), got ${formatValue(timeout)}`);
  }
  if (timeout === Infinity) return undefined;
  const ms = Math.max(0, timeout * 1000);
  return ms > MAX_TIMER_MS ? undefined : ms;
}


/**
 * Races `promise` against a deadline. Resolves to `true` when the promise settled in time,
 * `false` when the deadline passed first. Never rejects. The timer is cleared as soon as the
 * promise settles and never keeps the process alive on its own.
 */
export function settledWithin(promise: Promise<unknown>, ms: number | undefined): Promise<boolean> {
  const settled = promise.then(() => true, () => true);
  if (ms === undefined) return settled;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void settled.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
