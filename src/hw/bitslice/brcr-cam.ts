/**
 * The BRCR CAM (papers.md section 4): one group's column patterns of one tile, both halves (W+ and
 * W-), in two buffers so a group can load while the previous one is searched.
 *
 * Storage is the paper's banked layout: the m-bit pattern is split into banks (brcr-params camBanks:
 * 2-bit banks from the MSB, m = 4 gives the HO and LO banks), and bank j keeps 2^width rows of one
 * bit per column: row v holds a 1 in column c when that bank's bits of column c's pattern equal v.
 * Searching key K reads, in every bank, the row K's bits of that bank select, and ANDs them: the
 * bitmap of the columns whose pattern is K (key 0001 = row 00 of HO AND row 01 of LO). At m = 4 and
 * 256 columns a buffer is 2 halves x 8 rows x 256 bits = 512 B, the paper's CAM size.
 *
 * A row is kept in words of CAM_WORD (32) columns (word q: columns 32q .. 32q+31 of the tile): the
 * same bits, but few and narrow registers keep the simulation fast. match_<k> is slice k of the
 * bitmap (columns k*S .. k*S+S-1, 0 past the tile), what index converter k reads.
 *
 * Ports:
 *   wr_en u1, wr_buf u1, wr_word, wr_bit (column = wr_word * 32 + wr_bit), wr_plus u(m),
 *   wr_minus u(m): write one column's W+ and W- patterns (rows are ORed: a buffer is cleared first)
 *   clr u2: clear buffer 0 (bit 0) and/or 1 (bit 1) at this edge; a write to a cleared buffer in the
 *     same cycle is lost (the engine never does both)
 *   rd_buf u1, rd_half u1 (0 = W+), rd_key u(m) -> match_<k> u(S), combinational. The engine never
 *     asks for key 0 (clock-gated in the paper); its bitmap would be the all-zero columns.
 */
import { Expr, Module, Signal, bitsFor, cat, constant, mux, u } from "../../hdl/index.js";
import { BrcrEngineParams, BrcrLayout } from "./brcr-params.js";
import { muxIndex } from "./brcr-rtl.js";

export interface BrcrCamPorts {
  readonly module: Module;
  readonly wrEn: Signal;
  readonly wrBuf: Signal;
  readonly wrWord: Signal;
  readonly wrBit: Signal;
  readonly wrPlus: Signal;
  readonly wrMinus: Signal;
  readonly clr: Signal;
  readonly rdBuf: Signal;
  readonly rdHalf: Signal;
  readonly rdKey: Signal;
  readonly match: Signal[];
}

/** Columns per CAM register word. */
export const CAM_WORD = 32;

/** Words of a tile's row, and the width of each (the last may be narrower). */
export function camWords(camCols: number): number[] {
  return Array.from({ length: Math.ceil(camCols / CAM_WORD) }, (_, q) => Math.min(CAM_WORD, camCols - q * CAM_WORD));
}

export function makeBrcrCam(p: BrcrEngineParams, L: BrcrLayout): BrcrCamPorts {
  const S = L.slice, C = L.convs, words = camWords(L.camCols), WB = words[0];
  const m = new Module("brcr_cam");
  const wrEn = m.input("wr_en", u(1)), wrBuf = m.input("wr_buf", u(1));
  const wrWord = m.input("wr_word", u(bitsFor(words.length))), wrBit = m.input("wr_bit", u(bitsFor(WB)));
  const wrPlus = m.input("wr_plus", u(p.m)), wrMinus = m.input("wr_minus", u(p.m));
  const clr = m.input("clr", u(2));
  const rdBuf = m.input("rd_buf", u(1)), rdHalf = m.input("rd_half", u(1)), rdKey = m.input("rd_key", u(p.m));
  const match = Array.from({ length: C }, (_, k) => m.output(`match_${k}`, u(S)));

  // The written column as a one-hot within its word.
  const bitOh = m.signal("wr_bit_onehot", u(WB));
  const sh = constant(1, u(1)).shl(wrBit);
  m.comb.set(bitOh, sh.width > WB ? sh.trunc(WB) : sh.resize(WB));

  const halves = [wrPlus, wrMinus];
  // rows[buf][half][bank][v][word]
  const rows: Signal[][][][][] = [0, 1].map((b) =>
    halves.map((pat, h) =>
      L.banks.map((bank, j) =>
        Array.from({ length: 2 ** bank.width }, (_, v) => {
          const hit = pat.slice(bank.lo + bank.width - 1, bank.lo).eq(v);
          return words.map((w, q) => {
            const r = m.signal(`b${b}_${h ? "minus" : "plus"}_bank${j}_row${v}_w${q}`, u(w));
            const here = wrEn.and(wrBuf.eq(b)).and(wrWord.eq(q)).and(hit);
            m.if(clr.bit(b), () => m.sync.set(r, 0)).elif(here, () => m.sync.set(r, r.or(bitOh.slice(w - 1, 0))));
            return r;
          });
        }),
      ),
    ),
  );

  // Search: per word, per bank the row the key selects (of the buffer and half asked for), ANDed.
  const hitWords = words.map((w, q) => {
    let acc: Expr | undefined;
    L.banks.forEach((bank, j) => {
      const v = rdKey.slice(bank.lo + bank.width - 1, bank.lo);
      const pick = (b: number, h: number) => muxIndex(v, rows[b][h][j].map((row) => row[q]));
      const row = mux(rdBuf, mux(rdHalf, pick(1, 1), pick(1, 0)), mux(rdHalf, pick(0, 1), pick(0, 0)));
      acc = acc ? acc.and(row) : row;
    });
    const hw = m.signal(`hit_w${q}`, u(w));
    m.comb.set(hw, acc!);
    return hw;
  });
  // Converter k's slice, gathered from the words it spans (MSB first for cat).
  for (let k = 0; k < C; k++) {
    const parts: Expr[] = [];
    const lo = k * S, hi = Math.min((k + 1) * S, L.camCols);
    for (let c = lo; c < hi; ) {
      const q = Math.floor(c / CAM_WORD), off = c - q * CAM_WORD, n = Math.min(hi - c, words[q] - off);
      parts.unshift(hitWords[q].slice(off + n - 1, off));
      c += n;
    }
    if (hi - lo < S) parts.unshift(constant(0, u(S - (hi - lo))));
    m.comb.set(match[k], cat(...parts));
  }
  return { module: m, wrEn, wrBuf, wrWord, wrBit, wrPlus, wrMinus, clr, rdBuf, rdHalf, rdKey, match };
}
