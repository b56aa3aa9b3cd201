/**
 * Decides what happens to the jobs a worker held when it died: which ones fail with
 * WorkerLostError (they ran, or may have) and which never started and can go back to the queue.
 *
 * Worker threads record, in shared memory, the batch and job they are running: jobs after that
 * one never started and may run elsewhere. Child processes cannot share memory, and an answer a
 * process posted just before dying can be lost in its pipe (tinypool drops answers that arrive
 * after the exit), so "not answered" does not prove "not started": to never run a job twice,
 * every job a dead process held fails.
 *
 * @module
 * @internal
 */
import type { Job } from './engine.js';

/** The jobs of one message, with its sequence number on that worker. */
export interface SentBatch {
  readonly seq: number;
  readonly jobs: readonly Job[];
}

/** Where the worker was when it died: [batch seq, job index], or undefined when unknown. */
export type WorkerProgress = readonly [seq: number, jobIndex: number] | undefined;

/** The verdict for the jobs of a dead worker. */
export interface Triage {
  /** Jobs that ran or may have run: they fail. */
  readonly lost: Job[];
  /** Jobs that certainly never started: they may run elsewhere. */
  readonly unstarted: Job[];
}

/** Splits the batches a dead worker held (oldest first) into lost and unstarted jobs. */
export function triage(batches: readonly SentBatch[], progress: WorkerProgress): Triage {
  const lost: Job[] = [];
  const unstarted: Job[] = [];
  batches.forEach((batch) => {
    if (progress === undefined) {
      lost.push(...batch.jobs);
      return;
    }
    const [seq, jobIndex] = progress;
    if (batch.seq < seq) lost.push(...batch.jobs);
    else if (batch.seq > seq) unstarted.push(...batch.jobs);
    else {
      lost.push(...batch.jobs.slice(0, jobIndex + 1));
      unstarted.push(...batch.jobs.slice(jobIndex + 1));
    }
  });
  return { lost, unstarted };
}
