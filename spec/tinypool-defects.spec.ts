/**
 * One spec per tinypool 2.2 defect that pypool works around (lib/internal/tinypool-worker.ts), showing pypool neutralises it, in both
 * runtimes where the defect applies. lib/internal/tinypool-worker.ts (the only tinypool
 * importer) says how each is handled. A few specs look at the adapter's internals (tinypool's
 * own queue and thread list), because the defect is about tinypool's state, not pypool's API.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokenProcessPool, Pool, PoolStateError, WorkerLostError, type WorkerExitInfo } from '../lib/index.js';
import { WorkerHandle } from '../lib/internal/tinypool-worker.js';
import { RUNTIMES, outcome, within } from './helpers.js';
import { usingPool, waitUntil, workerId } from './pool/support.js';

/** The adapter's tinypool instances, read from the engine's worker slots (internals). */
interface TinypoolView {
  readonly queueSize: number;
  readonly threads: readonly unknown[];
}
function tinypools(pool: Pool): TinypoolView[] {
  const slots = (pool as unknown as { engine: { slots: Set<{ handle: { pool: TinypoolView } }> } }).engine.slots;
  return [...slots].map((slot) => slot.handle.pool);
}

const THROWING_MODULE = new URL('./fixtures/throwing-module.js', import.meta.url);

