/**
 * Output-stationary PE: the accumulator stays; operand `a` moves right and `b` moves down, one
 * register per PE. When `capture` is high the finished sum (including this cycle's product) is
 * copied into the drain register and the accumulator restarts from 0, so the next fold streams in
 * at once while this one shifts out down the drain chain (`drain_in` from the PE above).
 *
 * Ports: a, b, drain_in, capture (inputs); a_out, b_out, drain_out (registered outputs); acc is
 * internal. In a VCD, `...pe_r3_c5.a` is the A operand reaching row 3, column 5.
 */
import { Module, Shape, Signal, u } from "../../hdl/index.js";
import { macExpr } from "./mac.js";

export interface PeShapes {
  /** Operand entering from the west (moves right). */
  readonly a: Shape;
  /** Operand entering from the north (moves down) — or, in a stationary PE, the held one. */
  readonly b: Shape;
  /** Accumulator / partial sum. */
  readonly acc: Shape;
}

export interface OsPePorts {
  readonly a: Signal;
  readonly b: Signal;
  readonly drainIn: Signal;
  readonly capture: Signal;
  readonly aOut: Signal;
  readonly bOut: Signal;
  readonly drainOut: Signal;
  readonly acc: Signal;
}

export function makeOsPe(sh: PeShapes): { module: Module; io: OsPePorts } {
  const m = new Module("pe_os");
  const a = m.input("a", sh.a), b = m.input("b", sh.b);
  const drainIn = m.input("drain_in", sh.acc), capture = m.input("capture", u(1));
  const aOut = m.output("a_out", sh.a), bOut = m.output("b_out", sh.b);
  const drainOut = m.output("drain_out", sh.acc);
  const acc = m.signal("acc", sh.acc);
  const sum = m.signal("sum", sh.acc);
  m.comb.set(sum, macExpr(acc, a, b));
  m.sync.set(aOut, a);
  m.sync.set(bOut, b);
  m.if(capture, () => {
    m.sync.set(acc, 0);
    m.sync.set(drainOut, sum);
  }).else(() => {
    m.sync.set(acc, sum);
    m.sync.set(drainOut, drainIn);
  });
  return { module: m, io: { a, b, drainIn, capture, aOut, bOut, drainOut, acc } };
}
