/**
 * The engine's port to global memory (HBM/DDR, modelled outside the RTL): a read channel and a
 * write channel, each taking at most one request per cycle when the memory raises its ready
 * (valid/ready: an offered request holds until taken), as AXI's AR and AW/W channels do.
 * A request moves `count` lanes of a matrix starting at (row, col), along the row (col + lane) or
 * down the column (row + lane). Reads (of A or B) are answered in order some cycles later with the
 * request's tag; writes (of C) carry their data. The lanes at or beyond `count` are not part of the
 * transfer (the engine zeroes them: the padding of a partial tile is made on chip and never read
 * from or written to memory).
 */
import { PortsDecl, Shape, bitsFor, input, output, u } from "../../hdl/index.js";
import type { Geometry } from "./geometry.js";
import { counterBits } from "./rtl-util.js";

export const COORD_BITS = 16;

export interface GmemWidths {
  /** Lanes of a read response (max of R, C) and of a write request (C). */
  readonly readLanes: number;
  readonly writeLanes: number;
  /** Raw bits per read lane (wide enough for A and B elements). */
  readonly dataBits: number;
  readonly countBits: number;
  readonly addrBits: number;
  readonly tagBits: number;
  readonly writeShape: Shape;
}

export function gmemWidths(g: Geometry): GmemWidths {
  const readLanes = Math.max(g.R, g.C);
  const addrBits = Math.max(bitsFor(g.westDepth), bitsFor(g.northDepth));
  const countBits = counterBits(readLanes);
  return {
    readLanes, writeLanes: g.C, dataBits: Math.max(g.aShape.width, g.bShape.width), countBits, addrBits,
    // Tag: block end, buffer, real lanes, buffer address (engine.ts).
    tagBits: 2 + countBits + addrBits, writeShape: g.accShape,
  };
}

/** The port list as the memory model sees it (requests in, responses out). */
export function gmemModelPorts(g: Geometry): PortsDecl {
  const w = gmemWidths(g);
  const d: Record<string, ReturnType<typeof input>> = {
    req_valid: input(u(1)),
    req_mat: input(u(2)),
    req_dir: input(u(1)),
    req_row: input(u(COORD_BITS)),
    req_col: input(u(COORD_BITS)),
    req_count: input(u(w.countBits)),
    req_tag: input(u(w.tagBits)),
    // A channel takes the offered request in a cycle where its ready is 1 (bandwidth, dram-port.ts).
    req_ready: output(u(1)),
    resp_valid: output(u(1)),
    resp_tag: output(u(w.tagBits)),
    wr_valid: input(u(1)),
    wr_dir: input(u(1)),
    wr_row: input(u(COORD_BITS)),
    wr_col: input(u(COORD_BITS)),
    wr_count: input(u(w.countBits)),
    wr_ready: output(u(1)),
  };
  for (let j = 0; j < w.writeLanes; j++) d[`wdata_l${j}`] = input(w.writeShape);
  for (let i = 0; i < w.readLanes; i++) d[`rdata_l${i}`] = output(u(w.dataBits));
  return d;
}
