/**
 * The meta-attention golden (src/golden/meta-attention.ts): on random mixed tiles (prefill chunks,
 * decode rows, verify tiles with random draft trees), every pipeline is within its stated bound of
 * the ideal attention; keys a row may not see (later positions, padding past kvLen, drafts the tree
 * hides) change nothing; sequence speculation is plain causal attention.
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { DEFAULT_META, checkTile, mergeSplit, metaAttention, metaAttentionErrorBound, metaAttentionIdeal, splitPartial, visibleKeys, type MetaAttentionTile } from "../../src/golden/meta-attention.js";
import { fixedScore, mulShift } from "../../src/golden/sofa.js";
import { mulberry32 } from "../../src/golden/prng.js";
import { randomTree } from "../../src/tb/xyserve/tiles.js";

interface TileSpec { kind: "P" | "D" | "V"; rows: number; kvLen: number; d: number; dv: number; pad: number; spec: number; seed: number }

const tileArb = fc
  .record({
    kind: fc.constantFrom("P", "D", "V"),
    rows: fc.integer({ min: 1, max: 12 }),
    extra: fc.integer({ min: 0, max: 90 }),
    d: fc.integer({ min: 1, max: 16 }),
    dv: fc.integer({ min: 1, max: 8 }),
    pad: fc.integer({ min: 0, max: 15 }),
    spec: fc.integer({ min: 1, max: 8 }),
    seed: fc.integer(),
  })
  .map(({ kind, rows, extra, d, dv, pad, spec, seed }): TileSpec => {
    const r = kind === "D" ? 1 : kind === "V" ? Math.max(rows, spec + 1) : rows;
    return { kind, rows: r, kvLen: r + extra, d, dv, pad, spec: Math.min(spec, r - 1 || 1), seed };
  });

/** A tile from its spec: int8 Q/K/V, padding rows of garbage, a random draft tree for verify tiles. */
function buildTile(s: TileSpec): MetaAttentionTile {
  const r = mulberry32(s.seed);
  const i8 = () => Math.floor(r() * 256) - 128;
  const mat = (n: number, w: number) => Array.from({ length: n }, () => Array.from({ length: w }, i8));
  const start = s.kvLen - s.rows; // the tile's rows are the newest positions (a chunk's end, a decode, a verify)
  let tree: boolean[][] | undefined;
  if (s.kind === "V" && s.spec >= 1 && s.rows > s.spec) {
    tree = randomTree(r, s.spec);
  }
  return { q: mat(s.rows, s.d), k: mat(s.kvLen + s.pad, s.d), v: mat(s.kvLen + s.pad, s.dv), start, kvLen: s.kvLen, tree };
}

const scale = 2 ** DEFAULT_META.outBits;

