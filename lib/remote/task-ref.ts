/**
 * Tasks by reference: a remote job names an export of a task module and carries the hash of
 * its source, never the source itself (anyone who can write to the queue could otherwise run
 * arbitrary code on the workers). An inline function is refused here, before anything is sent.
 *
 * The producer does not import the task modules (a script that is its own task module would
 * import itself); it reads their text: the function must have a name, its source must appear
 * in a task module, and that module must export the name. The worker then checks the export
 * itself, by name and hash (see worker-tasks.ts).
 *
 * @module
 * @internal
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskFunction } from '../engine/engine.js';
import { toModuleUrl } from '../task-function.js';
import type { TaskRef } from './protocol.js';

/** sha256 of a function's source text, shortened: enough to tell two versions apart. */
export function sourceHash(fn: TaskFunction): string {
  return createHash('sha256').update(Function.prototype.toString.call(fn)).digest('hex').slice(0, 16);
}

/** Finds task references for the functions of one pool's task modules. */
export class TaskRefs {
  private readonly texts: { readonly file: string; readonly text: string }[] | undefined;
  private readonly loadError: string | undefined;
  private readonly cache = new WeakMap<TaskFunction, TaskRef>();

  constructor(modules: readonly string[]) {
    try {
      this.texts = modules.map((m) => {
        const file = fileURLToPath(toModuleUrl(m));
        return { file, text: readFileSync(file, 'utf8') };
      });
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * The reference of `fn`.
   * @throws TypeError, saying how to fix it, when `fn` is not an export of a task module.
   */
  refOf(fn: TaskFunction): TaskRef {
    const cached = this.cache.get(fn);
    if (cached) return cached;
    const ref = this.find(fn);
    this.cache.set(fn, ref);
    return ref;
  }

  private find(fn: TaskFunction): TaskRef {
    const name = fn.name;
    const source = Function.prototype.toString.call(fn);
    const how =
      'A remote pool runs only exported functions of its task modules (remote workers never receive function source, which would let anyone who can write to the queue run any code). ' +
      'Move the function into a task module, export it (export function f(...) {...} or export const f = ...), list that module in the pool\'s `module` option and in the workers\' --module flags, and pass the export.';
    if (this.loadError) throw new TypeError(`Cannot read the task modules of this remote pool (${this.loadError}). ${how}`);
    if (this.texts!.length === 0) throw new TypeError(`This remote pool has no task module (the \`module\` option). ${how}`);
    if (typeof name !== 'string' || name === '' || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name)) {
      throw new TypeError(`Task function ${source.length > 60 ? `${source.slice(0, 57)}...` : source} is an inline (anonymous) function. ${how}`);
    }
    for (const { file, text } of this.texts!) {
      if (text.includes(source) && exportsName(text, name)) return { name, hash: sourceHash(fn), module: basename(file) };
    }
    throw new TypeError(`Task function ${name} is not an export of the task modules of this remote pool (${this.texts!.map((t) => basename(t.file)).join(', ')}). ${how}`);
  }
}

/** Whether the module text exports `name` (ESM export declarations or lists, or CommonJS). */
function exportsName(text: string, name: string): boolean {
  const n = name.replace(/\$/g, '\\$');
  const patterns = [
    `export\\s+(?:async\\s+)?function\\s*\\*?\\s*${n}\\s*\\(`,
    `export\\s+(?:const|let|var)\\s+${n}\\b`,
    `export\\s*\\{[^}]*(?:^|[\\s,{])${n}(?:\\s*[,}]|\\s+as\\s+${n}\\b)`,
    `exports\\.${n}\\s*=`,
  ];
  return patterns.some((p) => new RegExp(p).test(text));
}
