/**
 * How pools and executors print: `String(pool)` and `util.inspect(pool)` (console.log) give
 * CPython's `repr()` form instead of `[object Object]` or a dump of private fields.
 *
 * @module
 */
import type { EngineState } from './engine/engine.js';

/**
 * What {@link Pool.state} returns: CPython's `pool._state`.
 *
 * Python equivalent: `multiprocessing.pool.RUN`, `CLOSE`, `TERMINATE`.
 *
 * @example
 * ```ts
 * const pool = new Pool(2);
 * pool.close();
 * console.log(pool.state); // 'CLOSE'
 * ```
 */
export type PoolStateName = 'RUN' | 'CLOSE' | 'TERMINATE';

/** @internal The engine's state under CPython's name. */
export function poolStateName(state: EngineState): PoolStateName {
  if (state === 'running') return 'RUN';
  return state === 'closed' ? 'CLOSE' : 'TERMINATE';
}

/** @internal `<pypool.Pool state=RUN pool_size=2>`, as CPython's `<multiprocessing.pool.Pool state=RUN pool_size=2>`. */
export function poolRepr(className: string, state: PoolStateName, size: number): string {
  return `<pypool.${className} state=${state} pool_size=${size}>`;
}

/** @internal `<pypool.ThreadPoolExecutor max_workers=4>`; CPython prints only the address. */
export function executorRepr(className: string, maxWorkers: number): string {
  return `<pypool.${className} max_workers=${maxWorkers}>`;
}
