/**
 * Driving the BSTC encoder and decoder from a testbench, checked every cycle against the golden
 * models: the expected streams of a plane (golden bstcSegments packed by bstcPack), a monitor of
 * the encoder's word and segment streams against them and the cycle model, a standalone pattern
 * feed, and the decoder's lanes run over a plane's segments with every pattern vs golden
 * groupPattern. Used by the `mcbp-bstc` testbench, the unit tests, and any harness with the
 * decoder's ports at its top (same names: lane<i>_*, pat<i>_*).
 */
import { BitPlanes, bstcLength, bstcSegments, groupCount, groupPattern } from "../../golden/bitslice.js";
import { bstcPack } from "../../golden/bitslice-bstc-words.js";
import { bstcDecodeCycles, bstcEncoderCycles, bstcEncoderWordCycles, bstcLaneCycles, bstcLanePatternCycle } from "../../golden/bitslice-bstc-timing.js";
import type { Simulator } from "../../sim/index.js";
import type { Checker } from "../harness.js";

export type Plane = readonly (readonly number[])[];

export interface BstcSegment {
  readonly index: number;
  /** First column and width of the sub-matrix. */
  readonly c0: number;
  readonly cols: number;
  readonly groups: number;
  /** cols * groups: the patterns it codes. */
  readonly patterns: number;
  /** Bit address in the plane's stream (golden bstcSegments' start) and coded length. */
  readonly start: number;
  readonly length: number;
}

/** Everything the golden says about one coded plane. */
export interface BstcPlan {
  readonly m: number;
  readonly segCols: number;
  readonly wordBits: number;
  readonly rows: number;
  readonly cols: number;
  readonly groups: number;
  readonly segments: readonly BstcSegment[];
  /** The stored stream (bstcSegments' streams concatenated) and its words. */
  readonly bits: string;
  readonly words: readonly bigint[];
  /** Per pattern in the encoder's input order (segment, group, column): group, column, pattern, code length. */
  readonly g: Int32Array;
  readonly c: Int32Array;
  readonly patterns: Int32Array;
  readonly lengths: readonly number[];
}

/** Encoder input order: for each segment, for each group, the segment's columns. */
export function segmentOrder(rows: number, cols: number, m: number, segCols: number): { g: Int32Array; c: Int32Array } {
  const groups = groupCount(rows, m), n = groups * cols;
  const g = new Int32Array(n), c = new Int32Array(n);
  let q = 0;
  for (let c0 = 0; c0 < cols; c0 += segCols) {
    const w = Math.min(segCols, cols - c0);
    for (let gg = 0; gg < groups; gg++) for (let j = 0; j < w; j++, q++) {
      g[q] = gg;
      c[q] = c0 + j;
    }
  }
  return { g, c };
}

export function bstcPlan(plane: Plane, m: number, segCols: number, wordBits: number): BstcPlan {
  const rows = plane.length, cols = rows ? plane[0].length : 0, groups = groupCount(rows, m);
  const seg = bstcSegments(plane, m, segCols);
  const segments = seg.streams.map((s, i): BstcSegment => {
    const c0 = i * segCols, w = Math.min(segCols, cols - c0);
    return { index: i, c0, cols: w, groups, patterns: w * groups, start: seg.start[i], length: s.length };
  });
  const bits = seg.streams.join("");
  const { g, c } = segmentOrder(rows, cols, m, segCols);
  const patterns = new Int32Array(g.length);
  const lengths: number[] = [];
  for (let q = 0; q < g.length; q++) {
    patterns[q] = groupPattern(plane, m, g[q], c[q]);
    lengths.push(patterns[q] ? m + 1 : 1);
  }
  return { m, segCols, wordBits, rows, cols, groups, segments, bits, words: bstcPack(bits, wordBits), g, c, patterns, lengths };
}

/** A reader of any-width signal as a bigint (accessors are faster but stop at 52 bits). */
function reader(sim: Simulator, name: string): () => bigint {
  const w = sim.node(name).shape.width;
  if (w > 52) return () => sim.peek(name);
  const a = sim.accessor(name);
  return () => BigInt(a.get());
}

