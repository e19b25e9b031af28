/**
 * Driving the BGPP unit from a testbench: filling the key banks (backdoor, before reset, or
 * through the k write port), writing a query, and running one query while checking every cycle
 * against golden bgpp and the cycle model (golden/bitslice-bgpp-timing.ts): every partial score
 * on the ps outputs, every clipping decision on the dec outputs, every round record, done,
 * busy, k_bits_fetched, and the survivor mask read back after done. Shared by the `mcbp-bgpp`
 * testbench and the unit tests.
 */
import { BgppResult, bgpp, truncatedKey } from "../../golden/bitslice.js";
import { bgppSchedule } from "../../golden/bitslice-bgpp-timing.js";
import { s } from "../../hdl/index.js";
import {
  BgppGeometry, Q_PER_WORD, SIGN_POS, kMagMem, kSignMem, listMem, maskMem, scoreMem, signBufMem,
} from "../../hw/bitslice/bgpp-params.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, randInt } from "../harness.js";

/** The D-bit word of plane `pos` (1..7 magnitude, 8 sign) of key k: bit d = element d. */
export function planeWord(k: readonly number[], pos: number): bigint {
  let w = 0n;
  k.forEach((v, d) => {
    const bit = pos === SIGN_POS ? (v < 0 ? 1 : 0) : (Math.abs(v) >> (pos - 1)) & 1;
    if (bit) w |= 1n << BigInt(d);
  });
  return w;
}

/** A random D-bit word (what SRAM holds at power-up). */
function junk(r: () => number, bits: number): bigint {
  let w = 0n;
  for (let i = 0; i < bits; i += 16) w = (w << 16n) | BigInt(randInt(r, 0, 0xffff));
  return w & ((1n << BigInt(bits)) - 1n);
}

/**
 * Backdoor fill (before reset, so co-simulation starts the Verilog from the same contents): every
 * word of every bank memory random first (padding, the sign buffer, scores, lists and the mask
 * must not matter), then the keys' planes where the layout puts them.
 */
export function loadKeys(sim: Simulator, g: BgppGeometry, K: readonly (readonly number[])[], r: () => number): void {
  const ids = new Map(sim.net.memories.map((mm) => [mm.name.slice(mm.name.lastIndexOf(".") + 1), mm.id]));
  const mem = (name: string): number => {
    const id = ids.get(name);
    if (id === undefined) throw new Error(`bgpp drive: the design has no memory '${name}'`);
    return id;
  };
  const L = g.perBank, D = g.p.headDim;
  for (let b = 0; b < g.p.units; b++) {
    const fill = (name: string, depth: number, bits: number, signed = false) => {
      for (let a = 0; a < depth; a++) {
        let v = junk(r, bits);
        if (signed && v >> BigInt(bits - 1)) v -= 1n << BigInt(bits);
        sim.engine.writeMemory(mem(name), a, v);
      }
    };
    fill(kSignMem(b), L, D);
    fill(kMagMem(b), 7 * L, D);
    fill(signBufMem(b), L, D);
    fill(scoreMem(b), L, g.scoreBits, true);
    fill(listMem(b), L, g.indexBits);
    fill(maskMem(b), L, 1);
  }
  K.forEach((k, i) => {
    const b = g.bank(i), j = g.index(i);
    sim.engine.writeMemory(mem(kSignMem(b)), j, planeWord(k, SIGN_POS));
    for (let pos = 1; pos <= 7; pos++) sim.engine.writeMemory(mem(kMagMem(b)), g.magAddr(pos, j), planeWord(k, pos));
  });
  sim.engine.settleAll();
}

/** Every plane of every key through the k write port, one word per cycle; returns the cycles. */
export function writeKeys(sim: Simulator, g: BgppGeometry, K: readonly (readonly number[])[]): number {
  let n = 0;
  sim.poke("k_we", 1);
  K.forEach((k, i) => {
    for (let pos = 1; pos <= SIGN_POS; pos++) {
      sim.poke("k_bank", g.bank(i));
      sim.poke("k_index", g.index(i));
      sim.poke("k_pos", pos);
      sim.poke("k_data", planeWord(k, pos));
      sim.step();
      n++;
    }
  });
  sim.poke("k_we", 0);
  return n;
}

