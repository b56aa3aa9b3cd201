// Runs the compiled specs (build/spec/**/*.spec.js) with mocha and prints a closing
// "N passed, N failed" line computed from mocha's own counts. It also fails the run on any
// unhandled rejection, uncaught exception or process warning, and never forces exit:
// a leaked worker or handle shows up as a run that does not end (CI's hang guard catches it).
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = 'build/spec';
const filter = process.argv[2];
const files = readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.spec.js') && (!filter || f.includes(filter)))
  .sort()
  .map((f) => join(root, f));

const hygiene = [];
process.on('unhandledRejection', (reason) => hygiene.push(`unhandledRejection: ${reason?.stack ?? reason}`));
process.on('warning', (warning) => hygiene.push(`warning: ${warning.name}: ${warning.message}`));

const mocha = new Mocha({ timeout: 30000, reporter: 'spec' });
for (const file of files) mocha.addFile(file);
await mocha.loadFilesAsync();
const runner = mocha.run(() => {
  const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
  for (const problem of hygiene) console.log(`HYGIENE FAILURE: ${problem}`);
  const failed = failures + hygiene.length;
  console.log(`specs: ${passes} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
  process.exitCode = failed > 0 ? 1 : 0;
});
