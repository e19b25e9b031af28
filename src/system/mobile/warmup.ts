/**
 * The seeded warm-up: before the measured run, a separate stream of tokens goes through the full
 * top-k model and every MoE layer counts how often each expert was used. That count decides the
 * pinned experts of the "pinned" policy and what every cache holds when the run starts, the same
 * for the baseline and MoBiLE: each layer's most used experts, loaded before the first token as
 * part of loading the model (those bytes are not counted as fetched). Starting warm keeps a short
 * run from measuring mostly cold misses; under "lru" the preloaded experts are ordinary LRU
 * entries (the least used the first to go), under "pinned" the top `pinned` stay for good.
 * The warm-up's length (64 tokens by default) is our choice.
 */
import { ExpertCache, type CachePolicy } from "./cache.js";
import { addResidual, type MoeModel } from "./model.js";
import { renormalisedGates, routeSets } from "./routing.js";
import { tokenStream } from "./stream.js";
import { mixSeed } from "./numerics.js";

export const DEFAULT_WARMUP_TOKENS = 64;

export interface CacheConfig {
  readonly policy: CachePolicy;
  /** Routed experts cached per MoE layer. */
  readonly capacity: number;
  /** Pinned experts per layer ("pinned" policy; 0 under "lru"). */
  readonly pinned: number;
}

/** Per layer (dense layers: empty), the pinned experts and the LRU part's initial contents (least recent first). */
export interface CacheStart {
  readonly pinned: readonly number[];
  readonly initial: readonly number[];
}

/** How often each expert of each layer is used by `tokens` warm-up tokens through the top-k model. */
export function warmupCounts(model: MoeModel, tokens: number, seed: number, correlation?: number): number[][] {
  const { layers, experts, topK, hidden } = model.shape;
  const counts = Array.from({ length: layers }, () => new Array<number>(experts).fill(0));
  for (const x0 of tokenStream({ tokens, hidden, seed: mixSeed(seed, 7), correlation })) {
    let x = x0;
    for (let l = 0; l < layers; l++) {
      if (model.isDense(l)) {
        x = model.denseLayer(l, x);
        continue;
      }
      const { y, probs } = model.route(l, x);
      const { big } = routeSets(probs, topK);
      for (const e of big) counts[l][e]++;
      x = addResidual(x, model.moeOutput(l, y, big, renormalisedGates(probs, big)));
    }
  }
  return counts;
}

/** Pinned experts by default: half the capacity, leaving at least k LRU slots. */
export function defaultPinned(capacity: number, topK: number): number {
  return Math.max(0, Math.min(Math.floor(capacity / 2), capacity - topK));
}

/** Check a cache configuration against the model: it must hold a token's k experts beside the pinned ones. */
export function checkCacheConfig(c: CacheConfig, experts: number, topK: number): void {
  if (!Number.isInteger(c.capacity) || c.capacity < topK || c.capacity > experts) {
    throw new RangeError(`cache capacity ${c.capacity} experts per layer must be ${topK}..${experts} (at least a token's top-${topK}, at most all experts)`);
  }
  if (c.policy === "lru" && c.pinned !== 0) throw new RangeError(`the lru policy pins nothing (pinned = ${c.pinned})`);
  if (!Number.isInteger(c.pinned) || c.pinned < 0 || c.pinned > c.capacity - topK) {
    throw new RangeError(`pinned experts ${c.pinned} must be 0..${c.capacity - topK} (capacity ${c.capacity} less a token's top-${topK})`);
  }
}

/** Each layer's cache at the start of a run: the warm-up's most used experts (ties to the lower index). */
export function cacheStarts(counts: readonly (readonly number[])[], c: CacheConfig, denseLayers: number): CacheStart[] {
  return counts.map((row, l) => {
    if (l < denseLayers) return { pinned: [], initial: [] };
    const byUse = row.map((_, e) => e).sort((a, b) => row[b] - row[a] || a - b);
    const pinned = byUse.slice(0, c.pinned);
    // The LRU part, least recently used first: the least used of the preloaded experts goes first.
    const initial = byUse.slice(c.pinned, c.capacity).reverse();
    return { pinned, initial };
  });
}

/** Fresh caches (one per layer; undefined for dense layers) from their starts. */
export function makeCaches(starts: readonly CacheStart[], capacity: number, denseLayers: number): (ExpertCache | undefined)[] {
  return starts.map((s, l) => (l < denseLayers ? undefined : new ExpertCache(capacity, s.pinned, s.initial)));
}