/** Port names of the BSTC encoder's control (the codec renames them with an enc_ prefix). */
export interface EncoderNames {
  readonly start: string;
  readonly cols: string;
  readonly groups: string;
  readonly done: string;
  readonly busy: string;
}

export const UNIT_ENCODER: EncoderNames = { start: "start", cols: "cols", groups: "groups", done: "done", busy: "busy" };

/**
 * Checks the encoder's outputs every cycle against a plan: word_valid exactly in the modelled
 * cycles with word_data / word_addr the golden word, seg_valid at each segment's first pattern
 * with its index and golden start, done and total_bits at the modelled end. `latency`: cycles
 * between the first feed cycle and the encoder taking the first pattern (1 behind the bit-slice
 * encoder). Call sample(t) in every cycle t = 1.. after the start edge.
 */
export class EncoderMonitor {
  readonly doneCycle: number;
  readonly seen: bigint[] = [];
  private readonly wordAt = new Map<number, number>();
  private readonly segAt = new Map<number, number>();
  private readonly rd: Record<string, () => bigint>;

  constructor(private readonly sim: Simulator, private readonly plan: BstcPlan, private readonly check: Checker, private readonly label: string, names: EncoderNames, latency: number) {
    bstcEncoderWordCycles(plan.lengths, plan.wordBits).forEach((t, k) => this.wordAt.set(t + latency, k));
    plan.segments.forEach((s) => this.segAt.set(s.c0 * plan.groups + 2 + latency, s.index));
    this.doneCycle = bstcEncoderCycles(plan.lengths.length) + latency;
    const n = ["word_valid", "word_data", "word_addr", "seg_valid", "seg_index", "seg_start", "total_bits"];
    this.rd = Object.fromEntries(n.map((x) => [x, reader(sim, x)]));
    this.rd.done = reader(sim, names.done);
    this.rd.busy = reader(sim, names.busy);
  }

  sample(t: number): void {
    const { check, rd, label } = this;
    const at = `${label} cycle ${t}`;
    const k = this.wordAt.get(t);
    const wv = rd.word_valid();
    if (wv !== (k === undefined ? 0n : 1n)) check.equal(`${at}: word_valid${k === undefined ? "" : ` (word ${k})`}`, wv, k === undefined ? 0 : 1);
    else check.checks++;
    if (k !== undefined && wv === 1n) {
      const d = rd.word_data();
      this.seen[k] = d;
      check.equal(`${at}: word ${k} word_data`, d, this.plan.words[k], { width: this.plan.wordBits, signed: false });
      check.equal(`${at}: word ${k} word_addr`, rd.word_addr(), k);
    }
    const s = this.segAt.get(t);
    const sv = rd.seg_valid();
    if (sv !== (s === undefined ? 0n : 1n)) check.equal(`${at}: seg_valid${s === undefined ? "" : ` (segment ${s})`}`, sv, s === undefined ? 0 : 1);
    else check.checks++;
    if (s !== undefined && sv === 1n) {
      check.equal(`${at}: segment ${s} seg_index`, rd.seg_index(), s);
      check.equal(`${at}: segment ${s} seg_start`, rd.seg_start(), this.plan.segments[s].start);
    }
    const dn = rd.done();
    if (t === this.doneCycle) {
      check.equal(`${at}: done at the modelled cycle`, dn, 1);
      check.equal(`${at}: total_bits = bstcLength`, rd.total_bits(), this.plan.bits.length);
      check.equal(`${at}: busy low with done`, rd.busy(), 0);
    } else {
      if (dn !== 0n) check.equal(`${at}: done before its cycle ${this.doneCycle}`, dn, 0);
      if (rd.busy() !== 1n) check.equal(`${at}: busy while coding`, rd.busy(), 1);
    }
  }
}

/** Pulse the encoder's start with the plan's shape (one cycle). */
export function startEncoder(sim: Simulator, plan: BstcPlan, names: EncoderNames): void {
  sim.poke(names.cols, plan.cols);
  sim.poke(names.groups, plan.groups);
  sim.poke(names.start, 1);
  sim.step();
  sim.poke(names.start, 0);
}

