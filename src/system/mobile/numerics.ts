/**
 * The float64 kernels of the numeric MoE model. Every sum runs left to right over its index, in
 * one loop, with no reassociation and no fused tricks, so one input gives one bit pattern: that is
 * what makes "an important token's output is bit-identical to the baseline's" a checkable claim
 * rather than a tolerance.
 */

/** sum_i w[row * n + i] * x[i], i = 0 .. n-1 in order. */
export function dotRow(w: Float64Array, row: number, x: Float64Array, n: number): number {
  let s = 0;
  const o = row * n;
  for (let i = 0; i < n; i++) s += w[o + i] * x[i];
  return s;
}

/** RMS normalization without a learned scale: x / sqrt(mean(x^2) + 1e-6). */
export function rmsNorm(x: Float64Array): Float64Array {
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += x[i] * x[i];
  const inv = 1 / Math.sqrt(ss / x.length + 1e-6);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * inv;
  return y;
}

/** Softmax with the maximum subtracted first; the normalizer summed in index order. */
export function softmax(z: Float64Array): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i] > m) m = z[i];
  const p = new Float64Array(z.length);
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    p[i] = Math.exp(z[i] - m);
    s += p[i];
  }
  for (let i = 0; i < z.length; i++) p[i] /= s;
  return p;
}

/** SiLU (swish), the activation of the SwiGLU experts of all three presets. */
export function silu(v: number): number {
  return v / (1 + Math.exp(-v));
}

/** A standard normal sample from a uniform source (Box-Muller, one of the pair). */
export function gaussian(rand: () => number): number {
  const u1 = 1 - rand(); // (0, 1]: log is finite
  const u2 = rand();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A 32-bit seed mixed from a base seed and small integers (layer, expert, matrix...). */
export function mixSeed(seed: number, ...parts: number[]): number {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}
