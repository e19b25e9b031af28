/**
 * Golden integer GEMM and global-memory traffic. Pure functions, no imports.
 *
 * Accumulator semantics (the hardware must match them bit for bit): the accumulator is a
 * two's-complement register of `width` bits (unsigned when `signed` is false); each step keeps the
 * low `width` bits of acc + a*b. Wrapping commutes with addition modulo 2^width, so C[i][j] is the
 * exact dot product wrapped once; we wrap after every step only to keep numbers exact in doubles.
 */

export interface IntFormat {
  readonly width: number;
  readonly signed: boolean;
}

/** v (an exact integer, |v| < 2^53) wrapped to `fmt`. */
export function wrapInt(v: number, fmt: IntFormat): number {
  const mod = 2 ** fmt.width;
  let r = v % mod;
  if (r < 0) r += mod;
  if (fmt.signed && r >= mod / 2) r -= mod;
  return r === 0 ? 0 : r; // no -0
}

/**
 * C = A * B with A m x k and B k x n row-major; C row-major m x n, each element wrapped to `acc`.
 * `acc.width` must be <= 48 so that acc + a*b (|a*b| < 2^32) stays exact.
 */
export function gemmWrapped(A: ArrayLike<number>, B: ArrayLike<number>, m: number, n: number, k: number, acc: IntFormat): Float64Array {
  if (acc.width > 48) throw new Error(`gemmWrapped: accumulator width ${acc.width} > 48 loses exactness in doubles`);
  if (A.length !== m * k) throw new Error(`gemmWrapped: A has ${A.length} elements, expected m*k = ${m * k}`);
  if (B.length !== k * n) throw new Error(`gemmWrapped: B has ${B.length} elements, expected k*n = ${k * n}`);
  const C = new Float64Array(m * n);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let kk = 0; kk < k; kk++) {
      const a = A[i * k + kk];
      if (a === 0) continue;
      const base = kk * n;
      for (let j = 0; j < n; j++) row[j] = wrapInt(row[j] + a * B[base + j], acc);
    }
    for (let j = 0; j < n; j++) C[i * n + j] = row[j];
  }
  return C;
}

/** Bytes of an element of `bits` bits in memory. */
export function elementBytes(bits: number): number {
  return Math.ceil(bits / 8);
}

export interface Traffic {
  readonly elementsRead: number;
  readonly elementsWritten: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/**
 * Global-memory traffic of a GEMM with virtual padding: every element of A and B read once, every
 * element of C written once, no padding ever (for int8 operands: M*K + K*N bytes read).
 */
export function gemmTraffic(m: number, n: number, k: number, aBits: number, bBits: number, cBits: number): Traffic {
  return {
    elementsRead: m * k + k * n,
    elementsWritten: m * n,
    bytesRead: m * k * elementBytes(aBits) + k * n * elementBytes(bBits),
    bytesWritten: m * n * elementBytes(cBits),
  };
}
