/**
 * Two waveform files compared cycle by cycle (`tessera wavediff`, and tests that hold a run
 * against a golden trace). A cycle is a rising edge of each file's clock (0 or x -> 1, or a first
 * value of 1: our dumps begin at the first edge), and its values
 * are those after every change at that time: the registers' new values and what they drive, as a
 * cycle simulator shows them. Cycles are matched by count, not time, so files whose clocks run at
 * different periods or timescales (our dump and Verilator's) still compare.
 *
 * Vars are matched by path. A leading scope that every var of one file has and the other file
 * lacks (Verilator's "TOP") is set aside, so `TOP.gemm_tb.acc` meets `gemm_tb.acc`.
 *
 * Streaming on both sides, with work per cycle in proportion to what changed: a var is compared
 * again only when either file reported a change of it since the last cycle (before the first
 * difference, unchanged vars are still equal).
 */
import { UserError } from "../../io/user-error.js";
import { WaveCutShortError } from "./errors.js";
import { findVars } from "./names.js";
import type { WaveReader, WaveVarInfo } from "./types.js";

export interface WaveCompareOptions {
  /** Var names, paths or globs (as findVars) in the first file; all vars both files have when omitted. */
  signals?: readonly string[];
  /** The clock whose rising edges are cycles: a path or a last name; "clk" by default. */
  clock?: string;
  /** Compare at most this many cycles. */
  cycles?: number;
  /** Differing vars listed for the first differing cycle (default 10); `total` counts them all. */
  maxListed?: number;
}

export interface WaveValueDiff {
  /** The var's path in the first file. */
  signal: string;
  /** Values as the readers give them ("01xz" bits MSB first, or text); undefined: never set. */
  a: string | undefined;
  b: string | undefined;
}

export interface WaveCompareResult {
  equal: boolean;
  /** The clock var of each file. */
  clock: { a: string; b: string };
  /** Vars compared (paths in the first file). */
  signals: string[];
  /** Leading scope set aside in one file to match the other's paths, if any. */
  scopeSetAside?: { file: "a" | "b"; scope: string };
  /** Vars of the default selection that one file has and the other lacks (not compared). */
  onlyInA: string[];
  onlyInB: string[];
  /** Vars declared with different widths (a difference: their values cannot be equal). */
  widthMismatches: { signal: string; a: number; b: number }[];
  /** Cycles found in each file (up to `cycles`). */
  cyclesA: number;
  cyclesB: number;
  /** A file that ends inside its data (a killed run's FST): compared up to its cut, and why it ends. */
  cutShort?: { file: "a" | "b"; message: string }[];
  /** The first cycle (0-based) at which a compared var differs. */
  first?: { cycle: number; timeA: bigint; timeB: bigint; differences: WaveValueDiff[]; total: number };
}

