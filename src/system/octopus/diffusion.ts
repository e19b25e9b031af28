/**
 * One round of first-order diffusion load balancing (Cybenko, 1989), Octopus's balancer across the
 * wafer: every cluster sends each mesh neighbour that holds less a share of the difference,
 *     flow(c -> n) = alpha x (load_c - load_n)    when load_c > load_n,
 * all flows computed from the same snapshot of loads, so a round needs only neighbour exchanges.
 * The paper names the method, not its coefficient: alpha is a parameter, default 0.2. A cluster
 * then never sends out more than alpha x degree (at most 4) x its own load, under its load for
 * alpha <= 1/4, the bound we enforce; and the spread of load shrinks every round on a connected
 * mesh for alpha below 1 / (max degree) (the classic stability condition).
 */
export interface DiffusionFlow {
  readonly from: number;
  readonly to: number;
  /** In the units of the loads. */
  readonly amount: number;
}

export const MAX_DIFFUSION_ALPHA = 0.25;

export function diffusionFlows(loads: readonly number[], neighbours: readonly (readonly number[])[], alpha: number): DiffusionFlow[] {
  if (!(alpha > 0 && alpha <= MAX_DIFFUSION_ALPHA)) throw new RangeError(`diffusion coefficient ${alpha}: must be > 0 and <= ${MAX_DIFFUSION_ALPHA} (so a cluster never sends away more load than it holds)`);
  const flows: DiffusionFlow[] = [];
  loads.forEach((l, c) => {
    for (const n of neighbours[c]) if (l > loads[n]) flows.push({ from: c, to: n, amount: alpha * (l - loads[n]) });
  });
  return flows;
}

/** Loads after applying `flows` exactly (fractional amounts): the ideal a round aims at. */
export function applyFlows(loads: readonly number[], flows: readonly DiffusionFlow[]): number[] {
  const next = [...loads];
  for (const f of flows) {
    next[f.from] -= f.amount;
    next[f.to] += f.amount;
  }
  return next;
}
