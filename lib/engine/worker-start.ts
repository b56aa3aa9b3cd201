/**
 * Starting a worker: its handle, its slot, and the init message that loads the task modules and
 * runs the initializer before the worker may take a job.
 *
 * @module
 * @internal
 */
import { SerializationError } from '../errors.js';
import { WorkerHandle } from '../internal/tinypool-worker.js';
import { decodeThrown } from '../wire/decode-thrown.js';
import { describeFunction, toModuleUrl } from '../task-function.js';
import { mainModuleUrl } from '../main-module.js';
import { childNesting } from '../main-guard.js';
import type { FunctionSpec, LastWords } from '../wire/protocol.js';
import { errorText } from '../wire/sendable.js';
import type { WorkerEngineOptions } from './worker-engine-options.js';
import { createSlot, MAX_IN_FLIGHT, type Slot } from './worker-slot.js';

/** What the engine hears of a worker's start-up. */
export interface StartupListener {
  /** The worker is dying mid-message and sent the answers of the jobs it finished. */
  onLastWords(slot: Slot, words: LastWords): void;
  /** The worker loaded its task modules and ran its initializer: it may take jobs. */
  onReady(slot: Slot): void;
  /** Start-up can never succeed (a module or the initializer threw, the initargs cannot be sent). */
  onInitFailed(cause: unknown, message: string): void;
}

/** Starts the engine's workers, numbering them `PoolWorker-1`, `PoolWorker-2`, ... */
export class WorkerStarter {
  private readonly options: WorkerEngineOptions;
  private readonly moduleUrls: readonly string[];
  private readonly initializerSpec: FunctionSpec | null;
  private nextWorkerNumber = 1;

  constructor(options: WorkerEngineOptions) {
    this.options = options;
    this.moduleUrls = (options.modules ?? []).map(toModuleUrl);
    // Throws TypeError now for an initializer that cannot be sent (bound or native function).
    this.initializerSpec = options.initializer ? describeFunction(options.initializer).spec : null;
  }

  /** Starts a worker; `sendInit` then starts it up. */
  open(listener: StartupListener): Slot {
    const runtime = this.options.runtime ?? 'thread';
    const handle = new WorkerHandle({
      runtime,
      maxInFlight: MAX_IN_FLIGHT + 1, // + the init message
      resourceLimits: this.options.resourceLimits,
      onLastWords: (words) => listener.onLastWords(slot, words),
    });
    const slot = createSlot(handle, `PoolWorker-${this.nextWorkerNumber++}`, runtime === 'thread');
    return slot;
  }

  /** Sends the worker its init message; `listener` hears how start-up goes. */
  sendInit(slot: Slot, listener: StartupListener): void {
    const { initargs = [] } = this.options;
    const progress = slot.progress ? { progress: slot.progress } : {};
    const port = slot.handle.lastWordsPort;
    slot.handle
      .run({ type: 'init', name: slot.name, modules: this.moduleUrls, mainModule: mainModuleUrl(), nesting: childNesting(this.options.daemon === true), initializer: this.initializerSpec, initargs, ...progress, ...(port ? { lastWords: port } : {}) }, port ? [port] : [])
      .then((response) => {
        if (response.type === 'init' && response.error) {
          const what = response.stage === 'modules' ? 'A task module failed to load' : 'A worker initializer failed';
          listener.onInitFailed(decodeThrown(response.error), `${what}, so the pool cannot run tasks; see the cause`);
        } else {
          listener.onReady(slot);
        }
      })
      .catch((error: unknown) => {
        // A worker that dies during init is reported through its exit; anything else means the
        // init message itself could not be sent: the initargs can never reach a worker.
        if (slot.handle.diedOf(error)) return;
        const cause = new SerializationError(`Cannot send the initargs to a worker: ${errorText(error)}`);
        listener.onInitFailed(cause, 'The initargs cannot be sent to a worker, so the pool cannot run tasks; see the cause');
      });
  }
}
