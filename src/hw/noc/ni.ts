/**
 * Network interface: the bridge between a node's traffic (the testbench's sources and sinks) and
 * its router's local port.
 *
 * Injection: a packet descriptor (destination, sequence tag, size 1..255, 0 meaning 256; see
 * flit.ts) is accepted on
 * inj_valid when inj_ready (the injection queue, p.injQueue descriptors, is not full). The
 * packetizer takes the queue's front packet, claims a VC of the router's local input (the
 * pair's VC under vcPolicy "flow", the lowest free one under "any"; a VC is claimed until its
 * tail credit returns, or until the tail is sent under vcRealloc "tail-sent"), and sends one flit per cycle while it has credit: head (routing fields,
 * source, tag), then body flits, the last marked tail.
 *
 * Priority classes (p.priorityClasses = 2): a second, low-priority injection queue (inj_lo_valid,
 * inj_lo_pkt, inj_lo_ready; also p.injQueue descriptors). Between packets the packetizer takes the
 * high queue's front packet whenever the high queue holds one, and the low queue's front packet
 * only when no high packet waits (the high queue is empty and inj_valid is low: a high packet
 * being offered counts as waiting); a packet once started is sent to its tail (wormhole: the
 * flits of one packet stay contiguous on its VC), so at its interface a high packet waits at most
 * for the low packet in progress (the routers know no classes: see README). Both classes use the same VCs and VC policy. With 1 class the module is exactly
 * the single-queue interface (same ports, same logic).
 *
 * Ejection: every flit the router sends out of its local port is registered in `ej` (the
 * testbench's sink reads it) and its credit goes straight back: the sink never stalls the network.
 *
 * Timing: a descriptor accepted at edge a is in the queue in cycle a+1; if the queue was empty and
 * a VC is free its head flit leaves in cycle a+1 and is at the front of the router's buffer in
 * cycle a+2. A flit leaving the router's local output in cycle t is in `ej` in cycle t+1.
 */
import { Expr, Module, Signal, bitsFor, cat, constant, mux, u } from "../../hdl/index.js";
import { BODY_MIX, CREDIT_BITS, CREDIT_TAIL_BIT, DATA_BITS, SIZE_BITS, TAIL_BIT, VC_LO, WORD_BITS, flitLayout } from "./flit.js";
import type { NocParams } from "./params.js";
import { encodeOneHot, eqBit, field, gate, lowestBit, maskAbove, nonZero, oneHot, packedConst, rrPick, shiftToField, uN } from "./bits.js";

export interface NiIO {
  readonly module: Module;
  /** From the testbench. */
  readonly injValid: Signal;
  readonly injPkt: Signal;
  /** To the testbench. */
  readonly injReady: Signal;
  readonly ej: Signal;
  /** To and from the router's local port. */
  readonly toRouter: Signal;
  readonly crFromRouter: Signal;
  readonly fromRouter: Signal;
  readonly crToRouter: Signal;
  /** The node's coordinates (inputs: the mesh ties them to constants, so all NIs share one module). */
  readonly coordX: Signal;
  readonly coordY: Signal;
  /** The low-priority injection queue's ports (priorityClasses 2 only). */
  readonly lo?: { readonly injValid: Signal; readonly injPkt: Signal; readonly injReady: Signal };
}

/** Names of the interface's internal signals that tests watch (see priority.test.ts). */
export const niNames = {
  /** Descriptors waiting in the high (or only) injection queue. */
  queueCount: "q_count",
  /** 1 while the packet being sent (or about to start) comes from the low queue (priorityClasses 2). */
  curLo: "cur_lo",
  /** The word the interface puts on its link to the router this cycle. */
  toRouter: "to_router",
};

/** One injection queue's state (a ring of descriptors) and its accept logic. */
interface InjectionQueue {
  readonly front: Expr;
  readonly rp: Signal;
  readonly count: Signal;
  readonly accept: () => Expr;
  /** Ring successor of a pointer. */
  readonly step: (ptr: Expr) => Expr;
}

/**
 * A ring of `Q` descriptors written from (valid, pkt) when not full (ready = not full). Signal
 * names: memory `<mem>`, pointers and count `<pre>_wp`, `<pre>_rp`, `<pre>_count`. The reader
 * moves rp and updates count itself (it knows when a packet's tail leaves).
 */
function injectionQueue(m: Module, names: { mem: string; pre: string }, descBits: number, Q: number, valid: Signal, pkt: Signal, ready: Signal): InjectionQueue {
  const qb = bitsFor(Q);
  const q = m.memory({ name: names.mem, shape: u(descBits), depth: Q });
  const wp = m.signal(`${names.pre}_wp`, u(qb));
  const rp = m.signal(`${names.pre}_rp`, u(qb));
  const count = m.signal(`${names.pre}_count`, u(bitsFor(Q + 1)));
  const notFull = () => eqBit(count, Q).xor(1);
  m.comb.set(ready, notFull());
  const accept = () => valid.and(notFull());
  const wr = q.writePort();
  m.comb.set(wr.en, accept());
  m.comb.set(wr.addr, wp);
  m.comb.set(wr.data, pkt);
  const step = (ptr: Expr) => (Q === 1 ? constant(0, u(1)) : mux(ptr.eq(Q - 1), 0, ptr.add(1)));
  m.if(accept(), () => m.sync.set(wp, uN(step(wp), qb)));
  const rdp = q.readPort();
  m.comb.set(rdp.addr, rp);
  return { front: rdp.data, rp, count, accept, step };
}

