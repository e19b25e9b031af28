/**
 * The MoBiLE scheduler (papers.md section 3): big experts for important tokens, little experts
 * for the rest, a fallback to big, and a prefetch of the next layer's experts predicted from the
 * little pass. Per token and MoE layer:
 *
 *  1. The router gives p; big = top k, little = top ceil(k/2) (routing.ts); the importance rule
 *     (importance.ts) judges the token.
 *  2. Mode: important -> big. Unimportant -> little, unless the fallback rule takes big after all.
 *     The paper does not say when it falls back (papers.md: unknown); our rule "resident" (the
 *     default; "none" turns it off) takes the big set when every expert it adds to the little set
 *     is already in GPU memory: the big set then costs compute only (a GEMV from GPU memory, some
 *     25-30x cheaper than its PCIe copy), no transfer, and the token loses nothing.
 *  3. The experts of the chosen set that are not in GPU memory are fetched on demand, in rank order,
 *     so the little set's misses head the PCIe queue.
 *  4. The little pass: the little set's experts (and the shared ones) are computed first; their
 *     output is the little token's result, and for a big token the estimate of its result.
 *  5. Prefetch: the next layer's router runs on the little pass's output (plus the residual), and
 *     the missing experts of the predicted little set (see PREFETCH_SETS) are queued on the same
 *     PCIe link, behind any demand fetch still queued.
 *     The paper does not say whether prefetching uses the little pass's routing (papers.md);
 *     we do, as the issue asks. In this model the next layer's input is exactly this layer's
 *     output, so for a little token the prediction is exact; attention in a real model sits in
 *     between and makes it approximate. For a big token it is approximate here too.
 *
 * Bytes: MoBiLE never moves more expert bytes than the baseline with the same cache policy on the
 * same routed stream (papers.md 3(c)). That is not automatic (LRU is not monotone in its requests,
 * and a prefetch can miss), so MoBiLE's GPU memory is kept against the baseline's own cache
 * directory and every transfer is accounted for: gpu-memory.ts says how and why the bound holds.
 * Speculative prefetches (of experts outside that directory) are paid from bytes already saved.
 */
import type { ImportanceRule } from "./importance.js";
import { isImportant } from "./importance.js";
import { addResidual, type MoeModel } from "./model.js";
import type { ExpertUse, ScheduleRun, Step, Transfer } from "./plan.js";
import { littleCount, renormalisedGates, routeSets } from "./routing.js";
import { BoundedExpertMemory } from "./gpu-memory.js";
import type { CacheStart } from "./warmup.js";

export const FALLBACK_RULES = ["resident", "none"] as const;
export type FallbackRule = (typeof FALLBACK_RULES)[number];

export interface MobileOptions {
  /** The importance threshold tau. */
  readonly tau: number;
  readonly rule: ImportanceRule;
  readonly fallback: FallbackRule;
  /** Prefetch the next layer's predicted experts after the little pass. */
  readonly prefetch: boolean;
  /** Which predicted experts to prefetch (PREFETCH_SETS); default "little". */
  readonly prefetchSet?: PrefetchSet;
}

/**
 * What to prefetch from the prediction: "little", its top ceil(k/2), which the next layer uses
 * whether the token turns out little or big there; or "predicted", the set the importance rule
 * picks on the prediction (top k when it predicts an important token). The paper does not say;
 * "little" is our default because it is what pays: on the three presets at their defaults
 * (128 tokens, lru) "predicted" moved 3-8 points more of the baseline's bytes, mostly experts a
 * wrong guess named, and was slower (1.22-1.35x against 1.31-1.38x): the baseline keeps the link
 * busy 78-91% of the time, so there is no idle link time to spend on guesses.
 */
export const PREFETCH_SETS = ["little", "predicted"] as const;
export type PrefetchSet = (typeof PREFETCH_SETS)[number];

