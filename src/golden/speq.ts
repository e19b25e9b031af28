/**
 * Golden model of SPEQ's weight encoding (papers.md section 2): FP16 weights that carry their own
 * 4-bit draft. Pure functions; imports only the binary16 golden.
 *
 * What the paper leaves open, and the defaults chosen here (with why):
 *   - Per-tensor power-of-two scale: the tensor's largest exponent field `top`. The paper observes
 *     weight exponents span at most 16 binades (the top exponent bit unused) and scales outliers
 *     per tensor; here a tensor's nonzero weights must lie in the 16 binades [top - 15, top] (plus
 *     zeros and subnormals when top <= 15), else `encode` throws naming the weight. Within that
 *     window each exponent is a 4-bit offset d = top - e (0 = the largest binade), so a word carries
 *     15 bits of information and one stored copy serves both models.
 *   - Exponent remapping: the 4 draft bits are [sign | 3-bit code]. Codes 0..singles-1 name one
 *     binade each (d = code); the remaining 16 - singles offsets are grouped into the other codes,
 *     at most 4 binades per code so the 12 remaining bits (2 bucket-index bits + the 10 mantissa
 *     bits) restore the exact word. singles = 5 by default, the most the 12 bits allow: the five
 *     largest binades, where most of a layer's output comes from, get an exact exponent in the draft.
 *   - Draft values: a code drafts as +-1.5 * 2^(e - 15) for its binade e (a bucket: its middle
 *     binade); 1.5 is the binade's midpoint, which halves the worst error of a power of two. The
 *     last code (the smallest weights) drafts as 0. Zeros are stored in the last code with a bucket
 *     index past its binades (the last bucket is never full), so they decode exactly.
 *   - Memory layout: nibble-major. All draft nibbles of a tensor first (two per byte), then the
 *     12-bit remainders (two per three bytes): a draft pass reads exactly the first quarter of the
 *     bytes, a verify pass all of them.
 */
import { mulberry32 } from "./prng.js";
import { dotF16, f16Add, f16Mul, f16ToF32, f16ToNumber, f32Add, f32ToNumber, numberToF16 } from "./fp16.js";

export interface SpeqConfig {
  /** Codes naming one binade each (0..5). */
  readonly singles: number;
}

export const DEFAULT_SPEQ: SpeqConfig = { singles: 5 };

export interface SpeqTensor {
  /** The largest exponent field of the tensor (the per-tensor scale: binade d is exponent top - d). */
  readonly top: number;
  readonly config: SpeqConfig;
  /** Stored words: bits 15..12 the draft nibble [sign | code], bits 11..0 the remainder [index(2) | mantissa(10)]. */
  readonly words: number[];
}

/** The codes' binades: codes[c] = the offsets d that code c names (ascending). */
export function speqCodes(c: SpeqConfig = DEFAULT_SPEQ): number[][] {
  if (!Number.isInteger(c.singles) || c.singles < 0 || c.singles > 5) throw new Error(`speq: singles = ${c.singles} must be a whole number 0..5 (8 codes, at most 4 binades per bucket code, 16 binades)`);
  const codes: number[][] = [];
  for (let d = 0; d < c.singles; d++) codes.push([d]);
  const rest = 16 - c.singles, buckets = 8 - c.singles;
  let d = c.singles;
  for (let k = 0; k < buckets; k++) {
    // Spread the remaining binades as evenly as possible, larger buckets first... within 4 each.
    const size = Math.ceil((rest - (d - c.singles)) / (buckets - k));
    codes.push(Array.from({ length: size }, (_, i) => d + i));
    d += size;
  }
  return codes;
}

function exponentOf(h: number): number {
  return (h >> 10) & 31;
}

/** The per-tensor scale: the largest exponent field among the weights (0 for an all-zero tensor). */
export function speqTop(weights: readonly number[]): number {
  let top = 0;
  for (const h of weights) {
    if (exponentOf(h) === 31) throw new Error(`speq encode: weight 0x${h.toString(16)} is an infinity or NaN; weights must be finite`);
    top = Math.max(top, exponentOf(h));
  }
  return top;
}

