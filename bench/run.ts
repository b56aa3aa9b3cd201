/**
 * `npm run bench` — pypool (thread and process runtimes) vs raw tinypool 2.2, piscina 5.3,
 * workerpool 10 and CPython's multiprocessing.Pool (fork), with the floor of bare worker threads,
 * same workloads, interleaved, one fresh process per measurement.
 *
 *   node build/bench/run.js [--quick] [--reps N] [--only id,id] [--contenders a,b] [--no-write]
 *
 * --quick       3 repetitions instead of 5 and imap over 1,000,000 items instead of 10,000,000.
 *               (the chunksize sweep, which has no target, runs at most 3 times in any mode.)
 * --reps N      repetitions (overrides the mode's default).
 * --only        run only these measurement ids (see SPECS below), e.g. --only apply,burst.
 * --contenders  run only these contenders: pypool-thread, pypool-process, tinypool, piscina,
 *               workerpool, cpython, floor.
 * --no-write    print the table but do not write bench/results/ or the SVG chart.
 * --no-wait-idle  start each measurement at once, even while other work keeps the CPUs busy.
 *
 * Output: a Markdown table of medians (with the spread of the noisy rows), a table of every
 * ratio, the goals of issue 14 and the targets of issue 5 marked met/missed
 * (stdout), bench/results/latest.json (every raw measurement), bench/results/latest.md (the
 * table) and docs/performance-chunksize.svg. See docs/performance.md for what each row means.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { median, type Params } from './common.js';
import { TreeMemorySampler } from './proc-tree-memory.js';
import { logLogChart } from './chart.js';

// ------------------------------------------------------------------------------------------------
// Command line

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(name);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = flag('--quick');
const REPS = Number(opt('--reps') ?? (QUICK ? 3 : 5));
const ONLY = opt('--only')?.split(',');
const WRITE = !flag('--no-write');
const TIMEOUT_MS = Number(opt('--timeout') ?? 180_000);
const WAIT_IDLE = !flag('--no-wait-idle');

const here = path.dirname(fileURLToPath(import.meta.url)); // build/bench
const root = path.resolve(here, '..', '..');

// ------------------------------------------------------------------------------------------------
// Contenders: each runs one workload per process.

type ContenderId = 'pypool-thread' | 'pypool-process' | 'tinypool' | 'piscina' | 'workerpool' | 'cpython' | 'floor';
interface Contender {
  id: ContenderId;
  label: string;
  lang: 'js' | 'py';
  command: (p: Params) => [string, string[]];
}
const node = process.execPath;
const CONTENDERS: Contender[] = [
  {
    id: 'pypool-thread',
    label: 'pypool thread',
    lang: 'js',
    command: (p) => [node, [path.join(here, 'pypool-workloads.js'), JSON.stringify({ ...p, runtime: 'thread' })]],
  },
  {
    id: 'pypool-process',
    label: 'pypool process',
    lang: 'js',
    command: (p) => [node, [path.join(here, 'pypool-workloads.js'), JSON.stringify({ ...p, runtime: 'process' })]],
  },
  {
    id: 'tinypool',
    label: 'raw tinypool',
    lang: 'js',
    command: (p) => [node, [path.join(here, 'baselines', 'tinypool-workloads.js'), JSON.stringify(p)]],
  },
  {
    id: 'piscina',
    label: 'piscina',
    lang: 'js',
    command: (p) => [node, [path.join(here, 'baselines', 'piscina-workloads.js'), JSON.stringify(p)]],
  },
  {
    id: 'workerpool',
    label: 'workerpool',
    lang: 'js',
    command: (p) => [node, [path.join(here, 'baselines', 'workerpool-workloads.js'), JSON.stringify(p)]],
  },
  {
    id: 'cpython',
    label: 'CPython',
    lang: 'py',
    command: (p) => ['python3', [path.join(root, 'bench', 'python', 'mp_bench.py'), JSON.stringify(p)]],
  },
  {
    // Bare node:worker_threads, no pool: start-up and round trip only.
    id: 'floor',
    label: 'floor (bare Worker)',
    lang: 'js',
    command: (p) => [node, [path.join(here, 'baselines', 'floor-workloads.js'), JSON.stringify(p)]],
  },
];
/** Every pool (the floor is not one: it has only the start-up and round-trip rows). */
const ALL: ContenderId[] = CONTENDERS.map((c) => c.id).filter((id) => id !== 'floor');
const PEERS: ContenderId[] = ['tinypool', 'piscina', 'workerpool', 'cpython', 'floor'];
const PYPOOL: ContenderId[] = ['pypool-thread', 'pypool-process'];
const CONTENDER_FILTER = opt('--contenders')?.split(',') as ContenderId[] | undefined;

