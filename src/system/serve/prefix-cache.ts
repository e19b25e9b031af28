/**
 * Automatic prefix caching over block-paged KV (XY-Serve section 4, after vLLM's APC): the keys and
 * values of prompts already prefilled are kept in blocks of `blockSize` tokens, in a radix tree
 * whose path from the root spells a token sequence. A new prompt takes the longest cached prefix:
 * whole blocks are shared (reference counted); where the tree and the prompt part inside a block,
 * the matched tokens of that block are copied into a new block of the request's own
 * (copy-on-write) and the block records how many of its tokens are valid.
 *
 * KV values here are a stand-in with the property that matters: a token's value depends on every
 * token before it (`kvOf`), so a cache that hands a request a block of another sequence hands it
 * wrong values, and the tests see it.
 */

/** The stand-in KV of token i of a sequence: a hash of tokens[0..i], as attention's K/V depend on the whole prefix. */
export function kvSequence(tokens: Int32Array): Float64Array {
  const out = new Float64Array(tokens.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < tokens.length; i++) {
    h = Math.imul(h ^ tokens[i], 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    out[i] = h;
  }
  return out;
}

export interface KvBlock {
  readonly id: number;
  readonly tokens: Int32Array;
  readonly kv: Float64Array;
  /** Tokens of this block that hold data (the last block of a sequence may be partial). */
  valid: number;
  /** Requests holding the block. */
  refs: number;
  lastUse: number;
  readonly parent: KvBlock | undefined;
  readonly children: KvBlock[];
}

export interface PrefixMatch {
  /** Tokens whose KV the cache holds. */
  readonly matched: number;
  /** Whole blocks matched, root first. */
  readonly blocks: KvBlock[];
  /** The block where the match ended inside it (copied on write), with the tokens matched there. */
  readonly partial?: { readonly block: KvBlock; readonly tokens: number };
}

export class PrefixCache {
  private readonly root: KvBlock;
  private nextId = 1;
  private clock = 0;
  /** Blocks in the tree (the root excluded). */
  size = 0;
  /** Blocks copied on write, and evicted. */
  copies = 0;
  evictions = 0;

  constructor(readonly blockSize: number, readonly capacityBlocks: number) {
    if (!(Number.isInteger(blockSize) && blockSize >= 1)) throw new Error(`prefix cache: blockSize = ${blockSize} must be a whole number of tokens >= 1`);
    if (!(Number.isInteger(capacityBlocks) && capacityBlocks >= 1)) throw new Error(`prefix cache: capacityBlocks = ${capacityBlocks} must be a whole number >= 1`);
    this.root = { id: 0, tokens: new Int32Array(0), kv: new Float64Array(0), valid: 0, refs: 1, lastUse: 0, parent: undefined, children: [] };
  }

  /** The longest cached prefix of `tokens`. */
  match(tokens: Int32Array): PrefixMatch {
    const B = this.blockSize, blocks: KvBlock[] = [];
    let node = this.root, pos = 0;
    for (;;) {
      let best: KvBlock | undefined, bestLen = 0;
      for (const c of node.children) {
        let l = 0;
        while (l < c.valid && pos + l < tokens.length && c.tokens[l] === tokens[pos + l]) l++;
        if (l > bestLen) [best, bestLen] = [c, l];
      }
      if (!best) break;
      if (bestLen === B) {
        blocks.push(best);
        node = best;
        pos += B;
        continue;
      }
      return { matched: pos + bestLen, blocks, partial: { block: best, tokens: bestLen } };
    }
    return { matched: pos, blocks };
  }

  /**
   * Take `tokens` into the cache (after its prefill) and hold its blocks for the request; returns
   * the match it started from and the KV of the whole sequence as the request sees it: cached
   * values for the matched tokens, `compute` for the rest.
   */
  acquire(tokens: Int32Array, compute: (from: number) => Float64Array = (from) => kvSequence(tokens).subarray(from)): { match: PrefixMatch; kv: Float64Array; held: KvBlock[] } {
    const B = this.blockSize;
    const m = this.match(tokens);
    const kv = new Float64Array(tokens.length);
    m.blocks.forEach((b, k) => kv.set(b.kv.subarray(0, B), k * B));
    if (m.partial) kv.set(m.partial.block.kv.subarray(0, m.partial.tokens), m.blocks.length * B);
    kv.set(compute(m.matched), m.matched);
    const held = [...m.blocks];
    for (const b of held) this.touch(b);
    let parent = held.length ? held[held.length - 1] : this.root;
    if (m.partial) this.copies++;
    // New blocks from the first one not matched whole: the copy-on-write block starts with the
    // matched tokens of the block it parted from, then the request's own.
    for (let start = m.blocks.length * B; start < tokens.length; start += B) {
      const n = Math.min(B, tokens.length - start);
      const b = this.newBlock(parent, tokens.subarray(start, start + n), kv.subarray(start, start + n));
      held.push(b);
      parent = b;
    }
    return { match: m, kv, held };
  }

  /** The request is done with its blocks: they stay cached until evicted. */
  release(held: readonly KvBlock[]): void {
    for (const b of held) b.refs--;
  }

  private touch(b: KvBlock): void {
    b.refs++;
    b.lastUse = ++this.clock;
  }

  private newBlock(parent: KvBlock, tokens: Int32Array, kv: Float64Array): KvBlock {
    while (this.size >= this.capacityBlocks && this.evictOne()) { /* evict until there is room */ }
    const b: KvBlock = {
      id: this.nextId++, tokens: new Int32Array(this.blockSize), kv: new Float64Array(this.blockSize), valid: tokens.length,
      refs: 0, lastUse: 0, parent, children: [],
    };
    b.tokens.set(tokens);
    b.kv.set(kv);
    this.touch(b);
    parent.children.push(b);
    this.size++;
    return b;
  }

  /** Evict the least recently used leaf that no request holds; false when there is none (the cache then grows past capacity). */
  private evictOne(): boolean {
    let victim: KvBlock | undefined;
    const stack = [...this.root.children];
    while (stack.length) {
      const b = stack.pop()!;
      if (b.children.length) stack.push(...b.children);
      else if (b.refs === 0 && (!victim || b.lastUse < victim.lastUse)) victim = b;
    }
    if (!victim) return false;
    const sibs = victim.parent!.children;
    sibs.splice(sibs.indexOf(victim), 1);
    this.size--;
    this.evictions++;
    return true;
  }
}
