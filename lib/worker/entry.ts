/**
 * The code that runs inside every pool worker (thread or child process). tinypool calls the
 * default export once per message. Messages are handled strictly one after another, as a
 * Python pool worker runs one task at a time. It never throws across the boundary: every
 * outcome, failure included, is returned as data.
 *
 * @module
 * @internal
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { movableAnswer } from './tinypool-answer.js';
import { isTransferMarker, unwrapTransfer, type Movable } from '../transfer.js';
import { setWorkerName } from '../process-info.js';
import { setMainModule } from '../main-module.js';
import { setWorkerNesting, whileImportingTaskModule } from '../main-guard.js';
import { encodeThrown, maybeEncodingError, referErrorClasses, serializationError } from '../wire/encode-thrown.js';
import { reviveReferences, withReferences } from '../wire/function-refs.js';
import {
  compileFunction,
  errorClassReference,
  explainMissingVariable,
  exportReference,
  loadTaskModule,
  referenceProblem,
  resolveReference,
  type CompiledFunction,
} from './compile.js';
import type { EncodedThrown, InitRequest, JobRequest, JobResponse, RunRequest, WorkerRequest, WorkerResponse } from '../wire/protocol.js';
import { messageStarted, prepareLastWords } from './last-words.js';
import { compactList, expandList } from './numbers.js';
import { errorText, findUnsendable } from '../wire/sendable.js';
import { serveTaskPort } from './task-port.js';

// Inline task functions are compiled in the worker's global scope, where an ES module has no
// `require`; give them one so `require('node:fs')` works (docs/task-functions.md). It resolves
// from the user's main module once the init message names it (see initialize).
const globals = globalThis as Record<string, unknown>;
const startupRequire = createRequire(`${process.cwd()}/`);
globals.require ??= startupRequire;

const inThread = !isMainThread;
// Errors of classes a task module exports carry their class by reference (docs/errors.md).
referErrorClasses(errorClassReference);
/** Results may hold task-module exports and built-ins, sent back by reference. */
const resultFunctions = { refer: referenceProblem, found: false };
// Kept from start-up: a task may replace the global (the loop must not depend on it).
const { setImmediate } = globalThis;
const hasOwn = Object.prototype.hasOwnProperty.call.bind(Object.prototype.hasOwnProperty) as (target: object, key: PropertyKey) => boolean;
const functions = new Map<number, CompiledFunction>();
let queue: Promise<unknown> = Promise.resolve();
let initFailed = false;
let progress: Int32Array | undefined;

/** tinypool's entry point: one call per message, serialised through `queue`. */
export default function handleMessage(request: WorkerRequest): Promise<WorkerResponse> {
  const response = queue.then(() => (request.type === 'init' ? initialize(request) : run(request)));
  queue = response.then(afterResponseSent, afterResponseSent);
  return response;
}

/**
 * tinypool posts a response a few microtasks (or, with pending stdout, an I/O callback) after
 * the handler resolves. The next message must not start before that: a next task that calls
 * process.exit() would otherwise take the previous, finished task's result down with it.
 */
function afterResponseSent(): Promise<void> {
  return new Promise((resolve) => {
    const flushed = (): void => void setImmediate(resolve);
    if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) {
      process.stdout.write('', () => process.stderr.write('', flushed));
    } else {
      flushed();
    }
  });
}

async function initialize(request: InitRequest): Promise<WorkerResponse> {
  serveTaskPort(request, handleMessage);
  setWorkerName(request.name);
  if (request.nesting) setWorkerNesting(request.nesting);
  if (request.mainModule) {
    setMainModule(request.mainModule);
    if (globals.require === startupRequire) globals.require = createRequire(request.mainModule);
  }
  progress = request.progress;
  prepareLastWords(request.lastWords);
  let stage: 'modules' | 'initializer' = 'modules';
  try {
    // Marked, so a pool created by the module's top-level code fails (lib/main-guard.ts).
    for (const url of request.modules) await whileImportingTaskModule(url, () => loadTaskModule(url));
    stage = 'initializer';
    if (request.initializer) {
      const initializer = compileFunction(request.initializer);
      await initializer.fn(...request.initargs);
    }
    return bare({ type: 'init' });
  } catch (error) {
    initFailed = true;
    return bare({ type: 'init', error: encodeThrown(error), stage });
  }
}

