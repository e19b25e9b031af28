/**
 * MoBiLE's expert memory on the GPU, kept so that it never moves more expert bytes over PCIe than
 * the baseline with the same cache policy on the same routed stream (papers.md 3(c)).
 *
 * Why this needs a mechanism: LRU is not monotone in its requests. Using fewer experts (a little
 * token's top ceil(k/2) instead of its top k) changes the recency order, and a later token can then
 * miss where the baseline hits (test/system/mobile.test.ts has a three-token case). A prefetch can
 * also bring an expert the next layer never routes to. So MoBiLE keeps, per layer:
 *  - the directory: the baseline's own cache (cache.ts, same policy, capacity and start), updated
 *    with every token's big set exactly as the baseline updates it. The router gives every token's
 *    big set, little or not, so this is something MoBiLE can run, not an oracle. A directory miss is
 *    a fetch the baseline makes.
 *  - what is physically there: every directory entry MoBiLE has actually loaded, plus "extras":
 *    experts the directory evicted that MoBiLE still holds, in slots the directory counts as filled
 *    but MoBiLE never loaded ("holes": experts the baseline fetched that MoBiLE did not need).
 *    Never more than `capacity` experts: the oldest extra is dropped first (there is one whenever
 *    the layer is over: the directory always holds `capacity` experts, so what is physically there
 *    less `capacity` is extras less holes).
 *  - a prefetch buffer (at most k experts, beside the cache) for speculative prefetches.
 * Accounting, with B = directory misses, M = experts MoBiLE moved, H = holes, every operation keeps
 * B - M - H >= 0:
 *    directory miss on an expert MoBiLE does not hold:  B + 1, H + 1            (0)
 *    directory miss on an extra or a buffered expert:   B + 1                   (+1: bytes saved)
 *    directory evicts a hole:                            H - 1                   (+1: bytes saved)
 *    directory evicts a loaded expert (kept as extra):   -                       (0)
 *    load into a hole (demand fetch, prefetch fill):     M + 1, H - 1            (0)
 *    speculative prefetch into the buffer:               M + 1, only if B - M - H >= 1
 *    dropping an extra, or a buffered expert unused:    -                       (0)
 * Hence M <= B - H <= B: every expert MoBiLE moves is one the baseline moves too, or is paid for
 * by one the baseline moved and MoBiLE did not. An expert MoBiLE needs is always in the directory
 * (its set is part of the big set the directory just took), so if MoBiLE lacks it, it is a hole.
 */
import type { ExpertCache } from "./cache.js";
import { makeCaches, type CacheStart } from "./warmup.js";

export class BoundedExpertMemory {
  private readonly directory: (ExpertCache | undefined)[];
  /** Physically in GPU memory per layer: loaded directory entries and extras. */
  private readonly present: Set<number>[];
  /** Extras per layer, oldest first. */
  private readonly extras: Map<number, true>[];
  /** Prefetch buffer per layer: expert -> transfer id. */
  private readonly buffer: Map<number, number>[];
  private dirMisses = 0;
  private movedCount = 0;
  private holeCount = 0;

  constructor(starts: readonly CacheStart[], readonly capacity: number, denseLayers: number) {
    this.directory = makeCaches(starts, capacity, denseLayers);
    this.present = this.directory.map((c) => new Set(c ? c.contents() : []));
    this.extras = this.directory.map(() => new Map());
    this.buffer = this.directory.map(() => new Map());
  }

  /** Directory misses so far: what the baseline fetches on this stream. */
  get baselineFetches(): number {
    return this.dirMisses;
  }

  /** Experts moved so far (demand and prefetch). */
  get moved(): number {
    return this.movedCount;
  }

  get holes(): number {
    return this.holeCount;
  }

  /** Experts the baseline moved and MoBiLE has not spent: what a speculative prefetch may use. */
  get savedExperts(): number {
    return this.dirMisses - this.movedCount - this.holeCount;
  }

  /** Whether expert e of `layer` is physically in GPU memory (buffer aside). */
  has(layer: number, e: number): boolean {
    return this.present[layer].has(e);
  }

  /** Whether e is in the layer's directory but not loaded. */
  isHole(layer: number, e: number): boolean {
    return this.directory[layer]!.has(e) && !this.present[layer].has(e);
  }

  isBuffered(layer: number, e: number): boolean {
    return this.buffer[layer].has(e);
  }

  /**
   * The directory takes a token's big set (rank order), as the baseline's cache would. Buffered
   * experts it names move into the cache (returned with their transfers); the rest of the buffer
   * is dropped (returned as a count).
   */
  admit(layer: number, big: readonly number[]): { placed: Map<number, number>; dropped: number } {
    const { misses, evicted } = this.directory[layer]!.access(big);
    const present = this.present[layer], extras = this.extras[layer], buffer = this.buffer[layer];
    for (const v of evicted) {
      if (present.has(v)) extras.set(v, true);
      else this.holeCount--;
    }
    const placed = new Map<number, number>();
    for (const e of misses) {
      this.dirMisses++;
      if (extras.delete(e)) continue;
      const t = buffer.get(e);
      if (t !== undefined) {
        present.add(e);
        placed.set(e, t);
      } else this.holeCount++;
    }
    const dropped = buffer.size - placed.size;
    buffer.clear();
    this.fit(layer);
    return { placed, dropped };
  }

  /** Load a hole (a demand fetch, or a prefetch of an expert the directory holds). */
  load(layer: number, e: number): void {
    if (!this.isHole(layer, e)) throw new Error(`internal: expert ${e} of layer ${layer} is loaded into memory but is not a hole`);
    this.present[layer].add(e);
    this.movedCount++;
    this.holeCount--;
    this.fit(layer);
  }

  /** A speculative prefetch of an expert outside the directory, into the buffer; false if no saved bytes pay for it. */
  stage(layer: number, e: number, transfer: number): boolean {
    if (this.directory[layer]!.has(e) || this.buffer[layer].has(e)) throw new Error(`internal: expert ${e} of layer ${layer} staged but it is in the directory or the buffer`);
    if (this.savedExperts < 1) return false;
    this.buffer[layer].set(e, transfer);
    this.movedCount++;
    return true;
  }

  /** Drop the oldest extras until the layer holds at most `capacity` experts. */
  private fit(layer: number): void {
    const present = this.present[layer], extras = this.extras[layer];
    while (present.size > this.capacity) {
      const oldest = extras.keys().next();
      if (oldest.done) throw new Error(`internal: layer ${layer} holds ${present.size} experts, capacity ${this.capacity}, and no extra to drop`);
      extras.delete(oldest.value);
      present.delete(oldest.value);
    }
    if (this.savedExperts < 0) throw new Error(`internal: MoBiLE moved ${this.movedCount} experts with ${this.holeCount} holes against the directory's ${this.dirMisses} misses`);
  }
}
