#!/usr/bin/env node
// Runs every compiled example (build/examples/*.js) and checks what it prints.
//
// Run: npm run examples          (builds first)
//      node examples/check.mjs [filter…]   (only examples whose name contains a filter)
//
// Pids, worker names and completion order vary from run to run, so each example's
// expectations are patterns: which lines appear and how often, which values come out,
// and where a line must sit when its position is deterministic (e.g. "main" printed first,
// or last after shutdown). Each example runs as a child process with a hang guard: if it
// has not exited after its time limit it is killed and fails.
// One line per example, then "N passed, N failed"; the exit code is 1 on any failure.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const buildDir = join(root, 'build', 'examples');

// ---------------------------------------------------------------------------------------
// Expectation helpers. Each takes the run's output `o` and returns a failure message or
// null. `o.lines` are stdout's lines (without the final empty one), `o.stderr` is a string.

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const show = (re) => (re instanceof RegExp ? re.source : JSON.stringify(re));
const test = (re, line) => (re instanceof RegExp ? re.test(line) : line === re);
const indexOf = (o, re, from = 0) => {
  for (let i = from; i < o.lines.length; i++) if (test(re, o.lines[i])) return i;
  return -1;
};
const lastIndexOf = (o, re) => {
  for (let i = o.lines.length - 1; i >= 0; i--) if (test(re, o.lines[i])) return i;
  return -1;
};
const count = (o, re) => o.lines.filter((l) => test(re, l)).length;

/** Exactly `n` lines match. */
const times = (re, n) => (o) => {
  const c = count(o, re);
  return c === n ? null : `expected ${n} line(s) matching ${show(re)}, got ${c}`;
};
const once = (re) => times(re, 1);
/** Between `min` and `max` lines match. */
const between = (re, min, max) => (o) => {
  const c = count(o, re);
  return c >= min && c <= max ? null : `expected ${min}..${max} lines matching ${show(re)}, got ${c}`;
};
/** Stdout has exactly `n` lines. */
const lineCount = (n) => (o) =>
  o.lines.length === n ? null : `expected ${n} lines of output, got ${o.lines.length}`;
/** Line `i` (negative: from the end) matches. */
const at = (i, re) => (o) => {
  const line = o.lines.at(i);
  return line !== undefined && test(re, line)
    ? null
    : `expected line ${i} to match ${show(re)}, got ${JSON.stringify(line)}`;
};
const first = (re) => at(0, re);
const last = (re) => at(-1, re);
/** stdout is exactly these lines (strings or patterns), in order. */
const exactly = (expected) => (o) => {
  if (o.lines.length !== expected.length)
    return `expected ${expected.length} lines, got ${o.lines.length}`;
  for (let i = 0; i < expected.length; i++)
    if (!test(expected[i], o.lines[i]))
      return `line ${i}: expected ${show(expected[i])}, got ${JSON.stringify(o.lines[i])}`;
  return null;
};
/** Every line matching `a` comes before the first line matching `b` (both must occur). */
const allBefore = (a, b) => (o) => {
  const ia = lastIndexOf(o, a);
  const ib = indexOf(o, b);
  if (ia < 0 || ib < 0) return `expected lines matching ${show(a)} and ${show(b)}`;
  return ia < ib ? null : `expected every ${show(a)} before the first ${show(b)}`;
};
/** The first line matching `a` comes before the first line matching `b`. */
const before = (a, b) => (o) => {
  const ia = indexOf(o, a);
  const ib = indexOf(o, b);
  if (ia < 0 || ib < 0) return `expected lines matching ${show(a)} and ${show(b)}`;
  return ia < ib ? null : `expected ${show(a)} before ${show(b)}`;
};
/** Group 1 of `re` takes between `min` and `max` distinct values over the matching lines. */
const distinct = (re, min, max) => (o) => {
  const values = new Set(o.lines.map((l) => l.match(re)?.[1]).filter((v) => v !== undefined));
  return values.size >= min && values.size <= max
    ? null
    : `expected ${min}..${max} distinct ${show(re)}, got ${values.size}: ${[...values].join(', ')}`;
};
/** Some line of stderr matches. */
const stderrHas = (re) => (o) => (re.test(o.stderr) ? null : `expected stderr to match ${show(re)}`);
/** Custom check: `fn(o)` returns a failure message or null. */
const custom = (fn) => fn;

