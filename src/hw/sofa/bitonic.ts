/**
 * A compare-exchange network as RTL, generated from the golden comparator lists
 * (`bitonicNetwork(n)` for a full sorter, `prunedNetwork(n, keep)` for a top-`keep` selector).
 *
 * Items are {valid u1, value s16, index}; the order is golden `itemBefore` (valid first, then value
 * descending, the lower index first on ties). Each comparator compares one packed key
 *   key = {valid, value with its sign bit flipped, ~index}
 * as an unsigned number: a larger key comes first, so itemBefore(a, b) <=> key(a) > key(b) exactly,
 * invalid items included (golden orders them among themselves by value and index too). Wire i gets
 * the earlier item of each pair [i, j], as in golden `runNetwork`.
 *
 * Pipelining: `regs` registers (default 2) spread evenly over the stage boundaries, the last one at
 * the outputs; 0 = combinational. Only the wires that can still reach a kept output are registered.
 * A one-bit `tag` travels alongside with the same latency (the users mark live data with it).
 *
 * Ports: in_valid_<i>, in_value_<i>, in_index_<i> (i < wires), in_tag; out_valid_<i>, out_value_<i>,
 * out_index_<i> (i < keep), out_tag. Latency: `regs` cycles.
 */
import { Expr, HdlError, Module, cat, mux, s, u } from "../../hdl/index.js";
import { bitonicNetwork, prunedNetwork } from "../../golden/sofa.js";

export type Network = readonly (readonly (readonly [number, number])[])[];

export interface BitonicParams {
  /** Wires (a power of two when `network` is not given). */
  readonly wires: number;
  /** Outputs kept (1..wires); < wires prunes to `prunedNetwork(wires, keep)`. Default wires. */
  readonly keep?: number;
  /** Bits of an item's index (1..24). */
  readonly indexBits: number;
  /** Pipeline registers; default 2 (about 5 comparator levels per cycle for the 10-stage 16-to-4 core). */
  readonly regs?: number;
  /** The comparator stages to build instead of the golden ones (mutation tests use this). */
  readonly network?: Network;
  /** Module name (default "bitonic<wires>to<keep>"). */
  readonly name?: string;
}

export const DEFAULT_BITONIC_REGS = 2;

/** Width of a packed key: valid + 16 value bits + index bits. */
export function keyWidth(indexBits: number): number {
  return 1 + 16 + indexBits;
}

/** Pack an item so that unsigned > on keys is golden `itemBefore`. */
export function packKey(valid: Expr, value: Expr, index: Expr): Expr {
  if (value.width !== 16) throw new HdlError(`packKey: value must be 16 bits, got ${value.width}`);
  return cat(valid, value.bit(15).not(), value.slice(14, 0), index.not());
}

/** The fields of a packed key. */
export function unpackKey(key: Expr, indexBits: number): { valid: Expr; value: Expr; index: Expr } {
  const w = keyWidth(indexBits);
  if (key.width !== w) throw new HdlError(`unpackKey: key is ${key.width} bits, expected ${w} for ${indexBits} index bits`);
  return {
    valid: key.bit(w - 1),
    value: cat(key.bit(w - 2).not(), key.slice(w - 3, indexBits)).asSigned(),
    index: key.slice(indexBits - 1, 0).not(),
  };
}

/** Where the registers go: regsAfter[p] = registers after the first p stages (p = 0..stages). */
export function registerPlacement(stages: number, regs: number): number[] {
  const after = new Array<number>(stages + 1).fill(0);
  for (let r = 1; r <= regs; r++) after[Math.floor((r * stages) / regs)]++;
  return after;
}

