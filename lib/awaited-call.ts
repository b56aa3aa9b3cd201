/**
 * The awaited forms of the pool's methods (`apply`, `map`, `starmap`) report every error as a
 * rejection, as an async function would: a caller that awaits them needs one error path only.
 *
 * @module
 * @internal
 */

/** The promise `start()` returns, or a rejected promise with what `start()` threw. */
export function awaitedCall<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}
