/**
 * The tiled GEMM engine: `cores` systolic arrays sharing on-chip A, B and C buffers, a tile
 * scheduler, and load/store units talking to global memory.
 *
 *   IDLE --start--> LOAD: the load unit reads the real words of A and B (a request per cycle
 *                         while the memory's gm_req_ready allows) into the west/north buffers,
 *                         zero-filling padded lanes;
 *         COMPUTE: each core takes its tiles from the scheduler (symmetric round-robin over tiles
 *                  sorted by cost) and folds them onto its array, results going to the C buffer;
 *         STORE:   the store unit writes the real words of C back;
 *         DONE:    `done` is high until the next `start`.
 *
 * Buffers are allocated in whole tiles (virtual padding); see geometry.ts for their layouts. The
 * whole engine is RTL; global memory is outside it, behind the gm_* ports (gmem-port.ts).
 */
import { Expr, Memory, Module, ReadPort, Signal, bitsFor, cat, mux, u } from "../../hdl/index.js";
import { makeOsCore } from "./core-os.js";
import { CoreIo, BUSY_BITS, TILE_COUNT_BITS } from "./core-io.js";
import { makeStationaryCore } from "./core-stationary.js";
import { totalWords, walkCursor, walkFields } from "./dma.js";
import { Geometry, MAT_C, geometry } from "./geometry.js";
import { COORD_BITS, gmemWidths } from "./gmem-port.js";
import type { EngineParams } from "./params.js";
import { counter, fit } from "./rtl-util.js";
import { makeScheduler } from "./scheduler.js";

export interface EngineIo {
  readonly module: Module;
  readonly g: Geometry;
  readonly start: Signal;
  readonly done: Signal;
  readonly coreBusy: Signal[];
  readonly coreTiles: Signal[];
}

export const ENGINE_PHASES = ["IDLE", "LOAD", "COMPUTE", "STORE", "DONE"] as const;

