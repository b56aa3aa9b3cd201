/**
 * `remote_workers(pool)`: which pypool-worker processes serve a remote pool's queue.
 *
 * @module
 */
import type { Engine } from '../engine/engine.js';
import { RemoteEngine } from './remote-engine.js';

/**
 * The `host:pid` of every pypool-worker connected to the queue of a remote `Pool` or
 * `ProcessPoolExecutor` (empty: nobody will run its jobs; see also the `noWorkers` event).
 *
 * Python equivalent: none (Ray: `ray.nodes()`).
 *
 * @throws TypeError when `pool` is not a remote pool or executor.
 * @example
 * ```ts
 * const pool = new Pool({ remote: { redis: 'redis://127.0.0.1:6379', queue: 'jobs' }, module: import.meta.url });
 * if ((await remote_workers(pool)).length === 0) console.warn('start some pypool-worker processes');
 * ```
 */
export async function remote_workers(pool: object): Promise<string[]> {
  const engine = (pool as { engine?: Engine }).engine;
  if (!(engine instanceof RemoteEngine)) throw new TypeError('remote_workers() needs a Pool or ProcessPoolExecutor created with the remote option');
  return engine.workers();
}

/**
 * camelCase alias of {@link remote_workers}. Python equivalent: none (Ray: `ray.nodes()`).
 * @example
 * ```ts
 * console.log(await remoteWorkers(pool)); // e.g. [ 'host-a:4242', 'host-b:977' ]
 * ```
 */
export const remoteWorkers = remote_workers;
