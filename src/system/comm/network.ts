/**
 * The platform's mesh as the system model's network (PALM's link-as-resource NoC): every directed
 * link between neighbouring tiles is a resource of capacity 1, a transfer follows the XY route and
 * holds every link of it for its whole duration, so transfers that share a link serialize. On an
 * idle path a transfer of S bytes takes
 *     S / (the slowest link's bandwidth on the path) + the sum of the links' latencies,
 * PALM's p2p formula (bytes / bw + hops x latency, with the inter-die bandwidth as soon as the
 * route crosses a die boundary).
 *
 * Beyond PALM, each tile's network interface is a resource too, one to inject and one to eject
 * (held with the route's links): the RTL mesh has one ejection port per router, and the
 * cross-check against it (rtl-crosscheck.ts) showed two transfers from different sides into one
 * tile serialize there (a 2-source hotspot took twice the link-only model's time).
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

function checkBytes(bytes: number): void {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`transfer of ${bytes} bytes: the size must be a finite number >= 0`);
}

export class MeshNetwork {
  private readonly links = new Map<string, LinkEntry>();
  private readonly ports = new Map<string, Resource>();
  private transfersDone = 0;

  /** With `record`, every link keeps the interval of each transfer over it (for timelines). */
  constructor(readonly sim: EventSim, readonly platform: Platform, private readonly record = false) {}

  private entry(l: MeshLink): LinkEntry {
    const key = `${l.from.x},${l.from.y}>${l.to.x},${l.to.y}`;
    let e = this.links.get(key);
    if (!e) this.links.set(key, (e = { res: new Resource(this.sim, 1, `link ${key}`), link: l, bytes: 0, busy: [] }));
    return e;
  }

  private port(kind: "inject" | "eject", t: TileCoord): Resource {
    const key = `${kind} ${t.x},${t.y}`;
    let r = this.ports.get(key);
    if (!r) this.ports.set(key, (r = new Resource(this.sim, 1, key)));
    return r;
  }

  /** The links of the XY route from a to b (none when a = b). */
  route(a: TileCoord, b: TileCoord): MeshLink[] {
    return xyPath(this.platform, a, b).links;
  }

  /** A route's slowest link's bandwidth (GB/s = bytes per ns) and the sum of its latencies (ns). */
  private cost(path: readonly MeshLink[]): { bandwidth: number; latency: number } {
    let bandwidth = Infinity, latency = 0;
    for (const l of path) {
      const spec = this.platform.links[l.kind];
      bandwidth = Math.min(bandwidth, spec.bandwidthGBps);
      latency += spec.latencyNs;
    }
    return { bandwidth, latency };
  }

  /** Sum of the route's link latencies (ns). */
  pathLatency(a: TileCoord, b: TileCoord): number {
    return this.cost(this.route(a, b)).latency;
  }

  /** Nanoseconds for `bytes` from a to b on idle links (PALM's p2p formula, see the header). */
  idleTime(a: TileCoord, b: TileCoord, bytes: number): number {
    checkBytes(bytes);
    const path = this.route(a, b);
    if (path.length === 0) return 0;
    const { bandwidth, latency } = this.cost(path);
    return bytes / bandwidth + latency;
  }

  /**
   * Move `bytes` from a to b: wait for the source's injection port, every link of the route and
   * the destination's ejection port, hold them while the bytes go on (bytes / the slowest link's
   * bandwidth), release, and deliver after the route's latency. On idle links that is the idle
   * time. Returns the nanoseconds from the call to delivery.
   */
  *transfer(a: TileCoord, b: TileCoord, bytes: number): ProcessBody<number> {
    checkBytes(bytes);
    const t0 = this.sim.now;
    const route = this.route(a, b), { bandwidth, latency } = this.cost(route);
    const path = route.map((l) => this.entry(l));
    // Source port, links in route order, destination port: every transfer takes its resources in
    // this order along an XY route, so no two can each hold what the other waits for.
    const ends = path.length ? [this.port("inject", a), this.port("eject", b)] : [];
    if (ends.length) yield ends[0].request();
    for (const e of path) yield e.res.request();
    if (ends.length) yield ends[1].request();
    // The route is busy while the bytes go onto it (bytes / bandwidth); the hops' latency is
    // propagation, during which the links already carry the next transfer (the RTL pipelines a
    // packet's flits behind another's the same way).
    const start = this.sim.now;
    yield this.sim.timeout(bytes / bandwidth); // an empty route: 0 (bandwidth Infinity)
    for (const e of path) {
      e.bytes += bytes;
      if (this.record) e.busy.push([start, this.sim.now]);
      e.res.release();
    }
    for (const r of ends) r.release();
    if (latency > 0) yield this.sim.timeout(latency);
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