export function makeEngine(params: EngineParams): EngineIo {
  const g = geometry(params);
  const P = g.p.cores;
  const w = gmemWidths(g);
  const m = new Module("gemm_engine");
  const start = m.input("start", u(1));
  const done = m.output("done", u(1));

  // Global-memory master port.
  const reqValid = m.output("gm_req_valid", u(1)), reqWrite = m.output("gm_req_write", u(1));
  const reqMat = m.output("gm_req_mat", u(2)), reqDir = m.output("gm_req_dir", u(1));
  const reqRow = m.output("gm_req_row", u(COORD_BITS)), reqCol = m.output("gm_req_col", u(COORD_BITS));
  const reqCount = m.output("gm_req_count", u(w.countBits)), reqTag = m.output("gm_req_tag", u(w.tagBits));
  const wdata = Array.from({ length: w.writeLanes }, (_, j) => m.output(`gm_wdata_l${j}`, w.writeShape));
  const reqReady = m.input("gm_req_ready", u(1)); // the memory takes the offered request this cycle
  const respValid = m.input("gm_resp_valid", u(1)), respTag = m.input("gm_resp_tag", u(w.tagBits));
  const rdata = Array.from({ length: w.readLanes }, (_, i) => m.input(`gm_rdata_l${i}`, u(w.dataBits)));

  // On-chip buffers: one memory per lane.
  const westBuf = Array.from({ length: g.R }, (_, i) => m.memory({ name: `west_buf_l${i}`, shape: g.westShape, depth: g.westDepth }));
  const northBuf = Array.from({ length: g.C }, (_, j) => m.memory({ name: `north_buf_l${j}`, shape: g.northShape, depth: g.northDepth }));
  const cBuf = Array.from({ length: g.C }, (_, j) => m.memory({ name: `c_buf_l${j}`, shape: g.accShape, depth: g.cDepth }));

  const phase = m.fsm("phase", { states: ENGINE_PHASES, init: "IDLE" });
  const starting = m.signal("starting", u(1));
  m.comb.set(starting, phase.is("IDLE").or(phase.is("DONE")).and(start));

  // --- load unit -------------------------------------------------------------------------------
  const walks = g.loadWalks;
  const W = totalWords(walks);
  const ldSel = m.signal("load_walk", u(1)); // 0: west buffer's matrix, 1: north buffer's
  const ldActive = m.signal("load_active", u(1));
  const ld = walkCursor(m, "load", walks, ldSel);
  const ldF = walks.map((wk) => walkFields(wk, ld.o, ld.x, w.countBits, w.addrBits));
  const ldCount = mux(ldSel, ldF[1].count, ldF[0].count);
  // The current word is offered until the memory takes it (bandwidth); the cursor moves on then.
  const ldOffer = phase.is("LOAD").and(ldActive);
  const issuing = ldOffer.and(reqReady);
  m.if(issuing, () => {
    ld.step();
    m.if(ld.last, () => m.if(ldSel, () => m.sync.set(ldActive, 0)).else(() => m.sync.set(ldSel, 1)));
  });
  const respCount = counter(m, "load_responses", W - 1);
  const loadDone = m.signal("load_done", u(1));
  m.comb.set(loadDone, phase.is("LOAD").and(respValid).and(respCount.eq(W - 1)));
  m.if(starting, () => m.sync.set(respCount, 0)).elif(respValid, () => m.sync.set(respCount, fit(respCount.add(1), respCount.width)));

  // Responses into the buffers; lanes >= count are padding and become 0 here.
  const tagBuf = respTag.bit(w.tagBits - 1);
  const tagCount = respTag.slice(w.countBits + w.addrBits - 1, w.addrBits);
  const tagAddr = respTag.slice(w.addrBits - 1, 0);
  const lane = (i: number, sh: { width: number; signed: boolean }): Expr => {
    const raw = rdata[i].slice(sh.width - 1, 0);
    const v = sh.signed ? raw.asSigned() : raw;
    return mux(tagCount.gt(i), v, 0);
  };
  const fill = (bufs: Memory[], which: number, sh: { width: number; signed: boolean }) =>
    bufs.forEach((mem, i) => {
      const wp = mem.writePort();
      m.comb.set(wp.en, respValid.and(which ? tagBuf : tagBuf.not()));
      m.comb.set(wp.addr, fit(tagAddr, wp.addr.width));
      m.comb.set(wp.data, lane(i, sh));
    });
  fill(westBuf, 0, g.westShape);
  fill(northBuf, 1, g.northShape);

  // --- cores and scheduler ---------------------------------------------------------------------
  const sched = makeScheduler(g);
  m.submodule("scheduler", sched.module);
  m.comb.set(sched.restart, starting);
  const cores: CoreIo[] = [];
  const storeReads: ReadPort[] = [];
  const coreBusy: Signal[] = [], coreTiles: Signal[] = [];
  for (let c = 0; c < P; c++) {
    const core = g.df === "os" ? makeOsCore(g) : makeStationaryCore(g);
    m.submodule(`core${c}`, core.module);
    cores.push(core);
    m.comb.set(core.go, loadDone);
    m.comb.set(core.descValid, sched.valid[c]);
    m.comb.set(core.descRow, sched.row[c]);
    m.comb.set(core.descCol, sched.col[c]);
    m.comb.set(sched.pop[c], core.descPop);
    connectReads(m, westBuf, core.westAddr, core.westData);
    connectReads(m, northBuf, core.northAddr, core.northData);
    // Transparent: a ws/is core may read the C word it writes in the same cycle (see core-stationary.ts).
    if (core.cRdAddr) connectReads(m, cBuf, core.cRdAddr, core.cRdData, true);
    cBuf.forEach((mem, j) => {
      const wp = mem.writePort();
      m.comb.set(wp.en, core.cWrEn);
      m.comb.set(wp.addr, core.cWrAddr);
      m.comb.set(wp.data, core.cWrData[j]);
    });
    const busy = m.output(`core${c}_busy_cycles`, u(BUSY_BITS)), tiles = m.output(`core${c}_tiles`, u(TILE_COUNT_BITS));
    m.comb.set(busy, core.busyCycles);
    m.comb.set(tiles, core.tilesDone);
    coreBusy.push(busy);
    coreTiles.push(tiles);
  }
  const allDone = cores.map((c) => c.done as Expr).reduce((a, b) => a.and(b));

  // --- store unit ------------------------------------------------------------------------------
  const sw = g.storeWalk;
  const stActive = m.signal("store_active", u(1));
  const st = walkCursor(m, "store", [sw]);
  const stF = walkFields(sw, st.o, st.x, w.countBits, bitsFor(g.cDepth));
  // A one-word pipeline: the C buffer read (sync) and the request fields are registered together;
  // the register takes the next word when it is empty or its word is taken this cycle, else it
  // (and the read port's data) holds.
  const stValid = m.signal("store_valid", u(1)), stLast = m.signal("store_last", u(1));
  const stFree = m.signal("store_free", u(1));
  m.comb.set(stFree, stValid.not().or(reqReady));
  for (const mem of cBuf) {
    const rp = mem.readPort({ domain: "sync" });
    m.comb.set(rp.addr, stF.addr);
    m.comb.set(rp.en, stFree);
    storeReads.push(rp);
  }
  const stRow = m.signal("store_row", u(COORD_BITS)), stCol = m.signal("store_col", u(COORD_BITS));
  const stCount = m.signal("store_count", u(w.countBits));
  const storing = phase.is("STORE").and(stActive).and(stFree);
  m.if(stFree, () => {
    m.sync.set(stValid, storing);
    m.sync.set(stLast, st.last);
    m.sync.set(stRow, stF.row);
    m.sync.set(stCol, stF.col);
    m.sync.set(stCount, stF.count);
  });
  m.if(storing, () => {
    st.step();
    m.if(st.last, () => m.sync.set(stActive, 0));
  });

  // --- global-memory request mux ---------------------------------------------------------------
  m.comb.set(reqValid, ldOffer.or(stValid));
  m.comb.set(reqWrite, stValid);
  m.comb.set(reqMat, mux(stValid, MAT_C, mux(ldSel, walks[1].mat, walks[0].mat)));
  m.comb.set(reqDir, mux(stValid, sw.dir, mux(ldSel, walks[1].dir, walks[0].dir)));
  m.comb.set(reqRow, mux(stValid, stRow, mux(ldSel, ldF[1].row, ldF[0].row)));
  m.comb.set(reqCol, mux(stValid, stCol, mux(ldSel, ldF[1].col, ldF[0].col)));
  m.comb.set(reqCount, mux(stValid, stCount, ldCount));
  m.comb.set(reqTag, cat(ldSel, ldCount, mux(ldSel, ldF[1].addr, ldF[0].addr)));
  wdata.forEach((d, j) => m.comb.set(d, storeReads[j].data));

  // --- phases ----------------------------------------------------------------------------------
  const begin = () => {
    phase.next("LOAD");
    m.sync.set(ldSel, 0);
    m.sync.set(ldActive, 1);
    ld.clear();
  };
  phase.state("IDLE", () => m.if(start, begin));
  phase.state("LOAD", () => m.if(loadDone, () => phase.next("COMPUTE")));
  phase.state("COMPUTE", () =>
    m.if(allDone, () => {
      phase.next("STORE");
      m.sync.set(stActive, 1);
      st.clear();
    }),
  );
  phase.state("STORE", () => m.if(stValid.and(stLast).and(reqReady), () => phase.next("DONE")));
  phase.state("DONE", () => m.if(start, begin));
  m.comb.set(done, phase.is("DONE"));
  return { module: m, g, start, done, coreBusy, coreTiles };
}

/** One sync read port per lane memory, all at `addr`, data to `data[lane]`. */
function connectReads(m: Module, mems: Memory[], addr: Signal, data: Signal[], transparent = false): void {
  mems.forEach((mem, i) => {
    const rp = mem.readPort({ domain: "sync", transparent });
    m.comb.set(rp.addr, addr);
    m.comb.set(data[i], rp.data);
  });
}