export function checkBitonicParams(p: BitonicParams): { keep: number; regs: number; net: Network } {
  const keep = p.keep ?? p.wires;
  const regs = p.regs ?? DEFAULT_BITONIC_REGS;
  if (!Number.isInteger(p.wires) || p.wires < 1 || p.wires > 64) throw new HdlError(`bitonic: wires = ${p.wires} must be an integer 1..64`);
  if (!p.network && (p.wires & (p.wires - 1)) !== 0) throw new HdlError(`bitonic: wires = ${p.wires} is not a power of two; the bitonic network needs 2^p wires (pad with invalid items)`);
  if (!Number.isInteger(keep) || keep < 1 || keep > p.wires) throw new HdlError(`bitonic: keep = ${keep} must be an integer 1..wires (${p.wires})`);
  if (!Number.isInteger(p.indexBits) || p.indexBits < 1 || p.indexBits > 24) throw new HdlError(`bitonic: indexBits = ${p.indexBits} must be an integer 1..24`);
  if (!Number.isInteger(regs) || regs < 0 || regs > 32) throw new HdlError(`bitonic: regs = ${regs} must be an integer 0..32 (pipeline registers)`);
  const net = p.network ?? (keep < p.wires ? prunedNetwork(p.wires, keep) : bitonicNetwork(p.wires));
  for (const st of net) for (const [a, b] of st) {
    if (![a, b].every((x) => Number.isInteger(x) && x >= 0 && x < p.wires) || a === b) throw new HdlError(`bitonic: comparator [${a}, ${b}] is not a pair of distinct wires 0..${p.wires - 1}`);
  }
  return { keep, regs, net };
}

export function makeBitonic(p: BitonicParams): Module {
  const { keep, regs, net } = checkBitonicParams(p);
  const W = p.wires, ib = p.indexBits, kw = keyWidth(ib);
  const m = new Module(p.name ?? `bitonic${W}to${keep}`);
  const wires: Expr[] = [];
  for (let i = 0; i < W; i++) {
    const v = m.input(`in_valid_${i}`, u(1)), x = m.input(`in_value_${i}`, s(16)), ix = m.input(`in_index_${i}`, u(ib));
    wires.push(packKey(v, x, ix));
  }
  let tag: Expr = m.input("in_tag", u(1));

  // live[p]: wires whose value after p stages can still reach a kept output.
  const live: Set<number>[] = new Array(net.length + 1);
  live[net.length] = new Set(Array.from({ length: keep }, (_, i) => i));
  for (let st = net.length - 1; st >= 0; st--) {
    live[st] = new Set(live[st + 1]);
    for (const [a, b] of net[st]) {
      if (live[st + 1].has(a) || live[st + 1].has(b)) {
        live[st].add(a);
        live[st].add(b);
      }
    }
  }
  const after = registerPlacement(net.length, regs);
  let regNo = 0;
  const registerAll = (pos: number) => {
    for (let r = 0; r < after[pos]; r++, regNo++) {
      for (const w of live[pos]) {
        const q = m.signal(`p${regNo}_w${w}`, u(kw));
        m.sync.set(q, wires[w]);
        wires[w] = q;
      }
      const t = m.signal(`p${regNo}_tag`, u(1));
      m.sync.set(t, tag);
      tag = t;
    }
  };

  registerAll(0);
  net.forEach((stage, st) => {
    for (const [a, b] of stage) {
      if (!live[st + 1].has(a) && !live[st + 1].has(b)) continue;
      // wire a gets the earlier item: swap when b's key is larger (golden: itemBefore(w[b], w[a])).
      const swap = m.signal(`s${st}_swap_${a}_${b}`, u(1));
      m.comb.set(swap, wires[b].gt(wires[a]));
      const na = m.signal(`s${st}_w${a}`, u(kw)), nb = m.signal(`s${st}_w${b}`, u(kw));
      m.comb.set(na, mux(swap, wires[b], wires[a]));
      m.comb.set(nb, mux(swap, wires[a], wires[b]));
      wires[a] = na;
      wires[b] = nb;
    }
    registerAll(st + 1);
  });

  for (let i = 0; i < keep; i++) {
    const f = unpackKey(wires[i], ib);
    m.comb.set(m.output(`out_valid_${i}`, u(1)), f.valid);
    m.comb.set(m.output(`out_value_${i}`, s(16)), f.value);
    m.comb.set(m.output(`out_index_${i}`, u(ib)), f.index);
  }
  m.comb.set(m.output("out_tag", u(1)), tag);
  return m;
}
