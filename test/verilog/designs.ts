/**
 * Small designs that exercise every construct the Verilog emitter handles; shared by the
 * snapshot, lint, synthesis and co-simulation tests. Each returns a fresh top Module.
 */
import { Module, cat, constant, mux, s, u } from "../../src/hdl/index.js";

/** 8-bit counter with enable and a comb wrap flag. */
export function counter(): Module {
  const m = new Module("counter");
  const en = m.input("en", u(1));
  const count = m.output("count", u(8), { reset: 5 });
  const wrap = m.output("wrap", u(1));
  m.if(en, () => m.sync.set(count, count.add(1).trunc(8)));
  m.comb.set(wrap, count.eq(255).and(en));
  return m;
}

/** A traffic-light style FSM with comb outputs decoded from the state. */
export function fsm(): Module {
  const m = new Module("light");
  const go = m.input("go", u(1)), stop = m.input("stop", u(1));
  const busy = m.output("busy", u(1)), phase = m.output("phase", u(2)), ticks = m.output("ticks", u(4));
  const f = m.fsm("ctrl", { states: ["IDLE", "GREEN", "AMBER", "RED"] as const, init: "IDLE" });
  f.state("IDLE", () => m.if(go, () => f.next("GREEN")));
  f.state("GREEN", () => {
    m.comb.set(busy, 1);
    m.if(stop, () => f.next("AMBER")).elif(ticks.eq(15), () => f.next("RED"));
  });
  f.state("AMBER", () => {
    m.comb.set(busy, 1);
    f.next("RED");
  });
  f.state("RED", () => m.if(go.not(), () => f.next("IDLE")));
  m.comb.set(phase, f.stateSignal);
  m.switch(f.stateSignal)
    .case(0, () => m.sync.set(ticks, 0))
    .case([1, 2], () => m.sync.set(ticks, ticks.add(1).trunc(4)))
    .default(() => {});
  return m;
}

/** A memory with every port kind: comb read, sync read (read-first and transparent), two write ports. */
export function memory(): Module {
  const m = new Module("ram");
  const wa = m.input("wa", u(4)), wd = m.input("wd", s(12)), we = m.input("we", u(1));
  const wa2 = m.input("wa2", u(4)), wd2 = m.input("wd2", s(12)), we2 = m.input("we2", u(1));
  const ra = m.input("ra", u(4)), ren = m.input("ren", u(1));
  const q_comb = m.output("q_comb", s(12)), q_sync = m.output("q_sync", s(12)), q_tr = m.output("q_tr", s(12));
  // Depth 12 is not a power of two: addresses 12..15 read 0 and writes there are ignored.
  const mem = m.memory({ name: "buf", shape: s(12), depth: 12, init: [1, -2, 3, -4, 100] });
  const w0 = mem.writePort(), w1 = mem.writePort();
  const r0 = mem.readPort({ domain: "comb" });
  const r1 = mem.readPort({ domain: "sync" });
  const r2 = mem.readPort({ domain: "sync", transparent: true });
  m.comb.set(w0.addr, wa); m.comb.set(w0.data, wd); m.comb.set(w0.en, we);
  m.comb.set(w1.addr, wa2); m.comb.set(w1.data, wd2); m.comb.set(w1.en, we2);
  m.comb.set(r0.addr, ra);
  m.comb.set(r1.addr, ra); m.comb.set(r1.en, ren);
  m.comb.set(r2.addr, ra);
  m.comb.set(q_comb, r0.data); m.comb.set(q_sync, r1.data); m.comb.set(q_tr, r2.data);
  return m;
}

function pe(tag: number): Module {
  const m = new Module("pe");
  const a = m.input("a", s(8)), b = m.input("b", s(8)), clr = m.input("clear", u(1));
  const acc = m.output("acc", s(20));
  m.if(clr, () => m.sync.set(acc, 0)).else(() => m.sync.set(acc, acc.add(a.mul(b)).trunc(20)));
  // `tag` changes the body of some instances, which must then get a module of their own.
  if (tag) {
    const t = m.output("tag", u(4));
    m.comb.set(t, tag);
  }
  return m;
}