for (const runtime of RUNTIMES) {
  describe(`tinypool 2.2 defects are neutralised (${runtime})`, () => {
    it('process.exit() inside a task: run() would stay pending and destroy() hang; pypool fails the task and terminates', async () => {
      const pool = new Pool({ processes: 2, runtime });
      try {
        for (const code of [0, 1, 7]) {
          const settled = await outcome(pool.apply((c: number) => process.exit(c), [code]), 20);
          expect(settled.ok, `exit(${code})`).to.equal(false);
          expect((settled as { error: unknown }).error).to.be.instanceOf(WorkerLostError).with.property('exitCode', code);
        }
        // A task mid-exit when terminate() is called: terminate still settles.
        const dying = pool.apply_async(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          process.exit(2);
        });
        expect(await within(pool.apply(() => 'alive'))).to.equal('alive');
        await within(pool.terminate(), 20, 'terminate after process.exit');
        expect(dying.ready()).to.equal(true);
      } finally {
        await within(pool.terminate(), 20, 'terminate');
      }
    });

    it('a task module whose top level throws in the worker: queued tasks would hang; pypool fails them with BrokenProcessPool', async () => {
      await usingPool({ processes: 2, runtime, module: THROWING_MODULE }, async (pool) => {
        const { identity } = (await import(THROWING_MODULE.href)) as { identity: <T>(x: T) => T };
        const queued = [pool.apply_async(identity, [1]), pool.apply_async(identity, [2])];
        const mapped = pool.map_async(identity, [1, 2, 3]);
        for (const result of [...queued, mapped] as { get(): Promise<unknown> }[]) {
          const settled = await outcome(result.get(), 20);
          expect(settled.ok).to.equal(false);
          const error = (settled as { error: BrokenProcessPool }).error;
          expect(error).to.be.instanceOf(BrokenProcessPool);
          expect((error.cause as Error).message).to.equal('task module top level failed in the worker');
        }
      });
    });

    it('a throwing initializer: queued tasks would hang; pypool fails them with BrokenProcessPool', async () => {
      await usingPool({ processes: 2, runtime, initializer: () => { throw new Error('init failed'); } }, async (pool) => {
        const results = Array.from({ length: 20 }, (_, i) => pool.apply_async((x: number) => x, [i]));
        const settled = await within(Promise.all(results.map((r) => outcome(r.get()))), 20, 'queued tasks');
        expect(settled.every((s) => !s.ok && s.error instanceof BrokenProcessPool)).to.equal(true);
      });
    });

    it('an idle worker that crashes would kill the main process (no error listener); pypool reports it and replaces the worker', async () => {
      await usingPool({ processes: 1, runtime }, async (pool) => {
        const exits: WorkerExitInfo[] = [];
        pool.on('workerExit', (info) => exits.push(info));
        expect(await within(pool.apply(() => {
          setTimeout(() => {
            throw new Error('idle worker crash (expected by this spec)');
          }, 20);
          return 'returned before the crash';
        }))).to.equal('returned before the crash');
        await waitUntil(() => exits.length === 1, 20, 'workerExit of the idle worker');
        expect(exits[0]!.lostJobs).to.equal(0);
        // We are still here, and so is the pool.
        expect(await within(pool.map((x: number) => x + 1, [1, 2]))).to.deep.equal([2, 3]);
      });
    });

    it('throw null would resolve; pypool rejects with null (and with undefined for throw undefined)', async () => {
      await usingPool({ processes: 1, runtime }, async (pool) => {
        expect(await outcome(pool.apply(() => { throw null; }))).to.deep.equal({ ok: false, error: null });
        expect(await outcome(pool.apply(() => { throw undefined; }))).to.deep.equal({ ok: false, error: undefined });
        expect(await outcome(pool.apply(async () => { throw null; }))).to.deep.equal({ ok: false, error: null });
        const mapped = await outcome(pool.map((x: number) => { if (x === 1) throw null; return x; }, [0, 1, 2]));
        expect(mapped).to.deep.equal({ ok: false, error: null });
      });
    });

    it('tinypool\'s O(n) dequeue is never exercised: its queue holds at most the few messages in flight', async () => {
      await usingPool({ processes: 2, runtime }, async (pool) => {
        const results = Array.from({ length: 5_000 }, (_, i) => pool.apply_async((x: number) => x, [i]));
        let largest = 0;
        let samples = 0;
        const sampling = setInterval(() => {
          for (const tp of tinypools(pool)) largest = Math.max(largest, tp.queueSize);
          samples++;
        }, 1);
        try {
          for (const tp of tinypools(pool)) largest = Math.max(largest, tp.queueSize);
          const values = await within(Promise.all(results.map((r) => r.get())), 60, '5,000 tasks');
          expect(values[4_999]).to.equal(4_999);
        } finally {
          clearInterval(sampling);
        }
        expect(samples).to.be.greaterThan(0);
        expect(largest).to.be.at.most(3);
      });
    });

    it('workers see the parent\'s environment and their identity (tinypool child processes get an empty env and lose workerData)', async () => {
      process.env.PYPOOL_SPEC_ENV = 'inherited';
      try {
        await usingPool({ processes: 1, runtime, initializer: (x: string) => { (globalThis as Record<string, unknown>).initArg = x; }, initargs: ['arrived'] }, async (pool) => {
          const seen = await within(pool.apply(() => [
            process.env.PYPOOL_SPEC_ENV,
            process.env.PATH !== undefined,
            (globalThis as Record<symbol, unknown>)[Symbol.for('pypool.workerName')],
            (globalThis as Record<string, unknown>).initArg,
          ]));
          expect(seen).to.deep.equal(['inherited', true, 'PoolWorker-1', 'arrived']);
        });
      } finally {
        delete process.env.PYPOOL_SPEC_ENV;
      }
    });

    it('idle workers keep running their event loop (tinypool useAtomics would freeze it)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pypool-atomics-'));
      const marker = join(dir, 'tick');
      try {
        await usingPool({ processes: 1, runtime }, async (pool) => {
          await within(pool.apply((path: string) => {
            setTimeout(() => require('node:fs').writeFileSync(path, 'ticked while idle'), 30);
          }, [marker]));
          // No further task is sent: only the idle worker's own event loop can write the file.
          await waitUntil(() => existsSync(marker), 20, 'the idle worker\'s timer');
          expect(readFileSync(marker, 'utf8')).to.equal('ticked while idle');
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('idle workers are not churned (tinypool idleTimeout: 0 would restart them and re-run initializers)', async () => {
      const initializer = (): void => {
        const g = globalThis as Record<string, unknown>;
        g.inits = ((g.inits as number | undefined) ?? 0) + 1;
      };
      await usingPool({ processes: 1, runtime, initializer }, async (pool) => {
        const task = (): [string, unknown] => [`${process.pid}:${require('node:worker_threads').threadId}`, (globalThis as Record<string, unknown>).inits];
        const seen: [string, unknown][] = [];
        for (let i = 0; i < 3; i++) {
          seen.push(await within(pool.apply(task)));
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(new Set(seen.map(([id]) => id)).size).to.equal(1);
        expect(seen.every(([, inits]) => inits === 1)).to.equal(true);
      });
    });

    it('run() after destroy() would silently spawn a worker; pypool refuses work after terminate and spawns nothing', async () => {
      const pool = new Pool({ processes: 1, runtime });
      const tps = tinypools(pool);
      await within(pool.apply(() => 1));
      await within(pool.terminate(), 20, 'terminate');
      expect(() => pool.apply_async(() => 1)).to.throw(PoolStateError);
      const settled = await outcome(pool.apply(() => 1));
      expect(settled.ok === false && settled.error).to.be.instanceOf(PoolStateError);
      expect(tps.every((tp) => tp.threads.length === 0)).to.equal(true);
      // The adapter itself refuses run() once terminated, before tinypool sees it.
      const handle = new WorkerHandle({ runtime, maxInFlight: 1 });
      await within(handle.terminate(), 20, 'handle.terminate');
      const refused = await outcome(handle.run({ type: 'run', seq: 1, fns: [], jobs: [] }));
      expect(refused.ok).to.equal(false);
      expect((handle as unknown as { pool: TinypoolView }).pool.threads.length).to.equal(0);
    });

    it('a crashed worker is not silently replaced inside tinypool: the pool keeps exactly `processes` workers', async () => {
      await usingPool({ processes: 2, runtime }, async (pool) => {
        const exits: WorkerExitInfo[] = [];
        pool.on('workerExit', (info) => exits.push(info));
        await outcome(pool.apply(() => process.exit(3)));
        await waitUntil(() => exits.length === 1, 20, 'workerExit');
        await waitUntil(() => tinypools(pool).length === 2 && tinypools(pool).every((tp) => tp.threads.length === 1), 20, 'two live workers');
        const ids = await within(pool.map(workerId, Array.from({ length: 6 }, (_, i) => i), 1));
        expect(new Set(ids).size).to.be.at.most(2);
      });
    });
  });
}
