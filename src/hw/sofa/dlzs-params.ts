/**
 * Parameters of the DLZS unit and where its operands live in the resident lane memories.
 *
 * One unit serves both prediction phases (papers.md section 5), selected at run time by `mode`:
 *  - 8-bit mode (phase 1.1, K-hat): log rows = the `depth` rows of Wk^T (int8, stored as codes),
 *    reduction over dModel, shifted rows = the `outputs` tokens of X (int8).
 *  - 16-bit mode (phase 1.2, A-hat): log rows = the `lhsRows` queries Q (int16, LZE at run time),
 *    reduction over `depth` (= headDim), shifted rows = the `outputs` keys K-hat (int16).
 * So `depth` is both the headDim the 16-bit mode reduces over and the number of K-hat columns the
 * 8-bit mode produces.
 *
 * Memories (16-bit words): A lane r (a_mem_l<r>, one per array row) holds log rows r, r+rows, ...;
 * B lane c (b_mem_l<c>, one per array column) holds shifted rows c, c+cols, .... Each lane has two
 * regions, so every operand of both phases can be resident at once:
 *   A: [0, qTiles*depth)            Q[q][d]    at lane q % rows, addr floor(q/rows)*depth + d
 *      [aWkBase, +wTiles*dModel)    Wk code of Wk[i][j] (Wk^T row j) at lane j % rows,
 *                                   addr aWkBase + floor(j/rows)*dModel + i; word = sign<<4 | lz
 *   B: [0, blocks*depth)            K-hat[t][d] at lane t % cols, addr floor(t/cols)*depth + d
 *      [bXBase, +blocks*dModel)     X[t][i]    at lane t % cols, addr bXBase + floor(t/cols)*dModel + i
 *                                   (the low 8 bits are used)
 */
export interface DlzsUnitParams {
  /** Array rows = log-domain rows per tile (the pipeline's queries per tile). */
  readonly rows: number;
  /** Array columns = shifted rows per output group; <= 12 (the SADS buffer's write width). */
  readonly cols: number;
  /** D: the 16-bit mode's reduction length (headDim), and the number of K-hat columns. */
  readonly depth: number;
  /** N: shifted-operand rows (tokens in 8-bit mode, keys in 16-bit mode; the same seqLen). */
  readonly outputs: number;
  /** Log-domain rows of the 16-bit mode in total (queries). */
  readonly lhsRows: number;
  /** The 8-bit mode's reduction length (token width). */
  readonly dModel: number;
  /** K-hat = sat16(sum >> kShift) (golden predictKhat). */
  readonly kShift: number;
  /** A-hat = sat16(sum >> aShift) (golden predictAhat). */
  readonly aShift: number;
}

export const MAX_COLS = 12;
/** Shifts beyond this leave nothing of any accumulator (widths stay below 52 bits). */
export const MAX_SHIFT = 48;

function whole(name: string, v: number, lo: number, hi: number, mend: string): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`dlzs unit: ${name} = ${v} must be a whole number ${lo}..${hi}; ${mend}`);
}

export function checkDlzsParams(p: DlzsUnitParams): void {
  whole("rows", p.rows, 1, 128, "the array has 1..128 rows (queries per tile)");
  whole("cols", p.cols, 1, MAX_COLS, `the SADS buffer takes at most ${MAX_COLS} consecutive keys per write`);
  whole("depth", p.depth, 1, 4096, "give the head dimension D");
  whole("outputs", p.outputs, 1, 65536, "give the sequence length N");
  whole("lhsRows", p.lhsRows, 1, 65536, "give the number of queries");
  whole("dModel", p.dModel, 1, 4096, "give the token width");
  whole("kShift", p.kShift, 0, MAX_SHIFT, "a larger shift leaves every K-hat 0 or -1");
  whole("aShift", p.aShift, 0, MAX_SHIFT, "a larger shift leaves every A-hat 0 or -1");
  const L = dlzsLayout(p);
  if (L.aDepth > 1 << 20 || L.bDepth > 1 << 20) {
    throw new Error(`dlzs unit: lane memories of ${L.aDepth} (A) and ${L.bDepth} (B) words exceed 2^20; use more rows/cols or a smaller problem`);
  }
}

/** Signed width holding every value of magnitude <= m. */
function signedBits(m: number): number {
  return Math.ceil(Math.log2(m + 1)) + 1;
}

/**
 * The accumulator: 16-bit mode sums `depth` products of magnitude <= 2^15 << 15; 8-bit mode
 * `dModel` products of magnitude <= 2^7 << 7. Never wraps.
 */
export function dlzsAccBits(p: DlzsUnitParams): number {
  return Math.max(32, signedBits(p.depth * 2 ** 30), signedBits(p.dModel * 2 ** 14));
}

export interface Place {
  readonly lane: number;
  readonly addr: number;
}

export interface DlzsLayout {
  /** Tiles of `rows` log rows: 16-bit mode (queries) and 8-bit mode (Wk^T rows). */
  readonly qTiles: number;
  readonly wTiles: number;
  /** Groups of `cols` shifted rows (output blocks per tile). */
  readonly blocks: number;
  readonly aWkBase: number;
  readonly bXBase: number;
  readonly aDepth: number;
  readonly bDepth: number;
  q(row: number, d: number): Place;
  wk(i: number, j: number): Place;
  khat(t: number, d: number): Place;
  x(t: number, i: number): Place;
}

export function dlzsLayout(p: DlzsUnitParams): DlzsLayout {
  const qTiles = Math.ceil(p.lhsRows / p.rows), wTiles = Math.ceil(p.depth / p.rows), blocks = Math.ceil(p.outputs / p.cols);
  const aWkBase = qTiles * p.depth, bXBase = blocks * p.depth;
  return {
    qTiles, wTiles, blocks, aWkBase, bXBase,
    aDepth: aWkBase + wTiles * p.dModel,
    bDepth: bXBase + blocks * p.dModel,
    q: (row, d) => ({ lane: row % p.rows, addr: Math.floor(row / p.rows) * p.depth + d }),
    wk: (i, j) => ({ lane: j % p.rows, addr: aWkBase + Math.floor(j / p.rows) * p.dModel + i }),
    khat: (t, d) => ({ lane: t % p.cols, addr: Math.floor(t / p.cols) * p.depth + d }),
    x: (t, i) => ({ lane: t % p.cols, addr: bXBase + Math.floor(t / p.cols) * p.dModel + i }),
  };
}

/** The A-memory word of an 8-bit leading-zero code: sign in bit 4, lz (0..8, 8 = zero) in bits 3..0. */
export function wkCodeWord(code: { readonly sign: 0 | 1; readonly lz: number }): number {
  if (!Number.isInteger(code.lz) || code.lz < 0 || code.lz > 15) throw new Error(`wkCodeWord: lz = ${code.lz} must fit 4 bits (0..8 for an int8)`);
  return code.sign * 16 + code.lz;
}

/** Memory names of lane r of A and lane c of B. */
export const aMemName = (r: number): string => `a_mem_l${r}`;
export const bMemName = (c: number): string => `b_mem_l${c}`;
