import { expect } from 'chai';
import { Pool } from '../lib/index.js';
import { RUNTIMES, within } from './helpers.js';

for (const runtime of RUNTIMES) {
  describe(`Pool smoke (${runtime})`, () => {
    it('maps and applies', async () => {
      const pool = new Pool({ processes: 2, runtime });
      try {
        expect(await within(pool.map((x: number) => x * x, [1, 2, 3]))).to.deep.equal([1, 4, 9]);
        expect(await within(pool.apply((a: number, b: number) => a + b, [2, 3]))).to.equal(5);
      } finally {
        await pool.terminate();
      }
    });
  });
}
