/**
 * Parameters of the systolic GEMM engine, and their checks. Errors name the parameter and say how
 * to mend it.
 */
import { HdlError } from "../../hdl/index.js";
import { OperandType, parseOperandType } from "../pe/mac.js";

export const DATAFLOWS = ["os", "ws", "is"] as const;
/** os: output-stationary; ws: weight-stationary (B held); is: input-stationary (A held). */
export type Dataflow = (typeof DATAFLOWS)[number];

export interface EngineParams {
  /** PE rows and columns of each array. */
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
  /** C (m x n) = A (m x k) * B (k x n). */
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly aType: OperandType;
  readonly bType: OperandType;
  /** Accumulator width in bits (wraps modulo 2^accWidth). */
  readonly accWidth: number;
  /** Number of arrays (cores) sharing the on-chip buffers. */
  readonly cores: number;
  /**
   * Output tile (rows of C, columns of C) handed to a core as one unit of work. Default: the whole
   * problem as one tile, padded to whole array folds. The dimensions the array folds over must be
   * multiples of it: os — tileM of rows, tileN of cols; ws — tileN of cols; is — tileM of cols.
   */
  readonly tileM?: number;
  readonly tileN?: number;
  /**
   * Overlap loading, computing and storing (default true): every fold starts as soon as the operand
   * blocks it reads have arrived, and every tile is stored as soon as its core has written it, while
   * later blocks load and later tiles compute. false: one phase after the other (load everything,
   * compute, store everything), the engine's reference timing.
   */
  readonly overlap?: boolean;
}

/** Largest matrix dimension (request row/column fields are 16 bits). */
export const MAX_DIM = 65535;
export const MAX_ARRAY = 128;
export const MAX_CORES = 16;

function checkInt(v: number, name: string, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new HdlError(`parameter ${name} = ${v}: give a whole number ${lo}..${hi}`);
}

export function parseDataflow(v: unknown): Dataflow {
  if (typeof v === "string" && (DATAFLOWS as readonly string[]).includes(v)) return v as Dataflow;
  throw new HdlError(`parameter dataflow = '${String(v)}': use os (output-stationary), ws (weight-stationary) or is (input-stationary)`);
}

/** Default tile: the whole problem, rounded up to whole folds in the dimensions the array covers. */
export function defaultTile(p: Pick<EngineParams, "rows" | "cols" | "dataflow" | "m" | "n">): { tileM: number; tileN: number } {
  const up = (x: number, q: number) => Math.ceil(x / q) * q;
  switch (p.dataflow) {
    case "os": return { tileM: up(p.m, p.rows), tileN: up(p.n, p.cols) };
    case "ws": return { tileM: p.m, tileN: up(p.n, p.cols) };
    case "is": return { tileM: up(p.m, p.cols), tileN: p.n };
  }
}

/** Check every parameter; returns them with the tile filled in. */
export function checkParams(p: EngineParams): Required<EngineParams> {
  checkInt(p.rows, "rows", 1, MAX_ARRAY);
  checkInt(p.cols, "cols", 1, MAX_ARRAY);
  parseDataflow(p.dataflow);
  checkInt(p.m, "m", 1, MAX_DIM);
  checkInt(p.n, "n", 1, MAX_DIM);
  checkInt(p.k, "k", 1, MAX_DIM);
  parseOperandType(p.aType, "parameter aType");
  parseOperandType(p.bType, "parameter bType");
  checkInt(p.cores, "cores", 1, MAX_CORES);
  const def = defaultTile(p);
  const tileM = p.tileM ?? def.tileM, tileN = p.tileN ?? def.tileN;
  checkInt(tileM, "tileM", 1, MAX_DIM);
  checkInt(tileN, "tileN", 1, MAX_DIM);
  const need = (v: number, q: number, name: string, qName: string) => {
    if (v % q !== 0) throw new HdlError(`parameter ${name} = ${v} must be a multiple of ${qName} = ${q} for dataflow ${p.dataflow} (the array folds over it); try ${Math.ceil(v / q) * q}`);
  };
  if (p.dataflow === "os") {
    need(tileM, p.rows, "tileM", "rows");
    need(tileN, p.cols, "tileN", "cols");
  } else if (p.dataflow === "ws") need(tileN, p.cols, "tileN", "cols");
  else need(tileM, p.cols, "tileM", "cols");
  return { ...p, tileM, tileN, overlap: p.overlap ?? true };
}
