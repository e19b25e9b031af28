/**
 * The system model's network against the RTL mesh (src/hw/noc) on the same transfers: a platform
 * made to match a mesh (one tile per router, links of one 32-bit flit per cycle at 1 GHz, a hop's
 * latency the router's pipeline plus the link), each transfer a packet of its flits in the RTL and
 * a transfer of its bytes in the model, both started at the same cycle. The model leaves out what
 * only the RTL has (the source router's own pipeline, injection and ejection at the network
 * interfaces: zeroLoadLatency - model = routerDelay + 2 cycles on an idle mesh) and interleaves
 * nothing (two packets on one link: the RTL shares the link flit by flit, the model sends one
 * after the other), so the report says how far apart they are, per transfer.
 */
import { makeMesh } from "../../hw/noc/mesh.js";
import { nocParams, routerDelay, type NocParams } from "../../hw/noc/params.js";
import { buildAndSimulate } from "../../sim/index.js";
import { runNoc } from "../../tb/noc/driver.js";
import { EventSim } from "../des/index.js";
import type { Platform } from "../platform/types.js";
import { MeshNetwork } from "./network.js";

/** Bytes in one flit of the RTL mesh (its 32-bit link word). */
export const RTL_FLIT_BYTES = 4;

export interface CrossTransfer {
  readonly cycle: number;
  readonly src: number;
  readonly dst: number;
  readonly flits: number;
}

export interface CrossResult extends CrossTransfer {
  /** Cycles from `cycle` to delivery of the last flit in the RTL, and to the end of the transfer in the model. */
  readonly rtl: number;
  readonly model: number;
}

/** A platform whose network is the RTL mesh's: w x h tiles, 4 bytes per cycle per link at 1 GHz. */
export function platformOfMesh(p: NocParams): Platform {
  const link = { bandwidthGBps: RTL_FLIT_BYTES, latencyNs: routerDelay(p) + p.linkLatency };
  return {
    name: `rtl-mesh-${p.w}x${p.h}`, clockGHz: 1, dies: { x: 1, y: 1 }, tilesPerDie: { x: p.w, y: p.h },
    tile: { peakOps: { int8: 128e9, fp16: 64e9, fp32: 32e9 }, sramBytes: 1 << 20, array: { rows: 8, cols: 8 } },
    links: { intraDie: link, interDie: link },
    dram: { placement: "edge", bandwidthGBps: 16, capacityBytes: 1 << 30, channels: 1 },
  };
}

export function crossCheck(transfers: readonly CrossTransfer[], mesh: Partial<NocParams> = {}): CrossResult[] {
  const p = nocParams({ w: 4, h: 4, ...mesh });
  const sim = buildAndSimulate(() => makeMesh(p));
  const last = Math.max(...transfers.map((t) => t.cycle));
  const r = runNoc(sim, p, {
    traffic: { kind: "trace", trace: transfers.map((t) => ({ cycle: t.cycle, src: t.src, dst: t.dst, size: t.flits })) },
    rate: 0, packetSize: 1, warmup: 0, measure: last + 1, seed: 1,
  });
  if (!r.passed) throw new Error(`RTL mesh run failed: ${r.checker.failures.join("; ")}`);
  // runNoc keeps packets in creation order (the trace sorted by cycle, stable).
  const order = transfers.map((t, i) => ({ t, i })).sort((a, b) => a.t.cycle - b.t.cycle);
  const rtl = new Array<number>(transfers.length);
  order.forEach(({ t, i }, k) => (rtl[i] = r.packets[k].delivered - t.cycle));

  const es = new EventSim();
  const net = new MeshNetwork(es, platformOfMesh(p));
  const at = (n: number) => ({ x: n % p.w, y: Math.floor(n / p.w) });
  const model = new Array<number>(transfers.length);
  transfers.forEach((t, i) => es.process((function* () {
    yield es.timeout(t.cycle);
    yield* net.transfer(at(t.src), at(t.dst), t.flits * RTL_FLIT_BYTES);
    model[i] = es.now - t.cycle;
  })()));
  es.run();
  return transfers.map((t, i) => ({ ...t, rtl: rtl[i], model: model[i] }));
}
