/**
 * A monitor on the links from every network interface into its router: wraps a mesh simulator so
 * that, just before each step (inputs of the cycle applied, comb settled), it reads every
 * interface's `to_router` word. It records the cycle each packet's head leaves its interface and
 * fails on a flit that breaks a packet apart (a head while another packet is still being sent, a
 * body flit with no packet open, wrong body data): the wormhole property at the interface, seen
 * from outside the RTL. Cycles count the wrapper's steps, as runNoc counts its cycles.
 */
import { decodeHead, flitData, flitLayout, wordData, wordHead, wordTail, wordValid } from "../../../src/hw/noc/flit.js";
import { meshNames } from "../../../src/hw/noc/mesh.js";
import { niNames } from "../../../src/hw/noc/ni.js";
import type { NocParams } from "../../../src/hw/noc/params.js";
import type { Simulator } from "../../../src/sim/index.js";

export interface HeadSeen {
  readonly cycle: number;
  readonly src: number;
  readonly dst: number;
  /** Sequence tag (mod 2^seqBits) of the packet within its (src, dst) pair. */
  readonly seq: number;
}

export interface NiMonitor {
  readonly sim: Simulator;
  readonly heads: HeadSeen[];
  readonly failures: string[];
}

export function monitorInterfaces(sim: Simulator, p: NocParams): NiMonitor {
  const L = flitLayout(p.w, p.h);
  const N = p.w * p.h;
  const links = Array.from({ length: N }, (_, i) => sim.accessor(`${meshNames.ni(i % p.w, Math.floor(i / p.w))}.${niNames.toRouter}`));
  const open = Array.from({ length: N }, () => ({ head: -1, k: 0 }));
  const heads: HeadSeen[] = [];
  const failures: string[] = [];
  let t = 0;
  const look = () => {
    for (let i = 0; i < N; i++) {
      const w = links[i].get();
      if (!wordValid(w)) continue;
      const o = open[i];
      if (wordHead(w)) {
        if (o.head >= 0) failures.push(`cycle ${t}: node ${i}'s interface started a packet while another was being sent`);
        const hd = decodeHead(L, wordData(w));
        heads.push({ cycle: t, src: hd.src, dst: hd.dst, seq: hd.seq });
        o.head = wordData(w);
        o.k = 0;
      } else if (o.head < 0) {
        failures.push(`cycle ${t}: node ${i}'s interface sent a body flit with no packet open`);
        continue;
      } else if (wordData(w) !== flitData(o.head, ++o.k)) {
        failures.push(`cycle ${t}: node ${i}'s interface sent flit ${o.k} with foreign data (packets interleaved)`);
      }
      if (wordTail(w)) o.head = -1;
    }
  };
  const wrapped = new Proxy(sim, {
    get(target, prop, recv) {
      if (prop === "step") {
        return (n = 1) => {
          for (let s = 0; s < n; s++) {
            look();
            t++;
            target.step();
          }
        };
      }
      if (prop === "reset") {
        return () => {
          target.reset();
          t = 0;
        };
      }
      const v = Reflect.get(target, prop, recv);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { sim: wrapped, heads, failures };
}
