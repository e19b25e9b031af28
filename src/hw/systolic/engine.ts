/**
 * The tiled GEMM engine: `cores` systolic arrays sharing on-chip A, B and C buffers, a tile
 * scheduler, and load/store units talking to global memory over a read channel (requests, then
 * responses in order) and a write channel, each with its own valid/ready (as AXI's are).
 *
 * The load unit fetches operand blocks in the order the cores' folds need them (tables.ts), one
 * request per cycle while the read channel allows, zero-filling padded lanes; the cores take tiles
 * from the scheduler (symmetric round-robin over tiles sorted by cost) and fold them onto their
 * arrays, results going to the C buffer; the store unit writes the real words of each finished tile
 * back, tile by tile in dispatch order, block by block as the cores finish them.
 *
 * With `overlap` (the default) the three run at once: a fold starts as soon as the blocks it reads
 * have arrived (a count of arrived blocks against each block's place in the load order), and each
 * output block (an os fold's R x C results; a ws/is outer fold's C-wide block) is stored as soon
 * as its core has written it (a count per core against the block's place in the core's sequence). Without, they run one after the other:
 *   IDLE --start--> LOAD (every block) -> COMPUTE (every tile) -> STORE (every tile) -> DONE.
 * With overlap the phase register still names the last unit to finish: LOAD while blocks are
 * loading, COMPUTE until every core is done, STORE until the last tile is written back; `done` is
 * high from then until the next `start`.
 *
 * Buffers are allocated in whole tiles (virtual padding); see geometry.ts for their layouts. The
 * whole engine is RTL; global memory is outside it, behind the gm_* ports (gmem-port.ts).
 */
import { Expr, Memory, Module, ReadPort, Signal, bitsFor, cat, lit, mux, u } from "../../hdl/index.js";
import { makeOsCore } from "./core-os.js";
import { CoreIo, BUSY_BITS, TILE_COUNT_BITS } from "./core-io.js";
import { makeStationaryCore } from "./core-stationary.js";
import { walkFields } from "./dma.js";
import { Geometry, geometry } from "./geometry.js";
import { COORD_BITS, gmemWidths } from "./gmem-port.js";
import type { EngineParams } from "./params.js";
import { affine, counter, counterBits, fit, tableRom } from "./rtl-util.js";
import { makeScheduler } from "./scheduler.js";
import { engineTables } from "./tables.js";

export interface EngineIo {
  readonly module: Module;
  readonly g: Geometry;
  readonly start: Signal;
  readonly done: Signal;
  readonly coreBusy: Signal[];
  readonly coreWait: Signal[];
  readonly coreTiles: Signal[];
}

export const ENGINE_PHASES = ["IDLE", "LOAD", "COMPUTE", "STORE", "DONE"] as const;

