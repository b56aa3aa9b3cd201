/**
 * Worker file of the workerpool 10 baseline: the task functions registered by name with
 * `workerpool.worker({...})`, called with `pool.exec(name, [arg])`.
 */
import workerpool from 'workerpool';
import { cpuWork, inc, sqChunk, identityChunk, echo } from './task-exports.js';

workerpool.worker({
  cpuWork,
  inc,
  sqChunk,
  identityChunk,
  echo,
  /** Echo that transfers the buffer back instead of copying it. */
  echoMove: (b: Uint8Array) => new workerpool.Transfer(b, [b.buffer as ArrayBuffer]),
});
