/**
 * The SPEQ decoder (src/hw/speq/decoder.ts): speculative decoding on the reconfigurable array is
 * lossless (the RTL's tokens equal golden greedyDecode for any model seed, prompt and gamma), its
 * counts equal golden speculativeDecode's, its cycles and weight bytes equal the stated model
 * (src/golden/speq-decode-timing.ts) exactly; and the model's own properties.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { greedyDecode, makeSpeqModel, speculativeDecode } from "../../../src/golden/speq.js";
import { speqDecodeBytes, speqDecodeCycles, speqExpectedSpeedup, speqForwardBytes, speqForwardCycles } from "../../../src/golden/speq-decode-timing.js";
import { makeSpeqDecoder } from "../../../src/hw/speq/decoder.js";
import { simulate } from "../../../src/sim/index.js";
import { loadSpeqModel, runDecode, speqDecoderParamsFor, writePrompt } from "../../../src/tb/speq/decode-drive.js";
import { speqDecodeTb } from "../../../src/tb/speq/decode.js";
import type { Params } from "../../../src/tb/types.js";

const defaults: Params = Object.fromEntries(speqDecodeTb.params.map((p) => [p.name, p.default]));

describe("speq decoder: lossless on the RTL", () => {
  // Small random models, every array shape the parameters allow, gamma below, at and above
  // lanes - 1 (several verify forwards per pass), prompts from one token up.
  test.prop(
    [
      fc.record({
        hidden: fc.constantFrom(4, 8, 16),
        layers: fc.integer({ min: 1, max: 2 }),
        vocabPerPe: fc.integer({ min: 2, max: 12 }),
        pes: fc.constantFrom(1, 2, 4),
        lanes: fc.constantFrom(2, 4),
        gamma: fc.integer({ min: 1, max: 7 }),
        tokens: fc.integer({ min: 1, max: 10 }),
        promptLen: fc.integer({ min: 1, max: 4 }),
        modelSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      }),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    ],
    { numRuns: 16 },
  )("random models, shapes, prompts and gamma", async (g, seed) => {
    const params: Params = { ...defaults, ...g, vocab: g.vocabPerPe * g.pes, prompt: "" };
    delete params.vocabPerPe;
    if (speqDecodeTb.validate!(params)) return; // hidden not a multiple of pes/lanes
    const res = await speqDecodeTb.run({ params, seed });
    expect(res.failures, JSON.stringify({ params, seed })).toEqual([]);
    expect(res.passed).toBe(true);
  }, 120_000);

  it("one design runs the baseline and every gamma up to its capacity back to back, stopping mid-pass", () => {
    const model = makeSpeqModel({ vocab: 24, hidden: 16, layers: 2, seed: 11 });
    const p = speqDecoderParamsFor(model, { pes: 2, lanes: 4, maxGamma: 9, maxLen: 40 });
    const sim = simulate(makeSpeqDecoder(p));
    loadSpeqModel(sim, model, p);
    sim.reset();
    const prompt = [5, 0, 23];
    writePrompt(sim, prompt);
    for (const T of [1, 7, 13]) {
      const want = greedyDecode(model, prompt, T);
      for (const gamma of [0, 1, 2, 3, 4, 5, 9]) {
        const r = runDecode(sim, prompt.length, T, gamma, 1e6);
        expect(r.tokens, `T ${T} gamma ${gamma}`).toEqual(want);
        const s = gamma ? speculativeDecode(model, prompt, T, gamma) : { passes: 0, rolledBack: 0, drafted: 0, accepted: 0 };
        expect([r.passes, r.drafted, r.accepted, r.rolledBack]).toEqual([s.passes, s.drafted, s.accepted, s.rolledBack]);
        const counts = { gamma, tokens: T, passes: s.passes, rolledBack: s.rolledBack };
        expect(r.cycles).toBe(speqDecodeCycles(p, prompt.length, counts));
        expect(r.weightBytes).toBe(speqDecodeBytes(p, counts));
      }
    }
    sim.close();
  }, 120_000);

  it("a corrupted verify-only weight bit is seen: the baseline no longer matches the golden", () => {
    const model = makeSpeqModel({ vocab: 16, hidden: 8, layers: 1, seed: 3 });
    const p = speqDecoderParamsFor(model, { pes: 1, lanes: 4, maxGamma: 3, maxLen: 24 });
    const prompt = [1, 2];
    const want = greedyDecode(model, prompt, 8);
    let differs = 0;
    // Flip the top mantissa bit of each head row's largest weight in turn (rest memory: the bits a
    // draft pass never reads): some flip must change a token.
    for (let row = 0; row < 16 && !differs; row++) {
      const sim = simulate(makeSpeqDecoder(p));
      loadSpeqModel(sim, model, p);
      const col = model.head[row].reduce((bi, v, i, a) => ((v & 0x7fff) > (a[bi] & 0x7fff) ? i : bi), 0);
      const k = p.hidden * p.hidden + row * p.hidden + col; // element index in the PE (layers first)
      const word = Number(sim.readMemory("pe0.rest", k >> 1));
      sim.writeMemory("pe0.rest", k >> 1, word ^ (k % 2 === 0 ? 1 << 21 : 1 << 9));
      sim.reset();
      writePrompt(sim, prompt);
      const r = runDecode(sim, prompt.length, 8, 0, 1e6);
      if (r.tokens.join() !== want.join()) differs++;
      sim.close();
    }
    expect(differs).toBe(1);
  }, 120_000);
});

describe("speq decoder: the cycle and traffic model", () => {
  const s = { hidden: 64, layers: 4, vocab: 128, pes: 4, lanes: 4 };

  it("a draft forward fetches a quarter of a verify forward's bytes and issues a lanes-th of its array cycles", () => {
    expect(speqForwardBytes(s, true) * 4).toBe(speqForwardBytes(s, false));
    const fixed = (draft: boolean) => speqForwardCycles(s, draft) - ((s.layers * s.hidden + s.vocab) / s.pes) * (s.hidden / (draft ? s.lanes : 1));
    expect(fixed(true)).toBe(fixed(false)); // only the array's issue cycles differ between the modes
  });

  it("expected speedup: below 1 at zero acceptance, rising with acceptance, bounded by the ideal", () => {
    for (const gamma of [1, 3, 5]) {
      const at = (a: number) => speqExpectedSpeedup(s, gamma, a);
      expect(at(0).speedup).toBeLessThan(1);
      expect(at(0).tokensPerPass).toBe(1);
      expect(at(1).tokensPerPass).toBe(gamma + 1);
      for (let a = 0; a < 1; a += 0.1) expect(at(a + 0.1).speedup).toBeGreaterThan(at(a).speedup);
      const groups = Math.ceil((gamma + 1) / s.lanes);
      expect(at(1).byteRatio).toBeCloseTo((gamma + 1) / (gamma / 4 + groups), 10);
    }
  });

  it("the model's run counts come from the golden: gamma 0 is the baseline", () => {
    const base = { gamma: 0, tokens: 10, passes: 0, rolledBack: 0 };
    expect(speqDecodeBytes(s, base)).toBe(10 * speqForwardBytes(s, false));
    expect(speqDecodeCycles(s, 1, base)).toBe(1 + 10 * speqForwardCycles(s, false) + 2);
  });
});
