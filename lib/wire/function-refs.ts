/**
 * Functions (and classes) travel by reference, as Python pickles them: a task-module export by
 * its name and source, a well-known built-in by its name. Inside an argument or a result, such a
 * function is replaced by a marker before the message is built, and the marker by the receiver's
 * own function of that name on arrival. Any other function cannot be sent (it is refused where it
 * is found, with a message saying what to do).
 *
 * Markers are only looked for in the calls and results a message lists as holding them
 * (JobRequest.refs, JobResponse.refs): ordinary data is never walked twice.
 *
 * @module
 * @internal
 */

/** The only key of a marker object. */
export const REF_TAG = '__pypoolRef';

/** How the receiver finds a function: a task-module export, or a well-known built-in. */
export interface FunctionRef {
  /** The export's name (or the function's own name), or the built-in's name (`Math.max`). */
  readonly name: string;
  /** The export's source text: the receiver's export must have exactly this source. */
  readonly source?: string;
  readonly builtIn?: true;
}

/** What replaces a function in a message. */
export interface RefMarker {
  readonly [REF_TAG]: FunctionRef;
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/**
 * A copy of `value` in which every function is replaced by its marker. Only containers are
 * copied (arrays, plain objects, Map, Set); leaves (dates, typed arrays, errors...) are shared.
 * `describe` is only called for functions the sendability walk has already accepted.
 */
export function withReferences(value: unknown, describe: (fn: object) => FunctionRef): unknown {
  const copies = new Map<object, unknown>();
  const copy = (item: unknown): unknown => {
    if (typeof item === 'function') return { [REF_TAG]: describe(item) } satisfies RefMarker;
    if (typeof item !== 'object' || item === null) return item;
    const done = copies.get(item);
    if (done !== undefined) return done;
    if (item instanceof Map) {
      const map = new Map<unknown, unknown>();
      copies.set(item, map);
      for (const [key, entry] of item) map.set(copy(key), copy(entry));
      return map;
    }
    if (item instanceof Set) {
      const set = new Set<unknown>();
      copies.set(item, set);
      for (const entry of item) set.add(copy(entry));
      return set;
    }
    const proto: unknown = Object.getPrototypeOf(item);
    if (!Array.isArray(item) && proto !== Object.prototype && proto !== null) return item;
    const target = (Array.isArray(item) ? new Array(item.length) : Object.create(proto as object | null)) as Record<string, unknown>;
    copies.set(item, target);
    // Object.keys also lists an array's named properties, which structured clone sends too.
    for (const key of Object.keys(item)) target[key] = copy((item as Record<string, unknown>)[key]);
    return target;
  };
  return copy(value);
}

/**
 * Replaces every marker inside `value` (a received copy, changed in place) by the function
 * `resolve` gives for it, and returns the value (a marker itself when it is the whole value).
 * `path` names the root in the errors `resolve` may throw (`argument 0`, `the result`).
 */
export function reviveReferences(value: unknown, path: string, resolve: (ref: FunctionRef, path: string) => unknown): unknown {
  const seen = new Set<object>();
  const revive = (item: unknown, at: string): unknown => {
    if (typeof item !== 'object' || item === null) return item;
    if (isMarker(item)) return resolve(item[REF_TAG], at);
    if (seen.has(item)) return item;
    seen.add(item);
    if (item instanceof Map) {
      const entries = [...item].map(([key, entry]) => [revive(key, `${at}(map key)`), revive(entry, `${at}.get(${String(key)})`)] as const);
      item.clear();
      for (const [key, entry] of entries) item.set(key, entry);
    } else if (item instanceof Set) {
      const entries = [...item].map((entry) => revive(entry, `${at}(set item)`));
      item.clear();
      for (const entry of entries) item.add(entry);
    } else if (Array.isArray(item) || isPlain(item)) {
      const record = item as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = revive(record[key], Array.isArray(item) && /^\d+$/.test(key) ? `${at}[${key}]` : `${at}.${key}`);
    }
    return item;
  };
  return revive(value, path);
}

function isMarker(item: object): item is RefMarker {
  if (!hasOwn(item, REF_TAG)) return false;
  const keys = Object.keys(item);
  return keys.length === 1 && typeof (item as Record<string, unknown>)[REF_TAG] === 'object';
}

function isPlain(item: object): boolean {
  const proto: unknown = Object.getPrototypeOf(item);
  return proto === Object.prototype || proto === null;
}
