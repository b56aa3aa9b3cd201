/**
 * Lists of plain numbers cross between threads or processes as one Float64Array: structured
 * clone then copies a block of memory instead of visiting every element. Lossless, since every
 * JavaScript number is a double (-0 and NaN included).
 *
 * @module
 * @internal
 */

/** Below this many values a typed array saves nothing. */
const TYPED_ARRAY_MIN = 16;

/** The values as a Float64Array when there are enough of them and all are numbers. */
export function asNumbers(values: readonly unknown[]): Float64Array | undefined {
  if (values.length < TYPED_ARRAY_MIN || typeof values[0] !== 'number') return undefined;
  // One pass: copy while checking; a non-number gives up (usually at once, at index 0).
  const numbers = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number') return undefined;
    numbers[i] = value;
  }
  return numbers;
}
