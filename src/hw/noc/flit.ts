/**
 * The bit formats that cross the mesh: link words (flits), credit words, and the packet
 * descriptors a testbench gives a network interface. Plain TypeScript encoders/decoders for
 * testbenches live next to the bit positions the RTL uses, so the two cannot drift apart.
 *
 * Link word, 32 bits (what a link carries each cycle; 0 = no flit):
 *   bit 0      valid
 *   bits 1..3  virtual channel
 *   bit 4      head (first flit of a packet)
 *   bit 5      tail (last flit; a one-flit packet is head and tail)
 *   bits 6..30 data (25 bits)
 *   bit 31     0 (words stay below 2^31: the simulator keeps them as small integers)
 *
 * Credit word, 5 bits (from a buffer back to the output that feeds it; 0 = no credit):
 *   bit 0 valid, bits 1..3 VC, bit 4 tail (the freed slot held a tail flit: the VC is empty now).
 *
 * Head flit data, LSB first: dstX, dstY, srcX, srcY (xb/yb bits each, from the mesh size), then
 * the packet's sequence tag in the remaining bits. Body and tail flit k (k = 1..size-1) carry the
 * head data XOR bodyMix(k), so every flit names its packet and its place in it.
 *
 * Packet descriptor (network interface input inj_pkt), LSB first: dstX, dstY, seq (seqBits), size
 * (8 bits: 1..255 flits, 0 for 256). A destination outside the mesh is never delivered (its VC
 * stays stuck at the edge router): the testbench only sends to real nodes.
 */
import { bitsFor } from "../../hdl/index.js";

export const WORD_BITS = 32;
export const DATA_BITS = 25;
export const DATA_LO = 6;
export const VC_LO = 1;
export const VC_BITS = 3;
export const HEAD_BIT = 4;
export const TAIL_BIT = 5;
export const CREDIT_BITS = 5;
export const CREDIT_TAIL_BIT = 4;
export const SIZE_BITS = 8;
/** Odd, so k -> k * BODY_MIX mod 2^DATA_BITS is one-to-one: body flits of one packet all differ. */
export const BODY_MIX = 0x2c9277b;
const DATA_MASK = 2 ** DATA_BITS - 1;

/** Field widths that depend on the mesh size. */
export interface FlitLayout {
  readonly w: number;
  readonly h: number;
  readonly xb: number;
  readonly yb: number;
  /** Bits of the sequence tag in a head flit (and a descriptor). */
  readonly seqBits: number;
  /** Width of a packet descriptor. */
  readonly descBits: number;
}

export function flitLayout(w: number, h: number): FlitLayout {
  const xb = bitsFor(w), yb = bitsFor(h);
  const seqBits = DATA_BITS - 2 * (xb + yb);
  return { w, h, xb, yb, seqBits, descBits: xb + yb + seqBits + SIZE_BITS };
}

/** Head flit data of a packet. */
export function headData(L: FlitLayout, src: number, dst: number, seq: number): number {
  const sx = src % L.w, sy = Math.floor(src / L.w), dx = dst % L.w, dy = Math.floor(dst / L.w);
  const s = seq % 2 ** L.seqBits;
  return dx + dy * 2 ** L.xb + sx * 2 ** (L.xb + L.yb) + sy * 2 ** (2 * L.xb + L.yb) + s * 2 ** (2 * (L.xb + L.yb));
}

/** What body/tail flit k (1..size-1) is XORed with. */
export function bodyMix(k: number): number {
  return Math.imul(k, BODY_MIX) & DATA_MASK; // the low bits of the product (testbench hot path: no BigInt)
}

/** Data of flit k of a packet whose head data is `head`. */
export function flitData(head: number, k: number): number {
  return k === 0 ? head : (head ^ bodyMix(k)) >>> 0;
}

export interface HeadFields {
  src: number;
  dst: number;
  seq: number;
}

/** The fields of a head flit's data (headDecoder's, in an object of its own). */
export function decodeHead(L: FlitLayout, data: number): HeadFields {
  return { ...headDecoder(L)(data) };
}

/**
 * A head flit decoder for one layout, its masks and scales computed once, filling one object it
 * returns each time (a testbench decodes a head per packet: 640k per 100k cycles of an 8x8 mesh).
 */
export function headDecoder(L: FlitLayout): (data: number) => HeadFields {
  const w = L.w, xMask = 2 ** L.xb - 1, yMask = 2 ** L.yb - 1;
  const yScale = 2 ** L.xb, sxScale = 2 ** (L.xb + L.yb), syScale = 2 ** (2 * L.xb + L.yb), seqScale = 2 ** (2 * (L.xb + L.yb));
  const out: HeadFields = { src: 0, dst: 0, seq: 0 };
  return (data) => {
    out.dst = (Math.floor(data / yScale) & yMask) * w + (data & xMask);
    out.src = (Math.floor(data / syScale) & yMask) * w + (Math.floor(data / sxScale) & xMask);
    out.seq = Math.floor(data / seqScale);
    return out;
  };
}

/** A descriptor encoder for one layout, its scales computed once (a testbench encodes one per packet). */
export function descriptorEncoder(L: FlitLayout): (dst: number, seq: number, size: number) => number {
  const w = L.w, yScale = 2 ** L.xb, seqMod = 2 ** L.seqBits, seqScale = 2 ** (L.xb + L.yb), sizeScale = 2 ** (L.xb + L.yb + L.seqBits);
  return (dst, seq, size) => {
    const dy = Math.floor(dst / w);
    return dst - dy * w + dy * yScale + (seq % seqMod) * seqScale + size * sizeScale;
  };
}

/** A packet descriptor for a network interface's inj_pkt input (descriptorEncoder's). */
export function descriptor(L: FlitLayout, dst: number, seq: number, size: number): number {
  return descriptorEncoder(L)(dst, seq, size);
}

/** Link word fields (testbench side). */
export function wordValid(w: number): boolean {
  return (w & 1) !== 0;
}
export function wordVc(w: number): number {
  return (w >>> VC_LO) & 7;
}
export function wordHead(w: number): boolean {
  return ((w >>> HEAD_BIT) & 1) !== 0;
}
export function wordTail(w: number): boolean {
  return ((w >>> TAIL_BIT) & 1) !== 0;
}
export function wordData(w: number): number {
  return w >>> DATA_LO;
}
export function makeWord(vc: number, head: boolean, tail: boolean, data: number): number {
  return (1 + vc * 2 + (head ? 16 : 0) + (tail ? 32 : 0) + (data & DATA_MASK) * 64) >>> 0;
}
