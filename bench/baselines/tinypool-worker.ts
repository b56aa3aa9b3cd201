/**
 * Worker file of the raw tinypool baseline: the task functions, one named export each, called
 * with `pool.run(arg, { name })`. This is what hand-rolled tinypool code looks like.
 */
import Tinypool from 'tinypool';

export { cpuWork } from '../cpu-work.js';

export function inc(x: number): number {
  return x + 1;
}

/** One manual map chunk: tinypool has no map, so callers split the input themselves. */
export function sqChunk(xs: number[]): number[] {
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]! * xs[i]!;
  return out;
}

export function echo(b: Uint8Array): Uint8Array {
  return b;
}

/** Echo that transfers the buffer back instead of copying it. */
export function echoMove(b: Uint8Array): unknown {
  return Tinypool.move(b);
}

export default inc;
