/**
 * The tile scheduler: a ROM of tile descriptors in cost order (most expensive first; the table is
 * fixed per GEMM shape, as XY-Serve's offline Task-Table is), dealt to the cores in symmetric
 * round-robin: positions 0,1,..,P-1 go to cores 0,1,..,P-1, positions P..2P-1 to cores P-1,..,0,
 * and so on (1,2,3,4,4,3,2,1,1,2,... in the paper's numbering). The heavy tiles at the front are
 * thus spread one per core and the light ones balance the totals.
 *
 * Each core walks its own positions: c, 2P-1-c, 2P+c, 4P-1-c, ... — alternately adding
 * 2P-1-2c and 2c+1 — so the ROM has one asynchronous read port per core and no arbitration.
 */
import { Module, Signal, constant, mux, u } from "../../hdl/index.js";
import { tileColBits, tileRowBits } from "./core-io.js";
import type { Geometry } from "./geometry.js";
import { counterBits, fit } from "./rtl-util.js";

export interface SchedulerIo {
  readonly module: Module;
  /** Pulse: return every core to its first position (a new job). */
  readonly restart: Signal;
  readonly pop: Signal[];
  readonly valid: Signal[];
  readonly row: Signal[];
  readonly col: Signal[];
}

export function makeScheduler(g: Geometry): SchedulerIo {
  const P = g.p.cores, T = g.tiles.length;
  const m = new Module("tile_scheduler");
  const rb = tileRowBits(g), cb = tileColBits(g);
  const rom = m.memory({
    name: "tile_table",
    shape: u(rb + cb),
    depth: T,
    init: g.tiles.map((e) => (BigInt(e.row) << BigInt(cb)) | BigInt(e.col)),
  });
  const restart = m.input("restart", u(1));
  const posBits = counterBits(T + 2 * P);
  const io: SchedulerIo = { module: m, restart, pop: [], valid: [], row: [], col: [] };
  for (let c = 0; c < P; c++) {
    const pop = m.input(`pop_${c}`, u(1));
    const valid = m.output(`valid_${c}`, u(1)), row = m.output(`row_${c}`, u(rb)), col = m.output(`col_${c}`, u(cb));
    const pos = m.signal(`pos_${c}`, u(posBits), { reset: c });
    const back = m.signal(`back_${c}`, u(1)); // next step is the mirrored half (2P-1-2c)
    const port = rom.readPort({ domain: "comb" });
    m.comb.set(port.addr, fit(pos, port.addr.width));
    m.comb.set(valid, pos.lt(T));
    m.comb.set(row, port.data.slice(rb + cb - 1, cb));
    m.comb.set(col, port.data.slice(cb - 1, 0));
    m.if(restart, () => {
      m.sync.set(pos, constant(c, u(posBits)));
      m.sync.set(back, 0);
    }).elif(pop, () => {
      m.sync.set(pos, fit(pos.add(mux(back, 2 * c + 1, 2 * P - 1 - 2 * c)), posBits));
      m.sync.set(back, back.not());
    });
    io.pop.push(pop);
    io.valid.push(valid);
    io.row.push(row);
    io.col.push(col);
  }
  return io;
}
