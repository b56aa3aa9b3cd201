/**
 * A remote pool on loopback: starts its own Redis (redis-server must be installed) and two
 * pypool-worker processes that load THIS file as their task module, then maps over them.
 * On real machines, Redis and the workers run elsewhere and only the `new Pool` line is
 * yours (see docs/distributed.md).
 *
 * Run: npm run build && node build/examples/remote-map.js
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool, current_process } from '../lib/index.js';

/** The task: an export of this module (remote pools run exports only). */
export function collatzSteps(n: number): number {
  let steps = 0;
  for (let x = n; x !== 1; x = x % 2 === 0 ? x / 2 : 3 * x + 1) steps++;
  return steps;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function startAndWait(command: string, args: string[], ready: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.once('error', reject);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) resolve(child);
    });
  });
}

async function main(): Promise<void> {
  const port = await freePort();
  const redisUrl = `redis://127.0.0.1:${port}`;
  const redis = await startAndWait('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'Ready to accept connections');
  const worker = fileURLToPath(new URL('../bin/pypool-worker.js', import.meta.url));
  const workerArgs = [worker, '--redis', redisUrl, '--queue', 'collatz', '--module', fileURLToPath(import.meta.url), '--processes', '2', '--quiet'];
  const workers = await Promise.all([1, 2].map(() => startAndWait(process.execPath, workerArgs, 'serving queue')));
  try {
    // Python: with Pool() as pool: pool.map(collatz_steps, range(1, 100001), chunksize=5000)
    const pool = new Pool({ module: import.meta.url, remote: { redis: redisUrl, queue: 'collatz' } });
    const steps = await pool.map(collatzSteps, Array.from({ length: 100_000 }, (_, i) => i + 1), 5000);
    console.log('numbers:', steps.length);
    console.log('most steps:', Math.max(...steps), 'for', steps.indexOf(Math.max(...steps)) + 1);
    console.log('apply:', await pool.apply(collatzSteps, [27]));
    pool.close();
    await pool.join();
    console.log('pool joined');
  } finally {
    await Promise.all(workers.map((w) => new Promise((resolve) => { w.once('exit', resolve); w.kill('SIGTERM'); })));
    redis.kill('SIGKILL');
  }
}

// The workers import this file too: only the main program runs main().
if (current_process().name === 'MainProcess') await main();