/** The query through q_we / q_addr / q_data, 8 int4 elements per write; returns the cycles. */
export function writeQuery(sim: Simulator, g: BgppGeometry, q: readonly number[]): number {
  const we = sim.accessor("q_we"), addr = sim.accessor("q_addr"), data = sim.accessor("q_data");
  we.set(1);
  for (let a = 0; a < g.qWords; a++) {
    let w = 0;
    for (let e = 0; e < Q_PER_WORD && a * Q_PER_WORD + e < q.length; e++) w |= (q[a * Q_PER_WORD + e] & 15) << (4 * e);
    addr.set(a);
    data.set(w >>> 0);
    sim.step();
  }
  we.set(0);
  return g.qWords;
}

/** What golden bgpp needs from the unit's parameters. */
export function goldenOptions(g: BgppGeometry): { rounds: number; alphaTenths: readonly number[]; radius: number } {
  return { rounds: g.p.rounds, alphaTenths: g.p.alphaTenths, radius: g.p.radius < 0 ? Infinity : g.p.radius };
}

interface Slot {
  readonly key: number;
  readonly score: number;
  readonly keep?: boolean;
}

interface CycleWant {
  ps?: Map<number, Slot>;
  dec?: Map<number, Slot>;
  round?: { idx: number; max: number; count: number; gated: boolean };
}

export interface BgppQueryOutcome {
  readonly want: BgppResult;
  /** Cycles from the start edge to done. */
  readonly cycles: number;
  readonly kBitsFetched: number;
}

/**
 * Run one query (q already written; the unit idle) and check every cycle: ps_valid / dec_valid /
 * dec_keep exactly in the slots the cycle model gives each bank's alive keys (ascending), with
 * key_b and score_b (the partial score q . truncatedKey(K_i, r)); the round record (index, max,
 * survivors, gate) at each round's end; busy; done at the modelled cycle; k_bits_fetched =
 * kBitsFetched; then the survivor mask read back word by word (mask_addr, one cycle each).
 */
