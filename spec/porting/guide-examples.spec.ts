/**
 * The porting guide's checked examples (issue 12, items 6 and 13): each code block marked
 * `<!-- checked: NAME -->` in docs/porting-guide.md is compiled and run as a script, and its
 * output compared with what the guide says it prints.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { runNode, type NodeRun } from './support.js';

const GUIDE = new URL('../../../docs/porting-guide.md', import.meta.url);
const LIB = new URL('../../lib/index.js', import.meta.url).href;
const MAPREDUCE = new URL('../../examples/support/simple-mapreduce.js', import.meta.url).href;

/** The code of the block marked `<!-- checked: name -->`. */
function checkedBlock(name: string): string {
  const guide = readFileSync(GUIDE, 'utf8');
  const match = new RegExp(`<!-- checked: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\\n\`\`\``).exec(guide);
  if (!match) throw new Error(`docs/porting-guide.md has no block marked "checked: ${name}"`);
  return match[1]!;
}

/** Compiles the block (TypeScript) and runs it as an ES module, 'pypool' being this build. */
function runBlock(name: string): Promise<NodeRun> {
  return runSource(checkedBlock(name));
}

describe('Porting guide: checked examples (issue 12)', () => {
  it('register-task-module: a helper module runs the registered caller\'s exports', async () => {
    const run = await runBlock('register-task-module');
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal("[ [ 'cat', 2 ] ]\n");
  });

  it('dropped-pool: with the one-line fix the script exits without running the queued tasks', async () => {
    const run = await runBlock('dropped-pool');
    expect(run.code).to.equal(0);
    // The first task may have started; the three queued behind it never run.
    expect(run.stdout.split('\n').filter((l) => l.startsWith('done')).length).to.be.at.most(1);
    expect(run.stdout).to.include('main done');
  });

  it('dropped-pool: without the fix, Node runs every queued task before exiting', async () => {
    const source = checkedBlock('dropped-pool');
    expect(source).to.include('await pool.terminate();');
    // The same script minus the fix line.
    const run = await runSource(source.replace(/^await pool\.terminate\(\);.*$/m, ''));
    expect(run.stdout.split('\n').filter((l) => l.startsWith('done'))).to.deep.equal(['done 0', 'done 1', 'done 2', 'done 3']);
  });

  it('as-completed-map: CPython\'s future_to_url[future] idiom finds each completed future in the Map', async () => {
    const run = await runBlock('as-completed-map');
    expect(run.stderr).to.equal('');
    // Completion order: the shortest sleep first.
    expect(run.stdout).to.equal('c.example page is 9 bytes\nb.example page is 9 bytes\na.example page is 9 bytes\n');
  });

  it('division-by-zero: 1 / 0 is Infinity, an explicit check throws', async () => {
    const run = await runBlock('division-by-zero');
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal('Infinity\ndivision by zero\n');
  });
});

/** Compiles TypeScript source and runs it in a fresh node, with 'pypool' (and the guide's helper) from this build. */
async function runSource(source: string): Promise<NodeRun> {
  const linked = source.replaceAll("from 'pypool'", `from ${JSON.stringify(LIB)}`).replaceAll("from './mapreduce.js'", `from ${JSON.stringify(MAPREDUCE)}`);
  const js = ts.transpileModule(linked, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dir = mkdtempSync(join(tmpdir(), 'pypool-guide-'));
  try {
    const file = join(dir, 'script.mjs');
    writeFileSync(file, js);
    return await runNode(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
