/**
 * Turns a job into the part of a message a worker gets, and a worker's answer back into
 * outcomes. Arguments that cannot be sent are found here (that call alone fails), `transfer()`
 * markers become a transfer list, and all-number items travel as a Float64Array.
 *
 * @module
 * @internal
 */
import { SerializationError } from '../errors.js';
import { decodeThrown } from '../remote-error.js';
import { unwrapTransfer, type Movable } from '../transfer.js';
import { asNumbers } from '../worker/numbers.js';
import type { JobRequest, JobResponse } from '../worker/protocol.js';
import { findUnsendable } from '../worker/sendable.js';
import type { Job, Outcome } from './engine.js';

/** A job ready to send. */
export interface OutgoingJob {
  readonly request: JobRequest;
  /** Calls whose arguments could not be sent, with the error each gets (they are not run). */
  readonly unsendable: Map<number, SerializationError> | undefined;
  /** Buffers and ports marked with transfer(): moved, not copied (threads only). */
  readonly transferList: Movable[];
}

/** Prepares `job` (function id `fnId`) for a worker; `threads` says whether memory can be shared. */
export function toOutgoingJob(fnId: number, job: Job, threads: boolean): OutgoingJob {
  const transferList: Movable[] = [];
  let unsendable: Map<number, SerializationError> | undefined;
  // Returns the argument as it will be sent, or `undefined` after recording why it cannot be.
  const prepare = (arg: unknown, callIndex: number, argIndex: number): unknown => {
    const { value, move } = unwrapTransfer(arg);
    if (move && threads) transferList.push(move);
    const problem = findUnsendable(value, `argument ${argIndex}`, { sharedMemory: threads });
    if (!problem) return value;
    (unsendable ??= new Map()).set(callIndex, new SerializationError(`Cannot send the task's arguments to a worker: ${problem}`));
    return undefined;
  };
  let request: JobRequest;
  // Numbers are always sendable and never transfer() markers: skip the per-item checks.
  const numbers = job.items && asNumbers(job.items);
  if (numbers) {
    request = { fnId, items: numbers };
  } else if (job.items) {
    const items = mapIfChanged(job.items, (item, i) => prepare(item, i, 0));
    request = { fnId, items };
  } else {
    const calls = mapIfChanged(job.calls, (args, i) => mapIfChanged(args, (arg, a) => prepare(arg, i, a)));
    request = { fnId, calls: unsendable ? calls.map((args, i) => (unsendable!.has(i) ? [] : args)) : calls };
  }
  if (unsendable) request = { ...request, skip: [...unsendable.keys()] };
  return { request, unsendable, transferList };
}

/** Like Array.map, but returns the array itself when nothing changed: the common case allocates nothing. */
function mapIfChanged<T>(list: readonly T[], fn: (item: T, index: number) => T): readonly T[] {
  let copy: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i]!;
    const mapped = fn(item, i);
    if (mapped !== item && !copy) copy = list.slice(0, i);
    copy?.push(mapped);
  }
  return copy ?? list;
}

/** Outcomes of one job from the worker's answer, with local send failures in their places. */
export function toOutcomes(response: JobResponse, unsendable: Map<number, SerializationError> | undefined): Outcome[] {
  const { values, errors } = response;
  const outcomes: Outcome[] = new Array(values.length);
  // An index loop, not map(): failed calls leave holes in `values`, which map() would skip.
  for (let i = 0; i < values.length; i++) {
    const local = unsendable?.get(i);
    const encoded = errors?.[i];
    if (local) outcomes[i] = { ok: false, error: local };
    else if (encoded) outcomes[i] = { ok: false, error: decodeThrown(encoded) };
    else outcomes[i] = { ok: true, value: values[i] };
  }
  return outcomes;
}
