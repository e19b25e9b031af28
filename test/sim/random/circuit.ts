/**
 * Random circuits for differential testing: a plain-data spec (which fast-check generates and
 * shrinks), its HDL module, and an independent bigint evaluator written from the semantics in
 * DESIGN.md — it shares no code with the simulator, so the compiled engine, the interpreter and
 * this evaluator must all agree. Indices in the spec are taken modulo what is available, so every
 * shrunk spec is still a valid circuit.
 */
import fc from "fast-check";
import { Module, Expr, Signal, cat, mux, u, s } from "../../../src/hdl/index.js";

export const UNARY = ["neg", "not", "reduceAnd", "reduceOr", "reduceXor", "asSigned", "asUnsigned", "shl", "shr", "bit", "slice", "trunc", "resize", "replicate"] as const;
export const BINARY = ["add", "sub", "mul", "and", "or", "xor", "eq", "ne", "lt", "le", "gt", "ge", "shlv", "shrv", "cat"] as const;
export const OPS = [...UNARY, ...BINARY, "mux"] as const;
export type Op = (typeof OPS)[number];

export interface NodeSpec { op: Op; a: number; b: number; c: number; k: number; named: boolean }
export interface RegSpec { width: number; signed: boolean; reset: number; domain: number; kind: "plain" | "if" | "slice" | "switch"; x: number; y: number; z: number }
export interface MemSpec { width: number; depth: number; domain: number; rkind: "comb" | "sync" | "syncT"; waddr: number; wdata: number; wen: number; raddr: number }
export interface CircuitSpec {
  inputs: { width: number; signed: boolean }[];
  regs: RegSpec[];
  mems: MemSpec[];
  nodes: NodeSpec[];
  periods: number[];
  stimulusSeed: number;
  cycles: number;
}

const MAXW = 96;

export function circuitArb(opts: { maxNodes?: number; maxWidth?: number } = {}): fc.Arbitrary<CircuitSpec> {
  const w = fc.integer({ min: 1, max: opts.maxWidth ?? MAXW });
  return fc.record({
    inputs: fc.array(fc.record({ width: w, signed: fc.boolean() }), { minLength: 1, maxLength: 5 }),
    regs: fc.array(
      fc.record({
        width: w, signed: fc.boolean(), reset: fc.integer(), domain: fc.nat(3),
        kind: fc.constantFrom("plain", "if", "slice", "switch"), x: fc.nat(), y: fc.nat(), z: fc.nat(),
      }),
      { maxLength: 5 },
    ),
    mems: fc.array(
      fc.record({
        width: w, depth: fc.integer({ min: 1, max: 9 }), domain: fc.nat(3), rkind: fc.constantFrom("comb", "sync", "syncT"),
        waddr: fc.nat(), wdata: fc.nat(), wen: fc.nat(), raddr: fc.nat(),
      }),
      { maxLength: 2 },
    ),
    nodes: fc.array(
      fc.record({ op: fc.constantFrom(...OPS), a: fc.nat(), b: fc.nat(), c: fc.nat(), k: fc.nat(200), named: fc.boolean() }),
      { minLength: 1, maxLength: opts.maxNodes ?? 16 },
    ),
    periods: fc.array(fc.integer({ min: 2, max: 9 }), { minLength: 1, maxLength: 3 }),
    stimulusSeed: fc.integer(),
    cycles: fc.integer({ min: 1, max: 10 }),
  }) as fc.Arbitrary<CircuitSpec>;
}

// --- independent semantics ----------------------------------------------------------------------

interface Sh { w: number; s: boolean }
const wrap = (v: bigint, sh: Sh) => (sh.s ? BigInt.asIntN(sh.w, v) : BigInt.asUintN(sh.w, v));
const bits = (v: bigint, w: number) => BigInt.asUintN(w, v);
function unify(a: Sh, b: Sh): Sh {
  if (a.s === b.s) return { w: Math.max(a.w, b.w), s: a.s };
  const sw = a.s ? a.w : b.w, uw = a.s ? b.w : a.w;
  return { w: Math.max(sw, uw + 1), s: true };
}

