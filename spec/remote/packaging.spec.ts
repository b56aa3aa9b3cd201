/**
 * bullmq and ioredis are optional peer dependencies: local pools never load them, and a remote
 * pool without them fails with an error saying what to install. Run in a child process whose
 * module resolution hides bullmq, as if it were not installed.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INDEX = new URL('../../lib/index.js', import.meta.url).href;
const TASKS = new URL('./tasks.js', import.meta.url).href;
const HIDE_BULLMQ = `data:text/javascript,${encodeURIComponent(
  "export async function resolve(s, c, next) { if (s === 'bullmq') { const e = new Error(\"Cannot find package 'bullmq'\"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; } return next(s, c); }",
)}`;

describe('remote pools: optional peer dependencies', function () {
  this.timeout(30_000);

  it('without bullmq, local pools work and a remote pool fails with what to install', () => {
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(HIDE_BULLMQ)});
      const { Pool, RemoteJobError } = await import(${JSON.stringify(INDEX)});
      const { square } = await import(${JSON.stringify(TASKS)});
      const local = new Pool(1);
      console.log('local', await local.apply((x) => x * 2, [21]));
      await local.terminate();
      const remote = new Pool({ processes: 1, module: ${JSON.stringify(fileURLToPath(TASKS))}, remote: { redis: 'redis://127.0.0.1:1', queue: 'q' } });
      const error = await remote.apply(square, [2]).catch((e) => e);
      console.log('remote', error instanceof RemoteJobError, error.code, error.message);
      await remote.terminate();
    `;
    const dir = mkdtempSync(join(tmpdir(), 'pypool-packaging-'));
    const file = join(dir, 'no-bullmq.mjs');
    writeFileSync(file, script);
    let run;
    try {
      run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.contain('local 42');
    expect(run.stdout).to.match(/remote true ERR_POOL_REMOTE_JOB .*npm install bullmq ioredis/);
    expect(run.status).to.equal(0);
  });
});
