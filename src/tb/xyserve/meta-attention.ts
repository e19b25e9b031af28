/**
 * Testbench `meta-attention`: XY-Serve's meta-attention unit on a mixed batch of tiles (prefill
 * chunks, decode rows, verify tiles with random draft trees; tiles.ts), in one pipeline.
 *
 * Checks: every output bit-exact against metaAttention (the golden, with its row order), the
 * tile's cycles against metaAttentionCycles, the keys run and scores zeroed against the jobs, and
 * every row's float error against the ideal attention (metaAttentionIdeal) within
 * metaAttentionErrorBound.
 *
 * `mix`: auto = decode tiles only for the 2-stage pipeline (what XY-Serve runs it on), all three
 * kinds otherwise; or one kind, or mixed. scoreShift -1: the SU-FA testbench's auto shift (real
 * scores with an RMS near 2 for uniform int16 Q and K), so the softmax is neither flat nor one-hot.
 *
 * Metrics: cycles per tile (mean; and per kind), keys run, scores zeroed, the share of the
 * unit's key slots that did useful work, and the error against the bound.
 */
import { DEFAULT_META, metaAttentionErrorBound, metaAttentionIdeal, type MetaAttentionTile, type MetaPipeline } from "../../golden/meta-attention.js";
import { makeMetaAttention } from "../../hw/xyserve/meta-attention.js";
import { metaAttentionShape, type MetaAttentionParams } from "../../hw/xyserve/meta-attention-params.js";
import { Checker, rng } from "../harness.js";
import { autoScoreShift } from "../sofa/sufa.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { runMetaTiles } from "./meta-attention-drive.js";
import { TILE_KINDS, randomTile, type TileKind } from "./tiles.js";
import { metaAttentionView } from "./waves.js";

export const META_MIXES = ["auto", "mixed", "prefill", "decode", "verify"] as const;

export function metaAttentionParams(params: Params): MetaAttentionParams {
  const headDim = Number(params.headDim), kvBlock = Number(params.kvBlock);
  const shift = Number(params.scoreShift);
  return {
    pipeline: Number(params.pipeline) as MetaPipeline,
    headDim,
    valueDim: Number(params.valueDim),
    maxRows: Number(params.rows),
    kvCap: Math.ceil(Number(params.kvLen) / kvBlock) * kvBlock,
    kvBlock,
    split: Number(params.split),
    specMax: Math.max(1, Number(params.specLen)),
    cfg: { ...DEFAULT_META, scoreShift: shift < 0 ? autoScoreShift(headDim, DEFAULT_META.fracBits) : shift },
  };
}

function kindsFor(mix: string, pipeline: number): readonly TileKind[] {
  if (mix === "auto") return pipeline === 2 ? ["D"] : TILE_KINDS;
  if (mix === "mixed") return TILE_KINDS;
  return [({ prefill: "P", decode: "D", verify: "V" } as const)[mix as "prefill" | "decode" | "verify"]];
}

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