async function run(request: RunRequest): Promise<WorkerResponse> {
  // After a failed initializer the pool is broken: the engine fails these jobs; run nothing.
  if (initFailed) return bare({ type: 'broken' });
  for (const [id, spec] of request.fns) {
    if (!functions.has(id)) functions.set(id, compileFunction(spec));
  }
  const started = performance.now();
  const moving: Movable[] = [];
  const jobs: JobResponse[] = [];
  messageStarted(request.seq, jobs);
  for (let i = 0; i < request.jobs.length; i++) {
    if (progress) {
      // Plain stores are enough: the main thread reads them only after this thread is gone.
      progress[0] = request.seq;
      progress[1] = i;
    }
    await runJob(request.jobs[i]!, moving, jobs);
    // Over budget: the rest goes back to the engine unstarted (RunRequest.budgetMs).
    if (request.budgetMs !== undefined && performance.now() - started > request.budgetMs) break;
  }
  const retire = undoThenPollution();
  return movableAnswer(bare({ type: 'run', jobs, ms: performance.now() - started, ...(retire ? { retire } : {}) }), moving);
}

/**
 * A task that defines `then` on Object.prototype or Function.prototype turns every object into
 * a "thenable": `await` of any plain value then calls the task's function, which wedges the
 * message loop (tinypool's and ours) for good. The definition is removed after the message, so
 * its answer gets out, and the worker asks to be replaced (a fresh worker has clean globals).
 */
function undoThenPollution(): boolean {
  let polluted = false;
  for (const proto of [Object.prototype, Function.prototype]) {
    if (!hasOwn(proto, 'then')) continue;
    polluted = true;
    Reflect.deleteProperty(proto, 'then');
  }
  return polluted;
}

/** Runs one job and adds its answer to `answers`; buffers of results marked with transfer() go to `moving`. */
async function runJob(job: JobRequest, moving: Movable[], answers: JobResponse[]): Promise<void> {
  const compiled = functions.get(job.fnId);
  const { calls } = job;
  // A map over one repeated value arrives compact (lib/internal/compact-message.ts).
  const items = job.items && (expandList(job.items) as readonly unknown[] | Float64Array);
  const count = items ? items.length : calls!.length;
  const values: unknown[] = new Array(count);
  let errors: (EncodedThrown | undefined)[] | undefined;
  let moved: Set<number> | undefined;
  // Whether some result holds what findUnsendable cannot vouch for (see sealAnswer).
  const uncertain = { value: false };
  const check = { uncertain, functions: resultFunctions };
  const skip = job.skip ? new Set(job.skip) : undefined;
  const argRefs = job.refs ? new Set(job.refs) : undefined;
  let resultRefs: number[] | undefined;
  for (let i = 0; i < count; i++) {
    if (skip?.has(i)) continue;
    let value: unknown;
    try {
      if (!compiled) throw new Error(`pypool internal error: task function #${job.fnId} was never sent to this worker`);
      if (argRefs?.has(i)) {
        const args = revivedArgs(items ? [items[i]] : calls![i]!);
        if (typeof args === 'string') {
          (errors ??= [])[i] = serializationError(`Cannot use the arguments of ${compiled.spec.name || 'an anonymous task'}(…) in the worker: ${args}`);
          continue;
        }
        value = compiled.fn(...args);
      } else {
        value = items ? compiled.fn(items[i]) : compiled.fn(...calls![i]!);
      }
      if (isThenable(value)) value = await value;
    } catch (thrown) {
      (errors ??= [])[i] = encodeThrown(thrown, (t) => explainMissingVariable(t, compiled));
      continue;
    }
    if (isTransferMarker(value)) {
      const unwrapped = unwrapTransfer(value);
      value = unwrapped.value;
      // Only threads can move memory; between processes the buffer is copied.
      if (unwrapped.move && inThread) {
        moving.push(unwrapped.move);
        (moved ??= new Set()).add(i);
      }
    }
    resultFunctions.found = false;
    const problem = findUnsendable(value, 'the result', check);
    if (problem) (errors ??= [])[i] = resultError(problem);
    else if (resultFunctions.found) {
      // Rare: exported functions or built-ins inside, sent back by reference.
      values[i] = withReferences(value, (fn) => exportReference(fn)!);
      (resultRefs ??= []).push(i);
    } else values[i] = value;
  }
  const answer = sealAnswer(values, errors, moved, uncertain.value);
  // Pushed, not returned: a value that resolves a promise is checked for a `then` (see bare).
  answers.push(resultRefs ? { ...answer, refs: resultRefs } : answer);
}

