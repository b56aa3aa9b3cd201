/**
 * Well-known built-in functions (Math.sqrt, String, JSON.stringify, parseInt...), which travel
 * by name: as task functions, as arguments and as results. Both sides use this file, so a name
 * given by one side means the same function on the other.
 *
 * @module
 * @internal
 */

/** Namespaces whose functions are sent as `Namespace.name`. */
const NAMESPACES: Readonly<Record<string, unknown>> = { Math, JSON, Number, String, Object, Array, Reflect, Atomics, BigInt, Date, Promise };
let names: Map<unknown, string> | undefined;

/** The name a well-known built-in function is sent by (`Math.sqrt`), or undefined. */
export function builtInName(fn: unknown): string | undefined {
  if (!names) {
    names = new Map();
    for (const [nsName, ns] of Object.entries(NAMESPACES)) addFunctions(names, ns as object, `${nsName}.`);
    addFunctions(names, globalThis, '');
  }
  return names.get(fn);
}

/** The built-in function sent under `name` (the inverse of builtInName), or undefined. */
export function builtInByName(name: string): ((...args: unknown[]) => unknown) | undefined {
  const [first, second, extra] = name.split('.');
  if (extra !== undefined || first === undefined) return undefined;
  const owner: unknown = second === undefined ? globalThis : NAMESPACES[first];
  if (owner === undefined || owner === null) return undefined;
  const value: unknown = Object.getOwnPropertyDescriptor(owner, second ?? first)?.value;
  return typeof value === 'function' && builtInName(value) === name ? (value as (...args: unknown[]) => unknown) : undefined;
}

/** Adds the plain function-valued properties of `owner` (getters are skipped: they may warn). */
function addFunctions(found: Map<unknown, string>, owner: object, prefix: string): void {
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(owner))) {
    const value: unknown = descriptor.value;
    if (typeof value === 'function' && !found.has(value)) found.set(value, `${prefix}${key}`);
  }
}