// ------------------------------------------------------------------------------------------------
// Measurements

interface Spec {
  id: string;
  params: Params;
  /** Per-language overrides (the CPU task's iteration count is calibrated per language). */
  perLang?: Partial<Record<'js' | 'py', Partial<Params>>>;
  contenders: ContenderId[];
  /** Sample the process tree's memory during this measurement. */
  memory?: boolean;
  /** Run at most this many repetitions (the chart-only sweep points, to keep the run short). */
  maxReps?: number;
}

const SWEEP = [1, 10, 100, 1000, 10000];
const sweepN = (cs: number): number => (cs <= 10 ? 100_000 : 1_000_000);
const IMAP_N = QUICK ? 1_000_000 : 10_000_000;

const SPECS: Spec[] = [
  { id: 'apply', params: { workload: 'apply_latency', n: 2000, warmup: 100 }, contenders: [...ALL, 'floor'] },
  { id: 'burst', params: { workload: 'apply_async_burst', n: 100_000 }, contenders: ALL, memory: true },
  { id: 'map', params: { workload: 'map', n: 1_000_000 }, contenders: ALL },
  { id: 'map_nulls', params: { workload: 'map', n: 1_000_000, items: 'null' }, contenders: ALL },
  // The first map on a warm pool against the same call repeated (3 more times, median).
  { id: 'map_first', params: { workload: 'map_first', n: 100_000, rounds: 4 }, contenders: ALL },
  // chunksize 1 over 100,000 is also the first point of the chunksize chart. Raw tinypool is
  // left out: it would be 100,000 run() calls, the burst row again, for no target.
  { id: 'map_cs1', params: { workload: 'map', n: 100_000, chunksize: 1 }, contenders: [...PYPOOL, 'cpython'] },
  { id: 'startup', params: { workload: 'startup' }, contenders: [...ALL, 'floor'] },
  {
    id: 'cpu',
    params: { workload: 'cpu', tasks: 16 },
    // ~50 ms per task on the reference machine in each language (xorshift32 loop, same results)
    perLang: { js: { iters: 30_000_000 }, py: { iters: 240_000 } },
    contenders: ALL,
  },
  { id: 'payload', params: { workload: 'payload', mb: 10, rounds: 5, warmup: 1 }, contenders: ALL },
  {
    id: 'payload_transfer',
    params: { workload: 'payload', mb: 10, rounds: 5, warmup: 1, transfer: true },
    contenders: ['pypool-thread', 'tinypool', 'piscina', 'workerpool'],
  },
  // imap's ratio swings between runs: it is judged on the median of every repetition.
  { id: 'imap', params: { workload: 'imap', n: IMAP_N, chunksize: 1000 }, contenders: ALL, memory: true },
  ...SWEEP.filter((cs) => cs !== 1).map(
    (cs): Spec => ({
      id: `sweep_cs${cs}`,
      params: { workload: 'map', n: sweepN(cs), chunksize: cs },
      contenders: [...PYPOOL, 'cpython'],
      maxReps: 3,
    }),
  ),
];
const specId = (cs: number): string => (cs === 1 ? 'map_cs1' : `sweep_cs${cs}`);

// ------------------------------------------------------------------------------------------------
// Running one measurement

/** Share of the machine's CPU time that was idle over the next `ms` milliseconds (from /proc/stat). */
async function idleShare(ms: number): Promise<number> {
  const read = () => {
    const f = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3]! + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return b.total > a.total ? (b.idle - a.idle) / (b.total - a.total) : 1;
}

/**
 * Wait until the machine is (nearly) idle before a measurement: other processes competing for
 * the 2 cores would distort it. Gives up after `maxMs` and reports the idle share it last saw.
 */
let waitBudgetMs = 90_000;
async function waitIdle(maxMs = 15_000): Promise<number> {
  const t0 = Date.now();
  let idle = await idleShare(100);
  while (idle < 0.85 && Date.now() - t0 < Math.min(maxMs, waitBudgetMs)) idle = await idleShare(250);
  // A machine that stays busy (another long job) must not make the run last forever: at most
  // 90 s of waiting in all, then measurements start at once and are counted as busy.
  waitBudgetMs -= Math.max(0, Date.now() - t0 - 100);
  return idle;
}

