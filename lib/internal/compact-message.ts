/**
 * Main-thread side of the compact list forms of lib/worker/numbers.ts: uniform answers from
 * the worker (results, last words) are expanded back before the engine sees them, so nothing
 * else in the main thread knows about the compact form. (The job builder sends uniform `map`
 * items compact; the worker entry expands them.)
 *
 * @module
 * @internal
 */
import { expandList, isUniformList } from '../worker/numbers.js';
import type { JobResponse, LastWords, WorkerRequest, WorkerResponse } from '../wire/protocol.js';

/** Below this many calls a job's answer is never compacted (see compactList). */
const COMPACT_MIN = 16;

/** Whether an answer to `request` may hold compacted lists: only jobs of many calls do. */
export function mayCompact(request: WorkerRequest): boolean {
  if (request.type !== 'run') return false;
  for (const job of request.jobs) if ((job.items ?? job.calls ?? []).length >= COMPACT_MIN) return true;
  return false;
}

/** The answer with its compacted lists expanded (in place: the answer is ours alone). */
export function expandResponse(response: WorkerResponse): WorkerResponse {
  if (response !== null && typeof response === 'object' && response.type === 'run') expandAnswers(response.jobs);
  return response;
}

/** Last words carry finished answers in the same form as a run's answers. */
export function expandLastWords(words: LastWords): LastWords {
  expandAnswers(words.answers);
  return words;
}

function expandAnswers(answers: readonly JobResponse[]): void {
  for (const answer of answers) {
    if (isUniformList(answer.values)) (answer as { values: unknown[] }).values = expandList(answer.values) as unknown[];
  }
}