const range = (n) => Array.from({ length: n }, (_, i) => i);
const LOG = String.raw`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} `;

// ---------------------------------------------------------------------------------------
// Expectations per example (file name without .js). Every compiled example needs one.
// `timeout` is the hang guard in seconds (default 20); `stderr: true` allows stderr output.

const examples = {
  // A helper module that creates the pool; the caller registers its own module (issue 12.6).
  'mapreduce-helper': {
    checks: [
      between(/^PoolWorker-[12] reading \S+\.md$/, 5, 50),
      distinct(/^(PoolWorker-\d+) reading/, 1, 2),
      once('TOP 20 WORDS BY FREQUENCY'),
      times(/^[a-z]+ *: +\d+$/, 20),
      allBefore(/ reading /, 'TOP 20 WORDS BY FREQUENCY'),
      custom((o) => {
        const counts = o.lines.filter((l) => /^[a-z]+ *: +\d+$/.test(l)).map((l) => Number(l.split(':')[1]));
        return counts.every((c, i) => i === 0 || counts[i - 1] >= c) ? null : 'counts are not in descending order';
      }),
    ],
  },
  'remote-map': {
    timeout: 40,
    checks: [exactly(['numbers: 100000', 'most steps: 350 for 77031', 'apply: 111', 'pool joined'])],
  },

  quickstart: {
    checks: [
      exactly([
        '[ 1, 4, 9, 16, 25, 36 ]',
        'callback: 1024',
        'get(): 1024',
        '5! = 120',
        '10! = 3628800',
        '20! = 2432902008176640000',
      ]),
    ],
  },

  'progress-bar': {
    stderr: true,
    checks: [
      exactly(['map_async: primes below 1000000: 78498', 'imap:      primes below 1000000: 78498']),
      stderrHas(/map_async \[.*\] 100% \| 40\/40 slices/),
      stderrHas(/imap +\[.*\] 100% \| 40\/40 slices/),
    ],
  },

  // seed 000 -------------------------------------------------------------------------------
  'seed0-01-process-pool-executor-submit': {
    checks: [
      first('主...'),
      lineCount(11),
      ...range(10).map((i) => once(new RegExp(`^name: linda${i}, pid: \\d+ \\(PoolWorker-\\d+\\) is running$`))),
      distinct(/\((PoolWorker-\d+)\)/, 1, 4),
    ],
  },
  'seed0-02-sync-submit-result': {
    checks: [
      exactly([
        'name: linda',
        /^name: linda, size: #{4,6}$/,
        'name: tom',
        /^name: tom, size: #{4,6}$/,
        'name: catherine',
        /^name: catherine, size: #{4,6}$/,
      ]),
    ],
  },
  'seed0-03-async-add-done-callback': {
    checks: [
      lineCount(6),
      at(0, 'linda is doing '),
      at(1, 'tom is doing '),
      at(2, 'catherine is doing '),
      ...['linda', 'tom', 'catherine'].map((n) => once(new RegExp(`^at last, name: ${n}, size: #{4,6}$`))),
    ],
  },
  'seed0-04-crawler-thread-pool-executor': {
    checks: [
      lineCount(6),
      at(0, /^GET http:\/\/127\.0\.0\.1:\d+\/www\.baidu\.com$/),
      at(1, /^GET http:\/\/127\.0\.0\.1:\d+\/cnblogs\.com$/),
      once(/^GET http:\/\/127\.0\.0\.1:\d+\/www\.python\.org$/),
      // Only two downloads at once: the third starts after one of the first two is done.
      before(/^parse content is (2381|46750)$/, /www\.python\.org$/),
      once('parse content is 2381'),
      once('parse content is 46750'),
      once('parse content is 50102'),
    ],
  },

  // seed 001 -------------------------------------------------------------------------------
  'seed1-01-echo-server-thread-per-client': {
    checks: [
      ...[1, 2, 3, 4, 5].flatMap((n) => [
        once(new RegExp(`client${n} got HELLO FROM ${n}$`)),
        once(new RegExp(`client${n} got BYE FROM ${n}$`)),
        once(new RegExp(`client${n} closed$`)),
      ]),
      // Unbounded: all 5 clients are being served at the same time.
      once(/server: new client, 5 served at once$/),
      last(/server closed$/),
    ],
  },
  'seed1-02-process-pool-executor-shutdown': {
    checks: [
      lineCount(11),
      ...range(10).map((i) => once(new RegExp(`^name:name${i} pid:\\d+ run$`))),
      // runtime: 'process' — real processes, so several pids, but never more than 4.
      distinct(/pid:(\d+)/, 2, 4),
      custom((o) =>
        o.lines.some((l) => l.includes(`pid:${o.pid} `)) ? 'a task ran in the main process' : null,
      ),
      last('主进程'),
    ],
  },
  'seed1-03-thread-pool-executor-shutdown': {
    checks: [
      lineCount(11),
      times(/^name:ThreadPoolExecutor-0_[0-4] pid:\d+ run$/, 10),
      distinct(/pid:(\d+)/, 1, 1),
      distinct(/name:(\S+)/, 5, 5),
      last('主线程'),
    ],
  },
  'seed1-04-echo-server-thread-pool-executor': {
    checks: [
      ...[1, 2, 3, 4].flatMap((n) => [
        once(new RegExp(`pool: serving connection ${n}$`)),
        once(new RegExp(`client${n} got HELLO FROM ${n}$`)),
        once(new RegExp(`client${n} got BYE FROM ${n}$`)),
      ]),
      // Pool of 2: connections 3 and 4 wait for 1 or 2 to finish.
      before(/pool: connection [12] done$/, /pool: serving connection 3$/),
      before(/pool: connection [12] done$/, /client3 got HELLO FROM 3$/),
      before(/pool: connection [12] done$/, /client4 got HELLO FROM 4$/),
      before(/client3 >>: hello from 3$/, /pool: connection [12] done$/),
      last(/server closed$/),
    ],
  },
  'seed1-05-executor-map': {
    checks: [lineCount(11), times(/^\d+ is runing$/, 11)],
  },
  'seed1-06-crawler-process-pool-add-done-callback': {
    checks: [
      ...[
        ['www.baidu.com', 2443],
        ['www.python.org', 50102],
        ['www.openstack.org', 31234],
        ['help.github.com/', 12005],
        ['www.sina.com.cn/', 40120],
      ].flatMap(([site, size]) => [
        once(new RegExp(`^<进程\\d+ PoolWorker-\\d+> get http://127\\.0\\.0\\.1:\\d+/${esc(site)}$`)),
        once(new RegExp(`^<进程\\d+ MainProcess> parse http://127\\.0\\.0\\.1:\\d+/${esc(site)}$`)),
        before(new RegExp(`> get .*/${esc(site)}$`), new RegExp(`> parse .*/${esc(site)}$`)),
        once(new RegExp(`^url:<http://127\\.0\\.0\\.1:\\d+/${esc(site)}> size:\\[${size}\\]$`)),
      ]),
      distinct(/(PoolWorker-\d+)/, 1, 3),
      allBefore(/> parse /, 'db.txt:'),
      lineCount(16),
    ],
  },

  // seed 002 -------------------------------------------------------------------------------
  'seed2-01-wait-all-completed-logging': {
    checks: [
      times(new RegExp(`${LOG}\\[PoolWorker-\\d+:MainThread, \\d+: +\\d+\\] 我被初始化了--------$`), 3),
      times(new RegExp(`${LOG}\\[PoolWorker-\\d+:MainThread, \\d+: +\\d+\\] 开始工作了~+$`), 5),
      times(new RegExp(`${LOG}\\[PoolWorker-\\d+:MainThread, \\d+: +\\d+\\] 工作完成$`), 5),
      ...range(5).flatMap((i) => [
        once(new RegExp(`${LOG}\\[MainProcess:MainThread, \\d+: +0\\] 回调函数执行.*,${i}$`)),
        once(new RegExp(`${LOG}\\[MainProcess:MainThread, \\d+: +0\\] 2回调函数执行.*,${i}$`)),
        // callbacks run in the order they were added
        before(new RegExp(`\\] 回调函数执行.*,${i}$`), new RegExp(`\\] 2回调函数执行.*,${i}$`)),
      ]),
      // a future prints like CPython's repr: <Future #3 state=finished returned number>
      times(/回调函数执行<Future (#\d+|at 0x[0-9a-f]+) state=finished returned \w+>,\d$/, 10),
      // every initializer line comes before the work of its worker
      before(/我被初始化了/, /开始工作了/),
      custom((o) => {
        const tail = o.lines.slice(-6);
        const nums = tail.slice(0, 5).map(Number).sort();
        return JSON.stringify(nums) === '[0,1,2,3,4]' && tail[5] === '开始打印not_down....'
          ? null
          : `expected the 5 results (0..4) then 开始打印not_down...., got ${JSON.stringify(tail)}`;
      }),
    ],
  },
  'seed2-02-context-manager-polling': {
    checks: [
      ...range(5).flatMap((i) => [
        once(new RegExp(`${LOG}\\[MainProcess:ThreadPoolExecutor-0_[0-2], \\d+\\] 开始工作：${i}$`)),
        once(new RegExp(`${LOG}\\[MainProcess:ThreadPoolExecutor-0_[0-2], \\d+\\] 结束工作 ${i}$`)),
      ]),
      // 3 threads: tasks 3 and 4 start only after one of 0..2 has ended
      before(/结束工作 [0-2]$/, /开始工作：3$/),
      before(/结束工作 [0-2]$/, /开始工作：4$/),
      between(/^(- ){30}$/, 2, 4),
      custom((o) => {
        const end = o.lines.length - 1;
        const block = o.lines.slice(end - 6, end - 1);
        return block.every((l) => / \[MainProcess:MainThread, \d+\] True$/.test(l)) &&
          o.lines[end - 1].startsWith('- ')
          ? null
          : `expected the last poll to show 5 × True, got ${JSON.stringify(block)}`;
      }),
      last(new RegExp(`${LOG}\\[MainProcess:MainThread, \\d+\\] ========end=========$`)),
    ],
  },

  // seed 003 -------------------------------------------------------------------------------
  'seed3-01-pool-map-timing': {
    checks: [
      lineCount(1001),
      ...[1, 50, 100].map((n) => times(String(n), 10)),
      times(/^([1-9]|[1-9]\d|100)$/, 1000),
      last(/^\d+(\.\d+)?(e-\d+)?$/),
    ],
  },
  'seed3-02-process-per-task-timing': {
    timeout: 40,
    checks: [
      lineCount(1001),
      ...[1, 50, 100].map((n) => times(String(n), 10)),
      times(/^([1-9]|[1-9]\d|100)$/, 1000),
      last(/^\d+(\.\d+)?(e-\d+)?$/),
    ],
  },
  'seed3-03-apply-sync': {
    checks: [
      lineCount(12),
      times(/^\d+ \(PoolWorker-[1-3]\) run$/, 10),
      at(-2, '[]'),
      // apply() is synchronous: 10 × 300 ms one after the other
      custom((o) => {
        const s = Number(o.lines.at(-1)?.match(/took ([\d.]+) s$/)?.[1]);
        return s >= 2.9 ? null : `expected the 10 apply() calls to take ≥ 3 s in all, got ${o.lines.at(-1)}`;
      }),
    ],
  },
  'seed3-04-apply-async-close-join': {
    checks: [
      lineCount(20),
      times(/^\d+ \(PoolWorker-[1-3]\) run$/, 10),
      distinct(/\((PoolWorker-\d+)\)/, 1, 3),
      custom((o) => {
        const got = o.lines.slice(10).join(',');
        const want = range(10).map((i) => i * i).join(',');
        return got === want ? null : `expected results ${want}, got ${got}`;
      }),
    ],
  },
  'seed3-05-chat-server-pool': {
    checks: [
      times(/\] 进程pid: \d+ \(.+\)$/, 6),
      distinct(/进程pid: \d+ \((.+)\)$/, 4, 4),
      ...[1, 2, 3, 4, 5, 6].map((n) => once(new RegExp(`client${n} got HI ${n}$`))),
      ...[3, 4, 5, 6].map((n) => once(new RegExp(`client${n} got BYE ${n}$`))),
      // Pool of 4: clients 5 and 6 connect, but are answered only once 1 or 2 has left.
      before(/client5 >>: hi 5$/, /client[12] hangs up$/),
      before(/client6 >>: hi 6$/, /client[12] hangs up$/),
      before(/client[12] hangs up$/, /client5 got HI 5$/),
      before(/client[12] hangs up$/, /client6 got HI 6$/),
      last(/server closed$/),
    ],
  },
  'seed3-06-crawler-pool-callback': {
    checks: [
      ...['www.baidu.com', 'www.python.org', 'www.openstack.org', 'www.sina.com.cn/'].flatMap((site) => [
        once(new RegExp(`^<进程\\d+ PoolWorker-[1-3]> get http://127\\.0\\.0\\.1:\\d+/${esc(site)}$`)),
        once(new RegExp(`^<进程\\d+ MainProcess> parse http://127\\.0\\.0\\.1:\\d+/${esc(site)}$`)),
      ]),
      // the URLs in submission order, whatever order the downloads finished in
      once(
        new RegExp(
          `^\\[ ${['www.baidu.com', 'www.python.org', 'www.openstack.org', 'www.sina.com.cn/']
            .map((site) => `'http://127\\.0\\.0\\.1:\\d+/${esc(site)}'`)
            .join(', ')} \\]$`,
        ),
      ),
      allBefore(/> parse /, /^\[/),
      ...[2443, 50102, 31234, 40120].map((size) => once(new RegExp(`^url:<.*> size:\\[${size}\\]$`))),
      last(/size:\[\d+\]$/),
    ],
  },
  'seed3-07-crawler-regex-maoyan': {
    checks: [
      exactly([
        "{ index: '1', title: '霸王别姬', actor: '主演：张国荣,张丰毅,巩俐', time: '上映时间：1993-07-26' }",
        "{ index: '2', title: '肖申克的救赎', actor: '主演：蒂姆·罗宾斯,摩根·弗里曼,鲍勃·冈顿', time: '上映时间：1994-09-10(加拿大)' }",
        "{ index: '3', title: '罗马假日', actor: '主演：格利高里·派克,奥黛丽·赫本,埃迪·艾伯特', time: '上映时间：1953-09-02(美国)' }",
      ]),
    ],
  },

  // seed 004 -------------------------------------------------------------------------------
  'seed4-01-process-pool-current-process': {
    checks: [
      lineCount(20),
      ...range(20).map((i) => once(new RegExp(`^PoolWorker-\\d+ 在执行任务${i}$`))),
      distinct(/^(PoolWorker-\d+)/, 1, 4),
    ],
  },
  'seed4-02-thread-pool-current-thread': {
    checks: [
      lineCount(20),
      ...range(20).map((i) => once(new RegExp(`^ThreadPoolExecutor-0_[0-3] 在执行任务${i}$`))),
      distinct(/^(\S+) /, 4, 4),
    ],
  },
  'seed4-04-process-pool-global-state': {
    checks: [
      lineCount(41),
      ...range(20).map((i) => once(new RegExp(`^PoolWorker-\\d+ 在执行任务${i}$`))),
      last('1'),
      // Each worker has its own `n`: the result of task i is 1 + the numbers of the tasks
      // its worker ran up to and including i (a worker runs one task at a time).
      custom((o) => {
        const results = o.lines.slice(20, 40).map(Number);
        const sums = new Map();
        const order = o.lines.slice(0, 20).map((l) => l.match(/^(\S+) 在执行任务(\d+)$/));
        for (const m of order) {
          if (!m) return 'unexpected task line';
          const [, worker, i] = m;
          const n = (sums.get(worker) ?? 1) + Number(i);
          sums.set(worker, n);
          if (results[Number(i)] !== n)
            return `task ${i} on ${worker}: expected n = ${n}, got ${results[Number(i)]}`;
        }
        return null;
      }),
    ],
  },
  'seed4-05-thread-pool-done-callback': {
    checks: [
      lineCount(60),
      ...range(20).map((i) => once(new RegExp(`^ThreadPoolExecutor-0_[0-3] 在执行${i}$`))),
      times(/ 结束了当前任务$/, 20),
      ...range(20).map((i) => once(String(i * i))),
    ],
  },

  'function-arguments': {
    checks: (() => {
      const line = (op, a, b, r) => new RegExp(`^\\t PoolWorker-[1-4] says that ${op}\\(${a}, ${b}\\) = ${r}$`);
      const results = [0, 1, 2, 3].map((i) => line('mul', i, 7, i * 7)).concat([0, 1, 2, 3].map((i) => line('plus', i, 8, i + 8)));
      return [
        exactly([
          'Ordered results using pool.apply_async():', ...results, '',
          'Ordered results using pool.imap():', ...results, '',
          'SerializationError: Cannot send the arguments of calculate(…) to a worker: argument 0 is a function (anonymous)',
        ]),
      ];
    })(),
  },

  'custom-error-class': {
    checks: [
      exactly([
        'valid age: 30',
        "caught ValidationError on field 'age': age must be >= 0, got -1",
        'isinstance(e, ValidationError): True',
        'remote traceback attached: RemoteTraceback',
        'valid age: 42',
      ]),
    ],
  },
};

// ---------------------------------------------------------------------------------------

function run(file, timeoutSeconds) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: the hang guard kills grandchildren too
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    let timedOut = false;
    const guard = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({
        pid: child.pid,
        code,
        signal,
        timedOut,
        stdout,
        stderr,
        seconds: (performance.now() - started) / 1000,
        lines: stdout.replace(/\n$/, '').split('\n').filter((l, i, a) => a.length > 1 || l !== ''),
      });
    });
  });
}