type Env = bigint[];
interface Val { sh: Sh; expr: Expr; ev: (env: Env) => bigint }

export interface BuiltCircuit {
  module: Module;
  /** Signals compared every cycle. */
  outputs: Signal[];
  inputs: Signal[];
  domains: string[];
  /** The independent model. */
  model: Model;
}

export interface Model {
  /** Values of the outputs given inputs (after comb settles on the current state). */
  outputs(inputs: bigint[]): bigint[];
  /** One simultaneous rising edge of these domain indices, with these input values. */
  edge(domains: number[], inputs: bigint[]): void;
}

export function buildCircuit(spec: CircuitSpec): BuiltCircuit {
  const m = new Module("rand");
  const nd = spec.periods.length;
  const domainNames = ["sync", "d1", "d2"].slice(0, nd);
  const vals: Val[] = [];
  const slotOf = new Map<Val, number>();
  let nslots = 0;
  const newSlot = () => nslots++;
  const inputs: Signal[] = [];
  const outputs: Signal[] = [];

  // Inputs: their slots hold the poked values.
  spec.inputs.forEach((ip, i) => {
    const sig = m.input(`in${i}`, ip.signed ? s(ip.width) : u(ip.width));
    const slot = newSlot();
    inputs.push(sig);
    vals.push({ sh: { w: ip.width, s: ip.signed }, expr: sig, ev: (env) => env[slot] });
  });
  // Registers: state slots.
  const regSlots: number[] = [];
  const regSigs: Signal[] = [];
  spec.regs.forEach((r, i) => {
    const sh = { w: r.width, s: r.signed };
    const reset = wrap(BigInt(r.reset), sh);
    const sig = m.output(`r${i}`, r.signed ? s(r.width) : u(r.width), { reset });
    const slot = newSlot();
    regSlots.push(slot);
    regSigs.push(sig);
    outputs.push(sig);
    vals.push({ sh, expr: sig, ev: (env) => env[slot] });
  });
  // Memories: contents are state; sync read data is state; comb read data depends on its addr.
  const early = vals.length; // inputs and registers: safe operands for memory ports
  const pick = (n: number, upto = vals.length) => vals[n % upto];
  const fit = (v: Val, sh: Sh): { expr: Expr; ev: (env: Env) => bigint } => {
    if (v.sh.w > sh.w) return { expr: v.expr.trunc(sh.w), ev: (env) => wrap(v.ev(env), { w: sh.w, s: v.sh.s }) };
    if (v.sh.w < sh.w) return { expr: v.expr.resize(sh.w), ev: v.ev };
    return { expr: v.expr, ev: v.ev };
  };
  interface MemModel { spec: MemSpec; contents: bigint[]; sh: Sh; addrW: number; wa: (e: Env) => bigint; wd: (e: Env) => bigint; we: (e: Env) => bigint; ra: (e: Env) => bigint; dataSlot: number }
  const memModels: MemModel[] = [];
  spec.mems.forEach((ms, i) => {
    const sh = { w: ms.width, s: false };
    const mem = m.memory({ name: `mem${i}`, shape: u(ms.width), depth: ms.depth });
    const addrW = mem.addrWidth;
    const wp = mem.writePort({ domain: domainNames[ms.domain % nd] });
    const rp = mem.readPort(ms.rkind === "comb" ? { domain: "comb" } : { domain: domainNames[ms.domain % nd], transparent: ms.rkind === "syncT" });
    const wa = fit(pick(ms.waddr, early), { w: addrW, s: false });
    const wd = fit(pick(ms.wdata, early), sh);
    const we = pick(ms.wen, early);
    const ra = fit(pick(ms.raddr, early), { w: addrW, s: false });
    m.comb.set(wp.addr, wa.expr.asUnsigned());
    m.comb.set(wp.data, wd.expr.asUnsigned());
    m.comb.set(wp.en, we.expr.bool());
    m.comb.set(rp.addr, ra.expr.asUnsigned());
    const dataSlot = newSlot();
    const mm: MemModel = {
      spec: ms, contents: new Array(ms.depth).fill(0n), sh, addrW, dataSlot,
      wa: (e) => bits(wa.ev(e), addrW), wd: (e) => bits(wd.ev(e), ms.width), we: (e) => (we.ev(e) !== 0n ? 1n : 0n), ra: (e) => bits(ra.ev(e), addrW),
    };
    memModels.push(mm);
    const out = m.output(`mem${i}_q`, u(ms.width));
    m.comb.set(out, rp.data);
    outputs.push(out);
    if (ms.rkind === "comb") {
      vals.push({ sh, expr: rp.data, ev: (env) => { const a = Number(mm.ra(env)); return a < ms.depth ? mm.contents[a] : 0n; } });
    } else {
      vals.push({ sh, expr: rp.data, ev: (env) => env[dataSlot] });
    }
  });

  // Expression nodes.
  spec.nodes.forEach((n, i) => {
    const A = pick(n.a), B = pick(n.b), C = pick(n.c);
    let v = applyOp(n, A, B, C);
    if (v.sh.w > MAXW) {
      const inner = v;
      v = { sh: { w: MAXW, s: inner.sh.s }, expr: inner.expr.trunc(MAXW), ev: (env) => wrap(inner.ev(env), { w: MAXW, s: inner.sh.s }) };
    }
    // Check our width rules against the HDL's.
    if (v.expr.width !== v.sh.w || v.expr.signed !== v.sh.s) {
      throw new Error(`shape rule mismatch for ${n.op}: HDL ${v.expr.signed ? "s" : "u"}(${v.expr.width}), model ${v.sh.s ? "s" : "u"}(${v.sh.w})`);
    }
    if (n.named) {
      const sig = m.output(`n${i}`, v.sh.s ? s(v.sh.w) : u(v.sh.w));
      m.comb.set(sig, v.expr);
      outputs.push(sig);
      const ev = v.ev;
      v = { sh: v.sh, expr: sig, ev };
    }
    vals.push(v);
  });
  // Always observe the last node.
  const last = vals[vals.length - 1];
  if (!(last.expr instanceof Signal) || !outputs.includes(last.expr as Signal)) {
    const sig = m.output("last", last.sh.s ? s(last.sh.w) : u(last.sh.w));
    m.comb.set(sig, last.expr);
    outputs.push(sig);
  }

  // Register next-state logic (may read any value, including later nodes).
  interface RegModel { slot: number; domain: number; next: (env: Env) => bigint; reset: bigint }
  const regModels: RegModel[] = [];
  const counterVals = new Map<Signal, Val>();
  spec.regs.forEach((r, i) => {
    const sh = { w: r.width, s: r.signed };
    const sig = regSigs[i];
    const dom = m.domain(domainNames[r.domain % nd]);
    const X = fit(pick(r.x), sh), Y = fit(pick(r.y), sh), Z = pick(r.z);
    const slot = regSlots[i];
    const asReg = (v: bigint) => wrap(v, sh); // same-width reinterpretation
    let next: (env: Env) => bigint;
    switch (r.kind) {
      case "plain":
        dom.set(sig, X.expr);
        next = (env) => asReg(X.ev(env));
        break;
      case "if":
        m.if(Z.expr, () => dom.set(sig, X.expr)).elif(Y.expr.bit(0), () => dom.set(sig, Y.expr));
        next = (env) => (Z.ev(env) !== 0n ? asReg(X.ev(env)) : (bits(Y.ev(env), 1) !== 0n ? asReg(Y.ev(env)) : env[slot]));
        break;
      case "slice": {
        const lo = r.x % r.width, hi = lo + (r.y % (r.width - lo));
        const w = hi - lo + 1;
        const V = pick(r.y);
        const Vf = fit(V, { w, s: V.sh.s });
        dom.set(sig, sig); // every bit driven (outputs must be), the slice assignment overrides
        m.if(Z.expr, () => dom.set(sig.slice(hi, lo), Vf.expr.asUnsigned()));
        next = (env) => {
          if (Z.ev(env) === 0n) return env[slot];
          const old = bits(env[slot], r.width);
          const mask = ((1n << BigInt(w)) - 1n) << BigInt(lo);
          return asReg((old & ~mask) | (bits(Vf.ev(env), w) << BigInt(lo)));
        };
        break;
      }
      case "switch": {
        const subj = Z.expr.trunc(Math.min(Z.sh.w, 2)).asUnsigned();
        const sw = Math.min(Z.sh.w, 2);
        m.switch(subj).case(0, () => dom.set(sig, X.expr)).case([1, 2].filter((c) => c < 2 ** sw), () => dom.set(sig, Y.expr)).default(() => {});
        next = (env) => {
          const v = bits(Z.ev(env), sw);
          if (v === 0n) return asReg(X.ev(env));
          if (v === 1n || v === 2n) return asReg(Y.ev(env));
          return env[slot];
        };
        break;
      }
    }
    regModels.push({ slot, domain: r.domain % nd, next, reset: wrap(BigInt(r.reset), sh) });
  });

  // A free-running counter in every domain: each domain exists and its edges are observable.
  domainNames.forEach((d, i) => {
    const cnt = m.output(`count_${d}`, u(8));
    m.domain(d).set(cnt, cnt.add(1).trunc(8));
    const slot = newSlot();
    outputs.push(cnt);
    const v: Val = { sh: { w: 8, s: false }, expr: cnt, ev: (env) => env[slot] };
    regModels.push({ slot, domain: i, next: (env) => BigInt.asUintN(8, env[slot] + 1n), reset: 0n });
    counterVals.set(cnt, v);
  });

  // The model's state and evaluation.
  const env: Env = new Array(nslots).fill(0n);
  regModels.forEach((rm) => (env[rm.slot] = rm.reset));
  const outVals: Val[] = outputs.map((o) => {
    if (counterVals.has(o)) return counterVals.get(o)!;
    if (regSigs.includes(o)) return vals[spec.inputs.length + regSigs.indexOf(o)];
    const mi = memModels.findIndex((_, i) => o.name === `mem${i}_q`);
    if (mi >= 0) return vals[early + mi];
    return vals.find((v) => v.expr === o) ?? last;
  });
  const setInputs = (ins: bigint[]) => ins.forEach((v, i) => (env[i] = v));
  const model: Model = {
    outputs(ins) {
      setInputs(ins);
      return outVals.map((v) => v.ev(env));
    },
    edge(doms, ins) {
      setInputs(ins);
      const nexts = regModels.map((rm) => (doms.includes(rm.domain) ? rm.next(env) : env[rm.slot]));
      const syncReads = memModels.map((mm) => {
        if (mm.spec.rkind === "comb" || !doms.includes(mm.spec.domain % nd)) return env[mm.dataSlot];
        const a = Number(mm.ra(env));
        let v = a < mm.spec.depth ? mm.contents[a] : 0n;
        if (mm.spec.rkind === "syncT" && mm.we(env) !== 0n && Number(mm.wa(env)) === a) v = mm.wd(env);
        return v;
      });
      const writes = memModels.map((mm) => (doms.includes(mm.spec.domain % nd) && mm.we(env) !== 0n ? { a: Number(mm.wa(env)), d: mm.wd(env) } : null));
      regModels.forEach((rm, i) => (env[rm.slot] = nexts[i]));
      memModels.forEach((mm, i) => {
        env[mm.dataSlot] = syncReads[i];
        const w = writes[i];
        if (w && w.a < mm.spec.depth) mm.contents[w.a] = w.d;
      });
    },
  };
  return { module: m, outputs, inputs, domains: domainNames, model };
}

