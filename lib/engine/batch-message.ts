/**
 * One run message, out and back. Out: from a batch of jobs that the worker engine chose for a
 * worker (lib/engine/worker-engine.ts), each job's part of the message (`toOutgoingJob`,
 * lib/wire/job-message.ts), the definitions of the functions this worker does not know yet, and
 * the buffers to move; jobs that cannot be part of it are returned, not settled (the engine's
 * job count is its own). Back: the answers settle the batch's jobs, in order.
 *
 * @module
 * @internal
 */
import type { SerializationError } from '../errors.js';
import { describeFunction, type RegisteredFunction } from '../task-function.js';
import type { Movable } from '../transfer.js';
import { toOutcomes, toOutgoingJob, type RefusedJob } from '../wire/job-message.js';
import type { FunctionSpec, JobRequest, JobResponse } from '../wire/protocol.js';
import { callHook, type Job } from './engine.js';
import type { Batch } from './worker-slot.js';

/** What the message carries, and what was left out of it. */
export interface BatchMessage {
  /** Function definitions the worker needs and does not have yet. */
  readonly fns: (readonly [number, FunctionSpec])[];
  readonly requests: JobRequest[];
  /** The jobs the message carries, in the order of `requests`. */
  readonly sent: Job[];
  /** Per sent job: its calls whose arguments cannot be sent, with the error each gets. */
  readonly unsendable: (Map<number, SerializationError> | undefined)[];
  readonly transferList: Movable[];
  /** Jobs whose function cannot be described for a worker (bound, native): they fail. */
  readonly undescribable: { readonly job: Job; readonly error: unknown }[];
  /** Jobs none of whose calls can be sent: refused without a send (and not counted). */
  readonly refused: { readonly job: Job; readonly refusal: RefusedJob }[];
  /** A job sharing a value with an earlier one, and the jobs after it: for the next message, with their own copies. */
  readonly giveBack: Job[];
}

/** How the engine sends: worker threads or child processes, and what the worker knows. */
export interface BatchTarget {
  readonly threads: boolean;
  readonly knownFns: ReadonlySet<number>;
  /** Jobs whose last message failed to send: their values are checked thoroughly (see sendable.ts). */
  readonly sendAlone: WeakSet<Job>;
}

/** Builds the message for `jobs` (see the module comment). Never throws. */
export function buildBatchMessage(jobs: readonly Job[], target: BatchTarget): BatchMessage {
  const message: BatchMessage = { fns: [], requests: [], sent: [], unsendable: [], transferList: [], undescribable: [], refused: [], giveBack: [] };
  const owners = new Map<object, number>();
  for (let k = 0; k < jobs.length; k++) {
    const job = jobs[k]!;
    let registered: RegisteredFunction;
    try {
      registered = describeFunction(job.fn);
    } catch (error) {
      message.undescribable.push({ job, error });
      continue;
    }
    const outgoing = toOutgoingJob(registered.id, job, { threads: target.threads, owners, index: message.sent.length, thorough: target.sendAlone.has(job) });
    if (outgoing === 'shared') {
      message.giveBack.push(...jobs.slice(k));
      break;
    }
    if ('refused' in outgoing) {
      message.refused.push({ job, refusal: outgoing });
      continue;
    }
    if (!target.knownFns.has(registered.id) && !message.fns.some(([id]) => id === registered.id)) message.fns.push([registered.id, registered.spec]);
    message.requests.push(outgoing.request);
    message.unsendable.push(outgoing.unsendable);
    for (const move of outgoing.transferList) if (!message.transferList.includes(move)) message.transferList.push(move);
    message.sent.push(job);
  }
  return message;
}

/**
 * Settles the batch's jobs that `answers` covers and that are not settled yet (a dying worker's
 * last words may have settled the first ones). Returns how many it settled.
 */
export function settleAnswers(batch: Batch, answers: readonly JobResponse[]): number {
  const start = batch.settled;
  const end = Math.min(answers.length, batch.jobs.length);
  for (let i = start; i < end; i++) {
    const job = batch.jobs[i]!;
    const answer = answers[i]!;
    const unsendable = batch.unsendable[i];
    // Rule 5 of engine.ts: a hook that throws is reported, the job counts as settled.
    if (job.settleValues && !answer.errors && !answer.refs && !unsendable) callHook(() => job.settleValues!(answer.values));
    else callHook(() => job.settle(toOutcomes(answer, unsendable)));
  }
  batch.settled = Math.max(start, end);
  return Math.max(0, end - start);
}