/**
 * Run the standalone BSTC encoder (src/hw/bitslice/bstc-encoder.ts at the top) on a plan: start,
 * one pattern per cycle on pat_valid / pat_data, every output checked. Returns the cycles (start
 * edge to done) and the words seen.
 */
export function encodeStandalone(sim: Simulator, plan: BstcPlan, check: Checker, label: string): { cycles: number; words: bigint[] } {
  startEncoder(sim, plan, UNIT_ENCODER);
  const mon = new EncoderMonitor(sim, plan, check, label, UNIT_ENCODER, 0);
  const valid = sim.accessor("pat_valid"), data = sim.accessor("pat_data"), ready = sim.accessor("pat_ready");
  for (let t = 1; t <= mon.doneCycle; t++) {
    const q = t - 1, feeding = q < plan.patterns.length;
    valid.set(feeding ? 1 : 0);
    data.set(feeding ? plan.patterns[q] : 0);
    if (feeding && ready.get() !== 1) check.equal(`${label} cycle ${t}: pat_ready while coding`, ready.get(), 1);
    mon.sample(t);
    sim.step();
  }
  valid.set(0);
  return { cycles: mon.doneCycle, words: mon.seen };
}

export interface DecodeOptions {
  /** Bit address in the bank where the plane's stream begins (its segment starts are added). */
  readonly baseBit: number;
  /**
   * pat<i>_ready: by default poked 1 every cycle (and the timing checked against the model); a
   * function pokes its answer per lane per cycle (stalls); "observe" leaves it to the design (a
   * consumer inside the harness drives it) and reads it to know which patterns were taken.
   */
  readonly ready?: (() => boolean) | "observe";
  /**
   * The simulator's name of a decoder port (e.g. "lane0_start", "pat0_valid"); default the same
   * name (the decoder, or a harness passing its ports through as the codec does). Inputs must map
   * to top-level inputs (pat<i>_ready only when poked); outputs may be inside ("dec.pat0_valid").
   */
  readonly port?: (name: string) => string;
  /** Give up after this many cycles (default: 4 per pattern and 8 per segment, plus 100; raise it for a slow consumer). */
  readonly limit?: number;
}

/**
 * Backdoor-fill a plan's words into a bank at `baseWord` (before reset, so co-simulation can start
 * the Verilog with the same contents); `bank` is the memory's name in the simulator
 * ("bank" for the decoder at the top, "dec.bank" inside the codec).
 */
export function loadBank(sim: Simulator, plan: BstcPlan, baseWord: number, bank = "bank"): void {
  plan.words.forEach((w, k) => sim.writeMemory(bank, baseWord + k, w));
}

export interface DecodeOutcome {
  /** Start edge of the first segments to the last lane's done cycle. */
  readonly cycles: number;
  /** The plane as the lanes produced it (rows x cols; NaN where a pattern never came). */
  readonly decoded: number[][];
  /** Patterns emitted by each lane. */
  readonly perLane: number[];
}

/**
 * Decode every segment of a plan on the decoder's lanes (segment s on lane s mod lanes, each next
 * segment started in its lane's done cycle), checking every cycle: pat_valid exactly while a
 * pattern is due, each taken pattern = golden groupPattern of its group and column with pat_last,
 * pat_col, pat_group; done when the segment is complete with lane_pos = its end (start + coded
 * length: the bstcLength check); with ready always high (the default), every pattern and done in
 * its modelled cycle and the total = bstcDecodeCycles. See DecodeOptions for a decoder inside a
 * harness (port names, ready driven by the design).
 */
