/**
 * A `Pool`'s end of life: `close()`, `join()` and `terminate()` (lib/pool.ts documents them),
 * and the engine's `workerExit` events passed on to the pool's listeners. Beyond the engine,
 * close and terminate must reach what it does not hold (lib/pool-watch.ts).
 *
 * @module
 * @internal
 */
import type { Engine, WorkerExitInfo } from './engine/engine.js';
import { PoolStateError } from './errors.js';
import type { PoolWatch } from './pool-watch.js';

/** The pool's events this file emits. */
export type LifecycleEvent = 'close' | 'terminate' | 'workerExit';

/** One per pool. */
export class PoolLifecycle {
  /** Set by the first terminate(): later calls wait for it. */
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly watch: PoolWatch,
    private readonly emit: (event: LifecycleEvent, info?: WorkerExitInfo) => void,
  ) {
    engine.on('workerExit', (info) => {
      try {
        emit('workerExit', info);
      } catch (listenerError) {
        // The engine must finish handling the exit (replace the worker, requeue its jobs) whatever
        // a listener does, or later results hang; the listener's error is still reported.
        void Promise.reject(listenerError);
      }
    });
  }

  close(): void {
    if (this.engine.state !== 'running') return;
    this.engine.close();
    this.watch.closed();
    this.emit('close');
  }

  join(): Promise<void> {
    if (this.engine.state === 'running') return Promise.reject(new PoolStateError('Pool is still running; call close() or terminate() before join()'));
    // Like CPython's join (which joins its result handler), also wait for async callbacks.
    return this.engine.join().then(() => this.watch.callbacksDone());
  }

  async terminate(): Promise<void> {
    // Once only: a callback or listener that calls terminate() while terminate() fails the
    // jobs would otherwise re-enter the engine's terminate (endless recursion).
    if (this.#stopping) return this.#stopping;
    let stopped!: () => void;
    this.#stopping = new Promise<void>((resolve) => (stopped = resolve));
    let listenerError: { error: unknown } | undefined;
    try {
      this.emit('terminate');
    } catch (error) {
      // A throwing 'terminate' listener must not leave the pool running and its results pending.
      listenerError = { error };
    }
    try {
      await this.engine.terminate(new PoolStateError('The pool was terminated before this task finished'));
    } finally {
      // The engine has failed its jobs; settle what it does not hold: results still in an async
      // callback, imap iterators waiting for async input.
      this.watch.terminated();
      stopped();
    }
    if (listenerError) throw listenerError.error;
  }
}
