/**
 * The testbench's per-layout flit codecs (descriptorEncoder, headDecoder: scales computed once, no
 * allocation per call) against the plain ones they stand in for, on every mesh size the
 * testbench takes and random fields.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { decodeHead, descriptor, descriptorEncoder, flitLayout, headData, headDecoder } from "../../../src/hw/noc/flit.js";

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

describe("flit codecs", () => {
  test.prop([packet], { numRuns: 500, seed: SEED })("descriptorEncoder(L) gives descriptor(L, ...)", ({ w, h, dst, seq, size }) => {
    const L = flitLayout(w, h);
    expect(descriptorEncoder(L)(dst, seq, size)).toBe(descriptor(L, dst, seq, size));
  });

  test.prop([packet], { numRuns: 500, seed: SEED })("headDecoder(L) gives decodeHead(L, ...) of a head flit's data", ({ w, h, src, dst, seq }) => {
    const L = flitLayout(w, h);
    const data = headData(L, src, dst, seq);
    const want = decodeHead(L, data);
    expect({ ...headDecoder(L)(data) }).toEqual(want);
    expect(want).toEqual({ src, dst, seq: seq % 2 ** L.seqBits });
  });
});
