/**
 * The worker entry speaks the protocol of lib/wire/protocol.ts. Driven directly, in a worker
 * thread of its own (no pool, no tinypool): what it answers is checked message by message.
 */
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { within } from '../helpers.js';

const ENTRY = new URL('../../lib/worker/entry.js', import.meta.url).href;

/** Sends `requests` one by one to a fresh worker entry and returns its answers. */
async function converse(requests: readonly object[]): Promise<unknown[]> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.entry).then(async ({ default: handle }) => {
      const answers = [];
      for (const request of workerData.requests) answers.push({ ...(await handle(request)) });
      parentPort.postMessage(answers);
    });`;
  const worker = new Worker(source, { eval: true, workerData: { entry: ENTRY, requests } });
  try {
    return await within(new Promise<unknown[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }), 30, 'worker entry answers');
  } finally {
    await worker.terminate();
  }
}

const init = (initializer: { source: string; name: string } | null) => ({ type: 'init', name: 'PoolWorker-1', modules: [], initializer, initargs: [] });
const run = { type: 'run', seq: 1, fns: [[1, { source: '(x) => x * 2', name: '' }]], jobs: [{ fnId: 1, calls: [[21]] }] };

describe('Worker entry protocol', () => {
  it('answers a run message with one answer per job', async () => {
    const [, answer] = (await converse([init(null), run])) as [unknown, { type: string; jobs: { values: ArrayLike<number> }[] }];
    expect(answer.type).to.equal('run');
    expect(answer.jobs).to.have.length(1);
    expect(Array.from(answer.jobs[0]!.values)).to.deep.equal([42]);
  });

  it('after a failed initializer, answers every run message with an explicit broken message', async () => {
    const [initAnswer, answer] = await converse([init({ source: "() => { throw new Error('no') }", name: '' }), run]);
    expect(initAnswer).to.include({ type: 'init', stage: 'initializer' });
    expect(answer).to.deep.equal({ type: 'broken' });
  });
});
