/**
 * Errors only remote pools raise.
 *
 * @module
 */
import { PoolError } from '../errors.js';

/**
 * The producer and the remote worker run different versions of a task: the export has the same
 * name but another source (hash). The job was not run.
 *
 * Python equivalent: none (pickle would run whatever the worker's module holds).
 *
 * @example
 * ```ts
 * pool.apply(square, [2]).catch((e) => { if (e instanceof RemoteVersionError) console.error('redeploy the workers:', e.message); });
 * ```
 */
export class RemoteVersionError extends PoolError {
  constructor(message: string) {
    super(message, 'ERR_POOL_REMOTE_VERSION');
  }
}

/**
 * A remote job's result cannot be had: Redis lost the job (restarted without persistence, or
 * flushed), the connection to Redis stayed down too long, or pypool or BullMQ is missing.
 * The job may or may not have run.
 *
 * Python equivalent: none.
 *
 * @example
 * ```ts
 * pool.map(work, items).catch((e) => { if (e instanceof RemoteJobError) console.error(e.message); });
 * ```
 */
export class RemoteJobError extends PoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'ERR_POOL_REMOTE_JOB', options);
  }
}
