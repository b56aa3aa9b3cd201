/**
 * The remote specs' world: a real redis-server on a random loopback port and real
 * pypool-worker child processes. Both are killed by pid in after hooks, whatever happened.
 * If redis-server is missing, the setup installs the Debian package when it can, and fails
 * otherwise, saying how to install it: these specs are never skipped silently.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The task module, compiled (producer and workers use the same file). */
export const TASKS = new URL('./tasks.js', import.meta.url);
const WORKER_BIN = fileURLToPath(new URL('../../bin/pypool-worker.js', import.meta.url));

/** A running process with what it printed. */
export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  output: string;
  readonly exited: Promise<void>;
}

let installed = false;

/** Makes sure redis-server is on the PATH, installing the Debian package if it can. */
export function ensureRedisServer(): void {
  if (installed || spawnSync('redis-server', ['--version']).status === 0) {
    installed = true;
    return;
  }
  const apt = (args: string[]): number | null => spawnSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status;
  if (apt(['install', '-y', 'redis-server']) !== 0) apt(['update']);
  if (spawnSync('redis-server', ['--version']).status !== 0 && apt(['install', '-y', 'redis-server']) !== 0) {
    throw new Error('The remote specs need redis-server (Redis 7) and could not install it: run `sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), then run the specs again');
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server was installed but does not run; install Redis 7 by hand (apt-get install -y redis-server)');
  installed = true;
}

/** A free loopback port (a server on port 0 tells which; closed before Redis binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function track(child: ChildProcess): Proc {
  const proc: Proc = {
    child,
    pid: child.pid!,
    output: '',
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
  };
  child.stdout?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  return proc;
}

/** Resolves when `proc` printed `text`; rejects when it exits first or after `seconds`. */
export function waitFor(proc: Proc, text: string | RegExp, seconds = 15): Promise<void> {
  return new Promise((resolve, reject) => {
    const found = (): boolean => (typeof text === 'string' ? proc.output.includes(text) : text.test(proc.output));
    const timer = setInterval(() => {
      if (found()) done(resolve);
    }, 10);
    const guard = setTimeout(() => done(() => reject(new Error(`hang guard: ${String(text)} not printed within ${seconds} s; output:\n${proc.output}`))), seconds * 1000);
    const onExit = (): void => done(() => (found() ? resolve() : reject(new Error(`process exited before printing ${String(text)}; output:\n${proc.output}`))));
    proc.child.once('exit', onExit);
    function done(then: () => void): void {
      clearInterval(timer);
      clearTimeout(guard);
      proc.child.off('exit', onExit);
      then();
    }
  });
}

/** A redis-server of our own. */
export class RedisServer {
  proc: Proc | undefined;
  constructor(
    readonly port: number,
    private readonly extraArgs: readonly string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts one; `extraArgs` go to redis-server (e.g. an ACL user). */
  static async start(extraArgs: readonly string[] = []): Promise<RedisServer> {
    ensureRedisServer();
    const server = new RedisServer(await freePort(), extraArgs);
    await server.restart();
    return server;
  }

  /** (Re)starts it on the same port, empty (no persistence). */
  async restart(): Promise<void> {
    this.proc = track(spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] }));
    await waitFor(this.proc, 'Ready to accept connections');
  }

  /** Kills it (SIGKILL: all data lost) and waits for the exit. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

/** Starts a pypool-worker and waits until it serves the queue. */
export async function startWorker(redisUrl: string, queue: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Proc> {
  const args = [WORKER_BIN, '--redis', redisUrl, '--queue', queue, '--module', fileURLToPath(TASKS), '--processes', '2', '--lock-duration', '1500', ...extra];
  const proc = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env }));
  await waitFor(proc, 'serving queue');
  return proc;
}

/** Kills `procs` by pid (SIGKILL) and waits for their exits. */
export async function killAll(procs: readonly (Proc | undefined)[]): Promise<void> {
  await Promise.all(
    procs.map(async (proc) => {
      if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      proc.child.kill('SIGKILL');
      await proc.exited;
    }),
  );
}

let queueNumber = 0;
/** A queue name no other spec uses. */
export function freshQueue(): string {
  return `spec-${process.pid}-${++queueNumber}`;
}
