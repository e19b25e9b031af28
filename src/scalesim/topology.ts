/**
 * SCALE-Sim v2 topology files (scalesim/topology_utils.py): convolution rows
 *   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
 * or GEMM rows (`-i gemm` in SCALE-Sim)
 *   Layer, M, N, K,
 * each after one header line, which SCALE-Sim skips unread. Every layer becomes the GEMM SCALE-Sim
 * runs: m = ofmap pixels (Sr under os), n = filters (Sc), k = window = Fh*Fw*C (T). A GEMM row is
 * first turned into SCALE-Sim's conv shape (ifmap M x K, filter 1 x K, 1 channel, N filters,
 * stride 1), whose ofmap is M x 1, so m = M, n = N, k = K: the file's M, N, K are the ifmap rows,
 * the outputs per row and the reduction, unchanged.
 *
 * SCALE-Sim drops the last field of every row (it expects the trailing comma); we drop it only
 * when it is empty, so rows without the trailing comma also read right.
 */
import { readTextFile } from "../io/input-file.js";
import { UserError } from "../io/user-error.js";
import type { ScaleSimGemm } from "../golden/scalesim.js";

export class ScaleSimTopologyError extends UserError {
  constructor(message: string, where: { file: string; line?: number; field?: string }) {
    super(message, where);
    this.name = "ScaleSimTopologyError";
  }
}

export type TopologyFormat = "conv" | "gemm";

interface LayerBase {
  /** As written, trimmed; a depthwise layer's per-channel copies get SCALE-Sim's "Channel_<i>" suffix. */
  readonly name: string;
  /** 1-based line in the file. */
  readonly line: number;
  /** The GEMM SCALE-Sim runs: m = ofmap pixels, n = filters, k = window. */
  readonly gemm: ScaleSimGemm;
  /** Distinct ifmap addresses the layer touches (m*k for a GEMM; fewer when conv windows overlap). */
  readonly ifmapUniqueWords: number;
}

export interface ConvLayer extends LayerBase {
  readonly kind: "conv";
  readonly ifmapHeight: number;
  readonly ifmapWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly channels: number;
  readonly numFilters: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  /** SCALE-Sim's ceil((H - Fh + S) / S): a last window that runs off the edge still counts. */
  readonly ofmapHeight: number;
  readonly ofmapWidth: number;
}

export interface GemmLayer extends LayerBase {
  readonly kind: "gemm";
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

export type TopologyLayer = ConvLayer | GemmLayer;

export interface Topology {
  readonly file: string;
  readonly format: TopologyFormat;
  readonly layers: readonly TopologyLayer[];
}

export interface TopologyOptions {
  /** SCALE-Sim's `-i conv|gemm`; by default told from the header (", M, N, K" means GEMM). */
  readonly format?: TopologyFormat;
}

const CONV_FIELDS = ["IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width", "Channels", "Num Filter", "Strides"] as const;
const GEMM_FIELDS = ["M", "N", "K"] as const;

/** Fields of a CSV line, trimmed, without the empty one a trailing comma leaves. */
function fieldsOf(line: string): string[] {
  const f = line.split(",").map((x) => x.trim());
  if (f.length > 1 && f[f.length - 1] === "") f.pop();
  return f;
}

const isInt = (s: string) => /^[+-]?\d+(_\d+)*$/.test(s);

function detectFormat(header: string[], file: string): TopologyFormat {
  const rest = header.slice(1).map((h) => h.toUpperCase());
  if (rest.length >= 3 && rest[0] === "M" && rest[1] === "N" && rest[2] === "K") return "gemm";
  if (rest.length >= 7 && /IFMAP/i.test(header[1] ?? "")) return "conv";
  throw new ScaleSimTopologyError(
    `cannot tell from the header whether this is a conv topology ('Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,') or a GEMM one ('Layer, M, N, K,'); fix the header or give the format (-i conv|gemm)`,
    { file, line: 1 },
  );
}

export function parseTopology(text: string, file: string, opts: TopologyOptions = {}): Topology {
  const lines = text.split(/\r?\n/);
  const header = fieldsOf(lines[0] ?? "");
  // SCALE-Sim skips line 1 unread: a data row there would be lost without a word.
  if (header.length > 1 && isInt(header[1])) {
    throw new ScaleSimTopologyError(`line 1 holds numbers, but SCALE-Sim always skips the first line as the header; add a header line above it`, { file, line: 1 });
  }
  const format = opts.format ?? detectFormat(header, file);
  // A ninth conv column is the stride width (SCALE-Sim's own writer) unless the header calls it a batch.
  const ninthIsBatch = format === "conv" && /batch/i.test(header[8] ?? "");
  const layers: TopologyLayer[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "") continue;
    const line = i + 1;
    const f = fieldsOf(raw);
    if (format === "gemm") layers.push(gemmRow(f, file, line));
    else layers.push(...convRows(f, file, line, ninthIsBatch));
  }
  if (layers.length === 0) throw new ScaleSimTopologyError(`no layers after the header line`, { file });
  return { file, format, layers };
}

