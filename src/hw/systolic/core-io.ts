/**
 * The ports every core (one systolic array with its feeders and sequencer) has: a tile descriptor
 * from the scheduler, read ports into the shared west/north/C buffers, a write port into C, and
 * status. The engine wires them to its memories; see engine.ts.
 */
import { Module, Signal, bitsFor, u } from "../../hdl/index.js";
import type { Geometry } from "./geometry.js";
import { counterBits } from "./rtl-util.js";

export interface CoreIo {
  readonly module: Module;
  /** One-cycle pulse: start taking tiles. */
  readonly go: Signal;
  readonly descValid: Signal;
  readonly descRow: Signal;
  readonly descCol: Signal;
  /** High on the edge the core takes the descriptor. */
  readonly descPop: Signal;
  /**
   * The fold about to start may start: the west and north blocks it reads (needWest, needNorth: the
   * outer index of the load walks, see tables.ts) are in the buffers. The core holds at the fold's
   * first cycle until it is.
   */
  readonly foldReady: Signal;
  readonly needWest: Signal;
  readonly needNorth: Signal;
  readonly westAddr: Signal;
  readonly westData: Signal[];
  readonly northAddr: Signal;
  readonly northData: Signal[];
  /** Present on stationary cores only (they accumulate C across K folds). */
  readonly cRdAddr: Signal | undefined;
  readonly cRdData: Signal[];
  readonly cWrEn: Signal;
  readonly cWrAddr: Signal;
  readonly cWrData: Signal[];
  readonly done: Signal;
  /** Cycles spent running folds or draining, waits included (a performance counter). */
  readonly busyCycles: Signal;
  /** Cycles held at a fold's start waiting for its operands (foldReady low). */
  readonly waitCycles: Signal;
  readonly tilesDone: Signal;
  /** Output blocks (tables.ts) whose every C word is in the C buffer: the store unit may write them back. */
  readonly blocksWritten: Signal;
}

export const BUSY_BITS = 32;
export const TILE_COUNT_BITS = 16;

export function tileRowBits(g: Geometry): number {
  return counterBits(g.TR - 1);
}
export function tileColBits(g: Geometry): number {
  return counterBits(g.TC - 1);
}

export function declareCoreIo(m: Module, g: Geometry, readsC: boolean): CoreIo {
  return {
    module: m,
    go: m.input("go", u(1)),
    descValid: m.input("desc_valid", u(1)),
    descRow: m.input("desc_row", u(tileRowBits(g))),
    descCol: m.input("desc_col", u(tileColBits(g))),
    descPop: m.output("desc_pop", u(1)),
    foldReady: m.input("fold_ready", u(1)),
    needWest: m.output("need_west", u(bitsFor(g.loadWalks[0].outer))),
    needNorth: m.output("need_north", u(bitsFor(g.loadWalks[1].outer))),
    westAddr: m.output("west_rd_addr", u(bitsFor(g.westDepth))),
    westData: Array.from({ length: g.R }, (_, i) => m.input(`west_rd_data_l${i}`, g.westShape)),
    northAddr: m.output("north_rd_addr", u(bitsFor(g.northDepth))),
    northData: Array.from({ length: g.C }, (_, j) => m.input(`north_rd_data_l${j}`, g.northShape)),
    cRdAddr: readsC ? m.output("c_rd_addr", u(bitsFor(g.cDepth))) : undefined,
    cRdData: readsC ? Array.from({ length: g.C }, (_, j) => m.input(`c_rd_data_l${j}`, g.accShape)) : [],
    cWrEn: m.output("c_wr_en", u(1)),
    cWrAddr: m.output("c_wr_addr", u(bitsFor(g.cDepth))),
    cWrData: Array.from({ length: g.C }, (_, j) => m.output(`c_wr_data_l${j}`, g.accShape)),
    done: m.output("done", u(1)),
    busyCycles: m.output("busy_cycles", u(BUSY_BITS)),
    waitCycles: m.output("wait_cycles", u(BUSY_BITS)),
    tilesDone: m.output("tiles_done", u(TILE_COUNT_BITS)),
    blocksWritten: m.output("blocks_written", u(BUSY_BITS)),
  };
}