/** A call's arguments with the functions sent by reference resolved, or why one cannot be. */
function revivedArgs(args: readonly unknown[]): unknown[] | string {
  try {
    return args.map((arg, a) => reviveReferences(arg, `argument ${a}`, resolveReference));
  } catch (error) {
    return errorText(error).replace(/^Error: /, '');
  }
}

/**
 * The job's answer, made safe to send. The pre-send check above cannot vouch for everything
 * structured clone refuses (named properties of arrays, an Error's getters): one such value must
 * fail its own call, not kill the worker with every answer of the message. So an answer holding
 * such values (`uncertain`) or errors is trial-cloned (in the worker, off the main thread); when
 * that fails, each call is tried alone and the ones that fail become MaybeEncodingError. Plain
 * objects, which the check covers fully, skip the trial: it cost 20-30% on object workloads.
 */
function sealAnswer(values: unknown[], errors: (EncodedThrown | undefined)[] | undefined, moved: Set<number> | undefined, uncertain: boolean): JobResponse {
  if (!errors) {
    // Expanded again by the main thread's adapter (lib/internal/compact-message.ts).
    const compact = compactList(values);
    if (compact) return { values: compact as unknown as unknown[] };
  }
  if ((!uncertain && !errors) || clones(values, errors, moved)) return errors ? { values, errors } : { values };
  const fixed: (EncodedThrown | undefined)[] = errors ?? [];
  for (let i = 0; i < values.length; i++) {
    if (moved?.has(i)) continue;
    if (errors?.[i] !== undefined && !clones([], [errors[i]], undefined)) fixed[i] = resultError(`the thrown value of call ${i} could not be sent back`);
    else if (errors?.[i] === undefined && !clones([values[i]], undefined, undefined)) {
      const problem = findUnsendable(values[i], 'the result', { thorough: true });
      fixed[i] = resultError(problem ?? `the result cannot be serialised (${cloneFailure(values[i])})`);
      values[i] = undefined;
    }
  }
  return { values, errors: fixed };
}

/** Whether the answer would survive structured clone (moved buffers are left out of the trial). */
function clones(values: readonly unknown[], errors: readonly unknown[] | undefined, moved: Set<number> | undefined): boolean {
  try {
    structuredClone(moved ? values.map((value, i) => (moved.has(i) ? undefined : value)) : values);
    if (errors) structuredClone(errors);
    return true;
  } catch {
    return false;
  }
}

function cloneFailure(value: unknown): string {
  try {
    structuredClone(value);
    return 'unknown reason';
  } catch (error) {
    return errorText(error);
  }
}

/**
 * An object without a prototype. Values that cross an `await` are checked for a `then` method;
 * a task that defines `Object.prototype.then` would otherwise capture every answer.
 */
function bare<T extends object>(value: T): T {
  return Object.assign(Object.create(null) as T, value);
}

/**
 * True for promises and objects with a `then` of their own class. A `then` inherited from
 * `Object.prototype` (a task may define one) does not make every result a thenable.
 */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  // Most results are primitives: rule them out first, on the hot path.
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  if (value instanceof Promise) return true;
  const then = (value as { then?: unknown }).then;
  return typeof then === 'function' && then !== (Object.prototype as { then?: unknown }).then;
}

/** A result that cannot be sent back: MaybeEncodingError in the caller, as in CPython. */
function resultError(problem: string): EncodedThrown {
  return maybeEncodingError(`Error sending result: ${problem}`);
}
