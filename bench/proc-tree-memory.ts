/**
 * Memory of a whole process tree, read from Linux /proc: a process and all its descendants
 * (CPython's forked workers, pypool's child-process workers), summed.
 *
 * Two sums are kept, both in KiB:
 * - RSS: resident pages of each process, summed. Counts pages shared between processes (for
 *   example what a forked CPython worker still shares copy-on-write with its parent) once per
 *   process, so it over-states a forking tree.
 * - PSS (proportional set size, from /proc/PID/smaps_rollup): each shared page is split between
 *   the processes sharing it, so the sum is the tree's real footprint. Used for the memory target.
 *
 * `TreeMemorySampler` polls every `intervalMs` and keeps the peak of each sum. Polling can miss a
 * peak shorter than the interval; the workloads it is used on hold their peak far longer.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeMemory {
  rssKiB: number;
  pssKiB: number;
  processes: number;
}

function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so cut at the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined; // the process exited meanwhile
  }
}

function descendantsAndSelf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const ppid = parentOf(name);
    if (ppid === undefined) continue;
    let list = children.get(ppid);
    if (!list) children.set(ppid, (list = []));
    list.push(Number(name));
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

function field(text: string, name: string): number {
  const i = text.indexOf(`\n${name}:`);
  if (i < 0) return 0;
  return parseInt(text.slice(i + name.length + 2), 10) || 0;
}

/** One reading of the tree rooted at `root`. */
export function treeMemory(root: number): TreeMemory {
  let rssKiB = 0;
  let pssKiB = 0;
  let processes = 0;
  for (const pid of descendantsAndSelf(root)) {
    try {
      const text = '\n' + readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
      rssKiB += field(text, 'Rss');
      pssKiB += field(text, 'Pss');
      processes++;
    } catch {
      // exited between the scan and the read
    }
  }
  return { rssKiB, pssKiB, processes };
}

export class TreeMemorySampler {
  peakRssKiB = 0;
  peakPssKiB = 0;
  maxProcesses = 0;
  samples = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly root: number, private readonly intervalMs = 20) {}

  start(): this {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.sample();
    return this;
  }

  sample(): void {
    const m = treeMemory(this.root);
    if (m.processes === 0) return;
    this.samples++;
    this.peakRssKiB = Math.max(this.peakRssKiB, m.rssKiB);
    this.peakPssKiB = Math.max(this.peakPssKiB, m.pssKiB);
    this.maxProcesses = Math.max(this.maxProcesses, m.processes);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
