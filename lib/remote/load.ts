/**
 * Loads BullMQ and ioredis, the optional peer dependencies, only when a remote pool or
 * pypool-worker needs them: local users install nothing.
 *
 * @module
 * @internal
 */
import type * as BullMQ from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { RemoteJobError } from './errors.js';

/** The two modules a remote pool uses. */
export interface RemoteLibraries {
  readonly bullmq: typeof BullMQ;
  readonly Redis: typeof RedisClient;
}

let loading: Promise<RemoteLibraries> | undefined;

/**
 * Imports bullmq and ioredis once.
 * @throws RemoteJobError (as a rejection) naming what to install when either is missing.
 */
export function loadRemoteLibraries(): Promise<RemoteLibraries> {
  loading ??= (async () => {
    try {
      const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
      return { bullmq, Redis: ioredis.Redis };
    } catch (error) {
      loading = undefined;
      throw new RemoteJobError('Remote pools need the optional peer dependencies bullmq and ioredis: run `npm install bullmq ioredis`', { cause: error });
    }
  })();
  return loading;
}

/** An ioredis client for `url` whose commands wait through reconnections (BullMQ requires it). */
export function connect(libs: RemoteLibraries, url: string): RedisClient {
  return new libs.Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (times) => Math.min(100 * times, 1000) });
}
