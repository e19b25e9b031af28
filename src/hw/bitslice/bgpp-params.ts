/**
 * Parameters of the BGPP unit (bgpp-unit.ts) and the geometry every part derives from them:
 * where each key's bit-planes live, and the widths of scores and thresholds.
 *
 * Defaults for what papers.md (section 4, BGPP) leaves open, stated here once:
 *   - units = 16 inner-product units (the paper's Q(1x64) . K(64x16)), headDim D = 64, rounds
 *     R = 4 (one per plane fetched, MSB first), alpha = 0.5 ("5" in tenths), radius = 3 in raw
 *     partial-score units (the golden's raw-integer mode; no logit mode in the RTL).
 *   - Keys are interleaved over `units` banks: key i lives in bank i mod units at index
 *     floor(i / units), and unit b works only on bank b. Every bank is a single-port SRAM (one
 *     read a cycle): no crossbar, no bank conflicts.
 *   - The alive list is compacted per bank per round (each bank keeps the local indices of its
 *     alive keys, in ascending order, in a list memory, rewritten in place by the threshold pass),
 *     so a pass over a round's keys takes max over banks of that bank's alive keys, not seqLen /
 *     units. Round 1 walks every index without the list.
 *   - The threshold needs the round's max over all alive keys, so a round is two passes: the
 *     score pass (fetch plane, partial scores, running max/min per bank) and, after one cycle that
 *     reduces the banks' max/min and forms the threshold, the clipping pass (compare, rewrite the
 *     list, survivor mask). As in the paper, clipping is clock-gated when the threshold is at or
 *     below the round's min (every key survives; always so with radius none): the clipping pass
 *     is skipped.
 *   - The sign plane is fetched once, in round 1, into an on-unit sign buffer that later rounds
 *     read (so fetched key bits are exactly golden kBitsFetched: D per alive key per round, 2D in
 *     round 1).
 *   - alphaTenths and radius are synthesis-time constants (the paper tunes them per model
 *     offline): a per-round table of alphaTenths_r * radius, the last entry repeating.
 *   - The query is loaded 8 int4 elements per 32-bit write while the unit is idle.
 */
import { bitsFor } from "../../hdl/index.js";
import { requireWhole } from "../param-check.js";

export interface BgppUnitParams {
  /** N: keys. */
  readonly seqLen: number;
  /** D: elements per key and query (the adder trees' width). */
  readonly headDim: number;
  /** Inner-product units = key banks; `units` alive keys advance per cycle. */
  readonly units: number;
  /** R: rounds, 1..7 (magnitude planes fetched, MSB first). */
  readonly rounds: number;
  /** alpha_r in tenths (0..10) per round, the last repeating. */
  readonly alphaTenths: readonly number[];
  /** Threshold radius in raw partial-score units (whole number >= 0), or -1 for none (keep all). */
  readonly radius: number;
}

export const BGPP_DEFAULTS: BgppUnitParams = { seqLen: 256, headDim: 64, units: 16, rounds: 4, alphaTenths: [5], radius: 3 };

/** The largest radius: keeps thresholds within a few dozen bits. */
export const MAX_RADIUS = 1 << 24;
/** Query elements per q_data write (4 bits each). */
export const Q_PER_WORD = 8;
/** Width of the k_bits_fetched counter. */
export const FETCH_COUNTER_BITS = 40;
/** Bit position (papers.md: 1 = LSB magnitude .. 7 = MSB magnitude, 8 = sign) of the sign plane. */
export const SIGN_POS = 8;

function whole(name: string, v: number, lo: number, hi: number, mend: string): void {
  requireWhole("bgpp unit", name, v, lo, hi, mend);
}

export function checkBgppParams(p: BgppUnitParams): void {
  whole("seqLen", p.seqLen, 1, 65536, "give the number of keys N");
  whole("headDim", p.headDim, 1, 1024, "give the head dimension D (the paper's 64)");
  whole("units", p.units, 1, 32, "give the inner-product units (the paper's 16; at most 32, the width of the per-bank output vectors)");
  whole("rounds", p.rounds, 1, 7, "one magnitude plane per round, so at most 7");
  if (p.alphaTenths.length === 0) throw new Error("bgpp unit: alphaTenths is empty; give at least one alpha in tenths, e.g. [5]");
  p.alphaTenths.forEach((a, i) => whole(`alphaTenths[${i}]`, a, 0, 10, "alpha is 0..1 in tenths"));
  if (p.radius !== -1) whole("radius", p.radius, 0, MAX_RADIUS, "give a radius in raw partial-score units, or -1 for none");
}

/** Signed width holding every value of magnitude <= m. */
export function signedBits(m: number): number {
  return Math.ceil(Math.log2(m + 1)) + 1;
}

export interface BgppGeometry {
  readonly p: BgppUnitParams;
  /** Words per bank and plane: ceil(N / units) (bank 0 is the fullest). */
  readonly perBank: number;
  /** Keys in bank b. */
  readonly bankSize: readonly number[];
  /** Bits of a local index 0..perBank-1, and of a count 0..perBank. */
  readonly indexBits: number;
  readonly countBits: number;
  /** Bits of a key index 0..N-1. */
  readonly keyBits: number;
  /** A partial score: |q . K| <= 8 * 127 * D. */
  readonly scoreBits: number;
  /** 10 x a score and thresholds 10 max - alphaTenths_r radius. */
  readonly thrBits: number;
  /** One adder tree's plane sum: |sum| <= 8 D. */
  readonly planeSumBits: number;
  /** Writes of 8 query elements. */
  readonly qWords: number;
  /** alphaTenths_r * radius for r = 1..R (index r - 1); null with radius none. */
  readonly thresholdSub: readonly number[] | null;
  /** Where key i lives. */
  bank(i: number): number;
  index(i: number): number;
  /** Address in a bank's magnitude memory of position pos (1..7) of local key j; round r reads pos 8 - r. */
  magAddr(pos: number, j: number): number;
}

export function bgppGeometry(p: BgppUnitParams): BgppGeometry {
  checkBgppParams(p);
  const U = p.units, L = Math.ceil(p.seqLen / U);
  const maxScore = 8 * 127 * p.headDim;
  const alpha = (r: number) => p.alphaTenths[Math.min(r - 1, p.alphaTenths.length - 1)];
  return {
    p,
    perBank: L,
    bankSize: Array.from({ length: U }, (_, b) => Math.max(0, Math.ceil((p.seqLen - b) / U))),
    indexBits: bitsFor(L),
    countBits: Math.max(1, Math.ceil(Math.log2(L + 1))),
    keyBits: bitsFor(p.seqLen),
    scoreBits: signedBits(maxScore),
    thrBits: signedBits(10 * maxScore + 10 * Math.max(0, p.radius)),
    planeSumBits: signedBits(8 * p.headDim),
    qWords: Math.ceil(p.headDim / Q_PER_WORD),
    thresholdSub: p.radius < 0 ? null : Array.from({ length: p.rounds }, (_, i) => alpha(i + 1) * p.radius),
    bank: (i) => i % U,
    index: (i) => Math.floor(i / U),
    magAddr: (pos, j) => (7 - pos) * L + j,
  };
}

/** Memory names of bank b (K storage: sign plane and magnitude planes; unit state). */
export const kSignMem = (b: number): string => `k_sign_b${b}`;
export const kMagMem = (b: number): string => `k_mag_b${b}`;
export const signBufMem = (b: number): string => `sign_buf_b${b}`;
export const scoreMem = (b: number): string => `score_b${b}`;
export const listMem = (b: number): string => `alive_list_b${b}`;
export const maskMem = (b: number): string => `mask_b${b}`;