interface Record_ {
  spec: string;
  contender: ContenderId;
  rep: number;
  ok: boolean;
  metrics?: Record<string, number | string | boolean | null>;
  error?: string;
  wallMs: number;
  peakRssMiB?: number;
  peakPssMiB?: number;
  maxProcesses?: number;
  memSamples?: number;
  leakedProcesses?: boolean;
  /** 1-minute load average when the measurement started (other work on the machine skews results). */
  load1: number;
  /** Share of CPU time idle just before the measurement started (below 0.85: machine was busy). */
  idleBefore: number;
}

async function measure(spec: Spec, c: Contender, rep: number): Promise<Record_> {
  const idleBefore = WAIT_IDLE ? await waitIdle() : await idleShare(50);
  const params = { ...spec.params, ...(spec.perLang?.[c.lang] ?? {}) };
  const [cmd, args] = c.command(params);
  const t0 = Date.now();
  const load1 = os.loadavg()[0]!;
  return new Promise((resolve) => {
    // detached: own process group, so that a timeout can stop the workers too.
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const sampler = spec.memory && child.pid ? new TreeMemorySampler(child.pid, 20).start() : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      sampler?.stop();
      // Anything left in the group (a worker that outlived its pool) is stopped and reported.
      let leaked = false;
      try {
        process.kill(-child.pid!, 'SIGKILL');
        leaked = true;
      } catch {
        /* nothing left: good */
      }
      const rec: Record_ = { spec: spec.id, contender: c.id, rep, ok: false, wallMs: Date.now() - t0, load1, idleBefore };
      if (leaked) rec.leakedProcesses = true;
      if (sampler) {
        rec.peakRssMiB = sampler.peakRssKiB / 1024;
        rec.peakPssMiB = sampler.peakPssKiB / 1024;
        rec.maxProcesses = sampler.maxProcesses;
        rec.memSamples = sampler.samples;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const out = JSON.parse(line) as { ok: boolean; metrics?: Record_['metrics']; error?: string };
        rec.ok = out.ok;
        if (out.metrics) rec.metrics = out.metrics;
        if (out.error) rec.error = out.error;
      } catch {
        rec.error = timedOut
          ? `timed out after ${TIMEOUT_MS / 1000} s`
          : `exit ${code ?? signal}: ${(stderr.trim().split('\n').slice(-3).join(' | ') || line).slice(0, 300)}`;
      }
      resolve(rec);
    });
  });
}

// ------------------------------------------------------------------------------------------------
// Rows of the table, and the targets of issue 5

type Better = 'higher' | 'lower';
interface Row {
  id: string;
  label: string;
  spec: string;
  unit: string;
  better: Better;
  value: (r: Record_) => number | undefined;
  /** A row whose value swings between runs: the table shows min–max beside the median. */
  spread?: boolean;
}
const metric =
  (key: string) =>
  (r: Record_): number | undefined => {
    const v = r.metrics?.[key];
    return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined;
  };
const pss = (r: Record_) => r.peakPssMiB;
const rss = (r: Record_) => r.peakRssMiB;

