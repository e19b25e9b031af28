/**
 * The testbench's flit codecs (descriptorEncoder, headDecoder: scales computed once, no allocation
 * per call; descriptor and decodeHead call them) on every mesh size the testbench takes and random
 * fields: a descriptor's fields read back bit by bit where the header comment of flit.ts puts them,
 * and a head flit's data decoded back to its source, destination and sequence tag.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { SIZE_BITS, decodeHead, descriptor, descriptorEncoder, flitLayout, headData, headDecoder } from "../../../src/hw/noc/flit.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`flit codec properties: FC_SEED=${SEED}`);

// A mesh of w x h, a source, a destination, a sequence number (any size: the codecs wrap it) and
// a packet size.
const packet = fc
  .record({ w: fc.integer({ min: 1, max: 32 }), h: fc.integer({ min: 1, max: 32 }) })
  .chain(({ w, h }) => fc.record({
    w: fc.constant(w), h: fc.constant(h),
    src: fc.integer({ min: 0, max: w * h - 1 }), dst: fc.integer({ min: 0, max: w * h - 1 }),
    seq: fc.integer({ min: 0, max: 2 ** 40 }), size: fc.integer({ min: 1, max: 255 }),
  }));

/** Bits lo .. lo+width-1 of v. */
const bits = (v: number, lo: number, width: number) => Number((BigInt(v) >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));

describe("flit codecs", () => {
  test.prop([packet], { numRuns: 500, seed: SEED })("a descriptor holds dstX, dstY, seq mod 2^seqBits and size, LSB first, and nothing above", ({ w, h, dst, seq, size }) => {
    const L = flitLayout(w, h);
    const d = descriptorEncoder(L)(dst, seq, size);
    expect(descriptor(L, dst, seq, size)).toBe(d);
    let lo = 0;
    const field = (width: number) => bits(d, (lo += width) - width, width);
    expect([field(L.xb), field(L.yb), field(L.seqBits), field(SIZE_BITS)]).toEqual([dst % w, Math.floor(dst / w), seq % 2 ** L.seqBits, size]);
    expect(d < 2 ** L.descBits).toBe(true);
  });

  test.prop([packet], { numRuns: 500, seed: SEED })("a head flit's data decodes to its source, destination and sequence tag", ({ w, h, src, dst, seq }) => {
    const L = flitLayout(w, h);
    const data = headData(L, src, dst, seq);
    const want = { src, dst, seq: seq % 2 ** L.seqBits };
    expect(decodeHead(L, data)).toEqual(want);
    const decode = headDecoder(L);
    const out = decode(data);
    expect({ ...out }).toEqual(want);
    expect(decode(headData(L, dst, src, seq + 1))).toBe(out); // one object, refilled
  });
});
