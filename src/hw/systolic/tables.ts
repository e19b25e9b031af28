/**
 * The tables the engine runs from, fixed per GEMM shape (XY-Serve's offline Task-Table idea, carried
 * to data movement): the order the load unit fetches operand blocks in, where each block falls in
 * that order (a fold may start once its blocks have arrived), and the order the store unit writes
 * finished tiles back in.
 *
 * A block is one outer index of a load walk (geometry.ts): os — R rows of A (west) / C columns of B
 * (north); ws — R columns of A for every row (west) / C columns of B (north); is — R rows of B (west)
 * / C rows of A (north). A fold reads exactly one west block and one north block.
 *
 * Load order: the cores' fold sequences (the tiles the symmetric round-robin deals each core, folds
 * in the order the core's sequencer runs them) taken round by round — fold 0 of core 0, of core 1,
 * ..., then fold 1 of each — each block listed the first time a fold needs it, west before north.
 * The data a core needs first thus arrives first, whatever the tile shapes.
 *
 * Store order: the tiles in dispatch order (position p of the cost-sorted table, which core p mod 2P
 * deals to, as the scheduler does), and in each tile its output blocks in the order its core
 * finishes them: an output block is what one os fold computes (up to R rows of C, C columns wide)
 * or what the last K fold of a ws/is outer fold completes (a C-wide block of the tile's columns or
 * rows). The store unit writes each block back once its core has written it (blocks_written).
 */
import type { Geometry } from "./geometry.js";

export interface LoadBlock {
  /** 0: the west buffer's walk, 1: the north buffer's. */
  readonly sel: 0 | 1;
  readonly block: number;
}

/**
 * A tile as the store unit walks it: `groups` x `blocks` output blocks, group a and block b being
 * store-walk words (o0 + b, x0 + a*R + i) for i < R (i < lastWords in the last group). os: a group
 * is a row of folds (R rows of C); ws/is: one group of the tile's `lastWords` rows or columns.
 */
export interface StoreTile {
  readonly o0: number;
  readonly blocks: number;
  readonly x0: number;
  readonly groups: number;
  readonly lastWords: number;
  /** The core that computes the tile, and how many output blocks it finishes before the tile's first. */
  readonly core: number;
  readonly base: number;
}

export interface EngineTables {
  readonly loadOrder: readonly LoadBlock[];
  /** Position in loadOrder of each west block and each north block. */
  readonly loadPos: readonly [readonly number[], readonly number[]];
  readonly storeTiles: readonly StoreTile[];
}

/** Core of dispatch position p: 0,1,..,P-1,P-1,..,0,0,1,... (the scheduler's symmetric round-robin). */
export function dealtCore(p: number, cores: number): number {
  const r = p % (2 * cores);
  return r < cores ? r : 2 * cores - 1 - r;
}

/** [west block, north block] of each fold of a tile, in the order the core runs them. */
export function tileFoldBlocks(g: Geometry, row: number, col: number): [number, number][] {
  const { R, C, KB } = g;
  const out: [number, number][] = [];
  if (g.df === "os") {
    const mF = row === g.TR - 1 ? Math.ceil(g.mLast / R) : g.tm / R, nF = col === g.TC - 1 ? Math.ceil(g.nLast / C) : g.tn / C;
    for (let fo = 0; fo < mF; fo++) for (let fi = 0; fi < nF; fi++) out.push([row * (g.tm / R) + fo, col * (g.tn / C) + fi]);
    return out;
  }
  // ws: blocks of C columns of B across the tile; is: blocks of C rows of A down it. K folds inside.
  const ws = g.df === "ws";
  const [idx, last, lastReal, span] = ws ? [col, g.TC - 1, g.nLast, g.tn] : [row, g.TR - 1, g.mLast, g.tm];
  const oF = idx === last ? Math.ceil(lastReal / C) : span / C;
  for (let fo = 0; fo < oF; fo++) for (let kb = 0; kb < KB; kb++) out.push([kb, idx * (span / C) + fo]);
  return out;
}

export function engineTables(g: Geometry): EngineTables {
  const P = g.p.cores;
  const perCore: [number, number][][] = Array.from({ length: P }, () => []);
  g.tiles.forEach((t, p) => perCore[dealtCore(p, P)].push(...tileFoldBlocks(g, t.row, t.col)));

  const loadOrder: LoadBlock[] = [];
  const loadPos: [number[], number[]] = [new Array(g.loadWalks[0].outer).fill(-1), new Array(g.loadWalks[1].outer).fill(-1)];
  const need = (sel: 0 | 1, block: number) => {
    if (loadPos[sel][block] >= 0) return;
    loadPos[sel][block] = loadOrder.length;
    loadOrder.push({ sel, block });
  };
  const rounds = Math.max(...perCore.map((f) => f.length));
  for (let r = 0; r < rounds; r++) {
    for (const folds of perCore) {
      if (r >= folds.length) continue;
      need(0, folds[r][0]);
      need(1, folds[r][1]);
    }
  }
  if (loadPos.some((ps) => ps.includes(-1))) throw new Error("internal: a load block no fold reads");

  const done = new Array<number>(P).fill(0);
  const storeTiles = g.tiles.map((t, p): StoreTile => {
    const core = dealtCore(p, P), base = done[core];
    const lastRow = t.row === g.TR - 1, lastCol = t.col === g.TC - 1;
    const rows = lastRow ? g.mLast : g.tm, cols = lastCol ? g.nLast : g.tn;
    let tile: StoreTile;
    if (g.df === "is") tile = { o0: t.row * (g.tm / g.C), blocks: Math.ceil(rows / g.C), x0: t.col * g.tn, groups: 1, lastWords: cols, core, base };
    else if (g.df === "ws") tile = { o0: t.col * (g.tn / g.C), blocks: Math.ceil(cols / g.C), x0: t.row * g.tm, groups: 1, lastWords: rows, core, base };
    else {
      const groups = Math.ceil(rows / g.R);
      tile = { o0: t.col * (g.tn / g.C), blocks: Math.ceil(cols / g.C), x0: t.row * g.tm, groups, lastWords: rows - (groups - 1) * g.R, core, base };
    }
    done[core] += tile.groups * tile.blocks;
    return tile;
  });
  return { loadOrder, loadPos, storeTiles };
}