function applyOp(n: NodeSpec, A: Val, B: Val, C: Val): Val {
  const a = A.sh, b = B.sh;
  const k = n.k;
  switch (n.op) {
    case "neg": return { sh: { w: a.w + 1, s: true }, expr: A.expr.neg(), ev: (e) => -A.ev(e) };
    case "not": return { sh: a, expr: A.expr.not(), ev: (e) => wrap(~A.ev(e), a) };
    case "reduceAnd": return { sh: { w: 1, s: false }, expr: A.expr.reduceAnd(), ev: (e) => (bits(A.ev(e), a.w) === (1n << BigInt(a.w)) - 1n ? 1n : 0n) };
    case "reduceOr": return { sh: { w: 1, s: false }, expr: A.expr.reduceOr(), ev: (e) => (A.ev(e) !== 0n ? 1n : 0n) };
    case "reduceXor": return { sh: { w: 1, s: false }, expr: A.expr.reduceXor(), ev: (e) => BigInt(bits(A.ev(e), a.w).toString(2).split("").filter((c) => c === "1").length & 1) };
    case "asSigned": return { sh: { w: a.w, s: true }, expr: A.expr.asSigned(), ev: (e) => BigInt.asIntN(a.w, A.ev(e)) };
    case "asUnsigned": return { sh: { w: a.w, s: false }, expr: A.expr.asUnsigned(), ev: (e) => bits(A.ev(e), a.w) };
    case "shl": { const s2 = k % 40; return { sh: { w: a.w + s2, s: a.s }, expr: A.expr.shl(s2), ev: (e) => A.ev(e) << BigInt(s2) }; }
    case "shr": {
      const s2 = k % (a.w + 3);
      const sh = { w: Math.max(1, a.w - s2), s: a.s };
      return { sh, expr: A.expr.shr(s2), ev: (e) => wrap(A.ev(e) >> BigInt(s2), sh) };
    }
    case "bit": { const i = k % a.w; return { sh: { w: 1, s: false }, expr: A.expr.bit(i), ev: (e) => (bits(A.ev(e), a.w) >> BigInt(i)) & 1n }; }
    case "slice": {
      const lo = k % a.w, hi = lo + (n.c % (a.w - lo));
      return { sh: { w: hi - lo + 1, s: false }, expr: A.expr.slice(hi, lo), ev: (e) => bits(bits(A.ev(e), a.w) >> BigInt(lo), hi - lo + 1) };
    }
    case "trunc": { const w = 1 + (k % a.w); return { sh: { w, s: a.s }, expr: A.expr.trunc(w), ev: (e) => wrap(A.ev(e), { w, s: a.s }) }; }
    case "resize": { const w = 1 + (k % 100); return { sh: { w, s: a.s }, expr: A.expr.resize(w), ev: (e) => wrap(A.ev(e), { w, s: a.s }) }; }
    case "replicate": {
      const times = 1 + (k % 4);
      return { sh: { w: a.w * times, s: false }, expr: A.expr.replicate(times), ev: (e) => { let v = 0n; for (let i = 0; i < times; i++) v = (v << BigInt(a.w)) | bits(A.ev(e), a.w); return v; } };
    }
    case "add": case "sub": {
      const un = unify(a, b);
      const sh = { w: un.w + 1, s: n.op === "sub" ? true : un.s };
      return n.op === "add"
        ? { sh, expr: A.expr.add(B.expr), ev: (e) => A.ev(e) + B.ev(e) }
        : { sh, expr: A.expr.sub(B.expr), ev: (e) => A.ev(e) - B.ev(e) };
    }
    case "mul": {
      const sh = { w: a.w + b.w + (a.s !== b.s ? 1 : 0), s: a.s || b.s };
      return { sh, expr: A.expr.mul(B.expr), ev: (e) => A.ev(e) * B.ev(e) };
    }
    case "and": case "or": case "xor": {
      const sh = unify(a, b);
      // Both operands extended to the unified width (by their own signedness), then bitwise.
      const f = n.op === "and" ? (x: bigint, y: bigint) => x & y : n.op === "or" ? (x: bigint, y: bigint) => x | y : (x: bigint, y: bigint) => x ^ y;
      const expr = n.op === "and" ? A.expr.and(B.expr) : n.op === "or" ? A.expr.or(B.expr) : A.expr.xor(B.expr);
      return { sh, expr, ev: (e) => wrap(f(bits(A.ev(e), sh.w), bits(B.ev(e), sh.w)), sh) };
    }
    case "eq": case "ne": case "lt": case "le": case "gt": case "ge": {
      const cmp = { eq: (x: bigint, y: bigint) => x === y, ne: (x: bigint, y: bigint) => x !== y, lt: (x: bigint, y: bigint) => x < y, le: (x: bigint, y: bigint) => x <= y, gt: (x: bigint, y: bigint) => x > y, ge: (x: bigint, y: bigint) => x >= y }[n.op];
      return { sh: { w: 1, s: false }, expr: (A.expr as never as Record<string, (b: Expr) => Expr>)[n.op](B.expr), ev: (e) => (cmp(A.ev(e), B.ev(e)) ? 1n : 0n) };
    }
    case "shlv": {
      const aw = Math.min(3, b.w);
      const amt = B.expr.asUnsigned().slice(aw - 1, 0);
      return { sh: { w: a.w + 2 ** aw - 1, s: a.s }, expr: A.expr.shl(amt), ev: (e) => A.ev(e) << bits(B.ev(e), aw) };
    }
    case "shrv": {
      const amt = B.expr.asUnsigned();
      return { sh: a, expr: A.expr.shr(amt), ev: (e) => A.ev(e) >> bits(B.ev(e), b.w) };
    }
    case "cat":
      return { sh: { w: a.w + b.w, s: false }, expr: cat(A.expr, B.expr), ev: (e) => (bits(A.ev(e), a.w) << BigInt(b.w)) | bits(B.ev(e), b.w) };
    case "mux": {
      const sh = unify(b, C.sh);
      return { sh, expr: mux(A.expr, B.expr, C.expr), ev: (e) => (A.ev(e) !== 0n ? B.ev(e) : C.ev(e)) };
    }
  }
}