describe("meta-attention golden", () => {
  test.prop([tileArb, fc.constantFrom(2, 3, 4), fc.integer({ min: 1, max: 40 })], { numRuns: 300 })(
    "every pipeline within its stated bound of the ideal attention, row by row",
    (s, pipeline, split) => {
      const t = buildTile(s);
      const got = metaAttention(t, pipeline as 2 | 3 | 4, split);
      const ideal = metaAttentionIdeal(t);
      got.forEach((row, i) => {
        const vs = row.visible.flatMap((j) => t.v[j]);
        const bound = metaAttentionErrorBound(row.visible.length, Math.min(...vs), Math.max(...vs), pipeline as 2 | 3 | 4, row.merges);
        expect(Number.isFinite(bound)).toBe(true);
        row.out.forEach((o, d) => expect(Math.abs(o / scale - ideal[i][d]), `row ${i} dim ${d}`).toBeLessThanOrEqual(bound));
      });
    },
  );

  test.prop([tileArb, fc.constantFrom(2, 3, 4), fc.integer()], { numRuns: 200 })(
    "keys a row may not see change nothing: later positions, padding past kvLen, drafts its tree hides",
    (s, pipeline, seed) => {
      const t = buildTile(s);
      const base = metaAttention(t, pipeline as 2 | 3 | 4, 8);
      const r = mulberry32(seed);
      // Scramble every key/value that no row sees.
      const seen = new Set(t.q.flatMap((_, i) => visibleKeys(t, i)));
      const scramble = (m: readonly (readonly number[])[]) => m.map((row, j) => (seen.has(j) ? row : row.map(() => Math.floor(r() * 256) - 128)));
      const t2 = { ...t, k: scramble(t.k), v: scramble(t.v) };
      expect(metaAttention(t2, pipeline as 2 | 3 | 4, 8)).toEqual(base);
      // And per row: a row's output depends only on its own visible keys.
      t.q.forEach((_, i) => {
        const vis = new Set(visibleKeys(t, i));
        for (let j = 0; j < t.k.length; j++) if (j >= t.kvLen || j > t.start + i) expect(vis.has(j)).toBe(false);
      });
    },
  );

  test.prop([tileArb.filter((s) => s.kind === "V"), fc.constantFrom(2, 3, 4)], { numRuns: 100 })(
    "sequence speculation (each draft sees the drafts before it) is plain causal attention, bit for bit",
    (s, pipeline) => {
      const t = buildTile(s);
      const spec = s.spec;
      const chain = Array.from({ length: spec }, (_, a) => Array.from({ length: spec }, (_, b) => b <= a));
      const withTree = metaAttention({ ...t, tree: chain }, pipeline as 2 | 3 | 4, 8);
      const causal = metaAttention({ ...t, tree: undefined }, pipeline as 2 | 3 | 4, 8);
      expect(withTree).toEqual(causal);
    },
  );

  it("2-stage (decode) and 3-stage compute the same numbers; the 4-stage split changes only its rounding", () => {
    const t = buildTile({ kind: "P", rows: 6, kvLen: 70, d: 8, dv: 4, pad: 3, spec: 1, seed: 11 });
    expect(metaAttention(t, 2)).toEqual(metaAttention(t, 3));
    const a = metaAttention(t, 4, 7), b = metaAttention(t, 4, 70);
    expect(a.map((r) => r.visible)).toEqual(b.map((r) => r.visible));
  });

  it("names what is wrong with a tile", () => {
    const t = buildTile({ kind: "V", rows: 4, kvLen: 20, d: 4, dv: 2, pad: 0, spec: 3, seed: 1 });
    expect(() => checkTile({ ...t, kvLen: 30 })).toThrow(/kvLen = 30 but K has 20 rows/);
    expect(() => checkTile({ ...t, tree: [[true, false, false], [true, false, false], [true, true, true]] })).toThrow(/tree\[1\]\[1\] must be true/);
    expect(() => checkTile({ ...t, tree: [[true, true, false], [true, true, false], [true, true, true]] })).toThrow(/tree\[0\]\[1\]: a draft can see only earlier drafts/);
    expect(() => checkTile({ ...t, start: 2 })).toThrow(/verify tile's last row must be the last key/);
    expect(() => metaAttention(t, 5 as never)).toThrow(/pipeline = 5: use 2, 3 or 4/);
  });
});

describe("meta-attention golden: the 4-stage split merge", () => {
  it("one split is the plain fixed-point attention: exps against the row max, one reciprocal, no merge", () => {
    const t = buildTile({ kind: "P", rows: 5, kvLen: 40, d: 6, dv: 3, pad: 2, spec: 1, seed: 5 });
    const rows = metaAttention(t, 4, 64);
    rows.forEach((row, i) => {
      expect(row.merges).toBe(0);
      const scores = row.visible.map((j) => fixedScore(t.q[i], t.k[j], DEFAULT_META.scoreShift));
      const part = splitPartial(scores, row.visible.map((j) => t.v[j]));
      const recip = Math.floor(2 ** DEFAULT_META.recipBits / part.sum);
      expect(row.out).toEqual(part.acc.map((x) => mulShift(x, recip, DEFAULT_META.recipBits - DEFAULT_META.outBits)));
    });
  });

  test.prop([fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 2, maxLength: 40 }), fc.integer({ min: 1, max: 39 })], { numRuns: 200 })(
    "merging two halves keeps the larger max and a sum within one floor of the exps against it",
    (scores, cut) => {
      const k = Math.min(cut, scores.length - 1);
      const vals = scores.map(() => [1]);
      const a = splitPartial(scores.slice(0, k), vals.slice(0, k)), b = splitPartial(scores.slice(k), vals.slice(k));
      const m = mergeSplit(a, b);
      expect(m.max).toBe(Math.max(...scores));
      // The merged sum is a fixed-point sum of exps against the global max: at least the max's own 1.0.
      expect(m.sum).toBeGreaterThanOrEqual(2 ** DEFAULT_META.probBits);
      expect(m.acc[0]).toBe(m.sum); // values of 1: acc tracks the sum through every floor
    },
  );
});
