/**
 * Messages between the worker engine (main thread) and the worker entry. Plain data only, so
 * they cross by structured clone (threads) or Node's advanced serialization (processes).
 *
 * @module
 * @internal
 */
import type { MessagePort } from 'node:worker_threads';
import type { FunctionRef } from './function-refs.js';

/**
 * How a worker finds a task function: the task-module export with this name and exactly this
 * source if there is one, else the source compiled in the worker's global scope.
 */
export interface FunctionSpec {
  readonly source: string;
  readonly name: string;
  /**
   * Variables of the function's enclosing scope that it reads under the name of a worker global
   * (see lib/captured-names.ts). Compiled inline, it would use the worker's global instead: the
   * worker then fails its calls with the closure-variable error.
   */
  readonly captured?: readonly string[];
}

/** Sent once, as the first message a worker gets. */
export interface InitRequest {
  readonly type: 'init';
  /** Worker name, e.g. 'PoolWorker-3', returned by current_process().name inside the worker. */
  readonly name: string;
  /** Task modules imported before the initializer runs. */
  readonly modules: readonly string[];
  readonly initializer: FunctionSpec | null;
  readonly initargs: readonly unknown[];
  /** URL of the user's main module: inline functions' import() and require() resolve from it. */
  readonly mainModule?: string;
  /** Where the worker sits in a tree of pools (lib/main-guard.ts): nested pools are bounded. */
  readonly nesting?: { readonly depth: number; readonly daemon: boolean };
  /**
   * Worker threads only: shared memory where the worker records [batch seq, job index] before
   * each job, so after a crash the engine knows which jobs never started and can requeue them.
   */
  readonly progress?: Int32Array;
  /** Worker threads only: where the worker says its last words (see lib/worker/last-words.ts). */
  readonly lastWords?: MessagePort;
}

/** One job: function id and the argument lists of its calls. */
export interface JobRequest {
  readonly fnId: number;
  /** Argument lists, one per call (apply, starmap). */
  readonly calls?: readonly (readonly unknown[])[];
  /** Single arguments, one per call (map): cheaper to send than one-item lists. */
  readonly items?: readonly unknown[] | Float64Array;
  /** Indices of calls whose arguments could not be sent (they were replaced by []): not run. */
  readonly skip?: readonly number[];
  /** Indices of calls whose arguments hold functions sent by reference (lib/wire/function-refs.ts). */
  readonly refs?: readonly number[];
}

/** A batch of jobs, run one after another. `fns` defines function ids the worker may not know. */
export interface RunRequest {
  readonly type: 'run';
  /** Sequence number of this batch on this worker, from 1 (see InitRequest.progress). */
  readonly seq: number;
  readonly fns: readonly (readonly [number, FunctionSpec])[];
  readonly jobs: readonly JobRequest[];
  /**
   * Set on a batch of several jobs sized from an estimated job time: once the batch has run this
   * many ms, the worker answers with the jobs done and hands the others back unstarted (an
   * estimate made on earlier jobs must not tie later, longer ones to one worker).
   */
  readonly budgetMs?: number;
}

export type WorkerRequest = InitRequest | RunRequest;

/** Marks a {@link LastWords} message on a child process's IPC channel. */
export const LAST_WORDS_TAG = '__pypoolLastWords';

/**
 * Sent by a worker that is dying in the middle of a message (see lib/worker/last-words.ts):
 * the answers of its finished jobs, in order, and the index of the job that was running.
 */
export interface LastWords {
  readonly [LAST_WORDS_TAG]: true;
  readonly seq: number;
  readonly answers: readonly JobResponse[];
  /** Index of the job that was running (it may have done anything; the number of jobs when the message had finished); later jobs never started. */
  readonly running: number;
  /** The uncaught error the worker dies of (none for process.exit()). */
  readonly error?: EncodedThrown;
}

/** An error made sendable: enough to rebuild it, with its class, in the main thread. */
export interface EncodedError {
  readonly isError: true;
  readonly name: string;
  /** Nearest built-in class in its prototype chain (TypeError for a subclass of TypeError). */
  readonly base: string;
  readonly message: string;
  readonly stack: string;
  /** Own enumerable properties that could be sent (code, errno, custom fields...). */
  readonly props: Record<string, unknown>;
  readonly cause?: EncodedThrown;
  readonly errors?: readonly EncodedThrown[];
  /** A pypool error class to rebuild instead of a built-in one, e.g. MaybeEncodingError. */
  readonly pypoolClass?: 'MaybeEncodingError' | 'SerializationError';
  /**
   * The error's class, or its nearest ancestor class, when a task module exports it: the caller
   * rebuilds the error as that class if it knows it (lib/wire/known-exports.ts).
   */
  readonly classRef?: FunctionRef;
  /** Parts of the error that were not sent (a function-valued property...), by name, with the reason. */
  readonly unsent?: Readonly<Record<string, string>>;
}

/** A thrown value that is not an Error (`throw null`, `throw 'x'`), kept as it was thrown. */
export interface EncodedValue {
  readonly isError: false;
  readonly value: unknown;
}

export type EncodedThrown = EncodedError | EncodedValue;

/**
 * Outcomes of one job. `values` has one entry per call; where `errors[i]` is set the call
 * failed. `errors` is omitted when every call succeeded (the common, cheap case).
 */
export interface JobResponse {
  /** A Float64Array when every value is a number: it crosses as one block of memory. */
  readonly values: unknown[] | Float64Array;
  readonly errors?: (EncodedThrown | undefined)[];
  /** Indices of values that hold functions sent by reference (lib/wire/function-refs.ts). */
  readonly refs?: readonly number[];
}

export type WorkerResponse =
  /** `stage`: what failed, loading the task modules or running the initializer. */
  | { readonly type: 'init'; readonly error?: EncodedThrown; readonly stage?: 'modules' | 'initializer' }
  /** `ms`: how long the worker spent running the batch (for batch sizing). */
  /** `retire`: a task broke the worker's globals (see entry.ts); replace the worker. */
  /** Fewer `jobs` than requested: the batch overran its `budgetMs`; the others never started. */
  | { readonly type: 'run'; readonly jobs: JobResponse[]; readonly ms: number; readonly retire?: true }
  /**
   * The answer to a run message after the initializer failed: nothing was run. The pool is broken
   * (the engine failed every job when the init answer came), so the engine only drops this.
   */
  | { readonly type: 'broken' };