/** Compare `a` and `b` cycle by cycle; see the file comment. Throws a UserError for bad names. */
export async function compareWaves(a: WaveReader, b: WaveReader, opts: WaveCompareOptions = {}): Promise<WaveCompareResult> {
  const match = matchPaths(a, b);
  const clockA = findClock(a, opts.clock ?? "clk");
  const clockB = b.vars.find((v) => v.path === match.toB(clockA.path)) ?? findClock(b, opts.clock ?? "clk");
  const pairs = selectPairs(a, b, match, opts.signals);
  const widthMismatches = pairs.filter(([x, y]) => x.width !== y.width && x.kind !== "string" && y.kind !== "string").map(([x, y]) => ({ signal: x.path, a: x.width, b: y.width }));
  const limit = opts.cycles ?? Infinity;
  const maxListed = opts.maxListed ?? 10;

  // Per id of each file: the pairs that read it (a var list, since vars may share an id).
  const pairsOfA = pairsById(pairs, a.idCount, ([x]) => x.id);
  const pairsOfB = pairsById(pairs, b.idCount, ([, y]) => y.id);
  const mark = new Uint8Array(pairs.length);
  const touched: number[] = [];
  const sa = new CycleStream(a, clockA.id, pairs.map(([x]) => x.id), limit);
  const sb = new CycleStream(b, clockB.id, pairs.map(([, y]) => y.id), limit);
  const result: WaveCompareResult = {
    equal: false,
    clock: { a: clockA.path, b: clockB.path },
    signals: pairs.map(([x]) => x.path),
    ...(match.setAside ? { scopeSetAside: match.setAside } : {}),
    onlyInA: opts.signals ? [] : match.onlyInA,
    onlyInB: opts.signals ? [] : match.onlyInB,
    widthMismatches,
    cyclesA: 0,
    cyclesB: 0,
  };
  try {
    // A file cut short ends where its readable data ends: the cycles before the cut still compare.
    const cut = (file: "a" | "b", it: AsyncIterator<bigint>): AsyncIterator<bigint> => ({
      next: async () => {
        try {
          return await it.next();
        } catch (e) {
          if (!(e instanceof WaveCutShortError)) throw e;
          (result.cutShort ??= []).push({ file, message: e.message });
          return { done: true, value: undefined };
        }
      },
    });
    const ia = cut("a", sa.cycles()[Symbol.asyncIterator]());
    const ib = cut("b", sb.cycles()[Symbol.asyncIterator]());
    let first = true;
    for (;;) {
      const [na, nb] = await Promise.all([ia.next(), ib.next()]);
      if (!na.done) result.cyclesA++;
      if (!nb.done) result.cyclesB++;
      if (na.done || nb.done) {
        // the longer file's remaining cycles are counted, not compared
        const rest = na.done ? ib : ia;
        let more = 0;
        for (let n = await rest.next(); !n.done; n = await rest.next()) more++;
        if (na.done) result.cyclesB += more;
        else result.cyclesA += more;
        break;
      }
      // the pairs to compare: every pair at the first cycle (vars never set compare too:
      // undefined vs a value), then those whose var changed in either file since the last cycle
      touched.length = 0;
      if (first) {
        pairs.forEach((_, i) => touched.push(i));
        sa.takeDirty();
        sb.takeDirty();
        first = false;
      } else {
        for (const id of sa.takeDirty()) for (const i of pairsOfA[id] ?? []) if (!mark[i]) (mark[i] = 1), touched.push(i);
        for (const id of sb.takeDirty()) for (const i of pairsOfB[id] ?? []) if (!mark[i]) (mark[i] = 1), touched.push(i);
      }
      const diffs: WaveValueDiff[] = [];
      for (const i of touched) {
        mark[i] = 0;
        const [x, y] = pairs[i];
        const va = sa.value(x.id), vb = sb.value(y.id);
        if (va !== vb) diffs.push({ signal: x.path, a: va, b: vb });
      }
      if (diffs.length > 0) {
        diffs.sort((p, q) => (p.signal < q.signal ? -1 : p.signal > q.signal ? 1 : 0));
        result.first = { cycle: result.cyclesA - 1, timeA: na.value, timeB: nb.value, differences: diffs.slice(0, maxListed), total: diffs.length };
        break;
      }
    }
  } finally {
    await Promise.all([sa.stop(), sb.stop()]);
  }
  result.equal = !result.first && result.cyclesA === result.cyclesB && widthMismatches.length === 0 && !result.cutShort;
  return result;
}

/** One file's values at each rising edge of its clock, with the ids changed since the last edge. */
class CycleStream {
  private readonly cur: (string | undefined)[];
  private readonly dirtyMask: Uint8Array;
  private dirty: number[] = [];
  private iterator?: AsyncIterator<unknown>;

  constructor(private readonly reader: WaveReader, private readonly clockId: number, private readonly ids: readonly number[], private readonly limit: number) {
    this.cur = new Array(reader.idCount);
    this.dirtyMask = new Uint8Array(reader.idCount);
  }

  /** Times of the rising edges; between two, the values and dirty ids are those of the last one. */
  async *cycles(): AsyncGenerator<bigint> {
    if (this.limit <= 0) return;
    const steps = this.reader.steps([...new Set([...this.ids, this.clockId])]);
    const it = steps[Symbol.asyncIterator]();
    this.iterator = it;
    let count = 0;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      const clockBefore = this.cur[this.clockId];
      for (const c of n.value.changes) {
        this.cur[c.id] = c.value;
        if (!this.dirtyMask[c.id]) {
          this.dirtyMask[c.id] = 1;
          this.dirty.push(c.id);
        }
      }
      // 0 -> 1, and x -> 1 as Verilog has it; a file whose clock starts at 1 begins at an edge
      if (clockBefore !== "1" && this.cur[this.clockId] === "1") {
        yield n.value.time;
        if (++count >= this.limit) return;
      }
    }
  }

  value(id: number): string | undefined {
    return this.cur[id];
  }

  /** Ids changed since the last call. */
  takeDirty(): number[] {
    const d = this.dirty;
    for (const id of d) this.dirtyMask[id] = 0;
    this.dirty = [];
    return d;
  }

  /** Close the file's stream if the comparison ended before it did. */
  async stop(): Promise<void> {
    await this.iterator?.return?.();
  }
}

