/**
 * The `remote` option of `Pool` and `ProcessPoolExecutor`, and its validation.
 *
 * @module
 */
import { checkOptionKeys, formatValue, positiveInteger } from '../validate.js';

/**
 * Runs a pool's tasks on remote `pypool-worker` processes through a BullMQ queue on Redis.
 * See the distributed guide (docs/distributed.md).
 *
 * Python equivalent: none in the standard library; Ray's `ray.util.multiprocessing.Pool`.
 *
 * @example
 * ```ts
 * const pool = new Pool({ remote: { redis: 'redis://127.0.0.1:6379', queue: 'images' }, module: import.meta.url });
 * ```
 */
export interface RemoteOptions {
  /** Redis URL: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  redis: string | URL;
  /** BullMQ queue name; the workers must use the same one (`--queue`). */
  queue: string;
  /** Jobs of this pool in Redis at once (queued or running); the rest wait here. Default 64. */
  window?: number;
  /**
   * `'at-most-once'` (default): a job whose worker died fails with WorkerLostError and never
   * runs twice. `'at-least-once'`: it is sent again (up to `retries` times); a late answer
   * of an earlier attempt is ignored.
   */
  delivery?: 'at-most-once' | 'at-least-once';
  /** Extra attempts per job in at-least-once delivery. Default 3. */
  retries?: number;
  /** Largest encoded job or answer, in bytes (a SerializationError beyond). Default 16 MiB. */
  maxPayloadBytes?: number;
  /** Seconds between two reads of the pending jobs' state in Redis (the reconciler). Default 1. */
  reconcileInterval?: number;
  /** Seconds Redis may stay unreachable before pending results fail. Default 30. */
  connectionTimeout?: number;
  /** BullMQ key prefix. Default 'bull'. */
  prefix?: string;
}

/** Validated remote options. */
export interface ResolvedRemoteOptions {
  readonly redis: string;
  readonly queue: string;
  readonly window: number;
  readonly delivery: 'at-most-once' | 'at-least-once';
  readonly retries: number;
  readonly maxPayloadBytes: number;
  readonly reconcileMs: number;
  readonly connectionTimeoutMs: number;
  readonly prefix: string;
}

const KEYS = ['redis', 'queue', 'window', 'delivery', 'retries', 'maxPayloadBytes', 'reconcileInterval', 'connectionTimeout', 'prefix'];

/**
 * Validates the `remote` option.
 * @throws TypeError / RangeError naming the bad field.
 */
export function resolveRemoteOptions(value: unknown): ResolvedRemoteOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`remote must be an object { redis, queue }, got ${formatValue(value)}`);
  }
  checkOptionKeys(value, KEYS, 'remote');
  const options = value as RemoteOptions;
  const redis = options.redis instanceof URL ? options.redis.href : options.redis;
  if (typeof redis !== 'string' || !/^rediss?:\/\//.test(redis)) {
    throw new TypeError(`remote.redis must be a redis:// or rediss:// URL, got ${formatValue(options.redis)}`);
  }
  if (typeof options.queue !== 'string' || !/^[\w.-]+$/.test(options.queue)) {
    throw new TypeError(`remote.queue must be a non-empty name of letters, digits, '_', '-' or '.', got ${formatValue(options.queue)}`);
  }
  const delivery = options.delivery ?? 'at-most-once';
  if (delivery !== 'at-most-once' && delivery !== 'at-least-once') {
    throw new TypeError(`remote.delivery must be 'at-most-once' or 'at-least-once', got ${formatValue(delivery)}`);
  }
  return {
    redis,
    queue: options.queue,
    window: positiveInteger(options.window, 'remote.window', 64, 100_000),
    delivery,
    retries: positiveInteger(options.retries, 'remote.retries', 3, 100),
    maxPayloadBytes: positiveInteger(options.maxPayloadBytes, 'remote.maxPayloadBytes', 16 * 1024 * 1024, 512 * 1024 * 1024),
    reconcileMs: seconds(options.reconcileInterval, 'remote.reconcileInterval', 1) * 1000,
    connectionTimeoutMs: seconds(options.connectionTimeout, 'remote.connectionTimeout', 30) * 1000,
    prefix: typeof options.prefix === 'string' && options.prefix !== '' ? options.prefix : 'bull',
  };
}

function seconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of seconds, got ${formatValue(value)}`);
  return value;
}
