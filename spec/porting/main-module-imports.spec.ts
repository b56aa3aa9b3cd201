/**
 * Issue 12, item 9: an inline task's `import()` and `require()` resolve from the user's main
 * module, in both runtimes, so a task can load the user's installed packages when pypool is
 * installed elsewhere. Simulated with a project directory that has its own node_modules/fakepkg
 * (pypool is not in it), its script run from another directory.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from './support.js';

const LIB = new URL('../../lib/index.js', import.meta.url).href;

describe("Inline tasks import the user's packages (issue 12.9)", () => {
  let root: string;
  let project: string;
  let elsewhere: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'pypool-imports-'));
    project = join(root, 'project');
    elsewhere = join(root, 'elsewhere');
    mkdirSync(join(project, 'node_modules', 'fakepkg'), { recursive: true });
    mkdirSync(elsewhere);
    writeFileSync(join(project, 'node_modules', 'fakepkg', 'package.json'), JSON.stringify({ name: 'fakepkg', exports: { import: './index.mjs', require: './index.cjs' } }));
    writeFileSync(join(project, 'node_modules', 'fakepkg', 'index.mjs'), "export const hello = (who) => `hello ${who} from fakepkg (esm)`;\n");
    writeFileSync(join(project, 'node_modules', 'fakepkg', 'index.cjs'), "exports.hello = (who) => `hello ${who} from fakepkg (cjs)`;\n");
    writeFileSync(
      join(project, 'main.mjs'),
      `import { Pool } from ${JSON.stringify(LIB)};
const results = {};
for (const runtime of ['thread', 'process']) {
  const pool = new Pool({ processes: 1, runtime });
  const esm = await pool.apply(async (who) => (await import('fakepkg')).hello(who), [runtime]).catch((e) => e.message);
  const cjs = await pool.apply((who) => require('fakepkg').hello(who), [runtime]).catch((e) => e.message);
  const builtin = await pool.apply(async () => typeof (await import('node:os')).cpus);
  results[runtime] = { esm, cjs, builtin };
  await pool.terminate();
}
console.log(JSON.stringify(results));
`,
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('import() and require() in inline tasks find the packages of the main module, in threads and processes', async () => {
    const run = await runNode(join(project, 'main.mjs'), { cwd: elsewhere });
    expect(run.stderr).to.equal(''); // no experimental-loader warning either
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.equal({
      thread: { esm: 'hello thread from fakepkg (esm)', cjs: 'hello thread from fakepkg (cjs)', builtin: 'function' },
      process: { esm: 'hello process from fakepkg (esm)', cjs: 'hello process from fakepkg (cjs)', builtin: 'function' },
    });
  });
});
