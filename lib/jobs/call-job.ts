/**
 * The call job: one call `fn(...args)`, the job of `apply_async` and `Executor.submit`.
 *
 * @module
 * @internal
 */
import type { FailureKind, Job, Outcome, TaskFunction } from '../engine/engine.js';

/** Where a call job delivers: an AsyncResult or a Future (see their `callSink` functions). */
export interface CallSink {
  /** The call returned `value`. */
  resolved(value: unknown): void;
  /** The call threw `error`, or (with `kind`) the job failed as a whole. */
  rejected(error: unknown, kind?: FailureKind): void;
  /** The call started running (for `Future.running()`). */
  started?(): void;
}

/**
 * `fn(...args)` delivering to one sink. A class rather than an object literal with closures:
 * a burst of 100,000 `apply_async` calls then allocates one small object per task.
 */
export class CallJob implements Job {
  readonly calls: readonly (readonly unknown[])[];
  readonly #sink: CallSink;

  constructor(
    readonly fn: TaskFunction,
    args: readonly unknown[],
    sink: CallSink,
  ) {
    this.calls = [args];
    this.#sink = sink;
    // Only sinks that track running need onStart: the engines skip a job without it.
    if (sink.started) this.onStart = () => sink.started!();
  }

  onStart?: () => void;

  settle(outcomes: Outcome[]): void {
    const outcome = outcomes[0]!;
    if (outcome.ok) this.#sink.resolved(outcome.value);
    else this.#sink.rejected(outcome.error);
  }

  settleValues(values: ArrayLike<unknown>): void {
    this.#sink.resolved(values[0]);
  }

  fail(error: unknown, kind: FailureKind): void {
    this.#sink.rejected(error, kind);
  }
}