/** Per id, the indices of the items whose key it is (undefined for ids no item has). */
function pairsById<T>(items: readonly T[], idCount: number, key: (t: T) => number): (number[] | undefined)[] {
  const byId: (number[] | undefined)[] = new Array(idCount);
  items.forEach((t, i) => (byId[key(t)] ??= []).push(i));
  return byId;
}

interface PathMatch {
  /** The path in b that a path of a corresponds to. */
  toB(pathInA: string): string;
  setAside?: { file: "a" | "b"; scope: string };
  onlyInA: string[];
  onlyInB: string[];
}

/** How the two files' paths meet: as they are, or with a leading scope of one file set aside. */
function matchPaths(a: WaveReader, b: WaveReader): PathMatch {
  const pa = new Set(a.vars.map((v) => v.path));
  const pb = new Set(b.vars.map((v) => v.path));
  const common = (f: (p: string) => string) => a.vars.filter((v) => pb.has(f(v.path))).length;
  let toB = (p: string) => p;
  let setAside: PathMatch["setAside"];
  let best = common(toB);
  // A scope that wraps every var of one file: try setting it aside when that matches more vars.
  const wrapper = (r: WaveReader) => {
    const first = r.vars[0]?.path.split(".")[0];
    return first && r.vars.every((v) => v.path.startsWith(first + ".")) ? first : undefined;
  };
  const wa = wrapper(a), wb = wrapper(b);
  if (wb) {
    const f = (p: string) => `${wb}.${p}`;
    const n = common(f);
    if (n > best) [best, toB, setAside] = [n, f, { file: "b", scope: wb }];
  }
  if (wa) {
    const f = (p: string) => (p.startsWith(wa + ".") ? p.slice(wa.length + 1) : p);
    const n = common(f);
    if (n > best) [best, toB, setAside] = [n, f, { file: "a", scope: wa }];
  }
  const mapped = new Set(a.vars.map((v) => toB(v.path)));
  return {
    toB,
    setAside,
    onlyInA: [...pa].filter((p) => !pb.has(toB(p))),
    onlyInB: [...pb].filter((p) => !mapped.has(p)),
  };
}

/** The vars to compare, as [var of a, var of b]: those `signals` name in a, or all both have. */
function selectPairs(a: WaveReader, b: WaveReader, match: PathMatch, signals: readonly string[] | undefined): [WaveVarInfo, WaveVarInfo][] {
  const byPathB = new Map(b.vars.map((v) => [v.path, v]));
  const chosen = signals ? findVars(a, signals) : a.vars;
  const pairs: [WaveVarInfo, WaveVarInfo][] = [];
  const seen = new Set<string>();
  for (const x of chosen) {
    if (seen.has(x.path)) continue;
    seen.add(x.path);
    const y = byPathB.get(match.toB(x.path));
    if (y) pairs.push([x, y]);
    else if (signals) throw new UserError(`'${x.path}' (from --signals) is not in ${b.path}; name vars both files have`, { file: b.path, argument: "--signals" });
  }
  if (pairs.length === 0) {
    throw new UserError(`${a.path} and ${b.path} have no var paths in common (e.g. ${a.vars[0]?.path ?? "none"} vs ${b.vars[0]?.path ?? "none"}); are they dumps of the same design?`, { file: b.path });
  }
  return pairs;
}

/** The 1-bit var that `name` names in `r`: an exact path, else the shortest path ending in it. */
function findClock(r: WaveReader, name: string): WaveVarInfo {
  const exact = r.vars.find((v) => v.path === name);
  const candidates = exact ? [exact] : r.vars.filter((v) => v.path.endsWith("." + name) || v.path === name);
  candidates.sort((p, q) => p.path.split(".").length - q.path.split(".").length);
  const clock = candidates.find((v) => v.width === 1 && v.kind !== "string" && v.kind !== "real");
  if (!clock) {
    const bits = r.vars.filter((v) => v.width === 1 && v.kind !== "string").slice(0, 6).map((v) => v.path);
    throw new UserError(`no 1-bit clock '${name}' in ${r.path}; name the clock with --clock (1-bit vars: ${bits.join(", ") || "none"})`, { file: r.path, argument: "--clock" });
  }
  return clock;
}
