/**
 * Walking the real words of a matrix (selective read / selective write of XY-Serve's virtual
 * padding): the load and store units step through the words of their walks (geometry.ts), one
 * global-memory request per cycle, asking only for the real lanes of each word.
 */
import { Expr, Module, Operand, Signal, mux } from "../../hdl/index.js";
import { Walk, words } from "./geometry.js";
import { COORD_BITS } from "./gmem-port.js";
import { affine, counter, fit } from "./rtl-util.js";

export interface WalkFields {
  readonly row: Expr;
  readonly col: Expr;
  readonly count: Expr;
  readonly addr: Expr;
}

/** Request fields of word (o, x) of a walk. */
export function walkFields(w: Walk, o: Expr, x: Expr, countBits: number, addrBits: number): WalkFields {
  return {
    row: affine(COORD_BITS, 0, [o, w.ro], [x, w.rx]),
    col: affine(COORD_BITS, 0, [o, w.co], [x, w.cx]),
    count: fit(mux(o.eq(w.outer - 1), w.countLast, w.countFull), countBits),
    addr: affine(addrBits, 0, [o, w.ao], [x, w.ax]),
  };
}

export interface WalkCursor {
  readonly o: Signal;
  readonly x: Signal;
  /** The current word is the last of the selected walk. */
  readonly last: Expr;
  /** Statements: go to the next word (wrapping to 0 after the last). */
  step(): void;
  /** Statements: go to word (0, 0). */
  clear(): void;
}

/**
 * Counters (o, x) shared by one or two walks; `sel` (1 bit) picks walks[1] when there are two.
 */
export function walkCursor(m: Module, prefix: string, walks: readonly Walk[], sel?: Expr): WalkCursor {
  const maxO = Math.max(...walks.map((w) => w.outer)), maxX = Math.max(...walks.map((w) => w.inner));
  const o = counter(m, `${prefix}_o`, maxO - 1), x = counter(m, `${prefix}_x`, maxX - 1);
  const pick = (f: (w: Walk) => number): Operand => (walks.length === 1 || !sel ? f(walks[0]) : mux(sel, f(walks[1]), f(walks[0])));
  const lastX = x.eq(pick((w) => w.inner - 1)), lastO = o.eq(pick((w) => w.outer - 1));
  return {
    o, x, last: lastX.and(lastO),
    step: () => {
      m.if(lastX, () => {
        m.sync.set(x, 0);
        m.if(lastO, () => m.sync.set(o, 0)).else(() => m.sync.set(o, fit(o.add(1), o.width)));
      }).else(() => m.sync.set(x, fit(x.add(1), x.width)));
    },
    clear: () => {
      m.sync.set(o, 0);
      m.sync.set(x, 0);
    },
  };
}

export function totalWords(walks: readonly Walk[]): number {
  return walks.reduce((s, w) => s + words(w), 0);
}
