/**
 * Request traces for serving studies (XY-Serve, ../shared/reference/papers.md section 6): when each
 * request arrives, how long its prompt and its output are, which earlier request's prompt it
 * starts with (a shared system prompt, a repository's files, the previous turn of a conversation)
 * and how many draft tokens each of its decode steps verifies.
 *
 * Generated traces: Poisson arrivals; prompt and output lengths log-normal around the medians
 * Splitwise reports for Azure's production traces (Patel et al., ISCA'24), which XY-Serve's
 * Coding and Conversation workloads come from: coding prompts median 1,500 tokens, outputs 13;
 * conversation prompts 1,020, outputs 129. The spreads (sigma), the share of requests that reuse
 * an earlier prompt and how much of it are our choice and parameters (`TraceOptions`).
 *
 * Prompts are token ids (`promptTokens`): a shared prefix is the earlier request's own tokens, the
 * rest is this request's own, so prefix caching finds exactly what a trace says is shared.
 */
import { mulberry32 } from "../../golden/prng.js";

export interface ServeRequest {
  readonly id: number;
  /** Arrival time, ms from the start of the trace. */
  readonly arrival: number;
  readonly promptLen: number;
  readonly outputLen: number;
  /** The earlier request whose first `prefixLen` prompt tokens this one repeats, or -1. */
  readonly prefixOf: number;
  readonly prefixLen: number;
  /** Draft tokens verified per decode step (speculative decoding); 0: one token per step. */
  readonly specLen: number;
}

export const TRACE_KINDS = ["coding", "conversation"] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

export interface TraceOptions {
  /** Number of requests. */
  readonly requests: number;
  /** Mean arrival rate, requests per second. */
  readonly ratePerSec: number;
  readonly seed: number;
  /** Draft tokens verified per step for every request (default 0). */
  readonly specLen?: number;
  /** Share of requests that start with an earlier request's prompt (default: coding 0.5, conversation 0.3). */
  readonly shareProb?: number;
  /** Longest prompt and output, tokens (default 16,384 and 2,048). */
  readonly maxPrompt?: number;
  readonly maxOutput?: number;
}

/** Log-normal length model: median and sigma of ln(length). */
interface LengthModel {
  readonly median: number;
  readonly sigma: number;
}

/** Medians from Splitwise's production traces; sigmas ours (their CDFs span about two decades). */
export const TRACE_SHAPES: Record<TraceKind, { prompt: LengthModel; output: LengthModel; shareProb: number }> = {
  coding: { prompt: { median: 1500, sigma: 0.9 }, output: { median: 13, sigma: 1.0 }, shareProb: 0.5 },
  conversation: { prompt: { median: 1020, sigma: 0.8 }, output: { median: 129, sigma: 0.9 }, shareProb: 0.3 },
};

