/**
 * Worker file of the piscina 5.3 baseline: named exports, called with `pool.run(arg, { name })`,
 * as piscina's documentation writes them.
 */
import { Piscina } from 'piscina';

export { cpuWork, inc, sqChunk, identityChunk, echo } from './task-exports.js';

/** Echo that transfers the buffer back instead of copying it. */
export function echoMove(b: Uint8Array): unknown {
  return Piscina.move(b);
}
