/**
 * The producer's connection to Redis: a BullMQ Queue to add and remove jobs, and a QueueEvents
 * stream that only says which job to look at (results are read from job state, see
 * job-state-reader.ts). Two ioredis clients, since QueueEvents blocks its own.
 *
 * @module
 * @internal
 */
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { connect, loadRemoteLibraries } from './load.js';
import type { ResolvedRemoteOptions } from './options.js';

/** An open connection of a remote pool. */
export interface RemoteConnection {
  readonly redis: RedisClient;
  readonly eventsRedis: RedisClient;
  readonly bull: Queue;
  readonly events: QueueEvents;
}

/** What the connection reports to its engine. */
export interface ConnectionListener {
  /** A job completed; `returnvalue` is its answer as the event carried it. */
  completed(jobId: string, returnvalue: unknown): void;
  /** A job failed (stalled, or its processor threw). */
  failed(jobId: string): void;
  /** Redis is (again) ready: events may have been missed while it was not. */
  reconnected(): void;
}

/**
 * Opens the connection, or returns undefined when `cancelled()` says nobody needs it any more.
 * @throws RemoteJobError when bullmq/ioredis are missing.
 */
export async function openConnection(options: ResolvedRemoteOptions, listener: ConnectionListener, cancelled: () => boolean): Promise<RemoteConnection | undefined> {
  const libs = await loadRemoteLibraries();
  if (cancelled()) return undefined;
  const redis = connect(libs, options.redis);
  const eventsRedis = connect(libs, options.redis);
  // Errors are retried by ioredis; without a listener they would be printed as unhandled.
  redis.on('error', () => {});
  eventsRedis.on('error', () => {});
  const bull = new libs.bullmq.Queue(options.queue, { connection: redis, prefix: options.prefix });
  bull.on('error', () => {});
  const events = new libs.bullmq.QueueEvents(options.queue, { connection: eventsRedis, prefix: options.prefix, autorun: true });
  events.on('error', () => {});
  events.on('completed', ({ jobId, returnvalue }) => listener.completed(jobId, returnvalue));
  events.on('failed', ({ jobId }) => listener.failed(jobId));
  redis.on('ready', () => listener.reconnected());
  return { redis, eventsRedis, bull, events };
}

/** Closes the BullMQ objects (bounded: Redis may be gone), then both clients. */
export async function closeConnection(connection: RemoteConnection): Promise<void> {
  await withTimeout(Promise.allSettled([connection.events.close(), connection.bull.close()]), 2000);
  connection.redis.disconnect();
  connection.eventsRedis.disconnect();
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** `promise`, or undefined after `ms` milliseconds. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}
