/**
 * SPEQ's weight encoding: lossless (decodeFull(encode(w)) == w bit for bit, signed zeros and
 * subnormals included), a draft fetch reads a quarter of the bytes, and the draft keeps each
 * weight's sign and, in the single-binade codes, its binade.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { decodeDraft, decodeFull, DEFAULT_SPEQ, encode, fromLayout, speqCodes, speqLayout } from "../../src/golden/speq.js";
import { f16ToNumber } from "../../src/golden/fp16.js";

/** A tensor whose nonzero weights lie in the 16 binades below a random top (zeros and subnormals too when top <= 15). */
const tensor = fc.integer({ min: 0, max: 30 }).chain((top) =>
  fc.array(
    fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: Math.max(0, top - 15), max: top }), fc.integer({ min: 0, max: 1023 }))
        .map(([s, e, m]) => (s << 15) | (e << 10) | m),
      fc.constantFrom(0x0000, 0x8000),
    ),
    { minLength: 1, maxLength: 64 },
  ).map((ws) => ({ top, ws: [...ws, top << 10] })));

describe("SPEQ weight encoding", () => {
  it("codes: singles one binade each, buckets of at most 4, 16 binades, the last bucket never full", () => {
    for (let singles = 0; singles <= 5; singles++) {
      const codes = speqCodes({ singles });
      expect(codes).toHaveLength(8);
      expect(codes.flat()).toEqual(Array.from({ length: 16 }, (_, d) => d));
      codes.slice(0, singles).forEach((c) => expect(c).toHaveLength(1));
      codes.forEach((c) => expect(c.length).toBeLessThanOrEqual(4));
      expect(codes[7].length).toBeLessThan(4);
    }
    expect(() => speqCodes({ singles: 6 })).toThrow(/singles = 6 must be a whole number 0\.\.5/);
  });

  test.prop([tensor, fc.integer({ min: 0, max: 5 })], { numRuns: 500 })("lossless: decodeFull(encode(w)) == w bit for bit", ({ ws }, singles) => {
    const t = encode(ws, { singles });
    expect(decodeFull(t)).toEqual(ws);
  });

  test.prop([tensor], { numRuns: 300 })("layout: the draft region is a quarter of the bytes and the image round-trips", ({ ws }) => {
    const even = ws.length % 2 ? [...ws, 0] : ws;
    const t = encode(even);
    const l = speqLayout(t);
    expect(l.draft.length * 4).toBe(l.draft.length + l.rest.length);
    expect(l.draft.length).toBe(even.length / 2);
    expect(fromLayout(l, even.length)).toEqual(t.words);
  });

  test.prop([tensor], { numRuns: 300 })("the draft keeps the sign; single-binade codes keep the binade (|draft - w| <= |w| / 2)", ({ ws }) => {
    const t = encode(ws);
    const d = decodeDraft(t);
    const codes = speqCodes(DEFAULT_SPEQ);
    ws.forEach((w, i) => {
      const a = f16ToNumber(w), b = f16ToNumber(d[i]);
      if (b !== 0) expect(Math.sign(b)).toBe(Math.sign(a));
      const code = (t.words[i] >> 12) & 7;
      if (a !== 0 && codes[code].length === 1 && Math.abs(a) >= 2 ** -14) expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.abs(a) / 2);
      if (a === 0) expect(b === 0 && Object.is(a, b)).toBe(true); // zeros draft as zeros of the same sign
    });
  });

  it("rejects a weight more than 15 binades below the tensor's largest, naming it; and infinities", () => {
    expect(() => encode([0x7800, 0x0400])).toThrow(/weight 1 .* 29 binades below/);
    expect(() => encode([0x3c00, 0x7c00])).toThrow(/infinity or NaN/);
  });
});

import { greedyDecode, makeSpeqModel, speculativeDecode } from "../../src/golden/speq.js";

describe("SPEQ speculative decoding (golden)", () => {
  test.prop([
    fc.record({ vocab: fc.integer({ min: 2, max: 40 }), hidden: fc.integer({ min: 1, max: 12 }), layers: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
    fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
    fc.integer({ min: 1, max: 6 }),
    fc.integer({ min: 1, max: 12 }),
  ], { numRuns: 60 })("lossless: the speculative output equals full greedy decoding; every pass emits 1..gamma+1 tokens", (cfg, prompt, gamma, tokens) => {
    const model = makeSpeqModel(cfg);
    const p = prompt.map((t) => t % cfg.vocab);
    const want = greedyDecode(model, p, tokens);
    const got = speculativeDecode(model, p, tokens, gamma);
    expect(got.tokens).toEqual(want);
    for (const n of got.perPass) {
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(gamma + 1);
    }
    expect(got.perPass.reduce((a, b) => a + b, 0)).toBe(tokens);
  });

  it("the draft model agrees with the target often enough to matter (a 64-token run accepts some drafts)", () => {
    const model = makeSpeqModel({ vocab: 64, hidden: 32, layers: 2, seed: 1 });
    const r = speculativeDecode(model, [1, 2, 3], 64, 4);
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.passes).toBeLessThan(64);
  });
});
