/** Parameters shared by the `systolic` and `gemm-tiled` testbenches, and their conversion to engine parameters. */
import { OPERAND_TYPES, parseOperandType } from "../../hw/pe/mac.js";
import { DATAFLOWS, EngineParams, parseDataflow } from "../../hw/systolic/params.js";
import type { ParamSpec, Params } from "../types.js";
import { DATA_MODES, DataMode } from "./operands.js";

export const COMMON_PARAMS: readonly ParamSpec[] = [
  { name: "rows", description: "PE rows of each array", type: "int", default: 8, min: 1, max: 64, verify: { min: 1, max: 16 } },
  { name: "cols", description: "PE columns of each array", type: "int", default: 8, min: 1, max: 64, verify: { min: 1, max: 16 } },
  { name: "dataflow", description: "os (output-stationary), ws (weight-stationary), is (input-stationary)", type: "enum", default: "os", values: DATAFLOWS },
  { name: "m", description: "rows of A and C", type: "int", default: 24, min: 1, max: 4096, verify: { min: 1, max: 80 } },
  { name: "n", description: "columns of B and C", type: "int", default: 20, min: 1, max: 4096, verify: { min: 1, max: 80 } },
  { name: "k", description: "columns of A, rows of B (reduction length)", type: "int", default: 30, min: 1, max: 4096, verify: { min: 1, max: 80 } },
  { name: "aType", description: "element type of A", type: "enum", default: "int8", values: OPERAND_TYPES },
  { name: "bType", description: "element type of B", type: "enum", default: "int8", values: OPERAND_TYPES },
  { name: "accWidth", description: "accumulator bits (C wraps modulo 2^accWidth; signed unless both operands are unsigned)", type: "int", default: 32, min: 2, max: 48, verify: { min: 8, max: 40 } },
  { name: "memLatency", description: "global-memory read latency in cycles", type: "int", default: 2, min: 1, max: 16, verify: { min: 1, max: 4 } },
  { name: "dramBw", description: "global-memory bandwidth in bytes per cycle, of the read and of the write channel each (0: unlimited, a request every cycle)", type: "int", default: 0, min: 0, max: 65536, verify: { min: 0, max: 12 } },
  { name: "overlap", description: "load, compute and store overlap (a fold starts once its operand blocks arrive, an output block is stored once written); false: one phase after the other", type: "bool", default: true },
  { name: "data", description: "operand values: uniform, extremes (-128, 127, -32768, ...), or mixed", type: "enum", default: "mixed", values: DATA_MODES },
];

export const TILED_PARAMS: readonly ParamSpec[] = [
  { name: "cores", description: "systolic arrays sharing the on-chip buffers", type: "int", default: 4, min: 1, max: 16, verify: { min: 1, max: 6 } },
  {
    name: "tileM", description: "output tile rows per core task (0: whole problem); rounded up to a multiple of rows (os) or cols (is)",
    type: "int", default: 16, min: 0, max: 4096, verify: { min: 0, max: 40 },
  },
  {
    name: "tileN", description: "output tile columns per core task (0: whole problem); rounded up to a multiple of cols (os, ws)",
    type: "int", default: 16, min: 0, max: 4096, verify: { min: 0, max: 40 },
  },
];

/** The same parameters with other defaults. */
export function withDefaults(specs: readonly ParamSpec[], defaults: Params): ParamSpec[] {
  return specs.map((s) => (s.name in defaults ? { ...s, default: defaults[s.name] } : s));
}

export interface TbGemmConfig {
  readonly engine: EngineParams;
  readonly memLatency: number;
  /** Global-memory bandwidth, bytes per cycle (0: unlimited). */
  readonly dramBytesPerCycle: number;
  readonly data: DataMode;
}

/** Engine parameters from testbench parameters; tiles rounded up to what the dataflow folds over. */
export function engineFromParams(p: Params, tiled: boolean): TbGemmConfig {
  const rows = Number(p.rows), cols = Number(p.cols);
  const dataflow = parseDataflow(p.dataflow);
  let tileM: number | undefined, tileN: number | undefined;
  if (tiled) {
    const up = (v: number, q: number) => Math.max(q, Math.ceil(v / q) * q);
    const tm = Number(p.tileM), tn = Number(p.tileN);
    if (tm > 0) tileM = dataflow === "os" ? up(tm, rows) : dataflow === "is" ? up(tm, cols) : tm;
    if (tn > 0) tileN = dataflow === "is" ? tn : up(tn, cols);
  }
  const data = String(p.data);
  if (!(DATA_MODES as readonly string[]).includes(data)) throw new Error(`parameter data = '${data}': use ${DATA_MODES.join(", ")}`);
  return {
    engine: {
      rows, cols, dataflow, m: Number(p.m), n: Number(p.n), k: Number(p.k),
      aType: parseOperandType(p.aType, "parameter aType"), bType: parseOperandType(p.bType, "parameter bType"),
      accWidth: Number(p.accWidth), cores: tiled ? Number(p.cores) : 1, tileM, tileN, overlap: p.overlap !== false,
    },
    memLatency: Number(p.memLatency),
    dramBytesPerCycle: Number(p.dramBw ?? 0),
    data: data as DataMode,
  };
}
