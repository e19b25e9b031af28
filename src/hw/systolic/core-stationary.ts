/**
 * A weight- or input-stationary core: the array, its feeders, the output deskew and the fold
 * sequencer. A fold holds an R x C block of one operand in the PEs and streams `len` vectors of
 * the other through them; partial sums flow down and C accumulates across the K folds through the
 * C buffer (read at the top, written at the bottom).
 *
 *   ws: fold (nb, kb) holds B[kb*R..][nb*C..], streams the tile's mr rows of A, len = mr;
 *   is: fold (mb, kb) holds A[mb*C..][kb*R..] (transposed: PE (i, j) has A[mb*C+j][kb*R+i]),
 *       streams the tile's nr columns of B, len = nr.
 *
 * The sequencer's fold timeline is t = 0 .. 2R+C+len-3 (SCALE-Sim's 2R+C+len-2 cycles), folds and
 * tiles back to back; the array runs one cycle behind it (the buffer read latency):
 *   t < R           read held-operand word R-1-t (data one cycle later);
 *   t = 1 .. R      load_w: the words shift down the columns (after R shifts row i has word i);
 *   R <= t < R+len  read moving word s = t-R and the running C word s (skipped on the first K fold);
 *   t = R+1+s       the vectors leave the feeders: row i delayed i, psum lane j delayed j;
 *   t = 2R+C+s      C word s leaves the deskew (lane j delayed C-1-j) and is written back.
 * The last MAC (PE (R-1, C-1), last vector) falls on the next fold's t = 0, before its first shift
 * (t = 1), so the held operands need no shadow copy to run folds back to back. The last C words
 * are written on the next fold's t = 0 and 1 (write enable and address travel R+C cycles behind
 * their read, independent of the fold counter); after the last fold the core waits those 2 cycles
 * (state TAIL). The C read is transparent: with R = 1 and len = 1 the next K fold reads a word in
 * the cycle it is written.
 *
 * A fold whose blocks have not arrived yet (fold_ready low) holds at t = 0: no reads, no shifts;
 * the previous fold's vectors and writes go on (they travel behind their reads, not the counter).
 * The output block of an outer fold counts as written (blocks_written) once its last K fold has
 * written its last C word.
 */
import { Expr, Module, bitsFor, mux, u } from "../../hdl/index.js";
import { makeStationaryArray } from "./array-stationary.js";
import { CoreIo, declareCoreIo } from "./core-io.js";
import { Geometry, stationaryFoldCycles } from "./geometry.js";
import { affine, counter, delayLine, fit } from "./rtl-util.js";

