/**
 * The worker side of tasks by reference: the exports of the task modules named on
 * pypool-worker's command line, found by name and checked by source hash. Nothing else runs.
 *
 * @module
 * @internal
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskFunction } from '../engine/engine.js';
import { toModuleUrl } from '../task-function.js';
import type { Refusal, TaskRef } from './protocol.js';
import { sourceHash } from './task-ref.js';

/** An export that may run, with the hash of its source. */
interface TaskExport {
  readonly fn: TaskFunction;
  readonly hash: string;
  readonly module: string;
}

/** The functions a worker may run. */
export class WorkerTasks {
  private constructor(
    private readonly exports: ReadonlyMap<string, TaskExport>,
    private readonly moduleNames: readonly string[],
  ) {}

  /** Imports the task modules (the caller set the worker's name first, so main guards stay off). */
  static async load(modules: readonly string[]): Promise<WorkerTasks> {
    const exports = new Map<string, TaskExport>();
    const names: string[] = [];
    for (const module of modules) {
      const url = toModuleUrl(module);
      const name = url.startsWith('file:') ? basename(fileURLToPath(url)) : url;
      names.push(name);
      const namespace = (await import(url)) as Record<string, unknown>;
      for (const [key, value] of Object.entries(namespace)) {
        // The first module that exports a name wins, as on the producer side.
        if (typeof value === 'function' && !exports.has(key)) exports.set(key, { fn: value as TaskFunction, hash: sourceHash(value as TaskFunction), module: name });
      }
    }
    return new WorkerTasks(exports, names);
  }

  /** The export named by `ref`, or why it may not run. */
  resolve(ref: TaskRef): TaskFunction | Refusal {
    const found = typeof ref?.name === 'string' ? this.exports.get(ref.name) : undefined;
    if (!found) {
      return {
        kind: 'unknown-task',
        message: `Task ${String(ref?.name)} (from ${String(ref?.module)}) is not an export of this worker's task modules (${this.moduleNames.join(', ') || 'none'}); start pypool-worker with --module for the module that exports it`,
      };
    }
    if (found.hash !== ref.hash) {
      return {
        kind: 'version',
        message: `Task ${ref.name} differs between the producer and this worker (source hash ${ref.hash} there, ${found.hash} in ${found.module} here): they run different versions of the task module; deploy the same build to both`,
      };
    }
    return found.fn;
  }

  /** The export named `name` (the initializer), or a TypeError. */
  byName(name: string): TaskFunction {
    const found = this.exports.get(name);
    if (!found) throw new TypeError(`--initializer ${name} is not an export of the task modules (${this.moduleNames.join(', ')})`);
    return found.fn;
  }
}