/** The count update of a queue: +1 on accept, -1 on pop (a packet's tail left). */
function countUpdate(m: Module, q: InjectionQueue, popped: Expr): void {
  m.if(q.accept().xor(popped), () => m.sync.set(q.count, uN(mux(q.accept(), q.count.add(1), q.count.sub(1)), q.count.width)));
}

/**
 * The VC a (source, destination) pair uses under vcPolicy "flow": a small multiplicative hash of
 * the destination id and the (constant) source id, reduced modulo vcs. Exported for tests.
 */
export function flowVcOf(src: number, dst: number, vcs: number): number {
  const h = (((dst * 0x9e5 + ((src * 0x3b7) & 0xffff)) & 0xffff) >> 4) & 0xff;
  return h % vcs;
}

/** `h mod k` for an 8-bit h and a constant k in 1..8, via a multiply-shift divide (exact for h < 256). */
function modConst(h: Expr, k: number): Expr {
  if ((k & (k - 1)) === 0) return k === 1 ? constant(0, u(1)) : h.trunc(Math.log2(k));
  const M = Math.ceil(2 ** 16 / k);
  const q = h.mul(M).shr(16);
  return uN(h.sub(q.mul(k)), bitsFor(k));
}

/** One network interface (its coordinates are inputs: every NI of a mesh is the same module). */
export function makeNi(p: NocParams): NiIO {
  const m = new Module("noc_ni");
  const L = flitLayout(p.w, p.h);
  const V = p.vcs, D = p.bufDepth, Q = p.injQueue;
  const vb = bitsFor(V), cb = bitsFor(D + 1), qb = bitsFor(Q);
  const coordX = m.input("coord_x", u(L.xb));
  const coordY = m.input("coord_y", u(L.yb));

  const injValid = m.input("inj_valid", u(1));
  const injPkt = m.input("inj_pkt", u(L.descBits));
  const crFromRouter = m.input("cr_from_router", u(CREDIT_BITS));
  const fromRouter = m.input("from_router", u(WORD_BITS));
  const injReady = m.output("inj_ready", u(1));
  const toRouter = m.output("to_router", u(WORD_BITS));
  const crToRouter = m.output("cr_to_router", u(CREDIT_BITS));
  const ej = m.output("ej", u(WORD_BITS));

  const lo = p.priorityClasses === 2
    ? { injValid: m.input("inj_lo_valid", u(1)), injPkt: m.input("inj_lo_pkt", u(L.descBits)), injReady: m.output("inj_lo_ready", u(1)) }
    : undefined;

  // --- injection queues ------------------------------------------------------------------------
  const hi = injectionQueue(m, { mem: "inj_queue", pre: "q" }, L.descBits, Q, injValid, injPkt, injReady);
  const qlo = lo && injectionQueue(m, { mem: "inj_lo_queue", pre: "qlo" }, L.descBits, Q, lo.injValid, lo.injPkt, lo.injReady);
  const { rp: qrp, count: qcount, step } = hi;
  // cur_lo: the packet being sent, or the one to start, is the low queue's (only when no high
  // packet waits, between packets). send_lo remembers it while a packet is in progress.
  const curLo = qlo && m.signal("cur_lo", u(1));
  const sendLo = qlo && m.signal("send_lo", u(1));
  let front: Expr = hi.front;
  if (qlo) {
    front = m.signal("front", u(L.descBits));
    m.comb.set(front as Signal, mux(curLo!, qlo.front, hi.front));
  }
  const dx = () => front.slice(L.xb - 1, 0);
  const dy = () => front.slice(L.xb + L.yb - 1, L.xb);
  const seq = () => front.slice(L.xb + L.yb + L.seqBits - 1, L.xb + L.yb);
  const size = () => front.slice(L.descBits - 1, L.descBits - SIZE_BITS);

  // --- packetizer ------------------------------------------------------------------------------
  // flit_index counts the flits of the current packet already sent: 0 means between packets.
  const k = m.signal("flit_index", u(SIZE_BITS));
  const sending = () => nonZero(k);
  // A high packet waits when the high queue holds one or one is being offered (inj_valid) now.
  if (qlo) m.comb.set(curLo!, mux(sending(), sendLo!, nonZero(qcount).or(injValid).xor(1)));
  // The selected queue holds a packet to start.
  const queued = () => (qlo ? mux(curLo!, nonZero(qlo.count), nonZero(qcount)) : nonZero(qcount));
  const svc = m.signal("send_vc", u(vb));
  // Local-input VC state: [claimed (until the tail credit returns)][credits per VC].
  const credBits = V * cb;
  const vcs = m.signal("vc_state", u(credBits + V), { reset: packedConst(D, cb, V) });
  const claimed = () => vcs.slice(credBits + V - 1, credBits);

  let startVc: () => Expr, canClaim: () => Expr;
  let afterFire: ((headFired: Expr) => void) | undefined;
  if (p.vcPolicy === "flow") {
    startVc = () => {
      const dstId = dy().mul(p.w).add(dx());
      const srcMix = uN(coordY.mul(p.w).add(coordX).mul(0x3b7), 16); // (src * 0x3b7) mod 2^16
      const h = uN(uN(dstId.mul(0x9e5).add(srcMix), 16).shr(4), 8);
      return uN(modConst(h, V), vb);
    };
    canClaim = () => field(claimed(), startVc(), 1).not();
  } else {
    const free = () => uN(claimed().not(), V);
    if (p.vcRealloc === "tail-sent") {
      // A VC is free again right after its tail: the lowest free one would put every packet on
      // VC 0, one at a time. Round robin over the free ones, as BookSim's injection does.
      const prio = m.signal("vc_pick_prio", u(V), { reset: 2 ** V - 1 });
      const pick = m.signal("start_vc_hot", u(V));
      m.comb.set(pick, uN(rrPick(free, () => prio), V));
      startVc = () => encodeOneHot(() => pick, V, vb);
      afterFire = (headFired) => m.if(headFired, () => m.sync.set(prio, maskAbove(pick, V)));
    } else {
      startVc = () => encodeOneHot(() => lowestBit(free), V, vb);
    }
    canClaim = () => free().bool();
  }
  const vc = m.signal("cur_vc", u(vb));
  m.comb.set(vc, mux(sending(), svc, startVc()));
  const fire = m.signal("fire", u(1));
  m.comb.set(fire, sending().or(queued().and(canClaim())).and(nonZero(field(vcs, vc, cb))));
  const isHead = () => sending().xor(1);
  afterFire?.(fire.and(isHead()));
  const isTail = () => eqBit(uN(k.add(1), SIZE_BITS), size()); // size 0 stands for 256 flits
  const head = () => cat(seq(), coordY, coordX, dy(), dx());
  // Flit k carries the head data XOR k * BODY_MIX (k = 0: the head itself).
  const data = uN(head().xor(uN(k.mul(BODY_MIX), DATA_BITS)), DATA_BITS);
  m.comb.set(toRouter, gate(fire, cat(data, isTail(), isHead(), uN(vc, 3), constant(1, u(1)))));

  const cr = () => crFromRouter;
  const crValid = () => cr().bit(0), crVc = () => cr().slice(VC_LO + vb - 1, VC_LO), crTail = () => cr().bit(CREDIT_TAIL_BIT);
  const one = () => constant(1, u(1));
  m.if(fire, () => {
    m.sync.set(svc, vc);
    if (qlo) m.sync.set(sendLo!, curLo!);
    m.if(isTail(), () => {
      m.sync.set(k, 0);
      if (qlo) m.if(curLo!, () => m.sync.set(qlo.rp, uN(step(qlo.rp), qb))).else(() => m.sync.set(qrp, uN(step(qrp), qb)));
      else m.sync.set(qrp, uN(step(qrp), qb));
    }).else(() => m.sync.set(k, k.add(1).trunc(SIZE_BITS)));
  });
  const popped = fire.and(isTail());
  countUpdate(m, hi, qlo ? popped.and(curLo!.xor(1)) : popped);
  if (qlo) countUpdate(m, qlo, popped.and(curLo!));
  // Credits: returned minus sent; claimed: set by a head, cleared by the tail credit.
  const credDelta = () => mux(crValid(), shiftToField(one(), crVc(), cb, V), 0).sub(mux(fire, shiftToField(one(), vc, cb, V), 0));
  // A VC is claimed by a head until its tail credit returns, or (vcRealloc "tail-sent") until the tail is sent.
  const unclaim = () => (p.vcRealloc === "tail-sent" ? mux(fire.and(isTail()), oneHot(vc, V), 0) : mux(crValid().and(crTail()), oneHot(crVc(), V), 0));
  const claimDelta = () => mux(fire.and(isHead()), oneHot(vc, V), 0).sub(unclaim()).shl(credBits);
  m.if(fire.or(crValid()), () => m.sync.set(vcs, uN(vcs.add(credDelta()).add(claimDelta()), credBits + V)));

  // --- ejection --------------------------------------------------------------------------------
  m.sync.set(ej, fromRouter);
  m.comb.set(crToRouter, gate(ej.bit(0), cat(ej.bit(TAIL_BIT), ej.slice(VC_LO + 2, VC_LO), one())));

  return { module: m, injValid, injPkt, injReady, ej, toRouter, crFromRouter, fromRouter, crToRouter, coordX, coordY, lo };
}
