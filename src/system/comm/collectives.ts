/**
 * Collectives over a ring of tiles, simulated step by step on the network (PALM's non-analytical
 * mode): in each step every member sends one chunk to a ring partner at once, and the next step
 * starts when all of them have arrived (a ring step is a barrier in an implementation that
 * reduces on arrival). With P members and S bytes:
 *   reduce-scatter, all-gather: P - 1 steps of S / P to the next member
 *   all-reduce: reduce-scatter then all-gather, 2(P - 1) steps
 *   all-to-all: P - 1 steps; in step s member i sends its S / P chunk for member i + s
 * On idle links with every ring neighbour one hop away this gives the analytical forms,
 * e.g. all-reduce = 2(P-1)/P x S / BW + 2(P-1) x latency (collectiveIdleTime).
 */
import type { ProcessBody } from "../des/index.js";
import type { TileCoord } from "../platform/types.js";
import type { MeshNetwork } from "./network.js";

export const COLLECTIVES = ["all-reduce", "all-gather", "reduce-scatter", "all-to-all"] as const;
export type Collective = (typeof COLLECTIVES)[number];

/** For each step, the member offset each member sends to. */
function steps(kind: Collective, p: number): number[] {
  if (kind === "all-to-all") return Array.from({ length: p - 1 }, (_, s) => s + 1);
  return new Array<number>(kind === "all-reduce" ? 2 * (p - 1) : p - 1).fill(1);
}

function check(kind: Collective, members: readonly TileCoord[], bytes: number): void {
  if (!(COLLECTIVES as readonly string[]).includes(kind)) throw new RangeError(`collective '${kind}': use ${COLLECTIVES.join(", ")}`);
  if (members.length === 0) throw new RangeError(`${kind}: the ring has no members`);
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`${kind} of ${bytes} bytes: the size must be a finite number >= 0`);
}

/** Run the collective on the network; returns its nanoseconds. */
export function* ringCollective(net: MeshNetwork, kind: Collective, members: readonly TileCoord[], bytes: number): ProcessBody<number> {
  check(kind, members, bytes);
  const t0 = net.sim.now, p = members.length, chunk = bytes / p;
  for (const offset of steps(kind, p)) {
    const sends = members.map((m, i) => net.sim.process(net.transfer(m, members[(i + offset) % p], chunk), `${kind} send`));
    yield net.sim.allOf(sends);
  }
  return net.sim.now - t0;
}

/**
 * The collective's time with no contention: the sum over steps of the slowest send's idle time.
 * Equal to ringCollective on an idle network when no two sends of a step share a link.
 */
export function collectiveIdleTime(net: MeshNetwork, kind: Collective, members: readonly TileCoord[], bytes: number): number {
  check(kind, members, bytes);
  const p = members.length, chunk = bytes / p;
  let total = 0;
  for (const offset of steps(kind, p)) total += Math.max(...members.map((m, i) => net.idleTime(m, members[(i + offset) % p], chunk)));
  return total;
}
