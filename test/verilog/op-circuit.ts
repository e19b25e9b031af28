/**
 * A random combinational circuit that uses every operator of the HDL many times, with operand
 * widths 1..96 of both signednesses, constants and nested subexpressions (so the emitter's
 * narrowing of `trunc(a + b)` and friends is exercised too). One module, one output per
 * operator instance: the whole cross-check costs one Verilator build.
 */
import { Expr, Module, Signal, cat, constant, mux, s, u } from "../../src/hdl/index.js";
import type { Shape } from "../../src/hdl/index.js";
import type { Rng } from "./rng.js";

const MAX_WIDTH = 260;

type Op = (r: Rng, x: () => Expr) => Expr | null;

const uAmount = (e: Expr, r: Rng, maxBits: number) => e.asUnsigned().trunc(Math.min(e.width, 1 + r.int(maxBits)));

/** Every operator, each with random operands from `x()` (an input, a constant or a nested operation). */
export const OPS: Record<string, Op> = {
  add: (_, x) => x().add(x()),
  sub: (_, x) => x().sub(x()),
  mul: (_, x) => x().mul(x()),
  and: (_, x) => x().and(x()),
  or: (_, x) => x().or(x()),
  xor: (_, x) => x().xor(x()),
  addLiteral: (r, x) => x().add(r.pick([1, -1, 3, -100, 255, 12345678901])),
  andLiteral: (r, x) => x().and(r.pick([-2, 0x0f, -256, 7])),
  eq: (_, x) => x().eq(x()),
  ne: (_, x) => x().ne(x()),
  eqLiteral: (r, x) => {
    const a = x();
    return a.eq(r.value(a.width, a.signed));
  },
  lt: (_, x) => x().lt(x()),
  le: (_, x) => x().le(x()),
  gt: (_, x) => x().gt(x()),
  ge: (_, x) => x().ge(x()),
  ltLiteral: (r, x) => x().lt(r.pick([0, -1, 5, -7, 1000])),
  neg: (_, x) => x().neg(),
  not: (_, x) => x().not(),
  reduceAnd: (_, x) => x().reduceAnd(),
  reduceOr: (_, x) => x().reduceOr(),
  reduceXor: (_, x) => x().reduceXor(),
  bool: (_, x) => x().bool(),
  shlConst: (r, x) => x().shl(r.int(70)),
  shrConst: (r, x) => {
    const a = x();
    return a.shr(r.int(a.width + 4));
  },
  shlVar: (r, x) => x().shl(uAmount(x(), r, 6)),
  shrVar: (r, x) => {
    const a = x(), b = x();
    // Amounts wider than 32 bits, and amounts past the width, must work too.
    return a.shr(r.bool(0.3) ? b.asUnsigned() : uAmount(b, r, 8));
  },
  bit: (r, x) => {
    const a = x();
    return a.bit(r.int(a.width));
  },
  slice: (r, x) => {
    const a = x();
    const lo = r.int(a.width), hi = lo + r.int(a.width - lo);
    return a.slice(hi, lo);
  },
  cat: (r, x) => cat(...Array.from({ length: 2 + r.int(3) }, () => x())),
  replicate: (r, x) => x().replicate(1 + r.int(4)),
  mux: (_, x) => mux(x(), x(), x()),
  trunc: (r, x) => {
    const a = x();
    return a.trunc(1 + r.int(a.width));
  },
  resize: (r, x) => {
    const a = x();
    return a.resize(1 + r.int(a.width + 40));
  },
  asSigned: (_, x) => x().asUnsigned().asSigned(),
  asUnsigned: (_, x) => x().asSigned().asUnsigned(),
  // Narrowed arithmetic: the emitter computes only the bits the truncation keeps.
  truncOfArith: (r, x) => {
    const e = r.pick([() => x().add(x()), () => x().sub(x()), () => x().mul(x()), () => x().neg(), () => x().shl(r.int(9))])();
    return e.trunc(1 + r.int(e.width));
  },
  sliceOfArith: (r, x) => {
    const e = x().mul(x()).add(x());
    const lo = r.int(e.width), hi = lo + r.int(e.width - lo);
    return e.slice(hi, lo);
  },
};

function randShape(r: Rng): Shape {
  const w = r.pick([1, 1, 2, 3, 4, 5, 7, 8, 8, 9, 12, 15, 16, 17, 24, 31, 32, 32, 33, 40, 48, 63, 64, 64, 65, 70, 80, 95, 96]);
  return r.bool() ? s(w) : u(w);
}

export interface OpCircuit {
  readonly top: Module;
  readonly inputs: readonly Signal[];
  /** outputs[k] = exprs[k] */
  readonly outputs: readonly Signal[];
  readonly exprs: readonly Expr[];
  readonly opNames: readonly string[];
}

export function opCircuit(r: Rng, perOp: number, nInputs = 24): OpCircuit {
  const m = new Module("ops");
  const inputs = Array.from({ length: nInputs }, (_, k) => m.input(`i${k}`, randShape(r)));
  const leaf = (): Expr => {
    if (r.bool(0.15)) {
      const sh = randShape(r);
      return constant(r.value(sh.width, sh.signed), sh);
    }
    return r.pick(inputs);
  };
  const names = Object.keys(OPS);
  const gen = (depth: number): Expr => {
    for (let tries = 0; tries < 20; tries++) {
      const name = r.pick(names);
      const e = OPS[name](r, () => (depth > 0 && r.bool(0.35) ? gen(depth - 1) : leaf()));
      if (e && e.width <= MAX_WIDTH / 2) return e;
    }
    return leaf();
  };
  const exprs: Expr[] = [];
  const opNames: string[] = [];
  for (let k = 0; k < perOp; k++) {
    for (const name of names) {
      let e: Expr | null = null;
      for (let tries = 0; tries < 20 && !e; tries++) {
        const c = OPS[name](r, () => (r.bool(0.3) ? gen(1) : leaf()));
        if (c && c.width <= MAX_WIDTH) e = c;
      }
      if (!e) continue;
      exprs.push(e);
      opNames.push(name);
    }
  }
  const outputs = exprs.map((e, k) => {
    const o = m.output(`o${k}`, e.shape);
    m.comb.set(o, e);
    return o;
  });
  return { top: m, inputs, outputs, exprs, opNames };
}
