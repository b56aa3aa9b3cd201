/**
 * The task functions of the "named export" baselines (raw tinypool, piscina, workerpool): the
 * bodies every library's worker file exports, so all three run the same code.
 */
export { cpuWork } from '../cpu-work.js';

export function inc(x: number): number {
  return x + 1;
}

/** One manual map chunk: these libraries have no map, so callers split the input themselves. */
export function sqChunk(xs: number[]): number[] {
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]! * xs[i]!;
  return out;
}

/** A map chunk of `x => x` (the map-over-nulls row). */
export function identityChunk(xs: unknown[]): unknown[] {
  const out = new Array<unknown>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i];
  return out;
}

export function echo(b: Uint8Array): Uint8Array {
  return b;
}
