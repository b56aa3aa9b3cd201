/**
 * Turns a job into the part of a message a worker gets, and a worker's answer back into
 * outcomes. Arguments that cannot be sent are found here (that call alone fails), `transfer()`
 * markers become a transfer list, and all-number items travel as a Float64Array.
 *
 * @module
 * @internal
 */
import { types } from 'node:util';
import { SerializationError } from '../errors.js';
import { decodeThrown } from './decode-thrown.js';
import { unwrapTransfer, type Movable } from '../transfer.js';
import { compactList } from '../worker/numbers.js';
import type { JobRequest, JobResponse } from './protocol.js';
import { errorText, findUnsendable, SHARED_WITH_ANOTHER_JOB, type FunctionPolicy } from './sendable.js';
import { reviveReferences, withReferences, type FunctionRef } from './function-refs.js';
import { resolveOnMainThread } from './known-exports.js';
import { describeReference } from '../task-function.js';
import { callHook, type Job, type Outcome } from '../engine/engine.js';

/** A job ready to send. */
export interface OutgoingJob {
  readonly request: JobRequest;
  /** Calls whose arguments could not be sent, with the error each gets (they are not run). */
  readonly unsendable: Map<number, SerializationError> | undefined;
  /** Buffers and ports marked with transfer(): moved, not copied (threads only). */
  readonly transferList: Movable[];
}

/**
 * A job none of whose calls can be sent: it fails where it was submitted, is never sent, and
 * does not count toward maxtasksperchild (CPython fails a task whose arguments cannot be pickled
 * in the task handler, before any worker sees it).
 */
export interface RefusedJob {
  readonly refused: Outcome[];
}

/** Where a job goes in its message. */
export interface JobPlace {
  /** Whether memory can be shared (worker threads) or not (child processes). */
  readonly threads: boolean;
  /** Objects claimed by the jobs already in the message (see findUnsendable). */
  readonly owners: Map<object, number>;
  /** The job's position in the message. */
  readonly index: number;
  /** Look harder for what cannot be sent (after a message failed to send). */
  readonly thorough?: boolean;
}

/**
 * Prepares `job` (function id `fnId`) for a worker, or returns 'shared' when one of its
 * arguments is also an argument of an earlier job of the same message: one structured-clone
 * graph would then give both jobs the same object, so the job must go in another message.
 */
export function toOutgoingJob(fnId: number, job: Job, place: JobPlace): OutgoingJob | RefusedJob | 'shared' {
  const transferList: Movable[] = [];
  let unsendable: Map<number, SerializationError> | undefined;
  let shared = false;
  const refuse = (callIndex: number, problem: string): void => {
    (unsendable ??= new Map()).set(callIndex, new SerializationError(`Cannot send the arguments of ${callName(job)} to a worker: ${problem}`));
  };
  functions.found = false;
  if (functions.vetted.size > 0) functions.vetted.clear();
  let refs: Set<number> | undefined;
  const check = { sharedMemory: place.threads, owners: place.owners, owner: place.index, thorough: place.thorough ?? false, functions };
  // Returns the argument as it will be sent, or `undefined` after recording why it cannot be.
  const prepare = (arg: unknown, callIndex: number, argIndex: number): unknown => {
    const { value, move } = unwrapTransfer(arg);
    if (move && place.threads && !transferList.includes(move)) transferList.push(move);
    const problem = findUnsendable(value, `argument ${argIndex}`, check);
    if (!problem && functions.found) {
      // Rare: functions inside, sent by reference (lib/wire/function-refs.ts).
      functions.found = false;
      (refs ??= new Set()).add(callIndex);
      return withReferences(value, functions.describe);
    }
    if (!problem) return value;
    if (problem === SHARED_WITH_ANOTHER_JOB) shared = true;
    else refuse(callIndex, problem);
    return undefined;
  };
  let request: JobRequest;
  // Numbers, and one repeated null, undefined, boolean or string, are always sendable and never
  // transfer() markers: skip the per-item checks. (The worker expands a UniformList: numbers.ts.)
  const numbers = job.items && compactList(job.items);
  if (numbers) {
    request = { fnId, items: numbers as unknown as Float64Array };
  } else if (job.items) {
    const items = mapIfChanged(job.items, (item, i) => prepare(item, i, 0));
    request = { fnId, items };
  } else {
    const calls = mapIfChanged(job.calls, (args, i) => prepareArgs(args, i, prepare, refuse));
    request = { fnId, calls: unsendable ? calls.map((args, i) => (unsendable!.has(i) ? [] : args)) : calls };
  }
  if (shared) return 'shared';
  if (unsendable && unsendable.size === callCount(request)) return { refused: [...unsendable.values()].map((error) => ({ ok: false, error })) };
  if (unsendable) request = { ...request, skip: [...unsendable.keys()] };
  if (refs) request = { ...request, refs: [...refs].filter((i) => !unsendable?.has(i)) };
  return { request, unsendable, transferList };
}

