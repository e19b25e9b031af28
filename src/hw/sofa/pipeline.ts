/**
 * The SOFA attention pipeline (papers.md section 5b): DLZS -> SADS -> SU-FA over query tiles with
 * cross-stage tiling, all RTL.
 *
 *   prologue  phase 1.1 once per layer: the DLZS array in 8-bit mode turns the tokens X and the
 *             leading-zero coded W_k into K-hat, tile by tile of W_k^T rows; the unit writes K-hat
 *             back into its own B lanes, where phase 1.2 reads it (it never leaves the chip).
 *   pipeline  per query tile t (tile = the DLZS array rows): DLZS in 16-bit mode predicts the tile's
 *             A-hat rows and streams them straight into SADS's input bank t mod 2; SADS sorts the
 *             tile's rows into per-segment kept lists in its output bank t mod 2; SU-FA reads those
 *             lists through the SADS read port and attends over the kept keys with the exact keys.
 *             The tile controller (tile-controller.ts) starts each stage on its next tile as soon as
 *             its input is ready and the bank it writes is free, so DLZS works on tile t+1 while SADS
 *             sorts t and SU-FA attends over t-1.
 *
 * Resident data, loaded by backdoor (or the units' write ports, which the top ties off): in the DLZS
 * unit Q (int16) and the W_k codes (A lanes) and X (B lanes); in the SU-FA unit Q, the exact keys K
 * (int16, what the on-demand KV generation produces) and V (int8). Memory names: `dlzs.a_mem_l<r>`,
 * `dlzs.b_mem_l<c>`, `sufa.q_l<d>`, `sufa.k_l<d>`, `sufa.v_l<d>` (see the units' layouts).
 *
 * Ports:
 *   in  go u1 (level; raise once after reset)
 *   out khat_done u1 (the prologue is over), finished u1 (every query's output has been emitted)
 *   out o_valid u1, o_query u(bits(queries)), o_data_<d> (SU-FA's output format)
 *   out per stage s (0 DLZS, 1 SADS, 2 SU-FA): busy_cycles_<s>, stall_cycles_<s>; per buffer b
 *       (0: A-hat banks, 1: kept-list banks): occ_max_<b>, occ_sum_<b>; and the units' counters:
 *       shift_adds, zero_skips, sorted, clipped, scans, keys, exps, muls, adds, rescales, tile_rescales.
 */
import { Expr, Module, Signal, bitsFor, constant, mux, u } from "../../hdl/index.js";
import { DEFAULT_SUFA, SufaFixedConfig } from "../../golden/sofa.js";
import { fit } from "../systolic/rtl-util.js";
import { makeDlzsUnit } from "./dlzs-unit.js";
import { dlzsLayout, DlzsUnitParams } from "./dlzs-params.js";
import { DEFAULT_PIPE_REGS } from "./sads-params.js";
import { makeSadsUnit } from "./sads-unit.js";
import { makeSufaUnit } from "./sufa-unit.js";
import { makeTileController } from "./tile-controller.js";

export interface SofaPipelineParams {
  readonly seqLen: number;
  readonly headDim: number;
  readonly queries: number;
  /** Keys kept per query (floor(k / segments) per segment). */
  readonly k: number;
  readonly segments: number;
  /** SADS clipping radius in A-hat units, -1 for none. */
  readonly radius: number;
  /** Queries per tile = DLZS array rows = SADS rows per bank = SU-FA rows per start. */
  readonly tile: number;
  /** DLZS array columns (keys per A-hat group; <= 12). */
  readonly cols: number;
  readonly kShift: number;
  readonly aShift: number;
  readonly scoreShift: number;
  readonly cfg?: SufaFixedConfig;
  /** SADS core pipeline registers (default: the unit's). */
  readonly pipeRegs?: number;
}

export interface SofaPipeline {
  readonly module: Module;
  readonly dlzs: DlzsUnitParams;
  readonly tiles: number;
  readonly wTiles: number;
}

