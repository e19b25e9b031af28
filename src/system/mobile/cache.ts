/**
 * The expert cache of one MoE layer in GPU memory: which of the layer's routed experts are there.
 * Two policies (papers.md 3(b): "expert cache in HBM (LRU or pinned)"):
 *  - "lru": every slot is managed least-recently-used; a miss evicts the expert used longest ago.
 *  - "pinned": the `pinned` experts used most in a seeded warm-up (warmup.ts) stay resident for
 *    the whole run; the other capacity - pinned slots are LRU. How many to pin is our choice, a
 *    parameter: by default half the capacity, at most capacity - k, so a token's k experts always
 *    fit in the LRU part beside the pinned ones.
 * The cache is a directory: access() says which experts of a token's set missed (to be fetched)
 * and which were evicted to make room. A token's experts are requested together: its hits become
 * the most recent first (in the order given; the schedulers give rank order), then its misses are
 * inserted in order, each evicting the least recently used expert. As the LRU part holds at least
 * k slots, an access never evicts an expert of its own set.
 */
export const CACHE_POLICIES = ["lru", "pinned"] as const;
export type CachePolicy = (typeof CACHE_POLICIES)[number];

export interface CacheAccess {
  /** Experts of the set that were not resident, in the order given. */
  readonly misses: number[];
  /** Experts evicted to make room, in eviction order. */
  readonly evicted: number[];
}

export class ExpertCache {
  private readonly pinnedSet: ReadonlySet<number>;
  /** LRU part in recency order: the first key is the least recently used. */
  private readonly lru = new Map<number, true>();
  readonly lruCapacity: number;

  /**
   * `pinned`: experts resident for good. `initial`: the LRU part's first contents, least recently
   * used first (at most capacity - pinned of them).
   */
  constructor(readonly capacity: number, pinned: readonly number[] = [], initial: readonly number[] = []) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`expert cache capacity ${capacity} must be a whole number >= 1`);
    this.pinnedSet = new Set(pinned);
    if (this.pinnedSet.size !== pinned.length) throw new RangeError("expert cache: an expert is pinned twice");
    this.lruCapacity = capacity - pinned.length;
    if (this.lruCapacity < 1) throw new RangeError(`expert cache: ${pinned.length} pinned experts leave no LRU slot of ${capacity}`);
    if (initial.length > this.lruCapacity) throw new RangeError(`expert cache: ${initial.length} initial experts exceed the ${this.lruCapacity} LRU slots`);
    for (const e of initial) {
      if (this.pinnedSet.has(e) || this.lru.has(e)) throw new RangeError(`expert cache: expert ${e} is given twice`);
      this.lru.set(e, true);
    }
  }

  has(expert: number): boolean {
    return this.pinnedSet.has(expert) || this.lru.has(expert);
  }

  get pinned(): readonly number[] {
    return [...this.pinnedSet];
  }

  /** Resident experts: pinned ones, then the LRU part from least to most recently used. */
  contents(): number[] {
    return [...this.pinnedSet, ...this.lru.keys()];
  }

  get size(): number {
    return this.pinnedSet.size + this.lru.size;
  }

  /** Use `experts` in order: hits become most recent, misses are inserted (evicting the LRU expert if full). */
  access(experts: readonly number[]): CacheAccess {
    if (new Set(experts).size !== experts.length) throw new RangeError(`expert cache: the set [${experts.join(", ")}] names an expert twice`);
    const nonPinned = experts.filter((e) => !this.pinnedSet.has(e)).length;
    if (nonPinned > this.lruCapacity) throw new RangeError(`expert cache: ${nonPinned} unpinned experts in one access exceed the ${this.lruCapacity} LRU slots`);
    const misses: number[] = [], evicted: number[] = [];
    // Hits first, so that the set's own experts are the most recent before anything is evicted.
    for (const e of experts) {
      if (this.pinnedSet.has(e)) continue;
      if (this.lru.has(e)) {
        this.lru.delete(e);
        this.lru.set(e, true);
      } else misses.push(e);
    }
    for (const e of misses) {
      if (this.lru.size === this.lruCapacity) {
        const victim = this.lru.keys().next().value as number;
        this.lru.delete(victim);
        evicted.push(victim);
      }
      this.lru.set(e, true);
    }
    return { misses, evicted };
  }
}