export const metaAttentionTb: Testbench = {
  name: "meta-attention",
  description: "XY-Serve meta-attention (QK GEMM -> softmax -> SV GEMM) over a mixed batch of prefill, decode and verify tiles in the 2/3/4-stage pipeline; outputs vs the golden bit for bit, cycles per tile vs the model, float error vs the stated bound",
  params: [
    { name: "pipeline", description: "2 (decode: QK fused with softmax), 3 (QK -> softmax -> SV), 4 (KV split, online-softmax update)", type: "enum", default: "3", values: ["2", "3", "4"] },
    { name: "tiles", description: "tiles in the batch", type: "int", default: 12, min: 1, max: 10000, verify: { min: 1, max: 6 } },
    { name: "kvLen", description: "largest KV length of a tile (each tile draws its own up to this)", type: "int", default: 200, min: 1, max: 65536, verify: { min: 1, max: 96 } },
    { name: "specLen", description: "drafts of a verify tile (its rows: specLen + 1; at most rows - 1)", type: "int", default: 7, min: 0, max: 31, verify: { min: 0, max: 6 } },
    { name: "seed", description: "stimulus seed (the run's --seed also works)", type: "int", default: -1, min: -1, max: 2 ** 31 - 1, verify: { min: -1, max: -1 } },
    { name: "rows", description: "query rows of a prefill tile at most (the tile size)", type: "int", default: 16, min: 1, max: 4096, verify: { min: 1, max: 10 } },
    { name: "headDim", description: "Q/K lanes (int16)", type: "int", default: 16, min: 1, max: 256, verify: { min: 1, max: 12 } },
    { name: "valueDim", description: "V lanes (int8): outputs per row", type: "int", default: 8, min: 1, max: 256, verify: { min: 1, max: 8 } },
    { name: "kvBlock", description: "KV block (keys, a power of two): QK runs whole blocks, the padding zeroed", type: "int", default: 16, min: 1, max: 4096, verify: { min: 1, max: 16 } },
    { name: "split", description: "4-stage KV split (keys)", type: "int", default: 64, min: 1, max: 65536, verify: { min: 1, max: 40 } },
    { name: "mix", description: "tile kinds: auto (decode for 2-stage, else mixed), mixed, prefill, decode, verify", type: "enum", default: "auto", values: META_MIXES },
    { name: "scoreShift", description: "score = sat24(Q.K >> scoreShift); -1: auto (real-score RMS near 2)", type: "int", default: -1, min: -1, max: 48, verify: { min: -1, max: -1 } },
  ],

  waves(params) {
    return metaAttentionView(Number(params.pipeline));
  },

  design(params) {
    return makeMetaAttention(metaAttentionParams(params));
  },

  validate(params) {
    const rows = Number(params.rows), spec = Number(params.specLen);
    if (spec > 0 && spec > rows - 1) return `specLen = ${spec} needs rows >= specLen + 1 = ${spec + 1} (a verify tile is the accepted token plus its drafts); raise rows or lower specLen`;
    const p = metaAttentionParams(params);
    if (p.split > p.kvCap) return `split = ${p.split} is more keys than a tile can have (kvLen ${params.kvLen} in whole blocks: ${p.kvCap}); lower split`;
    try {
      metaAttentionShape(p);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  eventSimParams: { tiles: 3, kvLen: 48, rows: 6, specLen: 3, headDim: 4, valueDim: 3, split: 16 },

  async run(opts): Promise<TbResult> {
    const { params } = opts;
    const p = metaAttentionParams(params);
    const c = p.cfg ?? DEFAULT_META;
    metaAttentionShape(p);
    const seed = Number(params.seed) >= 0 ? Number(params.seed) : opts.seed;
    const r = rng(seed);
    const kinds = kindsFor(String(params.mix), p.pipeline);
    const shape = { headDim: p.headDim, valueDim: p.valueDim, maxRows: p.maxRows, kvMax: Number(params.kvLen), kvBlock: p.kvBlock, specLen: Number(params.specLen) };
    const tiles: MetaAttentionTile[] = [], tileKinds: TileKind[] = [];
    for (let i = 0; i < Number(params.tiles); i++) {
      const kind = kinds[Math.floor(r() * kinds.length)];
      tiles.push(randomTile(r, kind, shape));
      tileKinds.push(kind);
    }
    const check = new Checker();
    const res = runMetaTiles(p, tiles, opts, check, this.design(params));

    let maxError = 0, bound = 0, ratio = 0, visible = 0;
    tiles.forEach((t, ti) => {
      const ideal = metaAttentionIdeal(t, c);
      const tr = res.tiles[ti];
      tr.golden.forEach((row, i) => {
        visible += row.visible.length;
        const vs = row.visible.flatMap((j) => t.v[j]);
        const b = metaAttentionErrorBound(row.visible.length, Math.min(...vs), Math.max(...vs), p.pipeline, row.merges, c);
        const got = tr.outputs[i] ?? row.out; // a missing output already failed its own check
        const worst = Math.max(...got.map((o, d) => Math.abs(o / 2 ** c.outBits - ideal[i][d])));
        check.ok(`tile ${ti} row ${i}: float error ${worst} within the bound ${b} (keys ${row.visible.length}, merges ${row.merges})`, worst <= b);
        maxError = Math.max(maxError, worst);
        bound = Math.max(bound, b);
        ratio = Math.max(ratio, worst / b);
      });
    });
    const perKind: Record<string, number> = {};
    for (const k of TILE_KINDS) {
      const cyc = res.tiles.filter((_, i) => tileKinds[i] === k).map((t) => t.cycles);
      if (cyc.length) perKind[`cyclesPerTile${k}`] = round(cyc.reduce((a, b) => a + b, 0) / cyc.length, 5);
    }
    return check.result(this.name, res.cycles, seed, params, {
      tiles: tiles.length,
      cyclesPerTile: round(res.tiles.reduce((a, t) => a + t.cycles, 0) / tiles.length, 5),
      ...perKind,
      keys: res.keys,
      masked: res.masked,
      usefulKeyFraction: round(res.keys ? visible / res.keys : 0, 4),
      scoreShift: c.scoreShift,
      maxError: round(maxError),
      errorBound: round(bound),
      errorRatio: round(ratio, 4),
    });
  },
};