/** Drive `dst` (a submodule input) from `src`, fitting the width (the units size their ports alike; this tolerates a spare bit). */
function drive(m: Module, dst: Signal, src: Expr): void {
  m.comb.set(dst, src.width === dst.width && src.signed === dst.signed ? src : dst.signed ? src.resize(dst.width) : fit(src, dst.width));
}

export function dlzsParamsOf(p: SofaPipelineParams): DlzsUnitParams {
  return { rows: p.tile, cols: p.cols, depth: p.headDim, outputs: p.seqLen, lhsRows: p.queries, dModel: p.headDim, kShift: p.kShift, aShift: p.aShift };
}

export function makeSofaPipeline(p: SofaPipelineParams): SofaPipeline {
  const cfg = p.cfg ?? DEFAULT_SUFA;
  if (p.tile > p.queries) throw new Error(`sofa pipeline: tile = ${p.tile} exceeds queries = ${p.queries}; use tile <= queries`);
  const dp = dlzsParamsOf(p);
  const L = dlzsLayout(dp);
  const tiles = Math.ceil(p.queries / p.tile), wTiles = L.wTiles;
  const m = new Module("sofa_pipeline");
  const dlzs = makeDlzsUnit(dp);
  const sads = makeSadsUnit({ seqLen: p.seqLen, segments: p.segments, k: p.k, radius: p.radius, rows: p.tile, inWidth: p.cols, pipeRegs: p.pipeRegs ?? DEFAULT_PIPE_REGS });
  const sufa = makeSufaUnit({ seqLen: p.seqLen, headDim: p.headDim, queries: p.queries, rows: p.tile, segments: p.segments, k: p.k, scoreShift: p.scoreShift, cfg });
  const ctl = makeTileController({ stages: 3, banks: 2, tiles });
  m.submodule("dlzs", dlzs.module);
  m.submodule("sads", sads.module);
  m.submodule("sufa", sufa);
  m.submodule("ctl", ctl.module);

  const go = m.input("go", u(1));
  const khatDone = m.output("khat_done", u(1)), finished = m.output("finished", u(1));

  // ---- prologue: K-hat, one DLZS run per tile of W_k^T rows, then the pipeline
  const f = m.fsm("phase", { states: ["IDLE", "KHAT_START", "KHAT_WAIT", "PIPE"] as const, init: "IDLE" });
  const wTile = m.signal("khat_tile", u(bitsFor(wTiles)));
  f.state("IDLE", () => m.if(go, () => f.next("KHAT_START")));
  f.state("KHAT_START", () => f.next("KHAT_WAIT"));
  f.state("KHAT_WAIT", () =>
    m.if(dlzs.done, () => {
      m.if(wTile.eq(wTiles - 1), () => f.next("PIPE")).else(() => {
        m.sync.set(wTile, fit(wTile.add(1), wTile.width));
        f.next("KHAT_START");
      });
    }));
  const pipe = f.is("PIPE");
  m.comb.set(khatDone, pipe);

  // ---- DLZS: the prologue's runs, then the controller's stage 0
  drive(m, dlzs.start, f.is("KHAT_START").or(pipe.and(ctl.start[0])));
  drive(m, dlzs.mode, pipe);
  drive(m, dlzs.tile, mux(pipe, fit(ctl.tile[0], dlzs.tile.width), fit(wTile, dlzs.tile.width)));
  for (const sig of [dlzs.aWe, dlzs.aLane, dlzs.aAddr, dlzs.aData, dlzs.bWe, dlzs.bLane, dlzs.bAddr, dlzs.bData]) m.comb.set(sig, constant(0, sig.shape));

  // The bank DLZS writes: the controller's bank for stage 0, held from its start for the tile.
  const dlzsBank = m.signal("dlzs_bank", u(1));
  m.if(ctl.start[0], () => m.sync.set(dlzsBank, fit(ctl.bank[0], 1)));

  // ---- DLZS's A-hat stream -> SADS input bank
  drive(m, sads.module.port("in_we"), dlzs.outValid.and(pipe));
  drive(m, sads.module.port("in_bank"), dlzsBank);
  drive(m, sads.module.port("in_row"), dlzs.outRow);
  drive(m, sads.module.port("in_col"), dlzs.outCol);
  dlzs.outData.forEach((d, c) => drive(m, sads.module.port(`in_data_${c}`), d));
  dlzs.outMask.forEach((k, c) => drive(m, sads.module.port(`in_mask_${c}`), k));

  // ---- SADS: stage 1
  drive(m, sads.module.port("start"), ctl.start[1]);
  drive(m, sads.module.port("bank"), ctl.bank[1]);
  // The last tile holds queries - (tiles - 1) * tile rows when tile does not divide queries (0 = all rows).
  const lastRows = p.queries - (tiles - 1) * p.tile;
  drive(m, sads.module.port("nrows"), lastRows === p.tile ? constant(0, u(1)) : mux(ctl.tile[1].eq(tiles - 1), lastRows, 0));

  // ---- SU-FA: stage 2, reading SADS's kept lists
  drive(m, sufa.port("start"), ctl.start[2]);
  drive(m, sufa.port("bank"), ctl.bank[2]);
  drive(m, sufa.port("tile"), ctl.tile[2]);
  for (const port of ["rd_bank", "rd_row", "rd_seg", "rd_slot"]) drive(m, sads.module.port(port), sufa.port(port));
  for (const port of ["rd_index", "rd_value", "rd_valid"]) drive(m, sufa.port(port), sads.module.port(port));
  for (const mem of ["q", "k", "v"]) for (const x of ["we", "lane", "addr", "data"]) {
    const sig = sufa.port(`${mem}_${x}`);
    m.comb.set(sig, constant(0, sig.shape));
  }

  // ---- controller
  m.comb.set(ctl.go, pipe);
  m.comb.set(ctl.done[0], dlzs.done.and(pipe));
  m.comb.set(ctl.done[1], sads.module.port("done"));
  m.comb.set(ctl.done[2], sufa.port("done"));
  m.comb.set(finished, ctl.finished);

  // ---- outputs: SU-FA's rows, numbered by query
  const sufaTile = m.signal("sufa_tile", u(bitsFor(tiles)));
  m.if(ctl.start[2], () => m.sync.set(sufaTile, fit(ctl.tile[2], sufaTile.width)));
  const oValid = m.output("o_valid", u(1)), oQuery = m.output("o_query", u(bitsFor(p.queries)));
  m.comb.set(oValid, sufa.port("o_valid"));
  m.comb.set(oQuery, fit(sufaTile.mul(p.tile).add(sufa.port("o_row")), oQuery.width));
  for (let d = 0; d < p.headDim; d++) {
    const src = sufa.port(`o_data_${d}`);
    m.comb.set(m.output(`o_data_${d}`, src.shape), src);
  }
  for (let s = 0; s < 3; s++) {
    m.comb.set(m.output(`busy_cycles_${s}`, ctl.busyCycles[s].shape), ctl.busyCycles[s]);
    m.comb.set(m.output(`stall_cycles_${s}`, ctl.stallCycles[s].shape), ctl.stallCycles[s]);
  }
  for (let b = 0; b < 2; b++) {
    m.comb.set(m.output(`occ_max_${b}`, ctl.occMax[b].shape), ctl.occMax[b]);
    m.comb.set(m.output(`occ_sum_${b}`, ctl.occSum[b].shape), ctl.occSum[b]);
  }
  const counters: [Module, string][] = [
    [dlzs.module, "shift_adds"], [dlzs.module, "zero_skips"], [sads.module, "sorted"], [sads.module, "clipped"], [sads.module, "scans"],
    [sufa, "keys"], [sufa, "exps"], [sufa, "muls"], [sufa, "adds"], [sufa, "rescales"], [sufa, "tile_rescales"],
  ];
  for (const [unit, name] of counters) {
    const src = unit.port(name);
    m.comb.set(m.output(name, src.shape), src);
  }
  return { module: m, dlzs: dp, tiles, wTiles };
}