/**
 * Lets through the functions that can travel by reference; `describe` gives their reference once
 * vetted. One for every job (jobs are prepared one at a time): nothing is allocated per job.
 */
const functions = {
  found: false,
  vetted: new Map<object, FunctionRef>(),
  refer(fn: object, path: string): string | undefined {
    const ref = describeReference(fn, path);
    if (typeof ref === 'string') return ref;
    functions.vetted.set(fn, ref);
    return undefined;
  },
  describe: (fn: object): FunctionRef => functions.vetted.get(fn) ?? (describeReference(fn, 'a function') as FunctionRef),
} satisfies FunctionPolicy & { vetted: Map<object, FunctionRef>; describe: (fn: object) => FunctionRef };

function callCount(request: JobRequest): number {
  return (request.items ?? request.calls!).length;
}

/** Settles a refused job with its outcomes (a hook that throws is reported: engine contract, rule 5). */
export function settleRefused(job: Job, refused: RefusedJob): void {
  callHook(() => job.settle(refused.refused));
}

/** How an error names the call: `square(…)`, or `a task(…)` for an anonymous function. */
export function callName(job: Job): string {
  const name = typeof job.fn.name === 'string' && job.fn.name !== '' ? job.fn.name : 'an anonymous task';
  return `${name}(…)`;
}

/**
 * One call's argument list as it will be sent. The list itself must be a plain array: a Proxy
 * (or an array with a getter for an index) would fail the whole message when cloned.
 */
function prepareArgs(
  args: readonly unknown[],
  callIndex: number,
  prepare: (arg: unknown, callIndex: number, argIndex: number) => unknown,
  refuse: (callIndex: number, problem: string) => void,
): readonly unknown[] {
  if (types.isProxy(args)) {
    refuse(callIndex, 'the argument list is a Proxy; pass a plain array of arguments');
    return [];
  }
  try {
    return mapIfChanged(args, (arg, a) => prepare(arg, callIndex, a));
  } catch (error) {
    refuse(callIndex, `the argument list cannot be read (${errorText(error)}); pass a plain array of arguments`);
    return [];
  }
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
  const refs = response.refs ? new Set(response.refs) : undefined;
  const outcomes: Outcome[] = new Array(values.length);
  // An index loop, not map(): failed calls leave holes in `values`, which map() would skip.
  for (let i = 0; i < values.length; i++) {
    const local = unsendable?.get(i);
    const encoded = errors?.[i];
    if (local) outcomes[i] = { ok: false, error: local };
    else if (encoded) outcomes[i] = { ok: false, error: decodeThrown(encoded) };
    else if (refs?.has(i)) outcomes[i] = revived(values[i]);
    else outcomes[i] = { ok: true, value: values[i] };
  }
  return outcomes;
}

/** A result holding functions sent by reference, with the main thread's functions in their places. */
function revived(value: unknown): Outcome {
  try {
    return { ok: true, value: reviveReferences(value, 'the result', resolveOnMainThread) };
  } catch (error) {
    return { ok: false, error };
  }
}
