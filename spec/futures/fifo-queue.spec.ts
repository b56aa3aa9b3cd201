// FifoQueue: the O(1) queue both engines use.
import { expect } from 'chai';
import { FifoQueue } from '../../lib/engine/fifo-queue.js';

describe('engine: FifoQueue', () => {
  it('is first in, first out across growth and wrap-around', () => {
    const q = new FifoQueue<number>();
    const model: number[] = [];
    let next = 0;
    for (let round = 0; round < 200; round++) {
      const pushes = (round * 7) % 23;
      for (let i = 0; i < pushes; i++) {
        q.push(next);
        model.push(next++);
      }
      const shifts = (round * 5) % 19;
      for (let i = 0; i < shifts; i++) expect(q.shift()).to.equal(model.shift());
      expect(q.size).to.equal(model.length);
      expect(q.peek()).to.equal(model[0]);
      expect([...q]).to.deep.equal(model);
    }
  });

  it('returns undefined when empty, and clear() empties it', () => {
    const q = new FifoQueue<string>();
    expect(q.shift()).to.equal(undefined);
    expect(q.peek()).to.equal(undefined);
    q.push('a');
    q.push('b');
    q.clear();
    expect(q.size).to.equal(0);
    expect([...q]).to.deep.equal([]);
    q.push('c');
    expect(q.shift()).to.equal('c');
  });

  it('remove() takes out the first match and keeps the order', () => {
    const q = new FifoQueue<number>();
    for (let i = 0; i < 40; i++) q.push(i);
    for (let i = 0; i < 30; i++) q.shift();
    for (let i = 40; i < 50; i++) q.push(i); // wraps around
    expect(q.remove((x) => x === 42)).to.equal(true);
    expect(q.remove((x) => x === 42)).to.equal(false);
    expect([...q]).to.deep.equal([30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49]);
    expect(q.size).to.equal(19);
  });
});
