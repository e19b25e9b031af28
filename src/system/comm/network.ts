/**
 * The platform's mesh as the system model's network (PALM's link-as-resource NoC): every directed
 * link between neighbouring tiles is a resource of capacity 1, a transfer follows the XY route and
 * holds every link of it for its whole duration, so transfers that share a link serialize. On an
 * idle path a transfer of S bytes takes
 *     S / (the slowest link's bandwidth on the path) + the sum of the links' latencies,
 * PALM's p2p formula (bytes / bw + hops x latency, with the inter-die bandwidth as soon as the
 * route crosses a die boundary).
 */
import { EventSim, Resource } from "../des/index.js";
import type { ProcessBody } from "../des/index.js";
import { xyPath } from "../platform/geometry.js";
import type { MeshLink, Platform, TileCoord } from "../platform/types.js";

export interface LinkUse {
  readonly from: TileCoord;
  readonly to: TileCoord;
  readonly kind: MeshLink["kind"];
  readonly bytes: number;
  readonly transfers: number;
  /** Share of the run so far the link was busy. */
  readonly utilization: number;
  /** [start, end] ns of each transfer (networks made with `record`). */
  readonly busy?: readonly (readonly [number, number])[];
}

interface LinkEntry {
  readonly res: Resource;
  readonly link: MeshLink;
  bytes: number;
  /** [start, end] of each transfer over it, when the network records them. */
  readonly busy: [number, number][];
}

export class MeshNetwork {
  private readonly links = new Map<string, LinkEntry>();
  private transfersDone = 0;

  /** With `record`, every link keeps the interval of each transfer over it (for timelines). */
  constructor(readonly sim: EventSim, readonly platform: Platform, private readonly record = false) {}

  private entry(l: MeshLink): LinkEntry {
    const key = `${l.from.x},${l.from.y}>${l.to.x},${l.to.y}`;
    let e = this.links.get(key);
    if (!e) this.links.set(key, (e = { res: new Resource(this.sim, 1, `link ${key}`), link: l, bytes: 0, busy: [] }));
    return e;
  }

  /** The links of the XY route from a to b (none when a = b). */
  route(a: TileCoord, b: TileCoord): MeshLink[] {
    return xyPath(this.platform, a, b).links;
  }

  /** Nanoseconds for `bytes` from a to b on idle links (PALM's p2p formula, see the header). */
  idleTime(a: TileCoord, b: TileCoord, bytes: number): number {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`transfer of ${bytes} bytes: the size must be a finite number >= 0`);
    const path = this.route(a, b);
    if (path.length === 0) return 0;
    let bw = Infinity, latency = 0;
    for (const l of path) {
      const spec = this.platform.links[l.kind];
      bw = Math.min(bw, spec.bandwidthGBps);
      latency += spec.latencyNs;
    }
    return bytes / bw + latency; // GB/s = bytes per ns
  }

  /**
   * Move `bytes` from a to b: wait for every link of the route (taken in route order; XY routes
   * have no cyclic dependences between links, so transfers cannot deadlock each other), hold them
   * for the idle time, release. Returns the nanoseconds from the call to delivery.
   */
  *transfer(a: TileCoord, b: TileCoord, bytes: number): ProcessBody<number> {
    const t0 = this.sim.now;
    const time = this.idleTime(a, b, bytes);
    const path = this.route(a, b).map((l) => this.entry(l));
    for (const e of path) yield e.res.request();
    const start = this.sim.now;
    yield this.sim.timeout(time);
    for (const e of path) {
      e.bytes += bytes;
      if (this.record) e.busy.push([start, this.sim.now]);
      e.res.release();
    }
    this.transfersDone++;
    return this.sim.now - t0;
  }

  get transfers(): number {
    return this.transfersDone;
  }

  /** Every link used so far, with bytes, transfers and utilization (and busy intervals when recording). */
  linkUse(): LinkUse[] {
    return [...this.links.values()].map(({ res, link, bytes, busy }) => ({
      from: link.from, to: link.to, kind: link.kind, bytes, transfers: res.grants, utilization: res.utilization(),
      ...(this.record ? { busy } : {}),
    }));
  }
}
