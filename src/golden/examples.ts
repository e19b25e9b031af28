/**
 * Golden references for the example designs (`counter`, `mac-grid`). Pure functions over plain
 * numbers and bigints; they import nothing of Tessera's, so they stay an independent oracle.
 */

// --- counter -------------------------------------------------------------------------------------

/** One cycle of counter inputs, as the testbench drives them before a clock edge. */
export interface CounterInputs {
  enable: boolean;
  load: boolean;
  loadValue: bigint;
}

/**
 * The counter's next value: load wins over enable; an enabled count at `wrap` goes back to 0,
 * otherwise it adds 1 modulo 2^width (a loaded value above `wrap` counts on to the top and wraps).
 */
export function counterNext(count: bigint, inp: CounterInputs, width: number, wrap: bigint): bigint {
  if (inp.load) return BigInt.asUintN(width, inp.loadValue);
  if (!inp.enable) return count;
  return count === wrap ? 0n : BigInt.asUintN(width, count + 1n);
}

/** The carry output during a cycle: high when this cycle's edge wraps the count back to 0 from `wrap`. */
export function counterCarry(count: bigint, inp: CounterInputs, wrap: bigint): boolean {
  return inp.enable && !inp.load && count === wrap;
}

/**
 * The count after each edge for a sequence of inputs, starting from `start` (0 after reset):
 * element i is the value seen after the i-th edge.
 */
export function counterSequence(inputs: readonly CounterInputs[], width: number, wrap: bigint, start = 0n): bigint[] {
  const out: bigint[] = [];
  let c = start;
  for (const inp of inputs) {
    c = counterNext(c, inp, width, wrap);
    out.push(c);
  }
  return out;
}

// --- GEMM ------------------------------------------------------------------------------------------

/** Wrap a JS integer to int32 (two's complement), as a 32-bit hardware accumulator does. */
export function wrapInt32(v: number): number {
  return v | 0;
}

/** Wrap to int8, for generating operands. */
export function wrapInt8(v: number): number {
  return (v << 24) >> 24;
}

/**
 * C = A x B with int8 operands and int32 wrap-around accumulation, row-major:
 * A is m x k, B is k x n, C is m x n. Products of int8 values fit in 16 bits, and each partial sum is
 * wrapped to int32 after every addition (the same as wrapping once at the end, modulo 2^32).
 * `out`, if given (m x n), receives C and is returned: testbenches that check a GEMM every few
 * dozen cycles reuse one array instead of allocating one per GEMM.
 */
export function gemmInt8(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, out?: Int32Array): Int32Array {
  if (a.length !== m * k) throw new Error(`gemmInt8: A has ${a.length} elements, expected m*k = ${m}*${k}`);
  if (b.length !== k * n) throw new Error(`gemmInt8: B has ${b.length} elements, expected k*n = ${k}*${n}`);
  if (out && out.length !== m * n) throw new Error(`gemmInt8: out has ${out.length} elements, expected m*n = ${m}*${n}`);
  // An Int8Array holds int8 values by construction; anything else is checked and copied into one,
  // so the loop below always reads the same array type (testbenches call this once per GEMM,
  // every few dozen cycles, and it showed in their profiles when it read mixed types).
  const int8 = (x: ArrayLike<number>, what: string): Int8Array => {
    if (x instanceof Int8Array) return x;
    for (let i = 0; i < x.length; i++) if (!Number.isInteger(x[i]) || x[i] < -128 || x[i] > 127) throw new Error(`gemmInt8: ${what} holds ${x[i]}, not an int8`);
    return Int8Array.from(x);
  };
  const A = int8(a, "A"), B = int8(b, "B");
  // B transposed, so each C[i][j] is a dot product of two contiguous rows summed in a register
  // (a fifth faster than accumulating rows of C in memory).
  const BT = transposeScratch(k * n);
  for (let t = 0; t < k; t++) for (let j = 0; j < n; j++) BT[j * k + t] = B[t * n + j];
  const c = out ?? new Int32Array(m * n);
  for (let i = 0; i < m; i++) {
    const ao = i * k;
    for (let j = 0; j < n; j++) {
      const bo = j * k;
      let acc = 0;
      for (let t = 0; t < k; t++) acc = (acc + A[ao + t] * BT[bo + t]) | 0;
      c[i * n + j] = acc;
    }
  }
  return c;
}

/** One scratch array for gemmInt8's transposed B, grown as needed (allocating one per call showed in profiles). */
let scratch = new Int8Array(0);
function transposeScratch(size: number): Int8Array {
  if (scratch.length < size) scratch = new Int8Array(size);
  return scratch;
}