export function decodePlan(sim: Simulator, plan: BstcPlan, plane: Plane, lanes: number, check: Checker, label: string, opts: DecodeOptions): DecodeOutcome {
  const { m, rows, cols } = plan;
  const decoded = Array.from({ length: rows }, () => new Array<number>(cols).fill(NaN));
  const port = opts.port ?? ((n: string) => n);
  const name = (l: number, n: string) => port(n.startsWith("pat") ? `pat${l}_${n.slice(4)}` : `lane${l}_${n}`);
  const acc = (l: number, n: string) => sim.accessor(name(l, n));
  const L = Array.from({ length: lanes }, (_, l) => ({
    start: acc(l, "start"), cols: acc(l, "cols"), groups: acc(l, "groups"),
    done: acc(l, "done"), busy: acc(l, "busy"), pos: reader(sim, name(l, "pos")),
    valid: acc(l, "pat_valid"), data: acc(l, "pat_data"), last: acc(l, "pat_last"), col: acc(l, "pat_col"), group: acc(l, "pat_group"), ready: acc(l, "pat_ready"),
    queue: plan.segments.filter((s) => s.index % lanes === l),
    cur: undefined as BstcSegment | undefined, t: 0, fired: 0, patterns: 0,
  }));
  const allReady = !opts.ready;
  const begin = (l: (typeof L)[number]) => {
    const s = l.queue.shift();
    l.cur = s;
    l.start.set(s ? 1 : 0);
    if (!s) return;
    sim.poke(name(L.indexOf(l), "addr"), BigInt(opts.baseBit + s.start));
    l.cols.set(s.cols);
    l.groups.set(s.groups);
    l.t = 0;
    l.fired = 0;
  };
  L.forEach(begin);
  let cycle = 0;
  const limit = opts.limit ?? 4 * (plan.patterns.length + 2 * plan.segments.length) + 100;
  while (L.some((l) => l.cur) && cycle < limit) {
    sim.step();
    cycle++;
    for (const l of L) l.start.set(0);
    L.forEach((l, li) => {
      const s = l.cur;
      if (!s) return;
      l.t++;
      const at = `${label} lane ${li} segment ${s.index} cycle ${l.t}`;
      let rdy = true;
      if (opts.ready === "observe") rdy = l.ready.get() === 1;
      else {
        rdy = opts.ready ? opts.ready() : true;
        l.ready.set(rdy ? 1 : 0);
      }
      const due = l.t >= 2 && l.fired < s.patterns;
      const v = l.valid.get();
      if (v !== (due ? 1 : 0)) check.equal(`${at}: pat_valid`, v, due ? 1 : 0);
      else check.checks++;
      if (due && v === 1) {
        const i = l.fired, g = Math.floor(i / s.cols), j = i % s.cols, c = s.c0 + j;
        if (allReady && l.t !== bstcLanePatternCycle(i)) check.equal(`${at}: pattern ${i} in its modelled cycle`, l.t, bstcLanePatternCycle(i));
        if (rdy) {
          const want = groupPattern(plane, m, g, c), got = l.data.get();
          if (got !== want) check.equal(`${at}: pat_data of group ${g} column ${c}`, got, want, { width: m, signed: false });
          else check.checks++;
          if (l.last.get() !== (j === s.cols - 1 ? 1 : 0)) check.equal(`${at}: pat_last of group ${g} column ${c}`, l.last.get(), j === s.cols - 1 ? 1 : 0);
          if (l.col.get() !== j || l.group.get() !== g) check.fail(`${at}: pat_col/pat_group ${l.col.get()}/${l.group.get()}, expected ${j}/${g}`);
          for (let r = 0; r < m; r++) if (g * m + r < rows) decoded[g * m + r][c] = (got >> (m - 1 - r)) & 1;
          l.fired++;
          l.patterns++;
        }
      }
      if (l.done.get() === 1) {
        check.equal(`${at}: done after all ${s.patterns} patterns`, l.fired, s.patterns);
        check.equal(`${at}: lane_pos at done = start + coded length (bstcLength)`, l.pos(), BigInt(opts.baseBit + s.start + s.length));
        if (allReady) check.equal(`${at}: done in the modelled cycle`, l.t, bstcLaneCycles(s.patterns));
        begin(l);
      } else if (l.t > 2 && l.busy.get() !== 1) check.equal(`${at}: busy before done`, l.busy.get(), 1);
    });
  }
  check.ok(`${label}: every lane finished within ${limit} cycles`, L.every((l) => !l.cur));
  if (allReady) check.equal(`${label}: decode cycles vs bstcDecodeCycles`, cycle, bstcDecodeCycles(plan.segments.map((s) => s.patterns), lanes));
  check.equal(`${label}: coded length = bstcLength`, plan.bits.length, bstcLength(plane, m));
  return { cycles: cycle, decoded, perLane: L.map((l) => l.patterns) };
}

