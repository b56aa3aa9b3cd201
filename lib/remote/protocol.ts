/**
 * What a remote job and its answer look like in Redis. BullMQ stores job data and return
 * values as JSON, which loses undefined, NaN, BigInt, Date, Map, Set, typed arrays and error
 * classes, so arguments and results travel inside `payload`: `v8.serialize` of the values,
 * base64-encoded (see codec.ts). The task travels by reference only: an export name and the
 * hash of its source, never source code.
 *
 * @module
 * @internal
 */
import type { EncodedThrown } from '../wire/protocol.js';

/** Bumped on any incompatible change of the job or answer format. */
export const REMOTE_PROTOCOL = 1;

/** A task by reference: the export `name` of a task module, and the hash of its source. */
export interface TaskRef {
  readonly name: string;
  /** sha256 (hex, first 16 chars) of the function's source text. */
  readonly hash: string;
  /** File name of the task module the producer found it in (for error messages only). */
  readonly module: string;
}

/** `data` of a BullMQ job made by a remote pool. */
export interface RemoteJobData {
  readonly v: number;
  readonly task: TaskRef;
  /** base64 v8 serialisation of {@link JobPayload}. */
  readonly payload: string;
}

/** The calls of one job: `items` (map: one argument each) or `calls` (argument lists). */
export type JobPayload = { readonly items: readonly unknown[] } | { readonly calls: readonly (readonly unknown[])[] };

/** Why a worker refused a job as a whole (the producer rebuilds the error class). */
export interface Refusal {
  readonly kind: 'protocol' | 'unknown-task' | 'version' | 'payload' | 'worker-lost' | 'broken';
  readonly message: string;
  /** The cause, when the refusal has one (a local worker's death, a broken local pool). */
  readonly cause?: EncodedThrown;
}

/** Return value of a BullMQ job run by pypool-worker. */
export interface RemoteAnswer {
  readonly v: number;
  /** `host:pid` of the worker that ran the job. */
  readonly by: string;
  /** base64 v8 serialisation of {@link AnswerPayload}, when the job ran. */
  readonly payload?: string;
  readonly refused?: Refusal;
}

/** One value per call; `errors[i]` set where call i threw. */
export interface AnswerPayload {
  readonly values: readonly unknown[];
  readonly errors?: readonly (EncodedThrown | undefined)[];
}