if (!existsSync(buildDir)) {
  console.error(`${buildDir} does not exist: build first (npx tsc -p tsconfig.json).`);
  process.exit(1);
}
const filters = process.argv.slice(2);
const names = readdirSync(buildDir)
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3))
  .filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
  .sort();
const missing = Object.keys(examples).filter(
  (n) => !names.includes(n) && (filters.length === 0 || filters.some((f) => n.includes(f))),
);

let passed = 0;
let failed = 0;
const t0 = performance.now();
for (const name of names) {
  const spec = examples[name];
  if (!spec) {
    failed++;
    console.log(`FAIL ${name}: no expectations in examples/check.mjs`);
    continue;
  }
  const o = await run(join(buildDir, `${name}.js`), spec.timeout ?? 20);
  const problems = [];
  if (o.timedOut) problems.push(`did not exit within ${spec.timeout ?? 20} s (killed)`);
  else if (o.code !== 0) problems.push(`exit code ${o.code ?? o.signal}`);
  if (!spec.stderr && o.stderr.trim() !== '') problems.push('wrote to stderr');
  if (!o.timedOut) for (const check of spec.checks) {
    const p = check(o);
    if (p) problems.push(p);
  }
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name} (${o.seconds.toFixed(1)} s)`);
  } else {
    failed++;
    console.log(`FAIL ${name} (${o.seconds.toFixed(1)} s)`);
    for (const p of problems) console.log(`       - ${p}`);
    const excerpt = (s) => s.split('\n').slice(0, 30).map((l) => `       | ${l}`).join('\n');
    if (o.stdout) console.log(`       stdout:\n${excerpt(o.stdout)}`);
    if (o.stderr) console.log(`       stderr:\n${excerpt(o.stderr)}`);
  }
}
for (const name of missing) {
  failed++;
  console.log(`FAIL ${name}: expected build/examples/${name}.js (not compiled?)`);
}
console.log(`${passed} passed, ${failed} failed (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
process.exitCode = failed > 0 ? 1 : 0;
