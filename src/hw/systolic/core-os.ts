/**
 * An output-stationary core: the array, its edge feeders and drain, and the fold sequencer.
 *
 * A tile (from the scheduler) covers mF x nF folds; fold (mb, nb) computes C rows mb*R.. and
 * columns nb*C.. over the whole K. The sequencer's fold timeline is t = 0 .. K+R+C-3 (SCALE-Sim's
 * R+C+K-2 cycles), folds and tiles back to back; the array runs one cycle behind it (the buffer
 * read latency), so the next fold's first reads overlap this fold's last MAC:
 *   t < K        read A word (mb, t) and B word (nb, t) from the buffers (data one cycle later);
 *   t = 1 .. K   the feeders pass the vectors on (zeros otherwise), row i delayed i cycles and
 *                column j delayed j cycles: the systolic skew, so PE (i, j) meets A[.][k] and
 *                B[k][.] at t = k + 1 + i + j;
 *   t = K+R+C-2  (the next fold's t = 0) PE (R-1, C-1) takes its last product; `capture` moves
 *                every sum to the drain chain and the accumulators restart for the next fold.
 * The drain chain writes the R finished rows to the C buffer, bottom row first, one row per cycle,
 * while the next fold runs. After the last fold the core waits the capture and those R cycles
 * (state DRAIN, R+1 cycles), then reports done.
 *
 * A fold whose A and B blocks have not arrived yet (fold_ready low) holds at t = 0: no reads, zeros
 * into the array (the accumulators add nothing), the previous fold's capture and drain going on.
 * Each fold's output block counts as written (blocks_written) once the drain has written its last row.
 */
import { Module, bitsFor, mux, u } from "../../hdl/index.js";
import { makeOsArray } from "./array-os.js";
import { CoreIo, declareCoreIo } from "./core-io.js";
import { Geometry, osFoldCycles } from "./geometry.js";
import { affine, counter, delayLine, fit } from "./rtl-util.js";

