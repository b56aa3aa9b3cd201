/**
 * Worker file of the raw tinypool baseline: the task functions, one named export each, called
 * with `pool.run(arg, { name })`. This is what hand-rolled tinypool code looks like.
 */
import Tinypool from 'tinypool';
import { inc } from './task-exports.js';

export { cpuWork, inc, sqChunk, identityChunk, echo } from './task-exports.js';

/** Echo that transfers the buffer back instead of copying it. */
export function echoMove(b: Uint8Array): unknown {
  return Tinypool.move(b);
}

export default inc;