/** Hierarchy: three PE instances, two alike (one Verilog module) and one different (pe_1). */
export function hierarchy(): Module {
  const m = new Module("grid");
  const a = m.input("a", s(8)), b = m.input("b", s(8)), clr = m.input("clear", u(1));
  const sum = m.output("sum", s(22)), tag = m.output("tag", u(4));
  const p0 = m.submodule("pe0", pe(0)), p1 = m.submodule("pe1", pe(0)), p2 = m.submodule("pe2", pe(3));
  const [a0, b0, c0] = p0.inputs, [a1, b1, c1] = p1.inputs, [a2, b2, c2] = p2.inputs;
  m.comb.set(a0, a); m.comb.set(b0, b); m.comb.set(c0, clr);
  // pe1 gets registered operands: child inputs driven from the parent's sync domain.
  m.sync.set(a1, a); m.sync.set(b1, b.neg().trunc(8)); m.comb.set(c1, clr);
  m.comb.set(a2, b); m.comb.set(b2, a); m.comb.set(c2, clr);
  m.comb.set(sum, p0.outputs[0].add(p1.outputs[0]).add(p2.outputs[0]));
  m.comb.set(tag, p2.outputs[1]);
  return m;
}

/** Two clock domains, a signal with bits driven from both, and a cross-domain read. */
export function twoDomains(): Module {
  const m = new Module("dual");
  const x = m.input("x", u(4));
  const fast = m.output("fast", u(8)), slow = m.output("slow", u(8)), mixed = m.output("mixed", u(8), { reset: 0x5a });
  m.sync.set(fast, fast.add(x).trunc(8));
  m.domain("slow").set(slow, slow.add(fast.slice(3, 0)).trunc(8));
  // mixed[3:0] from sync, mixed[7:4] from the slow domain.
  m.sync.set(mixed.slice(3, 0), x);
  m.domain("slow").set(mixed.slice(7, 4), mixed.slice(3, 0).add(1).trunc(4));
  return m;
}

/** User names that are Verilog/SystemVerilog/C++ keywords, and a module named like one. */
export function reservedNames(): Module {
  const child = new Module("module");
  const ci = child.input("input", u(3)), co = child.output("output", u(3));
  child.comb.set(co, ci.not());
  const m = new Module("always");
  const begin = m.input("begin", u(3)), end = m.output("end", u(3)), logic = m.signal("logic", u(3));
  const cls = m.output("class", u(3));
  m.sync.set(logic, begin);
  const inst = m.submodule("new", child);
  m.comb.set(inst.inputs[0], logic);
  m.comb.set(end, inst.outputs[0]);
  m.comb.set(cls, mux(begin.bit(0), logic, constant(6, u(3))));
  return m;
}

/** Wide and signed arithmetic, constant tie-offs, cat/replicate, variable shifts. */
export function datapath(): Module {
  const m = new Module("datapath");
  const a = m.input("a", s(70)), b = m.input("b", u(33)), sh = m.input("sh", u(5)), sel = m.input("sel", u(2));
  const y = m.output("y", s(83)), z = m.output("z", u(40)), w = m.output("w", s(70)), k = m.output("k", u(6));
  const ready = m.output("ready", u(1)), lt = m.output("lt", u(1));
  m.comb.set(y, a.mul(b.slice(11, 0)));
  m.comb.set(z, cat(b.slice(7, 0), b.bit(32).replicate(8), b.shl(sh).trunc(24)));
  m.switch(sel)
    .case(0, () => m.comb.set(w, a.shr(sh)))
    .case(1, () => m.comb.set(w, a.neg().trunc(70)))
    .case(2, () => m.comb.set(w, a.sub(b).trunc(70)))
    .default(() => m.comb.set(w, -1));
  m.comb.set(k, constant(-7, s(6)).asUnsigned());
  m.comb.set(ready, 1);
  m.comb.set(lt, a.lt(b));
  return m;
}

export const DESIGNS = { counter, fsm, memory, hierarchy, twoDomains, reservedNames, datapath } as const;
export type DesignName = keyof typeof DESIGNS;
