/**
 * Remote pools over TLS (`rediss://`): a real redis-server that listens on a TLS port only
 * (`--port 0`), with a self-signed certificate made by openssl at test time. Producer and
 * worker trust it through NODE_EXTRA_CA_CERTS (read by Node at start-up, so the producer runs
 * in a child process too), as a deployment with a private CA would.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServer, freePort, freshQueue, killAll, startWorker, waitFor, type Proc } from './support.js';

const INDEX = new URL('../../lib/index.js', import.meta.url).href;
const TASKS = new URL('./tasks.js', import.meta.url).href;

/** A self-signed certificate for 127.0.0.1 in `dir`; throws (never skips) without openssl. */
function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`The TLS spec needs openssl to make a test certificate (apt-get install -y openssl): ${made.error?.message ?? made.stderr}`);
  return { cert, key };
}

/** Starts a producer script in a child process trusting `ca`: it prints `result ...` or `error ...`. */
function startProducer(url: string, queue: string, ca: string): Proc {
  const script = `
    const { Pool } = await import(${JSON.stringify(INDEX)});
    const { square } = await import(${JSON.stringify(TASKS)});
    const pool = new Pool({ processes: 2, module: new URL(${JSON.stringify(TASKS)}), remote: { redis: ${JSON.stringify(url)}, queue: ${JSON.stringify(queue)}, connectionTimeout: 5 } });
    try {
      console.log('result', JSON.stringify([await pool.apply(square, [7]), await pool.map(square, [1, 2, 3], 1)]));
    } catch (error) {
      console.log('error', String(error));
    }
    await pool.terminate();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_EXTRA_CA_CERTS: ca } });
  const proc: Proc = { child, pid: child.pid!, output: '', exited: new Promise((resolve) => child.once('exit', () => resolve())) };
  child.stdout.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  return proc;
}

describe('remote pools over TLS (rediss://)', function () {
  this.timeout(30_000);
  let dir: string;
  let redis: RedisServer | undefined;
  let tlsPort: number;
  const procs: Proc[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pypool-tls-'));
    const { cert, key } = makeCertificate(dir);
    tlsPort = await freePort();
    // Plain TCP off (--port 0 overrides the support's --port): only a TLS client can talk to it.
    redis = await RedisServer.start(['--port', '0', '--tls-port', String(tlsPort), '--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no']);
  });

  after(async () => {
    await killAll(procs);
    await redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a producer and a pypool-worker run tasks through a TLS-only Redis', async () => {
    const url = `rediss://127.0.0.1:${tlsPort}`;
    const ca = join(dir, 'cert.pem');
    const queue = freshQueue();
    procs.push(await startWorker(url, queue, [], { ...process.env, NODE_EXTRA_CA_CERTS: ca }));
    const producer = startProducer(url, queue, ca);
    procs.push(producer);
    await waitFor(producer, /^(result|error) .*$/m, 20);
    expect(producer.output).to.contain('result [49,[1,4,9]]');
    await producer.exited;
  });
});
