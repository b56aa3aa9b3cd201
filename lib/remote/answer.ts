/**
 * Settling a job from a remote worker's answer (the job's BullMQ return value): values, the
 * per-call errors with their classes rebuilt, or the worker's refusal as the error it stands for.
 *
 * @module
 * @internal
 */
import { WorkerLostError } from '../errors.js';
import type { Job, Outcome } from '../engine/engine.js';
import { decodeThrown } from '../wire/decode-thrown.js';
import { errorText } from '../wire/sendable.js';
import { decodePayload } from './codec.js';
import { RemoteJobError, RemoteVersionError } from './errors.js';
import type { AnswerPayload, Refusal, RemoteAnswer } from './protocol.js';

/**
 * Settles `job` from a worker's answer: the JSON text read from the job's hash, or the value a
 * completion event carries (QueueEvents has parsed it already: parsing it twice cost ~10 % of
 * the producer's time in a remote `map`). Fails the job when the answer is not pypool's.
 */
export function settleAnswer(job: Job, answerOrText: unknown): void {
  let answer: RemoteAnswer;
  try {
    answer = (typeof answerOrText === 'string' ? JSON.parse(answerOrText) : answerOrText) as RemoteAnswer;
    if (typeof answer !== 'object' || answer === null) throw new TypeError(`expected an object, got ${typeof answer}`);
  } catch (error) {
    job.fail(new RemoteJobError(`The remote job's answer is not pypool's: ${errorText(error)}`), 'worker-lost');
    return;
  }
  if (answer.refused) {
    job.fail(refusalError(answer.refused, answer.by), 'worker-lost');
    return;
  }
  let payload: AnswerPayload;
  try {
    payload = decodePayload<AnswerPayload>(answer.payload ?? '');
  } catch (error) {
    job.fail(new RemoteJobError(`Cannot decode the answer of worker ${answer.by}: ${errorText(error)}`), 'worker-lost');
    return;
  }
  const { values, errors } = payload;
  if (!errors && job.settleValues) {
    job.settleValues(values);
    return;
  }
  const outcomes: Outcome[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const encoded = errors?.[i];
    outcomes[i] = encoded ? { ok: false, error: decodeThrown(encoded) } : { ok: true, value: values[i] };
  }
  job.settle(outcomes);
}

/** The error a worker's refusal stands for. */
function refusalError(refusal: Refusal, by: string): Error {
  const message = `${refusal.message} (worker ${by})`;
  const cause = refusal.cause ? decodeThrown(refusal.cause) : undefined;
  switch (refusal.kind) {
    case 'version':
      return new RemoteVersionError(message);
    case 'unknown-task':
      return new TypeError(message);
    case 'worker-lost':
      return workerLostError(by, cause ?? new Error(message));
    default:
      return new RemoteJobError(message, cause === undefined ? undefined : { cause });
  }
}

/** A WorkerLostError naming the remote worker (`host:pid`) in `host` and `pid`. */
export function workerLostError(worker: string, cause: unknown): WorkerLostError {
  const [host, pid] = splitWorker(worker);
  return Object.assign(new WorkerLostError(null, null, { cause }), { host, pid });
}

function splitWorker(worker: string): [string, number | null] {
  const at = worker.lastIndexOf(':');
  const pid = Number(worker.slice(at + 1));
  return at > 0 && Number.isInteger(pid) ? [worker.slice(0, at), pid] : [worker, null];
}
