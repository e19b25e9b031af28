/**
 * Per-expression numbers and nodes keyed by Expr.id, for the netlist passes that visit every
 * expression of a large design (a 32x32 mesh has millions): a Map keyed by object hashes each
 * lookup and grows by rehashing, these are two array reads. Ids are process-wide, so the tables
 * are paged: a design's expressions were made together and fill a few contiguous 64K pages.
 */
import type { Expr } from "../hdl/expr.js";

const PAGE_BITS = 16, PAGE = 1 << PAGE_BITS, MASK = PAGE - 1;

/** An Int32 per expression id, 0 until set. */
export class ExprInts {
  private readonly pages: (Int32Array | undefined)[] = [];
  get(id: number): number {
    const p = this.pages[id >>> PAGE_BITS];
    return p === undefined ? 0 : p[id & MASK];
  }
  set(id: number, v: number): void {
    const k = id >>> PAGE_BITS;
    const p = this.pages[k] ?? (this.pages[k] = new Int32Array(PAGE));
    p[id & MASK] = v;
  }
}

/** Expression -> value, with the get/has/set of a Map (what the engines use of one). */
export class ExprMap<V> {
  private readonly slot = new ExprInts();
  private readonly values: V[] = [];
  get(e: Expr): V | undefined {
    const s = this.slot.get(e.id);
    return s === 0 ? undefined : this.values[s - 1];
  }
  has(e: Expr): boolean {
    return this.slot.get(e.id) !== 0;
  }
  set(e: Expr, v: V): this {
    const s = this.slot.get(e.id);
    if (s !== 0) this.values[s - 1] = v;
    else this.slot.set(e.id, this.values.push(v));
    return this;
  }
}