function number(f: string[], idx: number, field: string, file: string, line: number): number {
  const s = f[idx];
  if (s === undefined || s === "") throw new ScaleSimTopologyError(`${field} is missing`, { file, line, field });
  if (!isInt(s)) throw new ScaleSimTopologyError(`${field} is '${s}', not a whole number`, { file, line, field });
  const v = Number(s.replace(/_/g, ""));
  if (v < 1) throw new ScaleSimTopologyError(`${field} is ${v}; it must be at least 1`, { file, line, field });
  return v;
}

function gemmRow(f: string[], file: string, line: number): GemmLayer {
  if (f.length > 4) {
    throw new ScaleSimTopologyError(`${f.length} fields; a GEMM row is 'name, M, N, K,' (sparsity ratios and other extra columns are not modelled)`, { file, line, field: "K" });
  }
  const [m, n, k] = GEMM_FIELDS.map((name, j) => number(f, j + 1, name, file, line));
  return { kind: "gemm", name: f[0], line, m, n, k, gemm: { m, n, k }, ifmapUniqueWords: m * k };
}

function convRows(f: string[], file: string, line: number, ninthIsBatch: boolean): ConvLayer[] {
  if (f.length > 9) {
    throw new ScaleSimTopologyError(`${f.length} fields; a conv row is 'name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,' (and optionally a stride width)`, { file, line });
  }
  const [H, W, Fh, Fw, C, N, S] = CONV_FIELDS.map((name, j) => number(f, j + 1, name, file, line));
  let Sw = S;
  if (f.length === 9) {
    const v = number(f, 8, ninthIsBatch ? "Batch Size" : "Stride Width", file, line);
    if (!ninthIsBatch) Sw = v;
    else if (v !== 1) throw new ScaleSimTopologyError(`Batch Size is ${v}; SCALE-Sim v2 runs batch 1 only (operand_matrix fixes it), so write one row per batch element`, { file, line, field: "Batch Size" });
  }
  if (Fh > H) throw new ScaleSimTopologyError(`Filter Height ${Fh} is larger than IFMAP Height ${H}`, { file, line, field: "Filter Height" });
  if (Fw > W) throw new ScaleSimTopologyError(`Filter Width ${Fw} is larger than IFMAP Width ${W}`, { file, line, field: "Filter Width" });
  const name = f[0];
  // SCALE-Sim runs a layer whose name contains "DP" as depthwise: one 1-channel layer per channel.
  if (name.includes("DP")) {
    return Array.from({ length: C }, (_, c) => convLayer(`${name}Channel_${c}`, line, H, W, Fh, Fw, 1, N, S, Sw));
  }
  return [convLayer(name, line, H, W, Fh, Fw, C, N, S, Sw)];
}

/** Rows (or columns) of the input some window covers: SCALE-Sim's addresses past the edge are -1. */
function covered(size: number, filter: number, stride: number, outputs: number): number {
  let n = 0, end = 0;
  for (let i = 0; i < outputs; i++) {
    const s = i * stride, e = Math.min(size, s + filter);
    n += Math.max(0, e - Math.max(s, end));
    end = Math.max(end, e);
  }
  return n;
}

function convLayer(name: string, line: number, H: number, W: number, Fh: number, Fw: number, C: number, N: number, Sh: number, Sw: number): ConvLayer {
  const Eh = Math.ceil((H - Fh + Sh) / Sh), Ew = Math.ceil((W - Fw + Sw) / Sw);
  const gemm = { m: Eh * Ew, n: N, k: Fh * Fw * C };
  return {
    kind: "conv",
    name,
    line,
    ifmapHeight: H,
    ifmapWidth: W,
    filterHeight: Fh,
    filterWidth: Fw,
    channels: C,
    numFilters: N,
    strideHeight: Sh,
    strideWidth: Sw,
    ofmapHeight: Eh,
    ofmapWidth: Ew,
    gemm,
    ifmapUniqueWords: covered(H, Fh, Sh, Eh) * covered(W, Fw, Sw, Ew) * C,
  };
}

export function readTopology(file: string, opts: TopologyOptions = {}): Topology {
  return parseTopology(readTextFile(file, "-t"), file, opts);
}
