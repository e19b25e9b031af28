/**
 * Parameters of the BSTC encoder and decoder (papers.md section 4) and the widths that follow.
 *
 * Stream layout (golden bstcEncode / bstcSegments): a plane is split along its columns into
 * sub-matrices of `segCols` columns (the last one narrower); each is coded on its own, group by
 * group, column by column, an all-zero m-bit column as '0' and any other as '1' + its m bits; the
 * sub-matrix streams are concatenated with no gap and packed into words of `wordBits` bits, the
 * first bit of the stream in the MSB of word 0, the last word zero-padded. A sub-matrix's start
 * is its bit address in that concatenation.
 *
 * Defaults where papers.md is silent: wordBits = 32 (the paper's SRAM banks are 64 columns wide,
 * the row width is not given; 32 keeps the simulator on its fast path), segCols = 1024 (the
 * paper's 1k-length sub-matrices), 4 decoder lanes (the paper has 4 decoders per cluster).
 */
import { bitsFor } from "../../hdl/index.js";
import { checkPatternWidth } from "./encoder.js";
import { requireWhole } from "../param-check.js";

export interface BstcEncoderParams {
  /** Rows per group (pattern width), 1..16. */
  readonly m: number;
  /** Word width, a power of two 8..64, at least m + 1. */
  readonly wordBits: number;
  /** Columns per sub-matrix (segment). */
  readonly segCols: number;
  /** Largest plane the unit takes: columns (H) and groups (ceil(rows / m)). */
  readonly maxCols: number;
  readonly maxGroups: number;
}

export interface BstcDecoderParams {
  readonly m: number;
  readonly wordBits: number;
  /** Decoder lanes, each decoding one segment at a time. */
  readonly lanes: number;
  /** Words in the bank the lanes read. */
  readonly depth: number;
  /** Largest segment: columns (segCols) and groups. */
  readonly segCols: number;
  readonly maxGroups: number;
}

export const DEFAULT_WORD_BITS = 32;
export const DEFAULT_SEG_COLS = 1024;
export const DEFAULT_LANES = 4;

const whole = requireWhole;

function checkWord(who: string, m: number, wordBits: number): void {
  checkPatternWidth(who, m);
  if (![8, 16, 32, 64].includes(wordBits)) throw new Error(`${who}: wordBits = ${wordBits} must be 8, 16, 32 or 64 (a power of two, so a bit address splits into word and offset)`);
  if (wordBits < m + 1) throw new Error(`${who}: wordBits = ${wordBits} is narrower than one nonzero code (m + 1 = ${m + 1} bits); use wordBits >= ${m + 1}`);
}

export function checkBstcEncoderParams(p: BstcEncoderParams): void {
  const who = "bstc encoder";
  checkWord(who, p.m, p.wordBits);
  whole(who, "segCols", p.segCols, 1, 1 << 16, "give the sub-matrix width in columns (the paper uses 1024)");
  whole(who, "maxCols", p.maxCols, 1, 1 << 20, "give the widest plane (H columns) the unit must take");
  whole(who, "maxGroups", p.maxGroups, 1, 1 << 16, "give the most groups (ceil(rows / m)) the unit must take");
}

export function checkBstcDecoderParams(p: BstcDecoderParams): void {
  const who = "bstc decoder";
  checkWord(who, p.m, p.wordBits);
  whole(who, "lanes", p.lanes, 1, 64, "give the number of parallel decoders (the paper uses 4)");
  whole(who, "depth", p.depth, 1, 1 << 22, "give the bank size in words");
  whole(who, "segCols", p.segCols, 1, 1 << 16, "give the largest segment width in columns (the paper uses 1024)");
  whole(who, "maxGroups", p.maxGroups, 1, 1 << 16, "give the most groups (ceil(rows / m)) a segment has");
}

/** log2(wordBits): the offset bits of a bit address. */
export function offsetBits(wordBits: number): number {
  return Math.log2(wordBits);
}

/** Worst-case coded bits of a plane: every column nonzero. */
export function bstcMaxBits(m: number, cols: number, groups: number): number {
  return groups * cols * (m + 1);
}

/** Words holding `bits` stream bits. */
export function wordsFor(bits: number, wordBits: number): number {
  return Math.ceil(bits / wordBits);
}

/** Bit-address width of the encoder: holds 0..maxBits (the total after the last code). */
export function encoderAddrBits(p: BstcEncoderParams): number {
  return Math.max(offsetBits(p.wordBits) + 1, bitsFor(bstcMaxBits(p.m, p.maxCols, p.maxGroups) + 1));
}

/** Segments of the widest plane. */
export function maxSegments(p: BstcEncoderParams): number {
  return Math.ceil(p.maxCols / p.segCols);
}

/** Word-index width of the decoder's lanes: 0..depth (a lane may stop just past the last word). */
export function decoderWordIndexBits(p: BstcDecoderParams): number {
  return bitsFor(p.depth + 1);
}

/** Bit-address width of the decoder's lanes (start and end positions in the bank). */
export function decoderAddrBits(p: BstcDecoderParams): number {
  return decoderWordIndexBits(p) + offsetBits(p.wordBits);
}
