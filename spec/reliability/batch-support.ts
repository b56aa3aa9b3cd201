/**
 * Tools for the reliability specs that must exercise batching: the worker engine sends many
 * short jobs in one message only once it has measured that jobs are short, so a spec warms the
 * pool up first and then submits a burst synchronously. `BatchProbe` records the size of every
 * message a worker answered, so a spec can prove that it really tested batches (a spec that
 * silently ran one job per message would pass against a broken batcher).
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Pool } from '../../lib/index.js';
import { engineOf, within } from './support.js';

/** Lets the engine measure that jobs are short, so the next burst is batched. */
export async function warmUp(pool: Pool): Promise<void> {
  await within(pool.map((x: number) => x, Array.from({ length: 64 }, (_, i) => i), 1), 30, 'warm-up');
}

/** Records how many jobs each answered message carried (engine internals; specs only). */
export class BatchProbe {
  readonly sizes: number[] = [];

  constructor(pool: Pool) {
    const engine = engineOf(pool) as unknown as { onBatchDone?: (slot: unknown, batch: { jobs: readonly unknown[] }, response: unknown) => void };
    const original = engine.onBatchDone;
    if (typeof original !== 'function') throw new Error('BatchProbe: this engine does not batch (no onBatchDone)');
    engine.onBatchDone = (slot, batch, response) => {
      this.sizes.push(batch.jobs.length);
      original.call(engine, slot, batch, response);
    };
  }

  get largest(): number {
    return Math.max(0, ...this.sizes);
  }

  /** Fails unless some message carried at least `jobs` jobs: the spec really ran batches. */
  expectBatched(jobs = 2): void {
    expect(this.largest, 'no message carried several jobs: this spec did not exercise batching').to.be.at.least(jobs);
  }
}

/** An array with a function-valued named property: structured clone refuses it in a message. */
export function arrayWithFunction(x: number): unknown {
  return Object.assign([x], { f: () => x });
}

/** An Error whose cause is a Symbol: structured clone refuses it. */
export function errorWithSymbolCause(x: number): unknown {
  return new Error(`bad ${x}`, { cause: Symbol('s') });
}

/**
 * Where every job counts its runs, so a spec can read them back even when a worker died: a
 * SharedArrayBuffer in threads, a file the jobs append lines to in processes (written
 * synchronously, before any exit). It reaches the workers through the initializer: a value
 * passed to every job would be shared by the jobs of a message, and the engine would (rightly)
 * cut the batch there.
 */
export type Tally = SharedArrayBuffer | string;

export function newTally(runtime: 'thread' | 'process', jobs: number, file: string): Tally {
  if (runtime === 'thread') return new SharedArrayBuffer(4 * jobs);
  writeFileSync(file, '');
  return file;
}

/** The pool initializer that installs the tally as `globalThis.__tally` (sent as source). */
export function installTally(tally: Tally): void {
  (globalThis as { __tally?: Int32Array | string }).__tally = typeof tally === 'string' ? tally : new Int32Array(tally);
}

/** Statement for a task's source: counts one run of item `x` in the installed tally. */
export const COUNT_RUN = `{ const tally = globalThis.__tally;
  if (typeof tally === 'string') process.getBuiltinModule('node:fs').appendFileSync(tally, x + '\\n');
  else Atomics.add(tally, x, 1); }`;

/** How often each of the first `jobs` items ran. */
export function runCounts(tally: Tally, jobs: number): number[] {
  if (typeof tally !== 'string') return [...new Int32Array(tally)].slice(0, jobs);
  const counts = new Array<number>(jobs).fill(0);
  for (const line of readFileSync(tally, 'utf8').split('\n')) if (line) counts[Number(line)]!++;
  return counts;
}
