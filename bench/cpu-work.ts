/**
 * The CPU-bound task of the benchmark: an integer xorshift32 loop. Same algorithm and same
 * results as `cpu_work` in bench/python/mp_bench.py (only the iteration count differs, chosen
 * so that one task takes about 50 ms in each language on the benchmark machine).
 *
 * Self-contained on purpose: pypool sends its source to the workers.
 */
export const cpuWork = (iters: number): number => {
  let x = 2463534242;
  let acc = 0;
  for (let i = 0; i < iters; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    acc = (acc + (x & 0xffff)) & 0x3fffffff;
  }
  return acc;
};
