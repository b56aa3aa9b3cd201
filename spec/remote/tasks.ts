/**
 * The task module of the remote specs: the producer passes these exports, and the
 * pypool-worker processes started by the specs load this very file with --module.
 */
import { hostname } from 'node:os';
import { current_process } from '../../lib/index.js';

export function square(x: number): number {
  return x * x;
}

export function add(a: number, b: number): number {
  return a + b;
}

/** Returns its argument: checks that values survive the trip through Redis. */
export function echo(value: unknown): unknown {
  return value;
}

export class CustomError extends TypeError {
  override name = 'CustomError';
  code = 'E_CUSTOM';
  detail = { n: 1n, when: new Date(0) };
}

/** Throws for odd numbers, with a class, a code and properties. */
export function failOdd(x: number): number {
  if (x % 2 === 1) throw new CustomError(`odd: ${x}`);
  return x;
}

export async function sleepy(ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}

/** Keeps a CPU busy for `ms` (the worker's event loop must stay free). */
export function spin(ms: number): number {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++;
  return n;
}

/** Where the task ran: host:pid of the remote worker process, and the local worker's name. */
export function whereAmI(): string {
  return `${hostname()}:${process.pid} ${current_process().name}`;
}

/** Set by the workers' --initializer. */
export function initLabel(label: string): void {
  (globalThis as Record<string, unknown>).remoteLabel = label;
}

export function readLabel(): unknown {
  return (globalThis as Record<string, unknown>).remoteLabel;
}