/** Port names of the codec's BSTC encoder (src/hw/bitslice/bstc-codec.ts). */
export const CODEC_ENCODER: EncoderNames = { start: "enc_start", cols: "enc_cols", groups: "enc_groups", done: "enc_done", busy: "enc_busy" };

/**
 * Code one plane of W through the codec (bit-slice encoder -> plane select -> BSTC encoder ->
 * bank at `baseWord`): weights fed one group column per cycle in the encoder's input order, the
 * bit-slice encoder's sign and 7 plane patterns checked every cycle against golden bitPlanes (all
 * of them, whichever plane is being coded), the BSTC encoder's streams by an EncoderMonitor.
 * `planeNo`: 1..7 magnitude, 8 sign. Returns the cycles from the start edge to done.
 */
export function encodeCodecPlane(
  sim: Simulator, plan: BstcPlan, W: Plane, bp: BitPlanes, planeNo: number, baseWord: number, check: Checker, label: string,
): number {
  const { m, rows, g: G, c: C } = plan;
  sim.poke("plane", planeNo);
  sim.poke("enc_base", baseWord);
  startEncoder(sim, plan, CODEC_ENCODER);
  const mon = new EncoderMonitor(sim, plan, check, label, CODEC_ENCODER, 1);
  const wv = sim.accessor("w_valid"), wl = sim.accessor("w_last"), w = Array.from({ length: m }, (_, i) => sim.accessor(`w_${i}`));
  const bsValid = sim.accessor("bs_valid"), bsLast = sim.accessor("bs_last"), bsBad = sim.accessor("bs_bad"), bsSign = sim.accessor("bs_sign");
  const bsPlane = Array.from({ length: 7 }, (_, k) => sim.accessor(`bs_plane_${k + 1}`));
  const N = plan.patterns.length;
  // Last column of a group within its segment.
  const isLast = (q: number) => {
    const c0 = C[q] - (C[q] % plan.segCols);
    return C[q] === Math.min(c0 + plan.segCols, plan.cols) - 1 ? 1 : 0;
  };
  const pat = { width: m, signed: false };
  for (let t = 1; t <= mon.doneCycle; t++) {
    const q = t - 1, feeding = q < N;
    wv.set(feeding ? 1 : 0);
    wl.set(feeding ? isLast(q) : 0);
    for (let i = 0; i < m; i++) {
      const r = feeding ? G[q] * m + i : rows;
      w[i].set(r < rows ? W[r][C[q]] : 0);
    }
    // The bit-slice encoder shows the column fed in the previous cycle.
    const b = t - 2, shown = b >= 0 && b < N;
    if (bsValid.get() !== (shown ? 1 : 0)) check.equal(`${label} cycle ${t}: bs_valid`, bsValid.get(), shown ? 1 : 0);
    if (shown) {
      const at = `${label} cycle ${t}: group ${G[b]} column ${C[b]}`;
      const sg = groupPattern(bp.sign, m, G[b], C[b]);
      if (bsSign.get() !== sg) check.equal(`${at} bs_sign`, bsSign.get(), sg, pat);
      else check.checks++;
      for (let k = 0; k < 7; k++) {
        const want = groupPattern(bp.planes[k], m, G[b], C[b]);
        if (bsPlane[k].get() !== want) check.equal(`${at} bs_plane_${k + 1}`, bsPlane[k].get(), want, pat);
        else check.checks++;
      }
      if (bsLast.get() !== isLast(b) || bsBad.get() !== 0) check.fail(`${at}: bs_last ${bsLast.get()} (want ${isLast(b)}), bs_bad ${bsBad.get()} (want 0)`);
    }
    mon.sample(t);
    sim.step();
  }
  wv.set(0);
  return mon.doneCycle;
}