/** The offset d (0..15) of a weight's binade below `top` (subnormals sit at exponent 0). */
function offsetOf(h: number, top: number, i: number): number {
  const e = exponentOf(h), d = top - e;
  if (d > 15) throw new Error(`speq encode: weight ${i} (0x${h.toString(16)}, exponent ${e}) lies ${d} binades below the tensor's largest (${top}); SPEQ keeps a tensor within 16 binades (scale the tensor or clip its tiny weights)`);
  return d;
}

/**
 * Zeros take the last code with the bucket index one past its binades (the last bucket is never
 * full: 16 - singles binades in 8 - singles codes of at most 4, the smallest bucket last).
 */
function zeroIndex(codes: readonly (readonly number[])[]): number {
  return codes[codes.length - 1].length;
}

/** Encode a tensor of binary16 patterns. */
export function encode(weights: readonly number[], config: SpeqConfig = DEFAULT_SPEQ): SpeqTensor {
  const codes = speqCodes(config);
  const top = speqTop(weights);
  const where = new Map<number, [number, number]>();
  codes.forEach((ds, code) => ds.forEach((d, idx) => where.set(d, [code, idx])));
  const words = weights.map((h, i) => {
    const sign = (h >> 15) << 15;
    if ((h & 0x7fff) === 0) return sign | ((codes.length - 1) << 12) | (zeroIndex(codes) << 10);
    const [code, idx] = where.get(offsetOf(h, top, i))!;
    return sign | (code << 12) | (idx << 10) | (h & 1023);
  });
  return { top, config, words };
}

/** The exact binary16 pattern a stored word holds. */
export function decodeFullWord(word: number, top: number, config: SpeqConfig = DEFAULT_SPEQ): number {
  const codes = speqCodes(config);
  const sign = (word >> 15) << 15, code = (word >> 12) & 7, idx = (word >> 10) & 3, m = word & 1023;
  const ds = codes[code];
  if (code === codes.length - 1 && idx === zeroIndex(codes) && m === 0) return sign;
  if (idx >= ds.length) throw new Error(`speq decode: word 0x${word.toString(16)} has bucket index ${idx} but code ${code} names ${ds.length} binade(s)`);
  const e = top - ds[idx];
  if (e < 0) throw new Error(`speq decode: word 0x${word.toString(16)} names exponent ${e} < 0 (top ${top})`);
  return sign | (e << 10) | m;
}

export function decodeFull(t: SpeqTensor): number[] {
  return t.words.map((w) => decodeFullWord(w, t.top, t.config));
}

/**
 * The draft weight of a nibble [sign | code], as a binary16 pattern: +-1.5 * 2^(e - 15) for the
 * code's (middle) binade e, 0 for the last code. Rounded to binary16 (exact but for tiny binades).
 */
export function decodeDraftNibble(nibble: number, top: number, config: SpeqConfig = DEFAULT_SPEQ): number {
  const codes = speqCodes(config);
  const sign = (nibble >> 3) & 1, code = nibble & 7;
  if (code === codes.length - 1) return sign << 15;
  const ds = codes[code];
  const dMid = (ds[0] + ds[ds.length - 1]) / 2;
  const e = top - dMid;
  const v = 1.5 * 2 ** (e - 15);
  return numberToF16(sign ? -v : v);
}

export function decodeDraft(t: SpeqTensor): number[] {
  return t.words.map((w) => decodeDraftNibble(w >> 12, t.top, t.config));
}

export interface SpeqLayout {
  /** The draft nibbles, two per byte (element 2i in the high nibble). */
  readonly draft: Uint8Array;
  /** The 12-bit remainders, two per three bytes (element 2i in the first 12 bits). */
  readonly rest: Uint8Array;
}

/** Nibble-major memory image of a tensor: a draft pass reads `draft` only, a quarter of the bytes. */
export function speqLayout(t: SpeqTensor): SpeqLayout {
  const n = t.words.length;
  const draft = new Uint8Array(Math.ceil(n / 2)), rest = new Uint8Array(Math.ceil(n / 2) * 3);
  t.words.forEach((w, i) => {
    const nib = w >> 12, r = w & 0xfff, pair = i >> 1;
    if (i % 2 === 0) {
      draft[pair] |= nib << 4;
      rest[3 * pair] = r >> 4;
      rest[3 * pair + 1] |= (r & 15) << 4;
    } else {
      draft[pair] |= nib;
      rest[3 * pair + 1] |= r >> 8;
      rest[3 * pair + 2] = r & 255;
    }
  });
  return { draft, rest };
}