export function makeEngine(params: EngineParams): EngineIo {
  const g = geometry(params);
  const tables = engineTables(g);
  const P = g.p.cores;
  const overlap = g.p.overlap;
  const w = gmemWidths(g);
  const m = new Module("gemm_engine");
  const start = m.input("start", u(1));
  const done = m.output("done", u(1));

  // Global-memory read channel (requests, responses in order) and write channel.
  const reqValid = m.output("gm_req_valid", u(1)), reqReady = m.input("gm_req_ready", u(1));
  const reqMat = m.output("gm_req_mat", u(2)), reqDir = m.output("gm_req_dir", u(1));
  const reqRow = m.output("gm_req_row", u(COORD_BITS)), reqCol = m.output("gm_req_col", u(COORD_BITS));
  const reqCount = m.output("gm_req_count", u(w.countBits)), reqTag = m.output("gm_req_tag", u(w.tagBits));
  const respValid = m.input("gm_resp_valid", u(1)), respTag = m.input("gm_resp_tag", u(w.tagBits));
  const rdata = Array.from({ length: w.readLanes }, (_, i) => m.input(`gm_rdata_l${i}`, u(w.dataBits)));
  const wrValid = m.output("gm_wr_valid", u(1)), wrReady = m.input("gm_wr_ready", u(1));
  const wrDir = m.output("gm_wr_dir", u(1));
  const wrRow = m.output("gm_wr_row", u(COORD_BITS)), wrCol = m.output("gm_wr_col", u(COORD_BITS));
  const wrCount = m.output("gm_wr_count", u(w.countBits));
  const wdata = Array.from({ length: w.writeLanes }, (_, j) => m.output(`gm_wdata_l${j}`, w.writeShape));

  // On-chip buffers: one memory per lane.
  const westBuf = Array.from({ length: g.R }, (_, i) => m.memory({ name: `west_buf_l${i}`, shape: g.westShape, depth: g.westDepth }));
  const northBuf = Array.from({ length: g.C }, (_, j) => m.memory({ name: `north_buf_l${j}`, shape: g.northShape, depth: g.northDepth }));
  const cBuf = Array.from({ length: g.C }, (_, j) => m.memory({ name: `c_buf_l${j}`, shape: g.accShape, depth: g.cDepth }));

  const phase = m.fsm("phase", { states: ENGINE_PHASES, init: "IDLE" });
  const starting = m.signal("starting", u(1));
  m.comb.set(starting, phase.is("IDLE").or(phase.is("DONE")).and(start));
  const busy = phase.is("LOAD").or(phase.is("COMPUTE")).or(phase.is("STORE"));

  // --- load unit: blocks in load order, each block's words in walk order ---------------------
  const walks = g.loadWalks;
  const order = tables.loadOrder;
  const B = order.length;
  const W = order.reduce((s, b) => s + walks[b.sel].inner, 0);
  const blockBits = Math.max(bitsFor(walks[0].outer), bitsFor(walks[1].outer));
  const ldRom = tableRom(m, "load_order", { block: blockBits, sel: 1 }, order);
  const ldQ = counter(m, "load_block", B - 1), ldX = counter(m, "load_word", Math.max(walks[0].inner, walks[1].inner) - 1);
  const ldEntry = ldRom.read(ldQ);
  const ldSel = ldEntry.sel;
  const ldActive = m.signal("load_active", u(1));
  const ldF = walks.map((wk) => walkFields(wk, ldEntry.block, ldX, w.countBits, w.addrBits));
  const ldCount = mux(ldSel, ldF[1].count, ldF[0].count);
  const ldBlockEnd = ldX.eq(mux(ldSel, walks[1].inner - 1, walks[0].inner - 1));
  // The current word is offered until the memory takes it (bandwidth); the cursor moves on then.
  const ldOffer = phase.is("LOAD").and(ldActive);
  m.if(ldOffer.and(reqReady), () => {
    m.if(ldBlockEnd, () => {
      m.sync.set(ldX, 0);
      m.if(ldQ.eq(B - 1), () => m.sync.set(ldActive, 0)).else(() => m.sync.set(ldQ, fit(ldQ.add(1), ldQ.width)));
    }).else(() => m.sync.set(ldX, fit(ldX.add(1), ldX.width)));
  });
  const respCount = counter(m, "load_responses", W - 1);
  const loadDone = m.signal("load_done", u(1));
  m.comb.set(loadDone, phase.is("LOAD").and(respValid).and(respCount.eq(W - 1)));
  m.if(starting, () => m.sync.set(respCount, 0)).elif(respValid, () => m.sync.set(respCount, fit(respCount.add(1), respCount.width)));

  // Responses into the buffers; lanes >= count are padding and become 0 here. The tag carries the
  // word's buffer, real lanes and address, and whether it ends its block.
  const tagEnd = respTag.bit(w.tagBits - 1), tagBuf = respTag.bit(w.tagBits - 2);
  const tagCount = respTag.slice(w.countBits + w.addrBits - 1, w.addrBits);
  const tagAddr = respTag.slice(w.addrBits - 1, 0);
  const arrived = counter(m, "blocks_arrived", B);
  m.if(starting, () => m.sync.set(arrived, 0)).elif(respValid.and(tagEnd), () => m.sync.set(arrived, fit(arrived.add(1), arrived.width)));
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
  // With overlap the cores start the cycle after `start` and wait fold by fold; without, they
  // start when the last block has arrived.
  const kick = m.signal("kick", u(1));
  m.sync.set(kick, starting);
  const posBits = counterBits(B - 1);
  const posRoms = tables.loadPos.map((ps, sel) => tableRom(m, `load_pos_${sel ? "north" : "west"}`, { pos: posBits }, ps.map((pos) => ({ pos }))));
  const cores: CoreIo[] = [];
  const storeReads: ReadPort[] = [];
  const coreBusy: Signal[] = [], coreWait: Signal[] = [], coreTiles: Signal[] = [];
  for (let c = 0; c < P; c++) {
    const core = g.df === "os" ? makeOsCore(g) : makeStationaryCore(g);
    m.submodule(`core${c}`, core.module);
    cores.push(core);
    m.comb.set(core.go, overlap ? kick : loadDone);
    m.comb.set(core.descValid, sched.valid[c]);
    m.comb.set(core.descRow, sched.row[c]);
    m.comb.set(core.descCol, sched.col[c]);
    m.comb.set(sched.pop[c], core.descPop);
    const inW = arrived.gt(posRoms[0].read(core.needWest).pos), inN = arrived.gt(posRoms[1].read(core.needNorth).pos);
    m.comb.set(core.foldReady, overlap ? inW.and(inN) : lit(1));
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
    const outs = {
      busy: m.output(`core${c}_busy_cycles`, u(BUSY_BITS)), wait: m.output(`core${c}_wait_cycles`, u(BUSY_BITS)),
      tiles: m.output(`core${c}_tiles`, u(TILE_COUNT_BITS)),
    };
    m.comb.set(outs.busy, core.busyCycles);
    m.comb.set(outs.wait, core.waitCycles);
    m.comb.set(outs.tiles, core.tilesDone);
    coreBusy.push(outs.busy);
    coreWait.push(outs.wait);
    coreTiles.push(outs.tiles);
  }
  const allDone = cores.map((c) => c.done as Expr).reduce((a, b) => a.and(b));

  // --- store unit: tile by tile in dispatch order, each output block once its core wrote it --
  const sw = g.storeWalk;
  const st = tables.storeTiles;
  const T = st.length;
  const most = (f: (x: (typeof st)[number]) => number) => Math.max(...st.map(f));
  const stRom = tableRom(m, "store_tiles", {
    o0: counterBits(sw.outer - 1), blocksLast: counterBits(most((x) => x.blocks) - 1),
    x0: counterBits(sw.inner - 1), groupsLast: counterBits(most((x) => x.groups) - 1), wordsLast: counterBits(most((x) => x.lastWords) - 1),
    core: counterBits(P - 1), base: counterBits(most((x) => x.base)),
  }, st.map((x) => ({ ...x, blocksLast: x.blocks - 1, groupsLast: x.groups - 1, wordsLast: x.lastWords - 1 })));
  const stP = counter(m, "store_tile", T - 1);
  const stA = counter(m, "store_group", most((x) => x.groups) - 1);
  const stB = counter(m, "store_block", most((x) => x.blocks) - 1);
  const stI = counter(m, "store_word", Math.max(g.R, most((x) => x.lastWords)) - 1);
  const stSeq = counter(m, "store_block_seq", most((x) => x.groups * x.blocks) - 1); // output block within the tile
  const tile = stRom.read(stP);
  const stF = walkFields(sw, tile.o0.add(stB), affine(counterBits(sw.inner), 0, [tile.x0, 1], [stA, g.R], [stI, 1]), w.countBits, bitsFor(g.cDepth));
  const written = cores.map((c) => c.blocksWritten as Expr).reduceRight((acc, x, c) => (c === P - 1 ? x : mux(tile.core.eq(c), x, acc)));
  const blockReady = m.signal("store_block_ready", u(1));
  m.comb.set(blockReady, written.gt(tile.base.add(stSeq)));
  const stActive = m.signal("store_active", u(1));
  const lastGroup = stA.eq(tile.groupsLast);
  const blockEnd = stI.eq(mux(lastGroup, tile.wordsLast, g.R - 1));
  const tileEnd = blockEnd.and(stB.eq(tile.blocksLast)).and(lastGroup);
  // A one-word pipeline: the C buffer read (sync) and the request fields are registered together;
  // the register takes the next word when it is empty or its word is taken this cycle, else it
  // (and the read port's data) holds.
  const stValid = m.signal("store_valid", u(1)), stLast = m.signal("store_last", u(1));
  const stFree = m.signal("store_free", u(1));
  m.comb.set(stFree, stValid.not().or(wrReady));
  for (const mem of cBuf) {
    const rp = mem.readPort({ domain: "sync" });
    m.comb.set(rp.addr, stF.addr);
    m.comb.set(rp.en, stFree);
    storeReads.push(rp);
  }
  const stRow = m.signal("store_row", u(COORD_BITS)), stCol = m.signal("store_col", u(COORD_BITS));
  const stCount = m.signal("store_count", u(w.countBits));
  const storeOn = overlap ? busy : phase.is("STORE");
  const storing = storeOn.and(stActive).and(blockReady).and(stFree);
  m.if(stFree, () => {
    m.sync.set(stValid, storing);
    m.sync.set(stLast, tileEnd.and(stP.eq(T - 1)));
    m.sync.set(stRow, stF.row);
    m.sync.set(stCol, stF.col);
    m.sync.set(stCount, stF.count);
  });
  m.if(storing, () => {
    m.if(blockEnd, () => {
      m.sync.set(stI, 0);
      m.sync.set(stSeq, fit(stSeq.add(1), stSeq.width));
      m.if(stB.eq(tile.blocksLast), () => {
        m.sync.set(stB, 0);
        m.if(lastGroup, () => {
          m.sync.set(stA, 0);
          m.sync.set(stSeq, 0);
          m.if(stP.eq(T - 1), () => m.sync.set(stActive, 0)).else(() => m.sync.set(stP, fit(stP.add(1), stP.width)));
        }).else(() => m.sync.set(stA, fit(stA.add(1), stA.width)));
      }).else(() => m.sync.set(stB, fit(stB.add(1), stB.width)));
    }).else(() => m.sync.set(stI, fit(stI.add(1), stI.width)));
  });
  const storeDone = stValid.and(stLast).and(wrReady);

  // --- global-memory channels ------------------------------------------------------------------
  m.comb.set(reqValid, ldOffer);
  m.comb.set(reqMat, mux(ldSel, walks[1].mat, walks[0].mat));
  m.comb.set(reqDir, mux(ldSel, walks[1].dir, walks[0].dir));
  m.comb.set(reqRow, mux(ldSel, ldF[1].row, ldF[0].row));
  m.comb.set(reqCol, mux(ldSel, ldF[1].col, ldF[0].col));
  m.comb.set(reqCount, ldCount);
  m.comb.set(reqTag, cat(ldBlockEnd, ldSel, ldCount, mux(ldSel, ldF[1].addr, ldF[0].addr)));
  m.comb.set(wrValid, stValid);
  m.comb.set(wrDir, sw.dir);
  m.comb.set(wrRow, stRow);
  m.comb.set(wrCol, stCol);
  m.comb.set(wrCount, stCount);
  wdata.forEach((d, j) => m.comb.set(d, storeReads[j].data));

  // --- phases ----------------------------------------------------------------------------------
  const begin = () => {
    phase.next("LOAD");
    m.sync.set(ldActive, 1);
    m.sync.set(stActive, 1);
    for (const cursor of [ldQ, ldX, stP, stA, stB, stI, stSeq]) m.sync.set(cursor, 0);
  };
  phase.state("IDLE", () => m.if(start, begin));
  phase.state("LOAD", () => m.if(loadDone, () => phase.next("COMPUTE")));
  // (With overlap every block is read by some fold, so no core is done before the last arrives, and
  // the last tile is stored only after its core is done.)
  phase.state("COMPUTE", () => m.if(allDone, () => phase.next("STORE")));
  phase.state("STORE", () => m.if(storeDone, () => phase.next("DONE")));
  phase.state("DONE", () => m.if(start, begin));
  m.comb.set(done, phase.is("DONE"));
  return { module: m, g, start, done, coreBusy, coreWait, coreTiles };
}

/** One sync read port per lane memory, all at `addr`, data to `data[lane]`. */
function connectReads(m: Module, mems: Memory[], addr: Signal, data: Signal[], transparent = false): void {
  mems.forEach((mem, i) => {
    const rp = mem.readPort({ domain: "sync", transparent });
    m.comb.set(rp.addr, addr);
    m.comb.set(data[i], rp.data);
  });
}
