/**
 * What moving data between two TBUs over the platform's mesh costs, on the XY route with the
 * platform's link bandwidths and latencies. Two forwarding models, a parameter:
 *   store-and-forward (default)  every hop receives the whole message before sending it on:
 *                                sum over the route's links of (bytes / bandwidth + latency),
 *                                i.e. hops x bytes / link bandwidth + hops x latency on a uniform
 *                                mesh. The cost the issue names; it charges distance in full, so
 *                                the locality of a placement shows.
 *   cut-through                  the bytes stream behind the head: bytes / the slowest link's
 *                                bandwidth + the sum of latencies (PALM's p2p, src/system/comm).
 * Transfers are delays, not link reservations: contention between them is not modelled (the
 * workflow's messages are small next to the tasks; src/system/comm models contention where
 * it matters).
 */
import { edgeDramPorts, xyPath } from "../platform/geometry.js";
import type { Platform, TileCoord } from "../platform/types.js";

export const FORWARDINGS = ["store-and-forward", "cut-through"] as const;
export type Forwarding = (typeof FORWARDINGS)[number];

interface RouteCost {
  /** Sum over links of 1 / bandwidth (ns per byte). */
  readonly nsPerByteSum: number;
  /** 1 / the slowest link's bandwidth (ns per byte). */
  readonly nsPerByteMax: number;
  readonly latencyNs: number;
}

export class TransferModel {
  private readonly routes = new Map<number, RouteCost>();
  private readonly meshX: number;
  private readonly ports: readonly TileCoord[];

  constructor(readonly platform: Platform, readonly forwarding: Forwarding = "store-and-forward") {
    this.meshX = platform.dies.x * platform.tilesPerDie.x;
    this.ports = edgeDramPorts(platform);
  }

  private route(a: TileCoord, b: TileCoord): RouteCost {
    const n = this.meshX * (this.platform.dies.y * this.platform.tilesPerDie.y);
    const key = (a.y * this.meshX + a.x) * n + (b.y * this.meshX + b.x);
    let r = this.routes.get(key);
    if (!r) {
      let sum = 0, max = 0, lat = 0;
      const { links } = xyPath(this.platform, a, b);
      for (const l of links) {
        const spec = this.platform.links[l.kind];
        const perByte = 1 / spec.bandwidthGBps; // GB/s = bytes per ns
        sum += perByte;
        max = Math.max(max, perByte);
        lat += spec.latencyNs;
      }
      r = { nsPerByteSum: sum, nsPerByteMax: max, latencyNs: lat };
      this.routes.set(key, r);
    }
    return r;
  }

  /** Hops of the XY route from a to b (the Manhattan distance). */
  hops(a: TileCoord, b: TileCoord): number {
    return Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
  }

  /**
   * Nanoseconds to load `bytes` from DRAM into tile t: read at one channel's bandwidth from the
   * channel nearest t (fewest hops), then across the mesh to t. Channels are not reserved: reads
   * that share one are not slowed (not modelled).
   */
  fromDramNs(t: TileCoord, bytes: number): number {
    if (bytes <= 0) return 0;
    let best = this.ports[0], hops = Infinity;
    for (const p of this.ports) {
      const h = Math.abs(p.x - t.x) + Math.abs(p.y - t.y);
      if (h < hops) { hops = h; best = p; }
    }
    return bytes / this.platform.dram.bandwidthGBps + this.ns(best, t, bytes);
  }

  /** Nanoseconds to move `bytes` from tile a to tile b (0 when a is b or nothing moves). */
  ns(a: TileCoord, b: TileCoord, bytes: number): number {
    if ((a.x === b.x && a.y === b.y) || bytes <= 0) return 0;
    const r = this.route(a, b);
    return (this.forwarding === "store-and-forward" ? bytes * r.nsPerByteSum : bytes * r.nsPerByteMax) + r.latencyNs;
  }
}
