/** Task module of bench/remote.ts (loaded by the pypool-worker processes). */
export function square(x: number): number {
  return x * x;
}