export function makeOsCore(g: Geometry): CoreIo {
  const { R, C, K } = g;
  const m = new Module("core_os");
  const io = declareCoreIo(m, g, false);
  const arr = makeOsArray(g);
  m.submodule("array", arr.module);

  const foldLen = osFoldCycles(R, C, K);
  const maxMF = g.tm / R, maxNF = g.tn / C;
  const MB = g.Mp / R, NB = g.Np / C;
  const t = counter(m, "t", foldLen - 1);
  const fo = counter(m, "fold_m", maxMF - 1), fi = counter(m, "fold_n", maxNF - 1);
  const mF = counter(m, "folds_m", maxMF), nF = counter(m, "folds_n", maxNF);
  const mb0 = counter(m, "mb0", MB - 1), nb0 = counter(m, "nb0", NB - 1);
  const mb = m.signal("mb", u(bitsFor(MB)));
  const nb = m.signal("nb", u(bitsFor(NB)));
  m.comb.set(mb, fit(mb0.add(fo), mb.width));
  m.comb.set(nb, fit(nb0.add(fi), nb.width));
  m.comb.set(io.needWest, fit(mb, io.needWest.width));
  m.comb.set(io.needNorth, fit(nb, io.needNorth.width));

  const f = m.fsm("ctrl", { states: ["IDLE", "RUN", "DRAIN", "DONE"] as const, init: "IDLE" });
  const run = f.is("RUN");
  // The sequencer advances unless the fold is at its first cycle and its operands are not in yet.
  const hold = m.signal("hold", u(1));
  m.comb.set(hold, run.and(t.eq(0)).and(io.foldReady.not()));
  const adv = run.and(hold.not());
  const lastT = t.eq(foldLen - 1);
  const lastFi = fi.add(1).eq(nF), lastFo = fo.add(1).eq(mF);
  const tileEnd = m.signal("tile_end", u(1));
  m.comb.set(tileEnd, adv.and(lastT).and(lastFi).and(lastFo));
  const starting = f.is("IDLE").or(f.is("DONE")).and(io.go);
  const take = m.signal("take", u(1));
  m.comb.set(take, starting.or(tileEnd).and(io.descValid));
  m.comb.set(io.descPop, take);

  // Tile descriptor -> fold counts and first blocks (the last tile row/column may be partial).
  const lastRow = io.descRow.eq(g.TR - 1), lastCol = io.descCol.eq(g.TC - 1);
  const dmF = mux(lastRow, Math.ceil(g.mLast / R), maxMF), dnF = mux(lastCol, Math.ceil(g.nLast / C), maxNF);

  m.if(take, () => {
    m.sync.set(mF, fit(dmF, mF.width));
    m.sync.set(nF, fit(dnF, nF.width));
    m.sync.set(mb0, affine(mb0.width, 0, [io.descRow, maxMF]));
    m.sync.set(nb0, affine(nb0.width, 0, [io.descCol, maxNF]));
    m.sync.set(t, 0);
    m.sync.set(fo, 0);
    m.sync.set(fi, 0);
  }).elif(adv, () => {
    m.if(lastT, () => {
      m.sync.set(t, 0);
      m.if(lastFi, () => {
        m.sync.set(fi, 0);
        m.sync.set(fo, fit(fo.add(1), fo.width));
      }).else(() => m.sync.set(fi, fit(fi.add(1), fi.width)));
    }).else(() => m.sync.set(t, fit(t.add(1), t.width)));
  });

  // Feeders: buffer reads, masking outside the K window, skew.
  m.comb.set(io.westAddr, affine(io.westAddr.width, 0, [mb, K], [t, 1]));
  m.comb.set(io.northAddr, affine(io.northAddr.width, 0, [nb, K], [t, 1]));
  const feedValid = m.signal("feed_valid", u(1));
  m.sync.set(feedValid, adv.and(t.lt(K)));
  for (let i = 0; i < R; i++) {
    const v = mux(feedValid, io.westData[i], 0);
    m.comb.set(arr.west[i], delayLine(m, `skew_west_r${i}`, v, i, g.westShape));
  }
  for (let j = 0; j < C; j++) {
    const v = mux(feedValid, io.northData[j], 0);
    m.comb.set(arr.north[j], delayLine(m, `skew_north_c${j}`, v, j, g.northShape));
  }
  // The array is one cycle behind the sequencer: the fold ends (capture) the cycle after its last
  // t, when the fold and tile counters already name the next fold; the drain keeps this fold's.
  const capture = m.signal("capture", u(1));
  m.sync.set(capture, adv.and(lastT));
  m.comb.set(arr.capture, capture);
  const capMb = m.signal("capture_mb", mb.shape), capNb = m.signal("capture_nb", nb.shape);
  m.sync.set(capMb, mb);
  m.sync.set(capNb, nb);

  // Drain: R rows leave the bottom of the array after each capture, row R-1 first.
  const drainCnt = counter(m, "drain_count", R);
  const drainRow = counter(m, "drain_row", g.Mp - 1);
  const drainNb = counter(m, "drain_nb", NB - 1);
  m.if(capture, () => {
    m.sync.set(drainCnt, R);
    m.sync.set(drainRow, affine(drainRow.width, R - 1, [capMb, R]));
    m.sync.set(drainNb, fit(capNb, drainNb.width));
  }).elif(drainCnt.ne(0), () => {
    m.sync.set(drainCnt, fit(drainCnt.sub(1), drainCnt.width));
    m.sync.set(drainRow, fit(drainRow.sub(1), drainRow.width));
  });
  m.comb.set(io.cWrEn, drainCnt.ne(0));
  m.comb.set(io.cWrAddr, affine(io.cWrAddr.width, 0, [drainRow, g.NbC], [drainNb, 1]));
  for (let j = 0; j < C; j++) m.comb.set(io.cWrData[j], arr.south[j]);

  f.state("IDLE", () => m.if(io.go, () => m.if(io.descValid, () => f.next("RUN")).else(() => f.next("DONE"))));
  f.state("RUN", () => m.if(tileEnd.and(io.descValid.not()), () => f.next("DRAIN")));
  f.state("DRAIN", () => m.if(drainCnt.eq(1).and(capture.not()), () => f.next("DONE")));
  f.state("DONE", () => m.if(io.go, () => m.if(io.descValid, () => f.next("RUN"))));

  m.comb.set(io.done, f.is("DONE"));
  m.if(starting, () => m.sync.set(io.busyCycles, 0))
    .elif(run.or(f.is("DRAIN")), () => m.sync.set(io.busyCycles, fit(io.busyCycles.add(1), io.busyCycles.width)));
  m.if(starting, () => m.sync.set(io.tilesDone, 0)).elif(tileEnd, () => m.sync.set(io.tilesDone, fit(io.tilesDone.add(1), io.tilesDone.width)));
  m.if(starting, () => m.sync.set(io.waitCycles, 0)).elif(hold, () => m.sync.set(io.waitCycles, fit(io.waitCycles.add(1), io.waitCycles.width)));
  m.if(starting, () => m.sync.set(io.blocksWritten, 0))
    .elif(drainCnt.eq(1), () => m.sync.set(io.blocksWritten, fit(io.blocksWritten.add(1), io.blocksWritten.width)));
  return io;
}
