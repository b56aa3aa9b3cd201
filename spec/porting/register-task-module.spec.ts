/**
 * Issue 12, item 6: a helper module that creates pools for its callers runs their exported
 * functions once the caller registered its module (`registerTaskModule(import.meta.url)`);
 * nothing imports a caller's module without it; and a function that is simply not exported
 * from a module the pool loads gets an error that says so. Run in fresh processes: the
 * registration lasts for the whole process.
 */
import { expect } from 'chai';
import { registerTaskModule } from '../../lib/index.js';
import { RUNTIMES } from '../helpers.js';
import { fixture, runNode } from './support.js';

interface CallerOutput {
  shouted: string[] | string;
  whispered: string[] | string;
}

function parse(stdout: string): { imports: string[]; output: CallerOutput } {
  const lines = stdout.trim().split('\n');
  return { imports: lines.filter((l) => l.startsWith('caller imported in ')), output: JSON.parse(lines.at(-1)!) as CallerOutput };
}

describe('registerTaskModule: helper modules that create pools (issue 12.6)', () => {
  for (const runtime of RUNTIMES) {
    it(`a registered caller's exports run in the helper's pool; an unexported function is named as such (${runtime})`, async () => {
      const run = await runNode(fixture('helper-caller'), { env: { REGISTER: '1', RUNTIME: runtime } });
      expect(run.code, run.stderr).to.equal(0);
      const { imports, output } = parse(run.stdout);
      expect(output.shouted).to.deep.equal(['A!', 'B!']);
      expect(output.whispered).to.be.a('string').and.include('ReferenceError: Task function whisper reads "SUFFIX"');
      expect(output.whispered).to.include('none exports a function named whisper');
      expect(output.whispered).to.include('helper-caller.js');
      expect(output.whispered).not.to.include('new Pool({ module: import.meta.url })');
      // Each of the two pools' worker imported the registered module.
      expect(imports).to.deep.equal(['caller imported in MainProcess', 'caller imported in PoolWorker-1', 'caller imported in PoolWorker-1']);
    });
  }

  it('without registration, no worker imports the caller, and the error advises the module option', async () => {
    const run = await runNode(fixture('helper-caller'), { env: { REGISTER: '0' } });
    expect(run.code, run.stderr).to.equal(0);
    const { imports, output } = parse(run.stdout);
    expect(imports).to.deep.equal(['caller imported in MainProcess']);
    expect(output.shouted).to.be.a('string').and.include('module: import.meta.url');
  });

  it('rejects what is not a module URL or path', () => {
    expect(() => registerTaskModule('')).to.throw(TypeError, /registerTaskModule\(\) takes a module URL/);
    expect(() => registerTaskModule(42 as unknown as string)).to.throw(TypeError, /got number 42/);
  });
});
