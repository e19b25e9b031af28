/**
 * The invasive baseline's planner, EPLB-style: the same trigger and greedy loop as NI-Balancer
 * (golden niBalancerPlan: while max H / mean H > 1 + alpha, take the most loaded device and its
 * hottest expert that can move) but topology-unaware, as EPLB packs a replica onto the least
 * loaded device: the copy goes to the device with a free shadow slot and the lowest load H_d
 * (lowest id on ties) among those whose new load stays below the current maximum, wherever it is
 * on the mesh. So the maximum predicted load never rises either; the copies travel further. Its
 * migrations run in a pause (balance-study.ts), exposed on the critical path.
 */
import { type BalancerPlan, type BalancerSpec, type Migration, deviceLoads, ftdOf, imbalance, migrationSteps } from "../../golden/wsc.js";

export function greedyBalancerPlan(s: BalancerSpec): BalancerPlan {
  const N = s.W * s.H;
  const ftd = ftdOf(s.mapping, N);
  const replicas = (s.replicas ?? s.placement.map((d) => [d])).map((r) => [...r]);
  const shadows = new Array<number>(N).fill(0);
  for (const devs of replicas) for (const d of devs.slice(1)) shadows[d]++;
  const before = deviceLoads(replicas, s.loads, N);
  const triggered = imbalance(before) > 1 + s.alpha;
  const migrations: Migration[] = [];
  let H = before;
  while (triggered && imbalance(H) > 1 + s.alpha) {
    const max = Math.max(...H);
    const hot = H.indexOf(max);
    // Experts on the hottest device, hottest share first (lowest id on ties).
    const mine = s.loads.map((_, e) => e).filter((e) => s.loads[e] > 0 && replicas[e].includes(hot));
    mine.sort((a, b) => s.loads[b] / replicas[b].length - s.loads[a] / replicas[a].length || a - b);
    let move: { e: number; to: number } | undefined;
    for (const e of mine) {
      const share = s.loads[e] / (replicas[e].length + 1);
      let to = -1;
      H.forEach((h, d) => {
        if (shadows[d] < s.slots && !replicas[e].includes(d) && h + share < max && (to < 0 || h < H[to])) to = d;
      });
      if (to >= 0) {
        move = { e, to };
        break;
      }
    }
    if (!move) break;
    replicas[move.e].push(move.to);
    shadows[move.to]++;
    migrations.push({ expert: move.e, from: hot, to: move.to, steps: migrationSteps(s.W, ftd, hot, move.to, s.routing ?? "xy") });
    H = deviceLoads(replicas, s.loads, N);
  }
  return { triggered, migrations, replicas, before, after: H };
}