const ROWS: Row[] = [
  { id: 'apply', label: '`apply` round trip, 2,000 sequential (mean)', spec: 'apply', unit: 'µs', better: 'lower', value: metric('us_per_call'), spread: true },
  { id: 'apply_p50', label: '`apply` round trip (median call)', spec: 'apply', unit: 'µs', better: 'lower', value: metric('p50_us'), spread: true },
  { id: 'burst', label: '100,000 tiny `apply_async` at once', spec: 'burst', unit: 'tasks/s', better: 'higher', value: metric('tasks_per_s') },
  { id: 'burst_pss', label: '  peak memory of the process tree (PSS)', spec: 'burst', unit: 'MiB', better: 'lower', value: pss },
  { id: 'burst_rss', label: '  peak memory of the process tree (RSS sum)', spec: 'burst', unit: 'MiB', better: 'lower', value: rss },
  { id: 'map', label: '`map(x => x*x)` over 1,000,000 ints, default chunking', spec: 'map', unit: 'items/s', better: 'higher', value: metric('items_per_s') },
  { id: 'map_nulls', label: '`map(x => x)` over 1,000,000 `null`s, default chunking', spec: 'map_nulls', unit: 'items/s', better: 'higher', value: metric('items_per_s'), spread: true },
  { id: 'map_first', label: 'first `map` of 100,000 ints on a warm pool', spec: 'map_first', unit: 'ms', better: 'lower', value: metric('first_ms'), spread: true },
  { id: 'map_later', label: '  the same call again (median of 3 more)', spec: 'map_first', unit: 'ms', better: 'lower', value: metric('later_ms') },
  { id: 'map_first_ratio', label: '  first ÷ later', spec: 'map_first', unit: 'x', better: 'lower', value: metric('first_over_later'), spread: true },
  { id: 'map_cs1', label: '`map` chunksize 1 over 100,000 ints', spec: 'map_cs1', unit: 'items/s', better: 'higher', value: metric('items_per_s') },
  { id: 'startup', label: 'pool of 2 started → first result', spec: 'startup', unit: 'ms', better: 'lower', value: metric('first_result_ms'), spread: true },
  { id: 'cpu_task', label: 'CPU-bound: one task run serially', spec: 'cpu', unit: 'ms', better: 'lower', value: metric('task_ms') },
  { id: 'cpu_w1', label: 'CPU-bound, 16 tasks, 1 worker: speedup vs serial', spec: 'cpu', unit: 'x', better: 'higher', value: metric('speedup_w1') },
  { id: 'cpu_w2', label: 'CPU-bound, 16 tasks, 2 workers: speedup vs serial', spec: 'cpu', unit: 'x', better: 'higher', value: metric('speedup_w2') },
  { id: 'payload', label: '10 MB payload round trip, copied', spec: 'payload', unit: 'MB/s', better: 'higher', value: metric('mb_per_s') },
  { id: 'payload_transfer', label: '10 MB payload round trip, transferred ArrayBuffer', spec: 'payload_transfer', unit: 'MB/s', better: 'higher', value: metric('mb_per_s') },
  { id: 'payload_detached', label: '  sender buffer detached (no copy) 1 = yes', spec: 'payload_transfer', unit: '', better: 'higher', value: metric('sender_detached') },
  { id: 'imap', label: `\`imap\` over a ${IMAP_N.toLocaleString('en-US')}-item generator, chunksize 1000`, spec: 'imap', unit: 'items/s', better: 'higher', value: metric('items_per_s'), spread: true },
  { id: 'imap_pss', label: '  peak memory of the process tree (PSS)', spec: 'imap', unit: 'MiB', better: 'lower', value: pss },
  { id: 'imap_rss', label: '  peak memory of the process tree (RSS sum)', spec: 'imap', unit: 'MiB', better: 'lower', value: rss },
  ...SWEEP.filter((cs) => cs !== 1).map(
    (cs): Row => ({
      id: `sweep_cs${cs}`,
      label: `\`map\` chunksize ${cs} over ${sweepN(cs).toLocaleString('en-US')} ints`,
      spec: specId(cs),
      unit: 'items/s',
      better: 'higher',
      value: metric('items_per_s'),
    }),
  ),
];

interface Check {
  row: string;
  /** A contender: ratio pypool ÷ that contender's median; 'absolute': pypool's own value. */
  vs: ContenderId | 'absolute';
  op: '<=' | '>=';
  bound: number;
  /** Only for these pypool runtimes (default both). */
  runtimes?: ContenderId[];
}
interface Target {
  id: string;
  text: string;
  checks: Check[];
}
const TARGETS: Target[] = [
  { id: 'T1', text: '`apply` latency ≤ 0.3x CPython and ≤ 1.15x raw tinypool', checks: [
    { row: 'apply', vs: 'cpython', op: '<=', bound: 0.3 },
    { row: 'apply', vs: 'tinypool', op: '<=', bound: 1.15 },
  ] },
  { id: 'T2', text: '100,000 tiny `apply_async`: ≥ 5x CPython tasks/s', checks: [{ row: 'burst', vs: 'cpython', op: '>=', bound: 5 }] },
  { id: 'T3', text: '`map` 1,000,000 ints, default chunking: ≥ 2x CPython items/s', checks: [{ row: 'map', vs: 'cpython', op: '>=', bound: 2 }] },
  { id: 'T4', text: '`map` chunksize 1, 100,000 ints: ≥ 3x CPython', checks: [{ row: 'map_cs1', vs: 'cpython', op: '>=', bound: 3 }] },
  { id: 'T5', text: 'CPU-bound, 2 workers: speedup ≥ 1.9x vs serial', checks: [{ row: 'cpu_w2', vs: 'absolute', op: '>=', bound: 1.9 }] },
  { id: 'T6', text: 'start → first result ≤ 1.1x raw tinypool', checks: [{ row: 'startup', vs: 'tinypool', op: '<=', bound: 1.1 }] },
  { id: 'T7', text: 'peak tree memory (PSS), 100,000 queued tasks ≤ CPython', checks: [{ row: 'burst_pss', vs: 'cpython', op: '<=', bound: 1 }] },
  { id: 'T8', text: '10 MB round trip ≥ 5x CPython copied; transferred buffer not copied', checks: [
    { row: 'payload', vs: 'cpython', op: '>=', bound: 5 },
    { row: 'payload_detached', vs: 'absolute', op: '>=', bound: 1, runtimes: ['pypool-thread'] },
  ] },
];

