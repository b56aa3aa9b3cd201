/**
 * Which engine runs a `Pool`'s tasks: local workers (lib/engine/worker-engine.ts) or, with the
 * `remote` option, pypool-worker processes reached through Redis (lib/remote/remote-engine.ts).
 * `ThreadPool` picks its own (lib/thread-pool.ts).
 *
 * @module
 * @internal
 */
import type { Engine } from './engine/engine.js';
import { WorkerEngine } from './engine/worker-engine.js';
import { checkMayStartWorkers } from './main-guard.js';
import type { ResolvedPoolOptions } from './pool-options.js';
import { RemoteEngine, type NoWorkersInfo } from './remote/remote-engine.js';
import { brokenPoolError, checkSendableInitargs } from './validate.js';

/**
 * The engine of a pool created with these options.
 * @param className - the pool's class name, for the main-guard error.
 * @param onNoWorkers - remote pools: called when jobs wait and no worker serves the queue.
 */
export function createPoolEngine(className: string, options: ResolvedPoolOptions, onNoWorkers: (info: NoWorkersInfo) => void): Engine {
  if (options.remote) {
    return new RemoteEngine({ processes: options.processes, modules: options.modules, remote: options.remote, onNoWorkers });
  }
  // Arguments the workers could not receive would stop every worker from starting.
  checkSendableInitargs(options.initargs, options.runtime);
  checkMayStartWorkers(`a ${className}`);
  return new WorkerEngine({
    processes: options.processes,
    initializer: options.initializer,
    initargs: options.initargs,
    maxtasksperchild: options.maxtasksperchild,
    runtime: options.runtime,
    modules: options.modules,
    resourceLimits: options.resourceLimits,
    brokenError: (cause, message) => brokenPoolError('process', cause, message),
    // A Pool's workers start no pools of their own, as CPython's (lib/main-guard.ts).
    daemon: true,
  });
}
