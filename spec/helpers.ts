/**
 * Shared helpers of the specs.
 */

/** Rejects if `promise` has not settled within `seconds`: a hang guard, never a timing assertion. */
export function within<T>(promise: PromiseLike<T>, seconds = 15, what = 'operation'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hang guard: ${what} did not settle within ${seconds} s`)), seconds * 1000);
    Promise.resolve(promise).then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e: unknown) => { clearTimeout(timer); reject(e); },
    );
  });
}

/** Settles `promise` into `{ ok, value | error }` so specs can assert on failures. */
export async function outcome<T>(promise: PromiseLike<T>, seconds = 15): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await within(promise, seconds) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('hang guard:')) throw error;
    return { ok: false, error };
  }
}

/** Both runtimes, for specs that apply to each. */
/** The error `promise` rejects with (within the hang guard); fails the spec when it resolves. */
export async function rejection(promise: PromiseLike<unknown>): Promise<Error> {
  const settled = await outcome(promise);
  if (settled.ok) throw new Error(`expected a failure, got ${String(settled.value)}`);
  return settled.error as Error;
}

export const RUNTIMES = ['thread', 'process'] as const;
