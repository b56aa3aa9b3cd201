#!/usr/bin/env node
/**
 * `pypool-worker`: serves a remote pool's BullMQ queue on this machine.
 *
 *   pypool-worker --redis redis://host:6379 --queue images --module ./build/tasks.js [--module ...]
 *                 [--processes N] [--runtime thread|process] [--initializer NAME] [--initargs JSON]
 *                 [--maxtasksperchild N] [--lock-duration MS] [--quiet]
 *
 * Stops cleanly on SIGINT/SIGTERM (finishes the jobs it holds); a second signal stops at once.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { startRemoteWorker } from '../lib/remote/remote-worker.js';

const USAGE = 'usage: pypool-worker --redis URL --queue NAME --module PATH [--module PATH ...] [--processes N] [--runtime thread|process] [--initializer NAME] [--initargs JSON] [--maxtasksperchild N] [--lock-duration MS] [--quiet]';

function fail(message: string): never {
  console.error(`pypool-worker: ${message}\n${USAGE}`);
  process.exit(2);
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, got ${value}`);
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      redis: { type: 'string' },
      queue: { type: 'string' },
      module: { type: 'string', multiple: true },
      processes: { type: 'string' },
      runtime: { type: 'string' },
      initializer: { type: 'string' },
      initargs: { type: 'string' },
      maxtasksperchild: { type: 'string' },
      'lock-duration': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  }).values;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!parsed.redis || !/^rediss?:\/\//.test(parsed.redis)) fail('--redis must be a redis:// or rediss:// URL');
if (!parsed.queue) fail('--queue is required');
if (!parsed.module?.length) fail('at least one --module is required');
if (parsed.runtime !== undefined && parsed.runtime !== 'thread' && parsed.runtime !== 'process') fail('--runtime must be thread or process');
let initargs: unknown[] = [];
if (parsed.initargs !== undefined) {
  try {
    initargs = JSON.parse(parsed.initargs) as unknown[];
  } catch {
    fail('--initargs must be a JSON array');
  }
  if (!Array.isArray(initargs)) fail('--initargs must be a JSON array');
}

try {
  const worker = await startRemoteWorker({
    redis: parsed.redis,
    queue: parsed.queue,
    modules: parsed.module,
    processes: integer(parsed.processes, 'processes') ?? availableParallelism(),
    runtime: parsed.runtime as 'thread' | 'process' | undefined,
    initializer: parsed.initializer,
    initargs,
    maxtasksperchild: integer(parsed.maxtasksperchild, 'maxtasksperchild'),
    lockDuration: integer(parsed['lock-duration'], 'lock-duration'),
    logJobs: !parsed.quiet,
  });
  let signals = 0;
  const onSignal = (signal: string): void => {
    signals++;
    console.log(`[pypool-worker ${worker.name}] ${signal}`);
    void (signals === 1 ? worker.close() : worker.kill()).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
} catch (error) {
  console.error(`pypool-worker: cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
