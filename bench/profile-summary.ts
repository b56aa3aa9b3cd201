/**
 * Summarise V8 CPU profiles written by `node --cpu-prof`: top functions by self time.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof build/bench/pypool-workloads.js '{"workload":"map","n":1000000}'
 *   node build/bench/profile-summary.js /tmp/prof [--top 25]
 *
 * One table per profile file (the main thread and each worker thread write their own file).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const args = process.argv.slice(2);
const topIdx = args.indexOf('--top');
const TOP = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
const targets = args.filter((a, i) => !a.startsWith('--') && (topIdx < 0 || i !== topIdx + 1));

function files(p: string): string[] {
  return statSync(p).isDirectory()
    ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => path.join(p, f))
    : [p];
}

function shortUrl(url: string): string {
  const i = url.indexOf('/build/');
  if (i >= 0) return url.slice(i + 1);
  const j = url.indexOf('node_modules/');
  if (j >= 0) return url.slice(j);
  return url.replace(/^file:\/\//, '');
}

for (const file of targets.flatMap(files)) {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const node = byId.get(prof.samples[i]!)!;
    const dt = prof.timeDeltas[i] ?? 0;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  console.log(`\n${path.basename(file)}: ${(total / 1000).toFixed(0)} ms sampled, ${((total - (self.get('(idle)') ?? 0)) / 1000).toFixed(0)} ms not idle`);
  console.log('  self ms   % total  function  location');
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  for (const [k, v] of rows) {
    console.log(`${(v / 1000).toFixed(1).padStart(9)} ${((100 * v) / total).toFixed(1).padStart(8)}%  ${k}`);
  }
}
