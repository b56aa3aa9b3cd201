/** Runs scripts in a fresh `node` for the porting specs (a script's whole life is the subject). */
import { spawn } from 'node:child_process';
import { within } from '../helpers.js';

export interface NodeRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The compiled fixture `name` (spec/fixtures/NAME.ts), as a path. */
export function fixture(name: string): string {
  return new URL(`../fixtures/${name}.js`, import.meta.url).pathname;
}

/**
 * Runs `node file ...args`; resolves with its exit and output. The hang guard kills it: a
 * script that does not end is a failure, never a hung suite.
 */
export function runNode(file: string, options: { args?: readonly string[]; cwd?: string; env?: Record<string, string>; seconds?: number } = {}): Promise<NodeRun> {
  const child = spawn(process.execPath, [file, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return within(exited, options.seconds ?? 30, `${file} to exit`).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
}