/**
 * The goals of issue 14. G1–G7 are its table (thread runtime unless the row names the process
 * runtime); K1–K5 are the targets the previous full run met, which must hold.
 */
const GOALS: Target[] = [
  { id: 'G1', text: '`apply` round trip ≤ 1.0x piscina', checks: [{ row: 'apply', vs: 'piscina', op: '<=', bound: 1, runtimes: ['pypool-thread'] }] },
  { id: 'G2', text: '100,000 tiny `apply_async` ≥ 2x piscina', checks: [{ row: 'burst', vs: 'piscina', op: '>=', bound: 2, runtimes: ['pypool-thread'] }] },
  { id: 'G3', text: '`imap` over a generator, chunksize 1000 ≥ 1.5x CPython', checks: [{ row: 'imap', vs: 'cpython', op: '>=', bound: 1.5 }] },
  { id: 'G4', text: '`apply` round trip, process runtime ≤ 0.5x CPython', checks: [{ row: 'apply', vs: 'cpython', op: '<=', bound: 0.5, runtimes: ['pypool-process'] }] },
  { id: 'G5', text: 'pool of 2 started → first result ≤ 1.2x the floor (two bare threads)', checks: [{ row: 'startup', vs: 'floor', op: '<=', bound: 1.2, runtimes: ['pypool-thread'] }] },
  { id: 'G6', text: 'first `map` of 100,000 ints on a warm pool within 2x of a later call', checks: [{ row: 'map_first_ratio', vs: 'absolute', op: '<=', bound: 2 }] },
  { id: 'G7', text: '`map` over 1,000,000 `null`s ≥ 2x CPython', checks: [{ row: 'map_nulls', vs: 'cpython', op: '>=', bound: 2 }] },
  { id: 'K1', text: 'keep: 100,000 tiny `apply_async` ≥ 5x CPython', checks: [{ row: 'burst', vs: 'cpython', op: '>=', bound: 5, runtimes: ['pypool-thread'] }] },
  { id: 'K2', text: 'keep: `map` 1,000,000 ints ≥ 2x CPython', checks: [{ row: 'map', vs: 'cpython', op: '>=', bound: 2, runtimes: ['pypool-thread'] }] },
  { id: 'K3', text: 'keep: `map` chunksize 1 ≥ 3x CPython', checks: [{ row: 'map_cs1', vs: 'cpython', op: '>=', bound: 3 }] },
  { id: 'K4', text: 'keep: peak tree memory (PSS), 100,000 queued tasks ≤ CPython', checks: [{ row: 'burst_pss', vs: 'cpython', op: '<=', bound: 1 }] },
  // "raw tinypool's speedup", within the 3% that one speedup figure moves between runs.
  { id: 'K5', text: 'CPU-bound, 2 workers: speedup ≥ 0.97x raw tinypool\'s', checks: [{ row: 'cpu_w2', vs: 'tinypool', op: '>=', bound: 0.97 }] },
];

// ------------------------------------------------------------------------------------------------
// Aggregation and formatting

type Cell = { value?: number; min?: number; max?: number; ok: number; failed: number; skipped?: string; errors: string[] };

function cell(records: Record_[], row: Row, c: ContenderId): Cell {
  const rs = records.filter((r) => r.spec === row.spec && r.contender === c);
  const out: Cell = { ok: 0, failed: 0, errors: [] };
  const vals: number[] = [];
  for (const r of rs) {
    if (!r.ok) {
      out.failed++;
      if (r.error && !out.errors.includes(r.error)) out.errors.push(r.error);
      continue;
    }
    if (typeof r.metrics?.skipped === 'string') {
      out.skipped = r.metrics.skipped;
      continue;
    }
    const v = row.value(r);
    if (v !== undefined && Number.isFinite(v)) {
      vals.push(v);
      out.ok++;
    }
  }
  if (vals.length) {
    out.value = median(vals);
    out.min = Math.min(...vals);
    out.max = Math.max(...vals);
  }
  return out;
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined) return '–';
  switch (unit) {
    case 'items/s':
    case 'tasks/s':
      return v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : Math.round(v).toLocaleString('en-US');
    case 'MB/s':
    case 'MiB':
      return Math.round(v).toLocaleString('en-US');
    case 'x':
      return v.toFixed(2);
    case '':
      return String(v);
    default:
      return v < 10 ? v.toFixed(2) : v.toFixed(1);
  }
}
const fmtRatio = (r: number | undefined): string => (r === undefined || !Number.isFinite(r) ? '–' : `${r.toFixed(2)}x`);

