/**
 * A 5-port input-queued virtual-channel router for a 2D mesh (one per node; ports that would lead
 * off the mesh are left out).
 *
 * Flow control: credit-based, per VC. Switching: wormhole; VCs are allocated atomically (an
 * output VC is given to a new packet only once the tail credit of the previous one has come back,
 * so an input VC holds at most one packet). Routing: dimension order (XY or YX), computed for the
 * head flit as it is written into its buffer (one route unit per input port).
 *
 * Pipeline, each stage 0 or 1 cycles (p.rc, p.va, p.sa, p.st; 1 = registered, 0 = combinational,
 * in the same cycle as the next stage). A head flit at the front of its buffer in cycle t:
 *   RC  its route is usable by VA from cycle t + rc
 *   VA  VC allocation in cycle t + rc; the grant is usable by SA from t + rc + va
 *   SA  switch allocation in cycle ts = t + rc + va; the winner leaves its buffer at the end of ts
 *       (its credit goes upstream then), and
 *   ST  crosses the crossbar in cycle ts + sa; with st = 1 it spends a cycle in the output register
 *   LT  a link of latency L is L - 1 registers plus the write into the next router's buffer, so
 *       the flit is at the front of the next buffer in cycle t + rc + va + sa + st + L.
 * Body flits skip RC and VA. Links to and from the network interface take one cycle (L = 1).
 * Credits travel back with the same latency as flits on that link.
 *
 * Allocation, separable, round-robin arbiters throughout:
 *   VA: per output port, stage 1 picks one waiting input VC (round robin over input VCs); stage 2
 *       gives it an output VC: the same index (vcPolicy "flow") or a free one by round robin
 *       ("any"). One VC per output port per cycle, matching the link's one flit per cycle.
 *   SA: input first: per input port, a round robin over its VCs that have a flit, an output VC and
 *       a credit for it; then per output port a round robin over the input ports whose winner
 *       wants it. An input-stage pointer moves only when its winner also wins its output.
 *
 * Implementation: per-VC state lives in bit vectors over the router's input VCs (bit
 * port * S + vc, S = vcs rounded up to a power of two) and in packed per-VC fields, so that one
 * expression updates all VCs (see bits.ts); flit buffers are one memory per input port holding
 * vcs rings of bufDepth words.
 */
import { Expr, Module, Signal, bitsFor, cat, constant, mux, u } from "../../hdl/index.js";
import { CREDIT_BITS, CREDIT_TAIL_BIT, DATA_LO, HEAD_BIT, TAIL_BIT, VC_LO, WORD_BITS, flitLayout } from "./flit.js";
import type { NocParams } from "./params.js";
import { DIR_NAMES, Dir, presentDirs, turnAllowed } from "./topology.js";
import {
  encodeOneHot, eqBit, field, gate, maskAbove, nonZero, ringNext, oneHot, orAll, packedConst, replicate, rrPick, shiftToField, uN,
} from "./bits.js";

/** Port signals of a router, by direction (undefined where the port does not exist). */
export interface RouterIO {
  readonly module: Module;
  readonly dirs: readonly Dir[];
  /** Flits in (from the neighbour or NI on that side) and out. */
  readonly inp: Partial<Record<Dir, Signal>>;
  readonly out: Partial<Record<Dir, Signal>>;
  /** Credits in (for our output on that side) and out (for our input on that side). */
  readonly crIn: Partial<Record<Dir, Signal>>;
  readonly crOut: Partial<Record<Dir, Signal>>;
  /** Flit counters of each output (present when p.linkCounters). */
  readonly counters: Partial<Record<Dir, Signal>>;
  /** The router's coordinates (inputs: the mesh ties them to constants). */
  readonly coordX: Signal;
  readonly coordY: Signal;
}

export const routerNames = {
  inp: (d: Dir) => `in_${DIR_NAMES[d]}`,
  out: (d: Dir) => `out_${DIR_NAMES[d]}`,
  crIn: (d: Dir) => `cr_in_${DIR_NAMES[d]}`,
  crOut: (d: Dir) => `cr_out_${DIR_NAMES[d]}`,
  counter: (d: Dir) => `flits_${DIR_NAMES[d]}`,
  coordX: "coord_x",
  coordY: "coord_y",
};