export function generateTrace(kind: TraceKind, o: TraceOptions): ServeRequest[] {
  if (!(TRACE_KINDS as readonly string[]).includes(kind)) throw new Error(`trace kind '${kind}': use ${TRACE_KINDS.join(", ")} or a CSV file`);
  if (!(Number.isInteger(o.requests) && o.requests >= 1)) throw new Error(`requests = ${o.requests}: must be a whole number >= 1`);
  if (!(o.ratePerSec > 0)) throw new Error(`ratePerSec = ${o.ratePerSec}: must be > 0 requests per second`);
  const shape = TRACE_SHAPES[kind];
  const r = mulberry32(o.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const length = (m: LengthModel, max: number) => Math.max(1, Math.min(max, Math.round(m.median * Math.exp(m.sigma * normal()))));
  const maxPrompt = o.maxPrompt ?? 16384, maxOutput = o.maxOutput ?? 2048;
  const share = o.shareProb ?? shape.shareProb;
  const out: ServeRequest[] = [];
  let t = 0;
  for (let id = 0; id < o.requests; id++) {
    t += (-Math.log(1 - r()) / o.ratePerSec) * 1000;
    const promptLen = length(shape.prompt, maxPrompt);
    let prefixOf = -1, prefixLen = 0;
    if (id > 0 && r() < share) {
      prefixOf = Math.floor(r() * id);
      // 20-80% of the shorter prompt: at least one token of its own stays new.
      const limit = Math.min(out[prefixOf].promptLen, promptLen - 1);
      prefixLen = Math.floor(limit * (0.2 + 0.6 * r()));
      if (prefixLen === 0) prefixOf = -1;
    }
    out.push({ id, arrival: t, promptLen, outputLen: length(shape.output, maxOutput), prefixOf, prefixLen, specLen: o.specLen ?? 0 });
  }
  return out;
}

const CSV_COLUMNS = ["arrival_ms", "prompt", "output", "prefix_of", "prefix_len", "spec"] as const;

/**
 * A trace from CSV text: a header naming at least arrival_ms, prompt and output (prefix_of,
 * prefix_len and spec are optional, default -1, 0, 0), then one request per line in arrival order.
 * Errors name the file, line and column.
 */
export function readTraceCsv(text: string, file = "<trace>"): ServeRequest[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const first = lines.findIndex((l) => l !== "" && !l.startsWith("#"));
  if (first < 0) throw new Error(`${file}: empty trace; the first line must be a header such as ${CSV_COLUMNS.join(",")}`);
  const header = lines[first].split(",").map((h) => h.trim());
  for (const need of ["arrival_ms", "prompt", "output"]) {
    if (!header.includes(need)) throw new Error(`${file}:${first + 1}: the header has no '${need}' column (columns: ${CSV_COLUMNS.join(", ")}; the last three optional)`);
  }
  for (const h of header) if (!(CSV_COLUMNS as readonly string[]).includes(h)) throw new Error(`${file}:${first + 1}: unknown column '${h}' (known: ${CSV_COLUMNS.join(", ")})`);
  const col = (name: string) => header.indexOf(name);
  const out: ServeRequest[] = [];
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "" || line.startsWith("#")) continue;
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== header.length) throw new Error(`${file}:${i + 1}: ${cells.length} values for ${header.length} columns`);
    const num = (name: string, dflt: number, check: (v: number) => boolean, what: string) => {
      const k = col(name);
      if (k < 0) return dflt;
      const v = Number(cells[k]);
      if (cells[k] === "" || !Number.isFinite(v) || !check(v)) throw new Error(`${file}:${i + 1}: ${name} = '${cells[k]}' must be ${what}`);
      return v;
    };
    const id = out.length;
    const arrival = num("arrival_ms", 0, (v) => v >= 0, "a time >= 0 in ms");
    if (id > 0 && arrival < out[id - 1].arrival) throw new Error(`${file}:${i + 1}: arrival_ms = ${arrival} is before the previous request's ${out[id - 1].arrival}; sort the trace by arrival`);
    const promptLen = num("prompt", 0, (v) => Number.isInteger(v) && v >= 1, "a whole number of tokens >= 1");
    const outputLen = num("output", 0, (v) => Number.isInteger(v) && v >= 1, "a whole number of tokens >= 1");
    const prefixOf = num("prefix_of", -1, (v) => Number.isInteger(v) && v >= -1 && v < id, `-1 or the index of an earlier request (0..${id - 1})`);
    const prefixLen = num("prefix_len", 0, (v) => Number.isInteger(v) && v >= 0, "a whole number >= 0");
    if (prefixOf < 0 && prefixLen > 0) throw new Error(`${file}:${i + 1}: prefix_len = ${prefixLen} with no prefix_of`);
    if (prefixOf >= 0 && prefixLen > Math.min(out[prefixOf].promptLen, promptLen)) {
      throw new Error(`${file}:${i + 1}: prefix_len = ${prefixLen} is longer than this prompt (${promptLen}) or request ${prefixOf}'s (${out[prefixOf].promptLen})`);
    }
    const specLen = num("spec", 0, (v) => Number.isInteger(v) && v >= 0, "a whole number of draft tokens >= 0");
    out.push({ id, arrival, promptLen, outputLen, prefixOf, prefixLen, specLen });
  }
  if (out.length === 0) throw new Error(`${file}: the trace has a header but no requests`);
  return out;
}

/**
 * Each request's prompt as token ids: its first prefixLen tokens are request prefixOf's, the rest
 * its own (ids that no other request has at that position).
 */
export function promptTokens(trace: readonly ServeRequest[]): Int32Array[] {
  const out: Int32Array[] = [];
  for (const q of trace) {
    const t = new Int32Array(q.promptLen);
    if (q.prefixOf >= 0) t.set(out[q.prefixOf].subarray(0, q.prefixLen));
    for (let i = q.prefixLen; i < q.promptLen; i++) t[i] = (Math.imul(q.id + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) & 0x7fffffff;
    out.push(t);
  }
  return out;
}