// ------------------------------------------------------------------------------------------------

function envInfo() {
  let python = 'unknown';
  try {
    python = execFileSync('python3', ['-c', 'import sys; print(sys.version.split()[0])']).toString().trim();
  } catch {
    /* reported as unknown */
  }
  const version = (pkg: string): string => {
    try {
      return (JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    python,
    tinypool: version('tinypool'),
    piscina: version('piscina'),
    workerpool: version('workerpool'),
  };
}

async function main(): Promise<void> {
  const specs = SPECS.filter((s) => !ONLY || ONLY.includes(s.id));
  const env = envInfo();
  const contenders = CONTENDERS.filter((c) => !CONTENDER_FILTER || CONTENDER_FILTER.includes(c.id));
  process.stderr.write(
    `pypool benchmark: ${REPS} repetitions${QUICK ? ' (quick)' : ''}, ${specs.length} measurements × ` +
      `${contenders.length} contenders, node ${env.node}, python ${env.python}, ${env.cores} cores\n`,
  );
  const records: Record_[] = [];
  const started = Date.now();
  for (let rep = 0; rep < REPS; rep++) {
    for (const spec of specs) {
      if (rep >= (spec.maxReps ?? Infinity)) continue;
      // Rotate the order of the contenders each repetition so no one always runs first.
      const cs = contenders.filter((c) => spec.contenders.includes(c.id));
      const order = cs.map((_, i) => cs[(i + rep) % cs.length]!);
      for (const c of order) {
        const rec = await measure(spec, c, rep);
        records.push(rec);
        const summary = rec.ok ? JSON.stringify(rec.metrics) : `FAILED ${rec.error}`;
        const mem = rec.peakPssMiB !== undefined ? ` pss=${rec.peakPssMiB.toFixed(0)}MiB rss=${rec.peakRssMiB!.toFixed(0)}MiB` : '';
        process.stderr.write(`[rep ${rep + 1}/${REPS} ${((Date.now() - started) / 1000).toFixed(0)}s] ${spec.id} ${c.id}: ${summary.slice(0, 200)}${mem}\n`);
      }
    }
  }
  const totalS = (Date.now() - started) / 1000;
  const loads = records.map((r) => r.load1).sort((a, b) => a - b);
  const loadText = loads.length
    ? `1-min load average at the start of each measurement: min ${loads[0]!.toFixed(2)}, median ${median(loads).toFixed(2)}, max ${loads[loads.length - 1]!.toFixed(2)} (the benchmark itself keeps it near 2 on 2 cores; more means other work competed)`
    : '';
  const busy = records.filter((r) => r.idleBefore < 0.85).length;
  const busyText = `${busy} of ${records.length} measurements started while the machine was busy (less than 85% idle${WAIT_IDLE ? ' after waiting up to 15 s each, 90 s in all' : ', no waiting'}).`;

  // ---- table
  const rows = ROWS.filter((r) => specs.some((s) => s.id === r.spec));
  const cells = new Map<string, Cell>();
  for (const row of rows) for (const c of CONTENDERS) cells.set(`${row.id}/${c.id}`, cell(records, row, c.id));
  const val = (row: string, c: ContenderId) => cells.get(`${row}/${c}`)?.value;
  const ratio = (row: string, a: ContenderId, b: ContenderId) => {
    const x = val(row, a);
    const y = val(row, b);
    return x === undefined || y === undefined || y === 0 ? undefined : x / y;
  };
  const notes: string[] = [];
  const shown = (row: Row, c: ContenderId): string => {
    const ce = cells.get(`${row.id}/${c}`)!;
    const spec = SPECS.find((s) => s.id === row.spec)!;
    if (!spec.contenders.includes(c) || (CONTENDER_FILTER && !CONTENDER_FILTER.includes(c))) return '';
    if (ce.value !== undefined) return fmt(ce.value, row.unit) + (ce.failed ? ` (${ce.failed} failed)` : '');
    if (ce.skipped) {
      let i = notes.indexOf(ce.skipped);
      if (i < 0) i = notes.push(ce.skipped) - 1;
      return `n/a[^${i + 1}]`;
    }
    if (ce.failed) {
      const msg = ce.errors[0] ?? 'failed';
      let i = notes.indexOf(msg);
      if (i < 0) i = notes.push(msg) - 1;
      return `error[^${i + 1}]`;
    }
    return '–';
  };
  const lines: string[] = [];
  lines.push(
    `Run of ${env.date.slice(0, 10)}: ${env.cores} × ${env.cpu}, ${env.memGiB} GiB, ${env.os}; ` +
      `Node ${env.node}, Python ${env.python}, tinypool ${env.tinypool}, piscina ${env.piscina}, workerpool ${env.workerpool}; ${REPS} repetitions${QUICK ? ' (--quick)' : ''}, ` +
      `medians; ${totalS.toFixed(0)} s in all.`,
    '',
    loadText + '. ' + busyText,
    '',
  );
  // Medians, with min–max for the rows that swing between runs.
  const shownContenders = CONTENDERS.filter((c) => !CONTENDER_FILTER || CONTENDER_FILTER.includes(c.id));
  const label = (row: Row) => (row.label.startsWith('  ') ? '&nbsp;&nbsp;' + row.label.trim() : row.label);
  const withSpread = (row: Row, c: ContenderId): string => {
    const text = shown(row, c);
    const ce = cells.get(`${row.id}/${c}`)!;
    if (!row.spread || ce.value === undefined || ce.ok < 2) return text;
    return `${text} (${fmt(ce.min, row.unit)}–${fmt(ce.max, row.unit)})`;
  };
  lines.push(
    `| workload | unit | ${shownContenders.map((c) => c.label).join(' | ')} |`,
    `|---|---|${shownContenders.map(() => '--:').join('|')}|`,
  );
  for (const row of rows) lines.push(`| ${label(row)} | ${row.unit} | ${shownContenders.map((c) => withSpread(row, c.id)).join(' | ')} |`);
  lines.push('', 'Medians; "(a–b)" is the lowest and highest single repetition of a row that swings between runs.', '');

  // Every ratio: each pypool runtime ÷ each other contender.
  const peers = PEERS.filter((id) => shownContenders.some((c) => c.id === id));
  const runtimes = PYPOOL.filter((id) => shownContenders.some((c) => c.id === id));
  const pairs = runtimes.flatMap((rt) => peers.map((peer) => [rt, peer] as const));
  const short = (id: ContenderId) => (id === 'pypool-thread' ? 'thread' : id === 'pypool-process' ? 'process' : CONTENDERS.find((c) => c.id === id)!.label.split(' ')[0]);
  lines.push(
    `| workload | ${pairs.map(([a, b]) => `${short(a)} ÷ ${short(b)}`).join(' | ')} |`,
    `|---|${pairs.map(() => '--:').join('|')}|`,
  );
  for (const row of rows) lines.push(`| ${label(row)} | ${pairs.map(([a, b]) => fmtRatio(ratio(row.id, a, b))).join(' | ')} |`);
  lines.push('', 'Ratios are pypool ÷ the other contender, medians on the raw metric (for µs, ms and MiB lower is better; for throughput and speedup higher is better).', '');

  // ---- goals (issue 14) and targets (issue 5)
  const targetResults: unknown[] = [];
  const judge = (title: string, all: Target[]) => {
    // Only what this run measured (a run with --only judges its own rows).
    const list = all.filter((t) => t.checks.some((ch) => rows.some((r) => r.id === ch.row)));
    if (list.length === 0) return;
    lines.push(`| ${title} | pypool thread | pypool process |`, '|---|---|---|');
    for (const t of list) {
      const perRuntime = PYPOOL.map((rt) => {
        const parts = t.checks.filter((ch) => !ch.runtimes || ch.runtimes.includes(rt)).map((ch) => {
          const v = ch.vs === 'absolute' ? val(ch.row, rt) : ratio(ch.row, rt, ch.vs);
          const met = v === undefined ? undefined : ch.op === '<=' ? v <= ch.bound : v >= ch.bound;
          const what = ch.vs === 'absolute' ? '' : ` vs ${CONTENDERS.find((c) => c.id === ch.vs)!.label}`;
          // Enough digits that a miss never prints as the bound itself (2.997 is not "3.00").
          const digits = v !== undefined && !met && v.toFixed(2) === ch.bound.toFixed(2) ? 3 : 2;
          const shownValue = v === undefined ? 'n/a' : ch.row.endsWith('detached') ? (v ? 'yes' : 'no') : v.toFixed(digits) + 'x';
          return { ...ch, value: v, met, text: `${shownValue}${what} (${ch.op} ${ch.bound})` };
        });
        const met = parts.length === 0 || parts.some((p) => p.met === undefined) ? undefined : parts.every((p) => p.met);
        return { runtime: rt, met, parts };
      });
      targetResults.push({ id: t.id, text: t.text, results: perRuntime });
      const show = (r: (typeof perRuntime)[number]) =>
        r.parts.length === 0
          ? '–'
          : `${r.met === undefined ? '**not measured**' : r.met ? '**met**' : '**missed**'}: ${r.parts.map((p) => `${p.met === false ? '✗' : p.met ? '✓' : '?'} ${p.text}`).join('; ')}`;
      lines.push(`| ${t.id} ${t.text} | ${show(perRuntime[0]!)} | ${show(perRuntime[1]!)} |`);
    }
    lines.push('');
  };
  judge('goal (issue 14)', GOALS);
  judge('target (issue 5)', TARGETS);
  if (notes.length) {
    lines.push('');
    notes.forEach((n, i) => lines.push(`[^${i + 1}]: ${n}`));
  }
  const leaks = records.filter((r) => r.leakedProcesses);
  if (leaks.length) {
    lines.push('', `Warning: ${leaks.length} measurement(s) left processes behind after exiting (stopped by the runner): ` +
      [...new Set(leaks.map((r) => `${r.spec}/${r.contender}`))].join(', '));
  }
  const table = lines.join('\n') + '\n';
  process.stdout.write('\n' + table);

  if (!WRITE) return;
  const resultsDir = path.join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const medians: Record<string, Record<string, number | undefined>> = {};
  for (const row of rows) {
    medians[row.id] = {};
    for (const c of CONTENDERS) medians[row.id]![c.id] = val(row.id, c.id);
  }
  writeFileSync(
    path.join(resultsDir, 'latest.json'),
    JSON.stringify({ env, loadText, busyText, quick: QUICK, reps: REPS, totalSeconds: totalS, specs, medians, targets: targetResults, records }, null, 1) + '\n',
  );
  writeFileSync(path.join(resultsDir, 'latest.md'), table);

  // ---- chart: throughput vs chunksize
  if (SWEEP.every((cs) => specs.some((s) => s.id === specId(cs)))) {
    const series = (
      [
        ['pypool-thread', 'pypool (thread runtime)', '#1f6feb', undefined],
        ['pypool-process', 'pypool (process runtime)', '#8957e5', '6 4'],
        ['cpython', 'CPython Pool (fork)', '#d1242f', undefined],
      ] as const
    ).map(([id, name, color, dash]) => ({
      name,
      color,
      ...(dash ? { dash } : {}),
      points: SWEEP.map((cs): [number, number] => [cs, val(cs === 1 ? 'map_cs1' : `sweep_cs${cs}`, id) ?? NaN]),
    }));
    const svg = logLogChart(series, {
      title: 'map(x => x*x) throughput vs chunksize, 2 workers',
      subtitle: `${env.date.slice(0, 10)}, ${env.cores} × ${env.cpu}, Node ${env.node}, Python ${env.python}; medians of ${Math.min(REPS, 3)} runs; 100k ints for chunksize 1–10, 1M above`,
      xLabel: 'chunksize (log)',
      yLabel: 'items per second (log)',
    });
    writeFileSync(path.join(root, 'docs', 'performance-chunksize.svg'), svg);
  }
  process.stderr.write(`wrote bench/results/latest.json, bench/results/latest.md${SWEEP.every((cs) => specs.some((s) => s.id === specId(cs))) ? ', docs/performance-chunksize.svg' : ''}\n`);
}

/**
 * Benchmarks that other parts of the project add as their own scripts (bench/remote.ts,
 * bench/als-tax.ts): run after the table when they exist, unless --only leaves them out.
 */
function runExtras(): void {
  for (const name of ['remote', 'als-tax']) {
    const script = path.join(here, `${name}.js`);
    if (!existsSync(script) || (ONLY && !ONLY.includes(name))) continue;
    process.stderr.write(`\nrunning bench/${name}.ts\n`);
    try {
      execFileSync(node, [script, ...(QUICK ? ['--quick'] : [])], { cwd: root, stdio: 'inherit', timeout: 10 * TIMEOUT_MS });
    } catch (error) {
      process.stderr.write(`bench/${name}.ts failed: ${(error as Error).message}\n`);
    }
  }
}

await main();
runExtras();
