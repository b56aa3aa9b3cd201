/**
 * A reusable helper module that creates a pool for its callers: PyMOTW-3's SimpleMapReduce
 * (multiprocessing_mapreduce.py), used by examples/mapreduce-helper.ts.
 *
 * ```python
 * class SimpleMapReduce:
 *     def __init__(self, map_func, reduce_func, num_workers=None):
 *         self.map_func = map_func
 *         self.reduce_func = reduce_func
 *         self.pool = multiprocessing.Pool(num_workers)
 *
 *     def partition(self, mapped_values):
 *         partitioned_data = collections.defaultdict(list)
 *         for key, value in mapped_values:
 *             partitioned_data[key].append(value)
 *         return partitioned_data.items()
 *
 *     def __call__(self, inputs, chunksize=1):
 *         map_responses = self.pool.map(self.map_func, inputs, chunksize=chunksize)
 *         partitioned_data = self.partition(itertools.chain(*map_responses))
 *         reduced_values = self.pool.map(self.reduce_func, partitioned_data)
 *         return reduced_values
 * ```
 *
 * The helper knows nothing of its callers' modules: the caller registers its own module with
 * `registerTaskModule(import.meta.url)`, and the pool created here loads it in its workers, so
 * the caller's exported functions run there by reference, as pickle sends them.
 */
import { Pool } from 'pypool';

export class SimpleMapReduce<I, K, V, R> {
  private readonly pool: Pool;

  constructor(
    private readonly mapFunc: (input: I) => [K, V][] | Promise<[K, V][]>,
    private readonly reduceFunc: (item: [K, V[]]) => R,
    numWorkers?: number,
  ) {
    this.pool = new Pool(numWorkers);
  }

  /** Groups the mapped values by key. */
  partition(mappedValues: Iterable<[K, V]>): [K, V[]][] {
    const partitioned = new Map<K, V[]>();
    for (const [key, value] of mappedValues) {
      const values = partitioned.get(key);
      if (values) values.push(value);
      else partitioned.set(key, [value]);
    }
    return [...partitioned];
  }

  /** Python's `__call__`: a JavaScript object cannot be called, so it is a method. */
  async run(inputs: Iterable<I>, chunksize = 1): Promise<Awaited<R>[]> {
    const mapResponses = await this.pool.map(this.mapFunc, inputs, chunksize);
    const partitioned = this.partition(mapResponses.flat() as [K, V][]);
    return this.pool.map(this.reduceFunc, partitioned);
  }

  /** The pool ends with the helper (Python's finalizer terminates it at exit). */
  async close(): Promise<void> {
    this.pool.close();
    await this.pool.join();
  }
}
