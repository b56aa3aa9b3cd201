/**
 * Decides what happens to the jobs a worker held when it died: which ones fail with
 * WorkerLostError (they ran, or may have) and which never started and can go back to the queue.
 *
 * A worker runs its messages strictly one after another, and starts a message only after the
 * answer to the previous one has been posted; so every message after the oldest unanswered one
 * never started. Worker threads also record, in shared memory, the batch and job they are
 * running, which narrows the oldest batch down to the one job that was running.
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
  batches.forEach((batch, position) => {
    if (progress === undefined) {
      // Without shared memory only the oldest unanswered message can have started.
      (position === 0 ? lost : unstarted).push(...batch.jobs);
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