export function runQuery(
  sim: Simulator, g: BgppGeometry, q: readonly number[], K: readonly (readonly number[])[], check: Checker, label: string,
): BgppQueryOutcome {
  const U = g.p.units;
  const want = bgpp(q, K, goldenOptions(g));
  const sched = bgppSchedule(want.rounds, U);
  const plan = new Map<number, CycleWant>();
  const at = (c: number): CycleWant => {
    let w = plan.get(c);
    if (!w) plan.set(c, (w = {}));
    return w;
  };
  want.rounds.forEach((rd, ri) => {
    const r = ri + 1, t = sched[ri];
    const kept = new Set(rd.survivors);
    const slot = new Array<number>(U).fill(0);
    for (const i of rd.aliveIn) {
      const b = g.bank(i), k = slot[b]++;
      const score = K[i].reduce((acc, v, d) => acc + q[d] * truncatedKey(v, r), 0);
      (at(t.scoreIssue + k + 3).ps ??= new Map()).set(b, { key: i, score });
      if (t.clipIssue !== null) (at(t.clipIssue + k + 3).dec ??= new Map()).set(b, { key: i, score, keep: kept.has(i) });
    }
    at(t.record).round = { idx: r, max: rd.max, count: rd.survivors.length, gated: t.gated };
  });
  const total = sched[sched.length - 1].record;

  const acc = (n: string) => sim.accessor(n);
  const busy = acc("busy"), done = acc("done"), psValid = acc("ps_valid"), decValid = acc("dec_valid"), decKeep = acc("dec_keep");
  const keyOut = Array.from({ length: U }, (_, b) => acc(`key_${b}`)), scoreOut = Array.from({ length: U }, (_, b) => acc(`score_${b}`));
  const roundValid = acc("round_valid"), roundIdx = acc("round_idx"), roundMax = acc("round_max"), roundCount = acc("round_count"), roundGated = acc("round_gated");
  const scoreShape = s(g.scoreBits);
  const bitsOf = (m: Map<number, Slot> | undefined, pick: (x: Slot) => boolean = () => true): number => {
    let v = 0;
    m?.forEach((x, b) => (v += pick(x) ? 2 ** b : 0));
    return v;
  };
  const slots = (what: string, cyc: number, m: Map<number, Slot>) => {
    m.forEach((x, b) => {
      check.equal(`${label} cycle ${cyc}: ${what} key_${b}`, keyOut[b].get(), x.key);
      const got = scoreOut[b].get();
      if (got !== x.score) check.equal(`${label} cycle ${cyc}: ${what} score_${b} (key ${x.key})`, got, x.score, scoreShape);
      else check.checks++;
    });
  };

  sim.poke("start", 1);
  sim.step();
  sim.poke("start", 0);
  const limit = 2 * total + 100;
  let cycle = 1;
  for (;;) {
    const w = plan.get(cycle);
    const where = `${label} cycle ${cycle}`;
    check.equal(`${where}: ps_valid`, psValid.get(), bitsOf(w?.ps));
    check.equal(`${where}: dec_valid`, decValid.get(), bitsOf(w?.dec));
    if (w?.ps) slots("partial score", cycle, w.ps);
    if (w?.dec) {
      check.equal(`${where}: dec_keep`, decKeep.get(), bitsOf(w.dec, (x) => x.keep!));
      slots("clip", cycle, w.dec);
    }
    check.equal(`${where}: round_valid`, roundValid.get(), w?.round ? 1 : 0);
    if (w?.round && roundValid.get() === 1) {
      check.equal(`${where}: round_idx`, roundIdx.get(), w.round.idx);
      check.equal(`${where}: round ${w.round.idx} max`, roundMax.get(), w.round.max, scoreShape);
      check.equal(`${where}: round ${w.round.idx} survivors`, roundCount.get(), w.round.count);
      check.equal(`${where}: round ${w.round.idx} gated`, roundGated.get(), w.round.gated ? 1 : 0);
    }
    const isDone = done.get() === 1;
    if (isDone || cycle === total) check.equal(`${label}: done at the modelled cycle (observed ${isDone ? cycle : "none yet"})`, isDone ? cycle : -1, total);
    if (isDone || cycle >= limit) break;
    if (busy.get() !== 1) check.equal(`${where}: busy before done`, busy.get(), 1);
    sim.step();
    cycle++;
  }
  check.equal(`${label}: busy low with done`, busy.get(), 0);
  const kBits = sim.peekNumber("k_bits_fetched");
  check.equal(`${label}: k_bits_fetched`, kBits, want.kBitsFetched);
  checkMask(sim, g, want.survivors, check, label);
  return { want, cycles: cycle, kBitsFetched: kBits };
}

/** Read the survivor mask back (one word per cycle, perBank cycles) and compare with the final survivors. */
export function checkMask(sim: Simulator, g: BgppGeometry, survivors: readonly number[], check: Checker, label: string): void {
  const alive = new Set(survivors);
  const addr = sim.accessor("mask_addr"), data = sim.accessor("mask_data");
  for (let a = 0; a < g.perBank; a++) {
    addr.set(a);
    sim.step(); // the read registers mask[a] at this edge
    let want = 0, real = 0;
    for (let b = 0; b < g.p.units; b++) {
      const i = a * g.p.units + b;
      if (i >= g.p.seqLen) continue; // padding slots hold whatever the memory held: not part of the contract
      real += 2 ** b;
      if (alive.has(i)) want += 2 ** b;
    }
    check.equal(`${label}: survivor mask word ${a}`, (data.get() & real) >>> 0, want);
  }
  addr.set(0);
}
