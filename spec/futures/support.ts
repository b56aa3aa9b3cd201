// Helpers shared by the futures specs.
import { expect } from 'chai';
import { outcome } from '../helpers.js';

/** Asserts that `promise` rejects with an instance of `errorClass`, and returns the error. */
export async function expectRejection(
  promise: PromiseLike<unknown>,
  errorClass: abstract new (...args: never[]) => unknown,
): Promise<unknown> {
  const got = await outcome(promise);
  expect(got.ok, 'expected a rejection').to.equal(false);
  const error = got.ok ? undefined : got.error;
  expect(error).to.be.instanceOf(errorClass);
  return error;
}

/** Collects an async iterator into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Lets pending timers, I/O and microtasks run once. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
