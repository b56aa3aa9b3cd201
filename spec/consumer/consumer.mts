// A consumer of pypool's published types: it uses every export, and is compiled (not run) by
// .ci/run with the oldest TypeScript pypool supports (package.json), against the built package.
import {
  Pool, ThreadPool, AsyncResult, MapResult, IMapIterator,
  Future, Executor, ThreadPoolExecutor, ProcessPoolExecutor,
  wait, as_completed, asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, currentThreadName,
  PoolError, TimeoutError, CancelledError, InvalidStateError, PoolStateError, BrokenExecutor,
  BrokenProcessPool, BrokenThreadPool, MaybeEncodingError, SerializationError, WorkerLostError, RemoteTraceback,
  current_process, currentProcess, cpu_count, cpuCount, transfer, current_thread, currentThread, registerTaskModule,
  type PoolEvents, type MapAsyncOptions, type PoolOptions, type ResultCallbacks, type Progress,
  type MapResultEvents, type IMapOptions, type IMapIteratorEvents, type FutureState, type DoneCallback,
  type AnyFunction, type ExecutorMapOptions, type ShutdownOptions, type InitializerOptions,
  type ThreadPoolExecutorOptions, type ProcessPoolExecutorOptions, type ReturnWhen, type WaitOptions,
  type DoneAndNotDoneFutures, type CompletedFuture, type ProcessInfo, type Transferable, type ThreadInfo,
  type Runtime, type WorkerExitInfo, type TaskFunction, type ResourceLimits, type PoolStateName,
} from 'pypool';

registerTaskModule(import.meta.url);
export const square = (x: number): number => x * x;

async function main(): Promise<void> {
  const options: PoolOptions = { processes: 2, module: import.meta.url, runtime: 'thread' satisfies Runtime };
  await using pool = new Pool(options);
  pool.on('workerExit', (info: WorkerExitInfo) => console.log(info.workerName));
  const events: keyof PoolEvents = 'close';
  const state0: PoolStateName = pool.state;
  console.log(String(pool), state0);
  const r: AsyncResult<number> = pool.apply_async(square, [3]);
  const callbacks: ResultCallbacks<number> = { callback: (v) => console.log(v) };
  const m: MapResult<number> = pool.map_async(square, [1, 2], { chunksize: 1 } satisfies MapAsyncOptions<number>);
  m.on('progress', (p: Progress) => console.log(p.completed));
  const mapEvent: keyof MapResultEvents = 'progress';
  const it: IMapIterator<number> = pool.imap(square, [1, 2], { chunksize: 1 } satisfies IMapOptions);
  const imapEvent: keyof IMapIteratorEvents = 'progress';
  for await (const v of it) console.log(v);
  for await (const v of pool.imap_unordered(square, [1, 2])) console.log(v);
  console.log(await r.get(5), await m, await pool.map(square, [1]), events, mapEvent, imapEvent, callbacks);

  await using threads = new ThreadPool(2);
  console.log(await threads.apply(() => current_thread().name satisfies string));

  const limits: ResourceLimits = { maxOldGenerationSizeMb: 64 };
  const tOpts: ThreadPoolExecutorOptions = { thread_name_prefix: 'io' };
  const pOpts: ProcessPoolExecutorOptions = { module: import.meta.url, max_tasks_per_child: 10 };
  const init: InitializerOptions = { initializer: () => undefined, initargs: [] };
  await using tex = new ThreadPoolExecutor(2, tOpts);
  await using pex = new ProcessPoolExecutor(2, pOpts);
  const ex: Executor = tex;
  const f: Future<number> = ex.submit(square, 2);
  const g = pex.submit(square, 3);
  const done: DoneCallback<number> = (fut) => console.log(fut.done());
  f.add_done_callback(done);
  const state: FutureState = 'PENDING';
  for await (const fut of as_completed([f, g], 5)) console.log(fut.done());
  for await (const fut of asCompleted([f])) console.log(fut satisfies CompletedFuture<Future<number>>);
  const mapOpts: ExecutorMapOptions = { timeout: 5, chunksize: 1 };
  for await (const v of ex.map(square, [1, 2], mapOpts)) console.log(v);
  const how: ReturnWhen = FIRST_COMPLETED;
  const waitOpts: WaitOptions = { timeout: 1, return_when: how };
  const both: DoneAndNotDoneFutures<Future<number>> = await wait([f, g], waitOpts);
  const shut: ShutdownOptions = { cancel_futures: true };
  await ex.shutdown(true, shut);
  const fn: AnyFunction = square;
  const task: TaskFunction = square;

  const errors: PoolError[] = [new TimeoutError(), new CancelledError(), new InvalidStateError('x'), new PoolStateError('x'), new BrokenExecutor('x'),
    new BrokenProcessPool('x'), new BrokenThreadPool('x'), new MaybeEncodingError('x'), new SerializationError('x')];
  const lost: unknown[] = [WorkerLostError, RemoteTraceback];
  const me: ProcessInfo = current_process();
  const me2: ThreadInfo = currentThread();
  const buffer: Transferable = new Uint8Array(4);
  console.log(transfer(buffer), currentProcess().name, cpu_count(), cpuCount(), currentThreadName(), me, me2, both.done.size,
    FIRST_EXCEPTION, ALL_COMPLETED, state, limits, init, fn, task, errors.length, lost.length);
}

if (current_process().name === 'MainProcess') await main();
