// Runs the compiled specs (build/spec/**/*.spec.js) with mocha and prints a closing
// "N passed, N failed" line computed from mocha's own counts. It also fails the run on any
// unhandled rejection, uncaught exception or process warning, on a `.only` left in a spec
// (it would silently skip the rest of the suite) and on a run in which no spec ran (a filter
// that matches nothing must not look green). It never forces exit: a leaked worker or handle
// shows up as a run that does not end (CI's hang guard catches it).
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

/** Prints the closing line (CI parses "N passed, N failed") and sets the exit code. */
function finish({ passes = 0, failures = 0, pending = 0 }, loaded = true) {
  if (loaded && passes + failures === 0) hygiene.push(`no spec ran${filter ? ` (filter "${filter}" matched ${files.length} file(s))` : ''}`);
  for (const problem of hygiene) console.log(`HYGIENE FAILURE: ${problem}`);
  const failed = failures + hygiene.length;
  console.log(`specs: ${passes} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

// forbidOnly: mocha throws while loading a file that uses `.only`.
const mocha = new Mocha({ timeout: 30000, reporter: 'spec', forbidOnly: true });
for (const file of files) mocha.addFile(file);
let loaded = true;
try {
  await mocha.loadFilesAsync();
} catch (error) {
  loaded = false;
  hygiene.push(`the specs could not be loaded: ${error?.stack ?? error}`);
  finish({}, false);
}
if (loaded) {
  const runner = mocha.run(() => finish(runner.stats ?? {}));
}
