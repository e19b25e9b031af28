/**
 * The engine's derived layout against the golden model: the same vector-word counts, the same
 * tile costs and dispatch order; parameter errors that say how to mend them.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { geometry, words } from "../../../src/hw/systolic/geometry.js";
import { EngineParams } from "../../../src/hw/systolic/params.js";
import { assignTiles, globalWords, loadOrder, requestRuns, tiles as goldenTiles } from "../../../src/golden/systolic.js";
import { engineTables } from "../../../src/hw/systolic/tables.js";

const paramsArb = fc
  .record({
    rows: fc.integer({ min: 1, max: 16 }), cols: fc.integer({ min: 1, max: 16 }), dataflow: fc.constantFrom("os", "ws", "is") as fc.Arbitrary<"os" | "ws" | "is">,
    m: fc.integer({ min: 1, max: 200 }), n: fc.integer({ min: 1, max: 200 }), k: fc.integer({ min: 1, max: 200 }),
    cores: fc.integer({ min: 1, max: 8 }), tm: fc.integer({ min: 1, max: 6 }), tn: fc.integer({ min: 1, max: 6 }),
  })
  .map((r): EngineParams => {
    const tileM = r.dataflow === "os" ? r.tm * r.rows : r.dataflow === "is" ? r.tm * r.cols : r.tm * 7;
    const tileN = r.dataflow === "is" ? r.tn * 5 : r.tn * r.cols;
    return { rows: r.rows, cols: r.cols, dataflow: r.dataflow, m: r.m, n: r.n, k: r.k, aType: "int8", bType: "int16", accWidth: 32, cores: r.cores, tileM, tileN };
  });

describe("engine geometry == golden model", () => {
  test.prop([paramsArb], { numRuns: 300 })("word counts, tile costs and dispatch order", (p) => {
    const g = geometry(p);
    const cfg = { rows: p.rows, cols: p.cols, dataflow: p.dataflow, m: p.m, n: p.n, k: p.k, cores: p.cores, tileM: g.tm, tileN: g.tn, memLatency: 1 };
    const gw = globalWords(cfg);
    expect(words(g.loadWalks[0]) + words(g.loadWalks[1])).toBe(gw.load);
    expect(words(g.storeWalk)).toBe(gw.store);
    const gt = goldenTiles(cfg);
    const order = assignTiles(gt.map((t) => t.cost), p.cores).order;
    expect(g.tiles.map((t) => [t.row, t.col, t.cost])).toEqual(order.map((i) => [gt[i].row, gt[i].col, gt[i].cost]));
    // Real lanes per load walk add up to the matrix sizes: no padding is ever requested.
    for (const w of [...g.loadWalks, g.storeWalk]) {
      const lanes = ((w.outer - 1) * w.countFull + w.countLast) * w.inner;
      const size = w.mat === 0 ? p.m * p.k : w.mat === 1 ? p.k * p.n : p.m * p.n;
      expect(lanes).toBe(size);
    }
  });

  test.prop([paramsArb], { numRuns: 300 })("load order and store blocks (tables.ts) == the golden model's, every C word stored once", (p) => {
    const g = geometry(p);
    const cfg = { rows: p.rows, cols: p.cols, dataflow: p.dataflow, m: p.m, n: p.n, k: p.k, cores: p.cores, tileM: g.tm, tileN: g.tn, memLatency: 1 };
    const t = engineTables(g);
    expect(t.loadOrder).toEqual(loadOrder(cfg));
    t.loadOrder.forEach((b, i) => expect(t.loadPos[b.sel][b.block]).toBe(i));
    // Each store tile's output blocks, as (words, real lanes), against the golden store requests in order.
    const sw = g.storeWalk;
    const lanes = (o: number) => (o === sw.outer - 1 ? sw.countLast : sw.countFull);
    const seen = new Set<number>();
    const ours = t.storeTiles.flatMap((st) => {
      const out: { bytes: number; repeat: number }[] = [];
      for (let a = 0; a < st.groups; a++) {
        for (let b = 0; b < st.blocks; b++) {
          const words = a === st.groups - 1 ? st.lastWords : p.rows;
          for (let i = 0; i < words; i++) seen.add((st.o0 + b) * sw.inner + st.x0 + a * p.rows + i);
          out.push({ bytes: lanes(st.o0 + b), repeat: words });
        }
      }
      return out;
    });
    expect(ours).toEqual(requestRuns({ ...cfg, elementBytes: { a: 1, b: 1, c: 1 } }).store);
    expect(seen.size).toBe(words(sw));
  });
});

describe("parameter errors", () => {
  const ok: EngineParams = { rows: 4, cols: 4, dataflow: "os", m: 8, n: 8, k: 8, aType: "int8", bType: "int8", accWidth: 32, cores: 1 };
  it("name the parameter and suggest a value", () => {
    expect(() => geometry({ ...ok, tileM: 6 })).toThrow(/tileM = 6 must be a multiple of rows = 4 .* try 8/);
    expect(() => geometry({ ...ok, dataflow: "is", tileM: 6 })).toThrow(/tileM = 6 must be a multiple of cols = 4/);
    expect(() => geometry({ ...ok, rows: 0 })).toThrow(/rows = 0/);
    expect(() => geometry({ ...ok, dataflow: "xs" as never })).toThrow(/dataflow = 'xs'.*os .*ws .*is/);
    expect(() => geometry({ ...ok, aType: "fp16" as never })).toThrow(/aType.*int8, uint8, int16, uint16/);
  });
  it("ws tiles may have any number of rows (M streams through the array)", () => {
    expect(geometry({ ...ok, dataflow: "ws", tileM: 5, tileN: 8 }).TR).toBe(2);
  });
});
