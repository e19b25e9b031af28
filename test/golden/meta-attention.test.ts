/**
 * The meta-attention golden (src/golden/meta-attention.ts): on random mixed tiles (prefill chunks,
 * decode rows, verify tiles with random draft trees), every pipeline is within its stated bound of
 * the ideal attention; keys a row may not see (later positions, padding past kvLen, drafts the tree
 * hides) change nothing; sequence speculation is plain causal attention.
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { DEFAULT_META, checkTile, metaAttention, metaAttentionErrorBound, metaAttentionIdeal, visibleKeys, type MetaAttentionTile } from "../../src/golden/meta-attention.js";
import { mulberry32 } from "../../src/golden/prng.js";

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
    // A random tree: each draft's parent is an earlier draft (or the last accepted token); a draft sees its ancestors and itself.
    const parent = Array.from({ length: s.spec }, (_, a) => (a === 0 ? -1 : Math.floor(r() * (a + 1)) - 1));
    tree = Array.from({ length: s.spec }, (_, a) => {
      const row = new Array<boolean>(s.spec).fill(false);
      for (let x = a; x >= 0; x = parent[x]) row[x] = true;
      return row;
    });
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
        const bound = metaAttentionErrorBound(row.visible.length, Math.min(...vs), Math.max(...vs), pipeline as 2 | 3 | 4, row.rescales);
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
