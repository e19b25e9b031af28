/**
 * The reference interpreter: walks the same netlist with bigint arithmetic, one operator at a
 * time, straight from the HDL's semantics. Slow and simple on purpose: it is the oracle the
 * compiled engine is held to, not a fallback.
 */
import {
  BinaryExpr, CatExpr, Const, Expr, MemReadExpr, MuxExpr, ResizeExpr, ShiftConstExpr, SliceExpr, UnaryExpr,
} from "../hdl/expr.js";
import type { BehaviouralIO } from "../hdl/behavioural.js";
import type { Shape } from "../hdl/shape.js";
import type { Engine } from "./engine.js";
import { makeBehaviouralIO } from "./behavio.js";
import { Levelized, levelize } from "./levelize.js";
import type { Netlist, NetNode } from "./netlist.js";

function wrap(v: bigint, sh: Shape): bigint {
  return sh.signed ? BigInt.asIntN(sh.width, v) : BigInt.asUintN(sh.width, v);
}

function parity(v: bigint): bigint {
  let p = 0n;
  for (let x = v; x > 0n; x >>= 1n) p ^= x & 1n;
  return p;
}

export class InterpEngine implements Engine {
  private readonly values: bigint[];
  private readonly nextValues: bigint[];
  private readonly mems: bigint[][];
  private readonly lv: Levelized;
  private readonly behavIO: BehaviouralIO[];

  constructor(readonly net: Netlist) {
    this.lv = levelize(net);
    this.values = net.nodes.map((n) => n.reset);
    this.nextValues = net.nodes.map((n) => n.reset);
    this.mems = net.memories.map((m) => Array.from({ length: m.depth }, (_, i) => m.init[i] ?? 0n));
    this.behavIO = net.behavs.map((b) => makeBehaviouralIO(b, (n) => this.get(n), (n, v) => (this.nextValues[n.id] = v)));
    this.settleInputs();
  }

  /** Value of an expression from the current node values (stored nodes are read, not recomputed). */
  eval(e: Expr, self?: NetNode): bigint {
    const n = this.net.materialized.get(e);
    if (n !== undefined && n !== self) return this.values[n.id];
    if (e instanceof Const) return e.value;
    const sh = e.shape;
    if (e instanceof UnaryExpr) {
      const a = this.eval(e.arg);
      switch (e.op) {
        case "neg": return -a;
        case "not": return wrap(~a, sh);
        case "reduceOr": return a !== 0n ? 1n : 0n;
        case "reduceAnd": return BigInt.asUintN(e.arg.width, a) === (1n << BigInt(e.arg.width)) - 1n ? 1n : 0n;
        case "reduceXor": return parity(BigInt.asUintN(e.arg.width, a));
        case "asSigned":
        case "asUnsigned": return wrap(a, sh);
      }
    }
    if (e instanceof BinaryExpr) {
      const a = this.eval(e.a), b = this.eval(e.b);
      switch (e.op) {
        case "add": return a + b;
        case "sub": return a - b;
        case "mul": return a * b;
        case "and": return wrap(a & b, sh);
        case "or": return wrap(a | b, sh);
        case "xor": return wrap(a ^ b, sh);
        case "eq": return a === b ? 1n : 0n;
        case "ne": return a !== b ? 1n : 0n;
        case "lt": return a < b ? 1n : 0n;
        case "le": return a <= b ? 1n : 0n;
        case "gt": return a > b ? 1n : 0n;
        case "ge": return a >= b ? 1n : 0n;
        case "shlv": return a << b;
        case "shrv": return a >> b;
      }
    }
    if (e instanceof ShiftConstExpr) {
      const a = this.eval(e.arg);
      return e.op === "shl" ? a << BigInt(e.amount) : wrap(a >> BigInt(e.amount), sh);
    }
    if (e instanceof SliceExpr) return BigInt.asUintN(e.width, this.eval(e.arg) >> BigInt(e.lo));
    if (e instanceof ResizeExpr) return wrap(this.eval(e.arg), sh);
    if (e instanceof CatExpr) {
      let v = 0n;
      for (const p of e.parts) v = (v << BigInt(p.width)) | BigInt.asUintN(p.width, this.eval(p));
      return v;
    }
    if (e instanceof MuxExpr) return this.eval(e.sel) !== 0n ? this.eval(e.t) : this.eval(e.f);
    if (e instanceof MemReadExpr) {
      const addr = this.eval(e.addr);
      const m = this.net.memoryIndex.get(e.memory as never)!;
      return addr < BigInt(m.depth) ? this.mems[m.id][Number(addr)] : 0n;
    }
    throw new Error(`internal: interpreter cannot evaluate ${e.kind}`);
  }

  settleInputs(): void {
    for (const n of this.lv.order) this.values[n.id] = this.eval(n.expr!, n);
  }

  settleAll(): void {
    this.settleInputs();
  }

  edge(domains: readonly number[]): void {
    const net = this.net;
    const writes: { mem: number; addr: number; data: bigint }[] = [];
    for (const d of domains) {
      const reset = this.values[net.resets[d].id] !== 0n;
      for (const n of net.nodes) {
        if (n.kind === "reg" && n.domain === d) this.nextValues[n.id] = reset ? n.reset : this.eval(n.expr!);
        if (n.kind === "behav" && n.domain === d) this.nextValues[n.id] = reset ? n.reset : this.values[n.id];
      }
      net.behavs.forEach((b, i) => {
        if (b.domain !== d) return;
        if (reset) b.block.reset?.(this.behavIO[i]);
        else b.block.tick(this.behavIO[i]);
      });
      for (const m of net.memories) {
        for (const w of m.writes) {
          if (w.domain !== d || this.eval(w.en) === 0n) continue;
          const a = this.eval(w.addr);
          if (a < BigInt(m.depth)) writes.push({ mem: m.id, addr: Number(a), data: this.eval(w.data) });
        }
      }
    }
    for (const w of writes) this.mems[w.mem][w.addr] = w.data;
    for (const n of net.nodes) if ((n.kind === "reg" || n.kind === "behav") && domains.includes(n.domain)) this.values[n.id] = this.nextValues[n.id];
    this.settleInputs();
  }

  get(node: NetNode): bigint {
    return this.values[(node.aliasOf ?? node).id];
  }
  getNumber(node: NetNode): number {
    return Number(this.values[(node.aliasOf ?? node).id]);
  }
  set(node: NetNode, v: bigint): void {
    this.values[node.id] = v;
  }
  setNumber(node: NetNode, v: number): void {
    this.values[node.id] = BigInt(v);
  }
  readMemory(memId: number, addr: number): bigint {
    return this.mems[memId][addr];
  }
  writeMemory(memId: number, addr: number, v: bigint): void {
    this.mems[memId][addr] = v;
  }
}
