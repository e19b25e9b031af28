/**
 * A W x H mesh: one router and one network interface per node, neighbouring routers joined by a
 * pair of links (flits one way, credits the other) in each direction.
 *
 * Top-level ports, per node id = y * w + x (see meshNames): inj_valid_<id>, inj_pkt_<id> (in),
 * inj_ready_<id>, ej_<id> (out); and per row y, ej_valid_row_<y> (out): bit x set when node (x, y)
 * ejects a flit this cycle, so a testbench reads the few ej_<id> that matter instead of all of
 * them. With priorityClasses 2, each node also has a low-priority injection queue: inj_lo_valid_<id>,
 * inj_lo_pkt_<id> (in), inj_lo_ready_<id> (out), the same handshake as the high queue (ni.ts).
 * Everything inside is RTL, so the mesh emits to Verilog.
 * Instances: r_<x>_<y> (routers), ni_<x>_<y> (interfaces); per-output flit counters are
 * r_<x>_<y>.flits_<e|w|n|s|l> (see linkCounterName).
 */
import { Module, cat, constant } from "../../hdl/index.js";
import { WORD_BITS, flitLayout } from "./flit.js";
import { NiIO, makeNi } from "./ni.js";
import { NocParams, nocParams } from "./params.js";
import { RouterIO, makeRouter, routerNames } from "./router.js";
import { DIR_NAMES, Dir, neighbour, opposite } from "./topology.js";

export const meshNames = {
  injValid: (id: number) => `inj_valid_${id}`,
  injPkt: (id: number) => `inj_pkt_${id}`,
  injReady: (id: number) => `inj_ready_${id}`,
  /** The low-priority injection queue (priorityClasses 2). */
  injLoValid: (id: number) => `inj_lo_valid_${id}`,
  injLoPkt: (id: number) => `inj_lo_pkt_${id}`,
  injLoReady: (id: number) => `inj_lo_ready_${id}`,
  ej: (id: number) => `ej_${id}`,
  ejValidRow: (y: number) => `ej_valid_row_${y}`,
  router: (x: number, y: number) => `r_${x}_${y}`,
  ni: (x: number, y: number) => `ni_${x}_${y}`,
};

/** Hierarchical name of the flit counter on output `d` of router (x, y). */
export function linkCounterName(x: number, y: number, d: Dir): string {
  return `${meshNames.router(x, y)}.${routerNames.counter(d)}`;
}

export function makeMesh(partial: Partial<NocParams> = {}): Module {
  const p = nocParams(partial);
  const top = new Module("noc_mesh");
  const L = flitLayout(p.w, p.h);
  const routers: RouterIO[][] = [];
  const nis: NiIO[] = [];
  for (let y = 0; y < p.h; y++) {
    routers.push([]);
    for (let x = 0; x < p.w; x++) {
      const r = makeRouter(p, x, y);
      top.submodule(meshNames.router(x, y), r.module);
      top.comb.set(r.coordX, constant(x, r.coordX.shape));
      top.comb.set(r.coordY, constant(y, r.coordY.shape));
      routers[y].push(r);
    }
  }
  for (let y = 0; y < p.h; y++) {
    for (let x = 0; x < p.w; x++) {
      const id = y * p.w + x;
      const r = routers[y][x];
      const ni = makeNi(p);
      nis.push(ni);
      top.submodule(meshNames.ni(x, y), ni.module);
      top.comb.set(ni.coordX, constant(x, ni.coordX.shape));
      top.comb.set(ni.coordY, constant(y, ni.coordY.shape));
      const injValid = top.input(meshNames.injValid(id), ni.injValid.shape);
      const injPkt = top.input(meshNames.injPkt(id), { width: L.descBits, signed: false });
      const injReady = top.output(meshNames.injReady(id), ni.injReady.shape);
      const ej = top.output(meshNames.ej(id), { width: WORD_BITS, signed: false });
      top.comb.set(ni.injValid, injValid);
      top.comb.set(ni.injPkt, injPkt);
      top.comb.set(injReady, ni.injReady);
      top.comb.set(ej, ni.ej);
      if (ni.lo) {
        const loValid = top.input(meshNames.injLoValid(id), ni.lo.injValid.shape);
        const loPkt = top.input(meshNames.injLoPkt(id), { width: L.descBits, signed: false });
        const loReady = top.output(meshNames.injLoReady(id), ni.lo.injReady.shape);
        top.comb.set(ni.lo.injValid, loValid);
        top.comb.set(ni.lo.injPkt, loPkt);
        top.comb.set(loReady, ni.lo.injReady);
      }
      top.comb.set(r.inp[Dir.L]!, ni.toRouter);
      top.comb.set(ni.crFromRouter, r.crOut[Dir.L]!);
      top.comb.set(ni.fromRouter, r.out[Dir.L]!);
      top.comb.set(r.crIn[Dir.L]!, ni.crToRouter);
      for (const d of r.dirs) {
        if (d === Dir.L) continue;
        const nb = neighbour(p.w, p.h, x, y, d)!;
        const other = routers[nb.y][nb.x];
        const back = opposite(d);
        // Our input on side d is fed by the neighbour's output facing us; our credits for it go back.
        top.comb.set(r.inp[d]!, other.out[back]!);
        top.comb.set(r.crIn[d]!, other.crOut[back]!);
      }
    }
  }
  for (let y = 0; y < p.h; y++) {
    const row = top.output(meshNames.ejValidRow(y), { width: p.w, signed: false });
    const bits = Array.from({ length: p.w }, (_, x) => nis[y * p.w + x].ej.bit(0)).reverse();
    top.comb.set(row, cat(...bits));
  }
  return top;
}

export { DIR_NAMES };