export function runMobile(model: MoeModel, stream: readonly Float64Array[], starts: readonly CacheStart[], capacity: number, o: MobileOptions): ScheduleRun {
  if (!(o.tau >= 0) || !Number.isFinite(o.tau)) throw new RangeError(`tau = ${o.tau} must be a number >= 0`);
  const { layers, topK } = model.shape;
  const kl = littleCount(topK);
  const memory = new BoundedExpertMemory(starts, capacity, model.shape.denseLayers);
  const broughtBy = Array.from({ length: layers }, () => new Map<number, number>());
  const steps: Step[] = [];
  const transfers: Transfer[] = [];
  const stats = { fills: 0, speculative: 0, used: 0, wasted: 0, skipped: 0 };
  let lastPrefetch = new Set<number>();

  const queue = (layer: number, expert: number, kind: Transfer["kind"]): number => {
    const id = transfers.length;
    transfers.push({ id, layer, expert, kind });
    return id;
  };

  const outputs = stream.map((x0, token) => {
    let x = x0;
    lastPrefetch = new Set();
    for (let layer = 0; layer < layers; layer++) {
      if (model.isDense(layer)) {
        const out = model.denseLayer(layer, x);
        steps.push({ token, layer, mode: "dense", important: false, big: [], little: [], uses: [], littlePass: 0, predicts: false, demand: [], prefetch: [], input: x, output: out });
        x = out;
        continue;
      }
      const { y, probs } = model.route(layer, x);
      const { big, little } = routeSets(probs, topK);
      const important = isImportant(o.rule, o.tau, probs, big);

      // 1. The baseline's directory takes the big set; prefetched experts it names join the cache.
      const { placed, dropped } = memory.admit(layer, big);
      for (const [e, t] of placed) broughtBy[layer].set(e, t);
      stats.wasted += dropped;

      // 2. Big, little, or little falling back to big.
      const mode = important ? "big" : o.fallback === "resident" && big.slice(kl).every((e) => memory.has(layer, e)) ? "fallback" : "little";
      const used = mode === "little" ? little : big;
      const gates = renormalisedGates(probs, used);

      // 3. Demand fetches of what is missing, in rank order.
      const demand: number[] = [];
      for (const e of used) {
        if (memory.has(layer, e)) continue;
        memory.load(layer, e);
        const id = queue(layer, e, "demand");
        broughtBy[layer].set(e, id);
        demand.push(id);
      }
      const uses: ExpertUse[] = used.map((expert, r) => {
        const transfer = broughtBy[layer].get(expert) ?? -1;
        const prefetched = lastPrefetch.has(transfer);
        if (prefetched) stats.used++;
        return { expert, gate: gates[r], transfer, demand: demand.includes(transfer), prefetched };
      });

      // 4. The little pass, then the layer's output.
      const memo = new Map<number, Float64Array>();
      const littleOut = model.moeOutput(layer, y, little, renormalisedGates(probs, little), memo);
      const out = mode === "little" ? littleOut : model.moeOutput(layer, y, big, gates, memo);

      // 5. Predict the next layer from the little pass and prefetch what it will want.
      const predicts = o.prefetch && layer + 1 < layers;
      const prefetch: number[] = [];
      if (predicts) {
        const next = layer + 1;
        const { probs: pp } = model.route(next, addResidual(x, littleOut));
        const sets = routeSets(pp, topK);
        const wanted = o.prefetchSet === "little" ? sets.little : isImportant(o.rule, o.tau, pp, sets.big) ? sets.big : sets.little;
        for (const e of wanted) {
          if (memory.has(next, e) || memory.isBuffered(next, e)) continue;
          if (memory.isHole(next, e)) {
            // The baseline fetched this expert earlier and still holds it; MoBiLE loads it now.
            memory.load(next, e);
            const id = queue(next, e, "prefetch");
            broughtBy[next].set(e, id);
            prefetch.push(id);
            stats.fills++;
          } else if (memory.stage(next, e, transfers.length)) {
            prefetch.push(queue(next, e, "prefetch"));
            stats.speculative++;
          } else stats.skipped++;
        }
      }
      lastPrefetch = new Set(prefetch);

      const output = addResidual(x, out);
      steps.push({ token, layer, mode, important, probs, big, little, uses, littlePass: kl, predicts, demand, prefetch, input: x, output });
      x = output;
    }
    return x;
  });
  if (memory.moved !== transfers.length) throw new Error(`internal: ${transfers.length} transfers but ${memory.moved} experts moved`);
  return { scheduler: "mobile", steps, transfers, outputs, prefetch: stats };
}