/** The stored words back from a layout image. */
export function fromLayout(l: SpeqLayout, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const pair = i >> 1;
    const nib = i % 2 === 0 ? l.draft[pair] >> 4 : l.draft[pair] & 15;
    const r = i % 2 === 0 ? (l.rest[3 * pair] << 4) | (l.rest[3 * pair + 1] >> 4) : ((l.rest[3 * pair + 1] & 15) << 8) | l.rest[3 * pair + 2];
    return (nib << 12) | r;
  });
}

/** Relative error of a draft weight against its full weight (0 when both are 0). */
export function draftError(full: number, draft: number): number {
  const a = f16ToNumber(full), b = f16ToNumber(draft);
  return a === 0 ? Math.abs(b) : Math.abs(a - b) / Math.abs(a);
}

// ---------------------------------------------------------------- a small language model

export interface SpeqModelConfig {
  readonly vocab: number;
  readonly hidden: number;
  readonly layers: number;
  readonly seed: number;
}

/** The model's weights (binary16 patterns, row-major) and their SPEQ encodings. */
export interface SpeqModel {
  readonly config: SpeqModelConfig;
  /** vocab x hidden; looked up, not multiplied: the draft reads it at full precision too. */
  readonly embed: number[][];
  /** layers x (hidden x hidden). */
  readonly layers: number[][][];
  /** vocab x hidden. */
  readonly head: number[][];
  /** The same matrices as the draft model sees them (decodeDraft of each tensor's encoding). */
  readonly draftLayers: number[][][];
  readonly draftHead: number[][];
}

/**
 * A random binary16 matrix with roughly normal entries of standard deviation `sigma`, flushed to 0
 * below the tensor's 16-binade window (what SPEQ's per-tensor scaling keeps).
 */
function randomMatrix(r: () => number, rows: number, cols: number, sigma: number): number[][] {
  const M = Array.from({ length: rows }, () => Array.from({ length: cols }, () => numberToF16((r() + r() + r() + r() - 2) * Math.sqrt(3) * sigma)));
  const top = Math.max(...M.flat().map((h) => (h >> 10) & 31));
  return M.map((row) => row.map((h) => (((h >> 10) & 31) < top - 15 ? h & 0x8000 : h)));
}

function draftOf(M: number[][]): number[][] {
  const t = encode(M.flat());
  const d = decodeDraft(t);
  return M.map((row, i) => d.slice(i * row.length, (i + 1) * row.length));
}

export function makeSpeqModel(c: SpeqModelConfig): SpeqModel {
  for (const [k, lo, hi] of [["vocab", 2, 4096], ["hidden", 1, 1024], ["layers", 1, 16]] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`speq model: ${k} = ${v} must be a whole number ${lo}..${hi}`);
  }
  const r = mulberry32(c.seed);
  const embed = randomMatrix(r, c.vocab, c.hidden, 1);
  const layers = Array.from({ length: c.layers }, () => randomMatrix(r, c.hidden, c.hidden, 1 / Math.sqrt(c.hidden)));
  const head = randomMatrix(r, c.vocab, c.hidden, 1 / Math.sqrt(c.hidden));
  return { config: c, embed, layers, head, draftLayers: layers.map(draftOf), draftHead: draftOf(head) };
}

const F16_EIGHTH = 0x3000; // 0.125

/** max(x, +0) on a binary16 pattern: negatives (and -0) and NaN give +0. */
export function relu16(h: number): number {
  const nan = (h & 0x7c00) === 0x7c00 && (h & 1023) !== 0;
  return h & 0x8000 || nan ? 0 : h;
}

/**
 * One position of the model: its input is the token's embedding plus the context, 1/8 of the
 * binary16-rounded binary32 sum of the embeddings of every earlier token (the KV cache), summed
 * left to right from +0; each layer h = h + relu(W h) with W h a row of dotF16 rounded to binary16;
 * logits = head h (dotF16, binary32). `draft` selects the draft weights.
 */