/** Delay `e` by `n` registers named `${name}_<k>`; returns the last (or `e` itself when n = 0). */
function delay(m: Module, name: string, e: Expr, n: number, width: number): Expr {
  let cur = e;
  for (let k = 0; k < n; k++) {
    const r = m.signal(`${name}_${k}`, u(width));
    m.sync.set(r, cur);
    cur = r;
  }
  return cur;
}

/**
 * The router at (x, y) of a p.w x p.h mesh. Only its set of ports depends on the position (edge
 * routers have fewer); its coordinates are inputs, so routers of one shape share one Verilog module.
 */
export function makeRouter(p: NocParams, x: number, y: number): RouterIO {
  const dirs = presentDirs(p.w, p.h, x, y);
  const m = new Module(`noc_router_${dirs.map((d) => DIR_NAMES[d]).join("")}`);
  const L = flitLayout(p.w, p.h);
  const P = dirs.length;
  const V = p.vcs;
  const S = 2 ** Math.ceil(Math.log2(V)); // stride of one port's VCs in the vectors
  const NV = P * S;
  const D = p.bufDepth;
  const vb = bitsFor(V);
  const pb = bitsFor(D); // ring pointer 0..D-1
  const cb = bitsFor(D + 1); // credit count 0..D
  const any = p.vcPolicy === "any";
  // vcRealloc "tail-sent": an output VC is free again once the tail has left, so a VC buffer may
  // hold flits of several packets; heads are then routed when they reach the front (see README).
  const tailSent = p.vcRealloc === "tail-sent";
  const linkRegs = (d: Dir) => (d === Dir.L ? 0 : p.linkLatency - 1);
  const ALL = 2 ** NV - 1;
  const one = () => constant(1, u(1));

  const io = {
    module: m,
    dirs,
    inp: {} as Partial<Record<Dir, Signal>>,
    out: {} as Partial<Record<Dir, Signal>>,
    crIn: {} as Partial<Record<Dir, Signal>>,
    crOut: {} as Partial<Record<Dir, Signal>>,
    counters: {} as Partial<Record<Dir, Signal>>,
    coordX: m.input(routerNames.coordX, u(L.xb)),
    coordY: m.input(routerNames.coordY, u(L.yb)),
  };
  const cx = io.coordX, cy = io.coordY;
  for (const d of dirs) {
    io.inp[d] = m.input(routerNames.inp(d), u(WORD_BITS));
    io.crIn[d] = m.input(routerNames.crIn(d), u(CREDIT_BITS));
  }
  for (const d of dirs) {
    io.out[d] = m.output(routerNames.out(d), u(WORD_BITS));
    io.crOut[d] = m.output(routerNames.crOut(d), u(CREDIT_BITS));
  }
  const ports = dirs.map((d, i) => ({ d, i, nm: DIR_NAMES[d] }));
  /** Input ports that can send to output `o` (DOR turns only). */
  const feeders = (o: Dir) => ports.filter((ip) => turnAllowed(p.routing, ip.d, o));
  /** A signal holding `e` (a value several expressions read is stored once). */
  const wire = (name: string, width: number, e: Expr): Signal => {
    const s = m.signal(name, u(width));
    m.comb.set(s, uN(e, width));
    return s;
  };

  // --- vector helpers (all return fresh expressions) --------------------------------------------
  /** A V-bit vector moved into input port pi's field of an NV-bit vector. */
  const toPort = (v: Expr, pi: number): Expr => uN(pi === 0 ? v : v.shl(pi * S), NV);
  /** Input port pi's V-bit field of an NV-bit vector. */
  const portField = (vec: Expr, pi: number): Expr => vec.slice(pi * S + V - 1, pi * S);
  /** Select among per-input-port values by a one-hot over input ports (0 when none). */
  const byPort = (sel: Expr, from: readonly { i: number }[], val: (pi: number) => Expr, width: number): Expr => {
    let e: Expr = constant(0, u(width));
    for (const ip of from) e = mux(sel.bit(ip.i), val(ip.i), e);
    return e;
  };

  // --- state -----------------------------------------------------------------------------------
  const vaPend = m.signal("va_pending", u(NV)); // head routed, waiting for an output VC
  const rcPend = p.rc ? m.signal("rc_pending", u(NV)) : undefined; // head in its RC cycle
  const active = m.signal("active", u(NV)); // holds an output VC
  const nonEmpty = m.signal("non_empty", u(NV)); // buffer holds a flit
  const routeTo = ports.map((op) => m.signal(`route_${op.nm}`, u(NV))); // VCs routed to output op.d
  const sa1Prio = m.signal("sa_in_prio", u(NV), { reset: ALL });
  const sa2Prio = m.signal("sa_out_prio", u(P * P), { reset: 2 ** (P * P) - 1 });
  const vaPrio = ports.map((op) => m.signal(`va_${op.nm}_prio`, u(NV), { reset: ALL }));
  // Output VC state, per output: [owned (policy "any")][busy][has a credit][credits per VC].
  const credBits = V * cb, okLo = credBits, busyLo = credBits + V, ownedLo = credBits + 2 * V;
  const bc = ports.map((op) =>
    m.signal(`ovc_${op.nm}`, u(credBits + V * (any ? 3 : 2)), { reset: packedConst(D, cb, V) | (BigInt(2 ** V - 1) << BigInt(okLo)) }),
  );
  const credits = (oi: number) => bc[oi].slice(credBits - 1, 0);
  const creditOk = (oi: number) => bc[oi].slice(okLo + V - 1, okLo);
  const free = (oi: number) => uN(bc[oi].slice(busyLo + V - 1, busyLo).not(), V);
  const crIn = (oi: number) => io.crIn[ports[oi].d]!;
  const crValid = (oi: number) => crIn(oi).bit(0);
  const crVc = (oi: number) => crIn(oi).slice(VC_LO + vb - 1, VC_LO);

  // --- arriving flits: buffer write pointers, route of heads --------------------------------------
  const W = ports.map((ip) => io.inp[ip.d]!);
  const valid = (pi: number) => W[pi].bit(0);
  const ivc = (pi: number) => W[pi].slice(VC_LO + vb - 1, VC_LO);
  const dxOf = (pi: number) => W[pi].slice(DATA_LO + L.xb - 1, DATA_LO);
  const dyOf = (pi: number) => W[pi].slice(DATA_LO + L.xb + L.yb - 1, DATA_LO + L.xb);
  /** Does a head arriving at input pi want output o? (dimension-order routing) */
  const wants = (pi: number, o: Dir): Expr => {
    const xy = p.routing === "xy";
    const ex = () => dxOf(pi).eq(cx), ey = () => dyOf(pi).eq(cy);
    switch (o) {
      case Dir.E: return xy ? dxOf(pi).gt(cx) : ey().and(dxOf(pi).gt(cx));
      case Dir.W: return xy ? dxOf(pi).lt(cx) : ey().and(dxOf(pi).lt(cx));
      case Dir.S: return xy ? ex().and(dyOf(pi).gt(cy)) : dyOf(pi).gt(cy);
      case Dir.N: return xy ? ex().and(dyOf(pi).lt(cy)) : dyOf(pi).lt(cy);
      default: return ex().and(ey());
    }
  };
  const wp = D > 1 ? ports.map((ip) => m.signal(`wp_${ip.nm}`, u(V * pb))) : undefined;
  const rp = D > 1 ? ports.map((ip) => m.signal(`rp_${ip.nm}`, u(V * pb))) : undefined;
  const ptrOf = (ptrs: Signal[] | undefined, pi: number, vc: Expr): Expr => (ptrs ? field(ptrs[pi], vc, pb) : constant(0, u(1)));
  const step = (f: Expr): Expr => ringNext(f, D);
  const inp = ports.map((ip, pi) => {
    const push = wire(`push_${ip.nm}`, NV, gate(valid(pi), toPort(oneHot(ivc(pi), V), pi)));
    // Output wanted by an arriving head, one-hot over output ports (0 for body flits).
    const bits = [...ports].reverse().map((op) => (turnAllowed(p.routing, ip.d, op.d) ? wants(pi, op.d) : constant(0, u(1))));
    const want = wire(`want_${ip.nm}`, P, mux(valid(pi).and(W[pi].bit(HEAD_BIT)), cat(...bits), 0));
    if (wp) {
      const f = () => ptrOf(wp, pi, ivc(pi));
      m.sync.set(wp[pi], uN(wp[pi].add(shiftToField(step(f()).sub(f()), ivc(pi), pb, V).mul(valid(pi))), V * pb));
    }
    return { push, want, startNow: (): Expr => push };
  });
  const arrivingHeads = wire("heads", NV, orAll(inp.map((a, pi) => gate(W[pi].bit(HEAD_BIT), a.push)), NV));

  // --- VC allocation: per output, a round robin over waiting input VCs ---------------------------
  const vaG = ports.map((op, oi) => {
    const freeReq = any ? mux(free(oi).bool(), ALL, 0) : replicate(free(oi), S, P);
    const req = wire(`va_${op.nm}_req`, NV, vaPend.and(routeTo[oi]).and(freeReq));
    const g = wire(`va_${op.nm}_grant`, NV, rrPick(() => req, () => vaPrio[oi]));
    m.if(g.bool(), () => m.sync.set(vaPrio[oi], maskAbove(g, NV)));
    return g;
  });
  const vaAll = () => orAll(vaG, NV);
  const anyState = any ? makeAnyState() : undefined;

  // --- switch allocation -----------------------------------------------------------------------
  const vaNow = () => (p.va === 0 ? vaAll() : constant(0, u(NV))); // VA and SA in one cycle when va = 0
  // Input VCs whose output VC has a credit. "flow": input VC (p, v) routed to o holds output VC (o, v).
  const hasCredit = (): Expr =>
    anyState ? anyState.hasCredit : orAll(ports.map((op, oi) => routeTo[oi].and(replicate(creditOk(oi), S, P))), NV);
  // Under tail-credit a VC allocated this cycle (va = 0) has every credit; under tail-sent the
  // previous packet may still hold some of them, so its credits are checked too.
  const eligible = wire(
    "sa_eligible",
    NV,
    !tailSent
      ? active.or(vaNow()).and(nonEmpty).and(hasCredit().or(vaNow()))
      : anyState
        ? active.and(hasCredit()).or(vaNow().and(anyState.grantedWithCredit())).and(nonEmpty)
        : active.or(vaNow()).and(nonEmpty).and(hasCredit()),
  );
  const g1 = ports.map((ip) => wire(`sa_in_${ip.nm}_grant`, V, rrPick(() => portField(eligible, ip.i), () => portField(sa1Prio, ip.i))));
  const vcSel = ports.map((ip, pi) => wire(`sa_in_${ip.nm}_vc`, vb, encodeOneHot(() => g1[pi], V, vb)));
  const winners = wire("sa_in_winners", NV, orAll(ports.map((ip) => toPort(g1[ip.i], ip.i)), NV));
  const gp = ports.map((op, oi) => {
    const bits = [...ports].reverse().map((ip) => (turnAllowed(p.routing, ip.d, op.d) ? nonZero(portField(winners.and(routeTo[oi]), ip.i)) : constant(0, u(1))));
    const req = wire(`sa_out_${op.nm}_req`, P, cat(...bits));
    return wire(`sa_out_${op.nm}_grant`, P, rrPick(() => req, () => sa2Prio.slice(oi * P + P - 1, oi * P))); // one-hot over input ports
  });
  const saWon = wire("sa_won", P, orAll(gp, P)); // input ports whose winner won its output
  const won = (pi: number) => saWon.bit(pi);

  // --- buffers: write the arriving flit, read the input winner, credit upstream ------------------
  const rd = ports.map((ip, pi) => {
    const buf = m.memory({ name: `buf_${ip.nm}`, shape: u(WORD_BITS), depth: V * D });
    const wr = buf.writePort();
    m.comb.set(wr.en, valid(pi));
    m.comb.set(wr.addr, uN(ivc(pi).mul(D).add(ptrOf(wp, pi, ivc(pi))), buf.addrWidth));
    m.comb.set(wr.data, W[pi]);
    const rpf = rp ? wire(`rp_sel_${ip.nm}`, pb, ptrOf(rp, pi, vcSel[pi])) : constant(0, u(1));
    const rdp = buf.readPort();
    m.comb.set(rdp.addr, uN(vcSel[pi].mul(D).add(rpf), buf.addrWidth));
    const tail = () => rdp.data.bit(TAIL_BIT);
    const pop = wire(`pop_${ip.nm}`, NV, gate(won(pi), toPort(g1[pi], pi))); // the VC popped (one-hot)
    const credit = wire(`credit_${ip.nm}`, CREDIT_BITS, gate(won(pi), cat(tail(), uN(vcSel[pi], 3), one())));
    m.comb.set(io.crOut[ip.d]!, delay(m, `cr_link_${ip.nm}`, credit, linkRegs(ip.d), CREDIT_BITS));
    if (rp) m.sync.set(rp[pi], uN(rp[pi].add(shiftToField(step(rpf).sub(rpf), vcSel[pi], pb, V).mul(won(pi))), V * pb));
    // The popped flit was the only one in its VC's buffer (a flit arriving now does not count).
    const alone = () => eqBit(ptrOf(wp, pi, vcSel[pi]), step(rpf));
    // The popped VC is empty now unless a flit is behind it or arrives for it this cycle.
    const last = () => alone().and(nonZero(inp[pi].push.and(pop)).xor(1));
    const emptied = () => gate(last(), pop);
    const released = () => gate(tail(), pop);
    const word = anyState
      ? wire(`sa_flit_${ip.nm}`, WORD_BITS, cat(rdp.data.slice(WORD_BITS - 1, VC_LO + 3), uN(anyState.ovcOfSel(pi), 3), rdp.data.bit(0)))
      : rdp.data;
    // tail-sent: each slot also keeps the route of the head written into it, so a head that
    // arrived behind another packet is routed when that packet's tail leaves (it is then next).
    let nextRoute: Expr | undefined;
    if (tailSent) {
      const routes = m.memory({ name: `head_route_${ip.nm}`, shape: u(P), depth: V * D });
      const rw = routes.writePort();
      m.comb.set(rw.en, valid(pi));
      m.comb.set(rw.addr, uN(ivc(pi).mul(D).add(ptrOf(wp, pi, ivc(pi))), routes.addrWidth));
      m.comb.set(rw.data, inp[pi].want);
      const rr = routes.readPort();
      m.comb.set(rr.addr, uN(vcSel[pi].mul(D).add(step(rpf)), routes.addrWidth));
      nextRoute = rr.data;
    }
    const poppedAlone = () => gate(alone(), pop);
    // The popped VC's next head starts now: its packet's tail left and older flits are behind it
    // (a head arriving behind a lone tail starts as an arriving head, its route not yet stored).
    const nextStarts = () => gate(tail().and(alone().xor(1)), pop);
    return { word, emptied, released, tail, nextRoute, nextStarts, poppedAlone };
  });

  // --- per-VC state updates --------------------------------------------------------------------
  m.sync.set(nonEmpty, uN(nonEmpty.or(orAll(inp.map((a) => a.push), NV)).and(orAll(rd.map((r) => r.emptied()), NV).not()), NV));
  // Heads that become the front of their VC this cycle ("starts"): under tail-credit every
  // arriving head (its VC holds nothing else); under tail-sent an arriving head only when no
  // packet is in progress on its VC and nothing is queued before it, plus the heads behind a
  // tail that leaves now.
  let heads: Signal = arrivingHeads;
  let deferredStarts: Signal | undefined;
  if (tailSent) {
    const inProgress = (rcPend ? rcPend.or(vaPend) : vaPend).or(active).and(orAll(rd.map((r) => r.released()), NV).not());
    const clear = nonEmpty.not().or(orAll(rd.map((r) => r.poppedAlone()), NV));
    const immediate = wire("heads_now", NV, arrivingHeads.and(inProgress.not()).and(clear));
    deferredStarts = wire("heads_next", NV, orAll(rd.map((r) => r.nextStarts()), NV));
    heads = wire("heads_start", NV, immediate.or(deferredStarts));
    inp.forEach((a, pi) => (a.startNow = () => immediate.and(a.push)));
  }
  if (rcPend) {
    m.sync.set(rcPend, heads);
    m.sync.set(vaPend, uN(vaPend.or(rcPend).and(vaAll().not()), NV));
  } else if (tailSent) {
    // A VC's next head may start in the cycle its previous packet won VA (va = 0): keep its request.
    m.sync.set(vaPend, uN(vaPend.and(vaAll().not()).or(heads), NV));
  } else {
    m.sync.set(vaPend, uN(vaPend.or(heads).and(vaAll().not()), NV));
  }
  m.if(nonZero(vaAll()).or(nonZero(saWon)), () =>
    m.sync.set(active, uN(active.or(vaAll()).and(orAll(rd.map((r) => r.released()), NV).not()), NV)),
  );
  ports.forEach((op, oi) => {
    const news = feeders(op.d).map((ip) => gate(inp[ip.i].want.bit(oi), inp[ip.i].startNow()));
    if (deferredStarts) {
      // A deferred head's route, read from its slot: only VCs of input ports that may turn to op.
      for (const ip of feeders(op.d)) news.push(gate(rd[ip.i].nextRoute!.bit(oi), rd[ip.i].nextStarts()));
    }
    m.if(nonZero(heads), () => m.sync.set(routeTo[oi], uN(routeTo[oi].and(heads.not()).or(orAll(news, NV)), NV)));
  });
  // Input-stage pointers move for ports whose winner went through; output-stage ones for outputs used.
  m.if(nonZero(saWon), () => {
    const kept = orAll(ports.map((ip) => gate(won(ip.i), constant(BigInt(2 ** V - 1) << BigInt(ip.i * S), u(NV)))), NV);
    const moved = orAll(ports.map((ip) => gate(won(ip.i), toPort(maskAbove(g1[ip.i], V), ip.i))), NV);
    m.sync.set(sa1Prio, uN(sa1Prio.and(uN(kept.not(), NV)).or(moved), NV));
    const kept2 = orAll(ports.map((op, oi) => gate(nonZero(gp[oi]), constant(BigInt(2 ** P - 1) << BigInt(oi * P), u(P * P)))), P * P);
    // maskAbove(0) is all ones: gate it by the grant.
    const moved2 = orAll(ports.map((op, oi) => gate(nonZero(gp[oi]), uN(maskAbove(gp[oi], P).shl(oi * P), P * P))), P * P);
    m.sync.set(sa2Prio, uN(sa2Prio.and(uN(kept2.not(), P * P)).or(moved2), P * P));
  });

  // --- switch traversal, output registers, links, output VC state --------------------------------
  const xSrc = rd.map((r, pi) => {
    if (!p.sa) return r.word;
    const reg = m.signal(`st_flit_${ports[pi].nm}`, u(WORD_BITS));
    m.sync.set(reg, mux(won(pi), r.word, 0));
    return reg;
  });
  ports.forEach((op, oi) => {
    const from = feeders(op.d);
    let sel: Expr = gp[oi];
    if (p.sa) {
      const r = m.signal(`st_sel_${op.nm}`, u(P));
      m.sync.set(r, gp[oi]);
      sel = r;
    }
    // One source at most is selected: a sum of gated words is the crossbar (no branch).
    const xbar = uN(from.map((ip) => xSrc[ip.i].mul(sel.bit(ip.i))).reduce((a, b) => a.add(b)), WORD_BITS);
    let afterSt: Expr;
    if (p.st) {
      const r = m.signal(`st_out_${op.nm}`, u(WORD_BITS));
      m.sync.set(r, xbar);
      afterSt = r;
    } else {
      afterSt = wire(`xbar_${op.nm}`, WORD_BITS, xbar);
    }
    m.comb.set(io.out[op.d]!, delay(m, `link_${op.nm}`, afterSt, linkRegs(op.d), WORD_BITS));
    if (p.linkCounters) {
      const c = m.signal(routerNames.counter(op.d), u(32));
      m.if(io.out[op.d]!.bit(0), () => m.sync.set(c, c.add(1).trunc(32)));
      io.counters[op.d] = c;
    }

    // Output VC state: credits (returned minus sent), busy (allocated until its tail credit).
    const sentWire = wire(`sent_vc_${op.nm}`, vb, from.map((ip) => gate(gp[oi].bit(ip.i), anyState ? anyState.ovcOfSel(ip.i) : vcSel[ip.i])).reduce((a, b) => a.add(b)));
    const sentVc = () => sentWire;
    const sent = () => nonZero(gp[oi]);
    const crAt = () => gate(crValid(oi), shiftToField(one(), crVc(oi), cb, V));
    const sentAt = () => gate(sent(), shiftToField(one(), sentVc(), cb, V));
    // "flow": the output VC has the index of the granted input VC (OR of the grant's port fields).
    const given = () => (anyState ? anyState.ovcHot[oi] : orAll(ports.map((ip) => portField(vaG[oi], ip.i)), V));
    // (given() is 0 when nothing is granted.)
    // The flit sent on this output is a tail (0 when none is sent).
    const tailOut = () => byPort(gp[oi], from, (pi) => rd[pi].tail(), 1);
    // Busy from allocation until the tail credit returns (tail-credit) or the tail is sent (tail-sent).
    const releasedVc = () => (tailSent ? gate(sent().and(tailOut()), oneHot(sentVc(), V)) : gate(crValid(oi).and(crIn(oi).bit(CREDIT_TAIL_BIT)), oneHot(crVc(oi), V)));
    const busyDelta = () => given().sub(releasedVc()).shl(busyLo);
    // has-a-credit bits: set by a credit to an empty VC, cleared by sending its last credit.
    const okDelta = () =>
      gate(crValid(oi).and(field(creditOk(oi), crVc(oi), 1).not()), oneHot(crVc(oi), V))
        .sub(gate(sent().and(eqBit(field(credits(oi), sentVc(), cb), 1)).and(crValid(oi).and(eqBit(crVc(oi), sentVc())).xor(1)), oneHot(sentVc(), V)))
        .shl(okLo);
    let next = bc[oi].add(crAt()).sub(sentAt()).add(busyDelta()).add(okDelta());
    if (anyState) next = next.add(anyState.ownedDelta(oi, sentVc, tailOut).shl(ownedLo));
    m.if(crValid(oi).or(nonZero(gp[oi])).or(nonZero(vaG[oi])), () => m.sync.set(bc[oi], uN(next, bc[oi].width)));
  });
  anyState?.finish();
  return io;

  /**
   * State only the "any" policy needs: the output VC each input VC holds, the input VC owning each
   * output VC, and a credit bit per input VC kept up to date from credit events.
   */
  function makeAnyState() {
    const ib = bitsFor(NV);
    const sb = Math.log2(S);
    const vcsPrio = m.signal("vc_pick_prio", u(P * V), { reset: 2 ** (P * V) - 1 });
    const ovcHot = ports.map((op, oi) =>
      // The output VC given this cycle (one-hot): a round robin over the free ones.
      wire(`va_${op.nm}_ovc`, V, mux(vaG[oi].bool(), rrPick(() => free(oi), () => vcsPrio.slice(oi * V + V - 1, oi * V)), 0)),
    );
    const ovcOf = ports.map((ip) => m.signal(`ovc_of_${ip.nm}`, u(V * vb)));
    const owner = ports.map((op) => m.signal(`ovc_owner_${op.nm}`, u(V * ib)));
    const hasCredit = m.signal("has_credit", u(NV));
    // The output VC held by input port pi's SA winner. With va = 0 a head can be granted its VC and
    // the switch in one cycle: then the VC comes from this cycle's grant, not the table.
    const selCache: Signal[] = [];
    const ovcOfSel = (pi: number): Expr => {
      if (!selCache[pi]) {
        let e: Expr = field(ovcOf[pi], vcSel[pi], vb);
        if (p.va === 0) {
          for (const [oi, op] of ports.entries()) {
            if (!turnAllowed(p.routing, ports[pi].d, op.d)) continue;
            e = mux(vaG[oi].and(toPort(g1[pi], pi)).bool(), encodeOneHot(() => ovcHot[oi], V, vb), e);
          }
        }
        selCache[pi] = wire(`sa_in_${ports[pi].nm}_ovc`, vb, e);
      }
      return selCache[pi];
    };
    const owned = (oi: number) => bc[oi].slice(ownedLo + V - 1, ownedLo);
    // tail-sent: an output VC given now has a credit if it holds one or one comes back now (the
    // refill rule below only sees VCs already owned).
    // For switch allocation in the grant's cycle (va = 0) only credits held count: a credit
    // arriving now comes from the neighbour's switch allocation of this cycle (a loop otherwise).
    const ovcCreditHeld = (oi: number): Expr => nonZero(ovcHot[oi].and(creditOk(oi)));
    const ovcCreditNow = (oi: number): Expr => nonZero(ovcHot[oi].and(creditOk(oi).or(gate(crValid(oi), oneHot(crVc(oi), V)))));
    let grantedCache: Signal | undefined;
    const grantedWithCredit = (): Signal =>
      (grantedCache ??= wire("va_grant_credit", NV, orAll(ports.map((op, oi) => gate(ovcCreditHeld(oi), vaG[oi])), NV)));
    const grantedWithCreditNow = (): Expr => orAll(ports.map((op, oi) => gate(ovcCreditNow(oi), vaG[oi])), NV);
    return {
      grantedWithCredit,
      ovcHot,
      hasCredit,
      ovcOfSel,
      /** Owned bits: set with the allocation, cleared when the tail is sent. */
      ownedDelta(oi: number, sentVc: () => Expr, tailOut: () => Expr): Expr {
        return ovcHot[oi].sub(mux(tailOut(), oneHot(sentVc(), V), 0));
      },
      finish(): void {
        m.if(orAll(vaG, NV).bool(), () => {
          const prios = ports.map((op, oi) => mux(ovcHot[oi].bool(), maskAbove(ovcHot[oi], V), vcsPrio.slice(oi * V + V - 1, oi * V)));
          m.sync.set(vcsPrio, cat(...prios.reverse()));
          ports.forEach((ip, pi) => {
            let v: Expr = ovcOf[pi];
            for (const [oi, op] of ports.entries()) {
              if (!turnAllowed(p.routing, ip.d, op.d)) continue;
              const g = () => portField(vaG[oi], pi);
              v = mux(g().bool(), setPacked(v, encodeOneHot(g, V, vb), vb, V, encodeOneHot(() => ovcHot[oi], V, vb)), v);
            }
            m.sync.set(ovcOf[pi], uN(v, V * vb));
          });
          ports.forEach((op, oi) => {
            m.if(vaG[oi].bool(), () =>
              m.sync.set(owner[oi], setPacked(owner[oi], encodeOneHot(() => ovcHot[oi], V, vb), ib, V, encodeOneHot(() => vaG[oi], NV, ib))),
            );
          });
        });
        // has_credit: set on allocation (a free VC has every credit), cleared with the last credit
        // sent, set again when a credit comes back to a VC still owned. Branch-free terms; the
        // whole update runs only in cycles with a grant or a credit.
        const zeroed = ports.map((op, oi) => {
          const from = feeders(op.d);
          const sentIdx = () => uN(from.map((ip) => gate(gp[oi].bit(ip.i), ovcOfSel(ip.i))).reduce((a, b) => a.add(b)), vb);
          const last = eqBit(field(credits(oi), sentIdx(), cb), 1).and(crValid(oi).and(eqBit(crVc(oi), sentIdx())).xor(1));
          const granted = uN(from.map((ip) => gate(gp[oi].bit(ip.i), toPort(g1[ip.i], ip.i))).reduce((a, b) => a.add(b)), NV);
          return gate(last, granted);
        });
        const refilled = ports.map((op, oi) => {
          const ownerIdx = () => field(owner[oi], crVc(oi), ib);
          const cond = crValid(oi).and(eqBit(field(credits(oi), crVc(oi), cb), 0)).and(field(owned(oi), crVc(oi), 1));
          const vcBit = sb === 0 ? constant(1, u(1)) : oneHot(ownerIdx().slice(sb - 1, 0), S);
          const portIdx = ownerIdx().width > sb ? ownerIdx().slice(ownerIdx().width - 1, sb) : constant(0, u(1));
          return gate(cond, uN(shiftToField(vcBit, portIdx, S, P), NV));
        });
        const events = orAll(ports.map((op, oi) => crValid(oi)), 1).or(nonZero(saWon)).or(nonZero(orAll(vaG, NV)));
        // tail-sent: an input VC's bit is rewritten when it is granted (its new output VC may hold
        // no credit yet); tail-credit: a granted VC is free, so it has every credit.
        const kept = tailSent ? hasCredit.and(orAll(vaG, NV).not()).or(grantedWithCreditNow()) : hasCredit.or(orAll(vaG, NV));
        m.if(events, () => m.sync.set(hasCredit, uN(kept.and(orAll(zeroed, NV).not()).or(orAll(refilled, NV)), NV)));
      },
    };
  }
}

/** Packed `x` with field `idx` (fw bits, `count` fields) replaced by `v`. */
function setPacked(x: Expr, idx: Expr, fw: number, count: number, v: Expr): Expr {
  if (count === 1) return uN(v, fw);
  const old = field(x, idx, fw);
  return uN(x.sub(shiftToField(old, idx, fw, count)).add(shiftToField(uN(v, fw), idx, fw, count)), x.width);
}
