/**
 * The baseline scheduler: every token uses its top-k experts with gates renormalised over them;
 * an expert missing from the layer's cache is fetched over PCIe when the router asks for it
 * (on demand, in rank order), and the cache's policy decides what it evicts. No prediction, no
 * prefetch. This is plain offloaded MoE inference (Mixtral-offloading's LRU cache without its
 * speculative loading), the baseline MoBiLE's speedup is measured against.
 */
import { addResidual, type MoeModel } from "./model.js";
import type { ScheduleRun, Step, Transfer } from "./plan.js";
import { renormalisedGates, routeSets } from "./routing.js";
import { makeCaches, type CacheStart } from "./warmup.js";

export function runBaseline(model: MoeModel, stream: readonly Float64Array[], starts: readonly CacheStart[], capacity: number): ScheduleRun {
  const { layers, topK, denseLayers } = model.shape;
  const caches = makeCaches(starts, capacity, denseLayers);
  const steps: Step[] = [];
  const transfers: Transfer[] = [];
  // The transfer that last brought each expert in, per layer (-1: there from the start).
  const broughtBy = Array.from({ length: layers }, () => new Map<number, number>());
  const outputs = stream.map((x0, token) => {
    let x = x0;
    for (let layer = 0; layer < layers; layer++) {
      if (model.isDense(layer)) {
        const out = model.denseLayer(layer, x);
        steps.push({ token, layer, mode: "dense", important: false, big: [], little: [], uses: [], littlePass: 0, predicts: false, demand: [], prefetch: [], input: x, output: out });
        x = out;
        continue;
      }
      const { y, probs } = model.route(layer, x);
      const { big, little } = routeSets(probs, topK);
      const gates = renormalisedGates(probs, big);
      const { misses } = caches[layer]!.access(big);
      const demand = misses.map((expert) => {
        const id = transfers.length;
        transfers.push({ id, layer, expert, kind: "demand" });
        broughtBy[layer].set(expert, id);
        return id;
      });
      const uses = big.map((expert, r) => ({ expert, gate: gates[r], transfer: broughtBy[layer].get(expert) ?? -1, demand: misses.includes(expert), prefetched: false }));
      const out = addResidual(x, model.moeOutput(layer, y, big, gates));
      steps.push({ token, layer, mode: "big", important: true, probs, big, little, uses, littlePass: 0, predicts: false, demand, prefetch: [], input: x, output: out });
      x = out;
    }
    return x;
  });
  return { scheduler: "baseline", steps, transfers, outputs };
}