/** Input values for each cycle, from the spec's stimulus seed (extremes are common). */
export function stimulus(spec: CircuitSpec, cycles: number): bigint[][] {
  let x = BigInt.asUintN(64, BigInt(spec.stimulusSeed) * 0x9e3779b97f4a7c15n + 1n);
  const next = () => {
    x ^= x << 13n; x = BigInt.asUintN(64, x); x ^= x >> 7n; x ^= x << 17n; x = BigInt.asUintN(64, x);
    return x;
  };
  const out: bigint[][] = [];
  for (let c = 0; c <= cycles; c++) {
    out.push(spec.inputs.map((ip) => {
      const r = next();
      const mode = Number(r & 7n);
      const sh = { w: ip.width, s: ip.signed };
      const raw = ((next() << 64n) | next()) & ((1n << BigInt(ip.width)) - 1n);
      if (mode === 0) return wrap(0n, sh);
      if (mode === 1) return ip.signed ? -(1n << BigInt(ip.width - 1)) : (1n << BigInt(ip.width)) - 1n;
      if (mode === 2) return ip.signed ? (1n << BigInt(ip.width - 1)) - 1n : 1n;
      if (mode === 3) return wrap(-1n, sh);
      return wrap(raw, sh);
    }));
  }
  return out;
}

/** The rising-edge schedule of several domains, as the simulator runs it. */
export function edgeSchedule(periods: number[], edgesOfDefault: number): number[][] {
  const next = periods.map((p) => p);
  const out: number[][] = [];
  let seen = 0;
  while (seen < edgesOfDefault) {
    const t = Math.min(...next);
    const doms = next.map((x, i) => (x === t ? i : -1)).filter((i) => i >= 0);
    doms.forEach((d) => (next[d] += periods[d]));
    out.push(doms);
    if (doms.includes(0)) seen++;
  }
  return out;
}