export function speqForward(model: SpeqModel, cache: readonly number[][], token: number, draft: boolean): number[] {
  const H = model.config.hidden;
  const ctx = new Array<number>(H).fill(0);
  for (let d = 0; d < H; d++) {
    let acc = 0;
    for (const e of cache) acc = f32Add(acc, f16ToF32(e[d]));
    ctx[d] = f16Mul(numberToF16(f32ToNumber(acc)), F16_EIGHTH);
  }
  let h = model.embed[token].map((e, d) => f16Add(e, ctx[d]));
  for (const W of draft ? model.draftLayers : model.layers) {
    const z = W.map((row) => numberToF16(f32ToNumber(dotF16(row, h))));
    h = h.map((x, d) => f16Add(x, relu16(z[d])));
  }
  return (draft ? model.draftHead : model.head).map((row) => dotF16(row, h));
}

/** The index of the largest binary32 logit (NaN counts as smallest; ties to the lower index). */
export function argmaxF32(logits: readonly number[]): number {
  let best = 0, bv = -Infinity;
  logits.forEach((w, i) => {
    const v = f32ToNumber(w);
    if (v > bv) {
      bv = v;
      best = i;
    }
  });
  return best;
}

/** Full-precision greedy decoding: `tokens` new tokens after `prompt`. */
export function greedyDecode(model: SpeqModel, prompt: readonly number[], tokens: number): number[] {
  if (prompt.length === 0) throw new Error("greedyDecode: the prompt needs at least one token");
  const seq = [...prompt];
  const out: number[] = [];
  while (out.length < tokens) {
    const cache = seq.slice(0, -1).map((t) => model.embed[t]);
    const next = argmaxF32(speqForward(model, cache, seq[seq.length - 1], false));
    seq.push(next);
    out.push(next);
  }
  return out;
}

export interface SpeculativeResult {
  readonly tokens: number[];
  /** Verify passes, and the tokens each emitted (accepted draft tokens + the target's own). */
  readonly passes: number;
  readonly perPass: number[];
  readonly drafted: number;
  readonly accepted: number;
  /** KV entries dropped on rejection. */
  readonly rolledBack: number;
}

/**
 * Speculative decoding with draft length gamma, greedy verification: the draft model proposes
 * gamma tokens one at a time; the target scores the last accepted token and the gamma proposals in
 * one pass (gamma + 1 positions); the longest prefix of proposals equal to the target's own argmax
 * is accepted, plus the target's next token; the KV entries of rejected proposals are dropped.
 * Lossless: the tokens equal greedyDecode's.
 */
export function speculativeDecode(model: SpeqModel, prompt: readonly number[], tokens: number, gamma: number): SpeculativeResult {
  if (prompt.length === 0) throw new Error("speculativeDecode: the prompt needs at least one token");
  if (!Number.isInteger(gamma) || gamma < 1) throw new Error(`speculativeDecode: gamma = ${gamma} must be a whole number >= 1`);
  const seq = [...prompt];
  const out: number[] = [];
  const perPass: number[] = [];
  let drafted = 0, accepted = 0, rolledBack = 0;
  while (out.length < tokens) {
    // Draft: gamma tokens, each appending its input's KV entry.
    const proposal: number[] = [];
    const cache = seq.slice(0, -1).map((t) => model.embed[t]);
    let last = seq[seq.length - 1];
    for (let i = 0; i < gamma; i++) {
      const next = argmaxF32(speqForward(model, cache, last, true));
      cache.push(model.embed[last]);
      proposal.push(next);
      last = next;
    }
    drafted += gamma;
    // Verify: gamma + 1 positions, each with the cache of everything before it.
    const base = seq.slice(0, -1).map((t) => model.embed[t]);
    const inputs = [seq[seq.length - 1], ...proposal];
    const targets = inputs.map((tok, i) => argmaxF32(speqForward(model, [...base, ...inputs.slice(0, i).map((t) => model.embed[t])], tok, false)));
    let a = 0;
    while (a < gamma && proposal[a] === targets[a]) a++;
    const emit = [...proposal.slice(0, a), targets[a]].slice(0, tokens - out.length);
    accepted += Math.min(a, emit.length);
    rolledBack += gamma - a;
    perPass.push(emit.length);
    for (const t of emit) {
      seq.push(t);
      out.push(t);
    }
  }
  return { tokens: out, passes: perPass.length, perPass, drafted, accepted, rolledBack };
}