export function makeStationaryCore(g: Geometry): CoreIo {
  const { R, C, KB } = g;
  const ws = g.df === "ws";
  const m = new Module(ws ? "core_ws" : "core_is");
  const io = declareCoreIo(m, g, true);
  const arr = makeStationaryArray(g);
  m.submodule("array", arr.module);

  // Outer folds go over the held operand's C-wide blocks inside the tile; inner folds over K.
  const blockSpan = ws ? g.tn : g.tm; // tile extent the array's columns cover
  const maxOF = blockSpan / C;
  const blocks = (ws ? g.Np : g.Mp) / C;
  const maxLen = ws ? g.tm : g.tn; // streamed vectors per fold
  const streamExtent = ws ? g.Mp : g.Np;
  const maxFoldLen = stationaryFoldCycles(R, C, maxLen);

  const t = counter(m, "t", maxFoldLen - 1);
  const fo = counter(m, "fold_outer", maxOF - 1), kb = counter(m, "fold_k", KB - 1);
  const oF = counter(m, "folds_outer", maxOF);
  const blk0 = counter(m, "block0", blocks - 1);
  const len = counter(m, "stream_len", maxLen);
  const s0 = counter(m, "stream0", streamExtent - 1);
  const blk = m.signal("block", u(bitsFor(blocks)));
  m.comb.set(blk, fit(blk0.add(fo), blk.width));
  m.comb.set(io.needWest, fit(kb, io.needWest.width));
  m.comb.set(io.needNorth, fit(blk, io.needNorth.width));

  const f = m.fsm("ctrl", { states: ["IDLE", "RUN", "TAIL", "DONE"] as const, init: "IDLE" });
  const run = f.is("RUN");
  // The sequencer advances unless the fold is at its first cycle and its operands are not in yet.
  const hold = m.signal("hold", u(1));
  m.comb.set(hold, run.and(t.eq(0)).and(io.foldReady.not()));
  const adv = run.and(hold.not());
  const lastT = t.eq(len.add(2 * R + C - 3));
  const lastK = kb.eq(KB - 1), lastFo = fo.add(1).eq(oF);
  const tileEnd = m.signal("tile_end", u(1));
  m.comb.set(tileEnd, adv.and(lastT).and(lastK).and(lastFo));
  const starting = f.is("IDLE").or(f.is("DONE")).and(io.go);
  const take = m.signal("take", u(1));
  m.comb.set(take, starting.or(tileEnd).and(io.descValid));
  m.comb.set(io.descPop, take);

  // Tile descriptor: ws blocks follow the tile column and the stream its rows; is the reverse.
  const blockIdx = ws ? io.descCol : io.descRow, streamIdx = ws ? io.descRow : io.descCol;
  const blockLast = ws ? io.descCol.eq(g.TC - 1) : io.descRow.eq(g.TR - 1);
  const streamLast = ws ? io.descRow.eq(g.TR - 1) : io.descCol.eq(g.TC - 1);
  const lastBlockReal = ws ? g.nLast : g.mLast, lastStreamReal = ws ? g.mLast : g.nLast;
  const streamSpan = ws ? g.tm : g.tn;

  m.if(take, () => {
    m.sync.set(oF, fit(mux(blockLast, Math.ceil(lastBlockReal / C), maxOF), oF.width));
    m.sync.set(blk0, affine(blk0.width, 0, [blockIdx, maxOF]));
    m.sync.set(len, fit(mux(streamLast, lastStreamReal, streamSpan), len.width));
    m.sync.set(s0, affine(s0.width, 0, [streamIdx, streamSpan]));
    m.sync.set(t, 0);
    m.sync.set(fo, 0);
    m.sync.set(kb, 0);
  }).elif(adv, () => {
    m.if(lastT, () => {
      m.sync.set(t, 0);
      m.if(lastK, () => {
        m.sync.set(kb, 0);
        m.sync.set(fo, fit(fo.add(1), fo.width));
      }).else(() => m.sync.set(kb, fit(kb.add(1), kb.width)));
    }).else(() => m.sync.set(t, fit(t.add(1), t.width)));
  });

  // Held operand: word (blk, kb*R + R-1-t), shifted in on t = 1..R.
  const preloadIdx = m.signal("preload_k", u(bitsFor(g.Kp)));
  m.comb.set(preloadIdx, fit(affine(bitsFor(g.Kp) + 1, R - 1, [kb, R]).sub(t), preloadIdx.width));
  m.comb.set(io.northAddr, affine(io.northAddr.width, 0, [blk, g.Kp], [preloadIdx, 1]));
  const loadW = m.signal("load_w", u(1));
  m.sync.set(loadW, adv.and(t.lt(R)));
  m.comb.set(arr.loadW, loadW);
  for (let j = 0; j < C; j++) m.comb.set(arr.northW[j], io.northData[j]);

  // Streamed vector s = t - R (and the running C word s).
  const sIdx = m.signal("stream_idx", u(bitsFor(maxFoldLen)));
  m.comb.set(sIdx, fit(t.sub(R), sIdx.width));
  const sAbs = fit(s0.add(sIdx), bitsFor(streamExtent + maxFoldLen));
  m.comb.set(io.westAddr, affine(io.westAddr.width, 0, [kb, streamExtent], [sAbs, 1]));
  const cAddrOf = (idx: Expr): Expr => {
    const abs = s0.add(idx);
    return ws ? affine(io.cWrAddr.width, 0, [abs, g.NbC], [blk, 1]) : affine(io.cWrAddr.width, 0, [blk, g.Np], [abs, 1]);
  };
  const reading = adv.and(t.ge(R)).and(t.lt(len.add(R)));
  const streamValid = m.signal("stream_valid", u(1));
  m.sync.set(streamValid, reading);
  const accumulate = m.signal("accumulate", u(1)); // 0 on the first K fold: C starts from 0
  m.sync.set(accumulate, kb.ne(0));
  for (let i = 0; i < R; i++) {
    const v = mux(streamValid, io.westData[i], 0);
    m.comb.set(arr.west[i], delayLine(m, `skew_west_r${i}`, v, i, g.westShape));
  }
  for (let j = 0; j < C; j++) {
    const v = mux(streamValid.and(accumulate), io.cRdData[j], 0);
    m.comb.set(arr.north[j], delayLine(m, `skew_psum_c${j}`, v, j, g.accShape));
  }

  // Output: deskew, then write C word s R+C cycles after it was read (t = 2R+C+s).
  const readAddr = m.signal("c_read_addr", io.cWrAddr.shape);
  m.comb.set(readAddr, cAddrOf(sIdx));
  m.comb.set(io.cRdAddr!, readAddr);
  m.comb.set(io.cWrEn, delayLine(m, "write_en", reading, R + C, u(1)));
  m.comb.set(io.cWrAddr, delayLine(m, "write_addr", readAddr, R + C, io.cWrAddr.shape));
  // The output block's last C word (last vector of its last K fold) travels with its write.
  const lastRead = reading.and(t.eq(len.add(R - 1))).and(lastK);
  const lastWrite = delayLine(m, "write_last", lastRead, R + C, u(1));
  for (let j = 0; j < C; j++) m.comb.set(io.cWrData[j], delayLine(m, `deskew_c${j}`, arr.south[j], C - 1 - j, g.accShape));

  f.state("IDLE", () => m.if(io.go, () => m.if(io.descValid, () => f.next("RUN")).else(() => f.next("DONE"))));
  f.state("RUN", () => m.if(tileEnd.and(io.descValid.not()), () => f.next("TAIL")));
  const tail = counter(m, "tail", 1);
  m.if(f.is("TAIL"), () => m.sync.set(tail, fit(tail.add(1), tail.width))).else(() => m.sync.set(tail, 0));
  f.state("TAIL", () => m.if(tail.eq(1), () => f.next("DONE")));
  f.state("DONE", () => m.if(io.go, () => m.if(io.descValid, () => f.next("RUN"))));

  m.comb.set(io.done, f.is("DONE"));
  m.if(starting, () => m.sync.set(io.busyCycles, 0))
    .elif(run.or(f.is("TAIL")), () => m.sync.set(io.busyCycles, fit(io.busyCycles.add(1), io.busyCycles.width)));
  m.if(starting, () => m.sync.set(io.tilesDone, 0)).elif(tileEnd, () => m.sync.set(io.tilesDone, fit(io.tilesDone.add(1), io.tilesDone.width)));
  m.if(starting, () => m.sync.set(io.waitCycles, 0)).elif(hold, () => m.sync.set(io.waitCycles, fit(io.waitCycles.add(1), io.waitCycles.width)));
  m.if(starting, () => m.sync.set(io.blocksWritten, 0)).elif(lastWrite, () => m.sync.set(io.blocksWritten, fit(io.blocksWritten.add(1), io.blocksWritten.width)));
  return io;
}
