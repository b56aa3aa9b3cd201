/**
 * An idle pool does not keep the process alive: a script that never calls close() exits by
 * itself once its work is done (CPython's pool finalizer does the same).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNTIMES, within } from '../helpers.js';

const LIB = new URL('../../lib/index.js', import.meta.url).href;

/** Runs an ES module script in a fresh `node`; resolves with its exit code and output. */
function runScript(source: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pypool-idle-'));
  const file = join(dir, 'script.mjs');
  writeFileSync(file, source);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
  return within(exited, 30, 'the script to exit by itself').catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
}

for (const runtime of RUNTIMES) {
  describe(`Idle pools do not keep the process alive (${runtime})`, () => {
    it('a script that uses a pool and never closes it exits by itself', async () => {
      const { code, stdout, stderr } = await runScript(`
        import { Pool } from ${JSON.stringify(LIB)};
        const pool = new Pool({ processes: 2, runtime: ${JSON.stringify(runtime)} });
        const squares = await pool.map((x) => x * x, [1, 2, 3, 4]);
        const sum = await pool.apply_async((a, b) => a + b, [2, 3], { callback: () => {} }).get(10);
        console.log(JSON.stringify({ squares, sum }));
      `);
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.equal({ squares: [1, 4, 9, 16], sum: 5 });
    });

    it('exits by itself after a worker crash, a replacement and an initializer', async () => {
      const { code, stdout } = await runScript(`
        import { Pool } from ${JSON.stringify(LIB)};
        const pool = new Pool({ processes: 1, runtime: ${JSON.stringify(runtime)}, initializer: () => { globalThis.ready = true; } });
        const lost = await pool.apply(() => process.exit(3)).catch((e) => e.exitCode);
        const after = await pool.apply(() => globalThis.ready);
        console.log(JSON.stringify({ lost, after }));
      `);
      expect(code).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.equal({ lost: 3, after: true });
    });

    it('exits by itself with a broken pool (initializer threw)', async () => {
      const { code, stdout } = await runScript(`
        import { Pool } from ${JSON.stringify(LIB)};
        const pool = new Pool({ processes: 2, runtime: ${JSON.stringify(runtime)}, initializer: () => { throw new Error('no'); } });
        console.log(await pool.apply(() => 1).catch((e) => e.name));
      `);
      expect(code).to.equal(0);
      expect(stdout.trim()).to.equal('BrokenProcessPool');
    });
  });
}
