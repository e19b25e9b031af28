/**
 * Behavioural global memory (HBM-like) for the GEMM engine's gm_* port: holds A, B and C row-major,
 * answers read requests in order `latency` cycles later, performs writes, and counts every element
 * and byte that crosses the port. It is the judge of virtual padding: any lane outside the real
 * matrix (a padded row or column) is recorded as a violation, each element's reads and writes are
 * counted so the testbench can demand "exactly once", and the lanes of a response beyond `count`
 * carry garbage, so an engine that forgot to zero its padded lanes gives wrong results. With a
 * bandwidth each channel (read, write) takes requests as src/golden/dram-port.ts rules (a credit of
 * bytes refilled every cycle), telling the engine through req_ready and wr_ready; the latency counts
 * from the cycle a read is taken.
 */
import type { BehaviouralBlock, BehaviouralIO, PortsDecl } from "../../hdl/index.js";
import { gmemModelPorts, gmemWidths } from "../../hw/systolic/gmem-port.js";
import { DIR_ALONG_ROW, Geometry, MAT_A, MAT_C } from "../../hw/systolic/geometry.js";
import { elementBytes } from "../../golden/gemm.js";
import { rng } from "../harness.js";

interface Pending {
  readonly due: number;
  readonly tag: bigint;
  readonly lanes: number[];
}

export class GlobalMemoryModel implements BehaviouralBlock {
  readonly moduleName = "global_memory";
  readonly ports: PortsDecl;
  readonly C: Float64Array;
  readonly readsA: Uint16Array;
  readonly readsB: Uint16Array;
  readonly writesC: Uint16Array;
  elementsRead = 0;
  elementsWritten = 0;
  bytesRead = 0;
  bytesWritten = 0;
  readRequests = 0;
  writeRequests = 0;
  /** Padding that reached memory, and other protocol errors (the first few). */
  readonly violations: string[] = [];
  violationCount = 0;

  private readonly readLanes: number;
  private readonly writeLanes: number;
  private readonly dataMask: bigint;
  private readonly queue: Pending[] = [];
  private tickNo = 0;
  /** Each channel's credit in bytes (dram-port.ts), and whether it takes a request this cycle. */
  private readonly read = { credit: 0, ready: true };
  private readonly write = { credit: 0, ready: true };
  private readonly garbage: () => number;
  private readonly wnames: string[];
  private readonly rnames: string[];
  private readonly dims: readonly [number, number][];
  private readonly elemBytes: readonly number[];

  constructor(
    private readonly g: Geometry,
    readonly A: ArrayLike<number>,
    readonly B: ArrayLike<number>,
    readonly latency = 1,
    seed = 1,
    /** Bytes per cycle the port moves (0: unlimited, a request every cycle). */
    readonly bytesPerCycle = 0,
  ) {
    if (!Number.isInteger(latency) || latency < 1) throw new Error(`GlobalMemoryModel: latency ${latency} must be a whole number >= 1`);
    if (!Number.isInteger(bytesPerCycle) || bytesPerCycle < 0) throw new Error(`GlobalMemoryModel: bytesPerCycle ${bytesPerCycle} must be a whole number >= 0 (0: unlimited)`);
    const w = gmemWidths(g);
    this.ports = gmemModelPorts(g);
    this.readLanes = w.readLanes;
    this.writeLanes = w.writeLanes;
    this.dataMask = (1n << BigInt(w.dataBits)) - 1n;
    this.C = new Float64Array(g.M * g.N);
    this.readsA = new Uint16Array(g.M * g.K);
    this.readsB = new Uint16Array(g.K * g.N);
    this.writesC = new Uint16Array(g.M * g.N);
    const r = rng(seed ^ 0x9e3779b9);
    const top = 2 ** w.dataBits;
    this.garbage = () => Math.floor(r() * top);
    this.wnames = Array.from({ length: this.writeLanes }, (_, j) => `wdata_l${j}`);
    this.rnames = Array.from({ length: this.readLanes }, (_, i) => `rdata_l${i}`);
    this.dims = [[g.M, g.K], [g.K, g.N], [g.M, g.N]];
    this.elemBytes = [elementBytes(g.aShape.width), elementBytes(g.bShape.width), elementBytes(g.accShape.width)];
  }

  private violation(msg: string): void {
    this.violationCount++;
    if (this.violations.length < 10) this.violations.push(`cycle ${this.tickNo}: ${msg}`);
  }

  reset(io: BehaviouralIO): void {
    this.queue.length = 0;
    for (const ch of [this.read, this.write]) {
      ch.credit = this.bytesPerCycle;
      ch.ready = true;
    }
    io.set("resp_valid", 0);
    io.set("req_ready", 1);
    io.set("wr_ready", 1);
  }

  tick(io: BehaviouralIO): void {
    const now = this.tickNo++;
    const spentRead = io.getNumber("req_valid") && this.read.ready ? this.request(io, now, false) : 0;
    const spentWrite = io.getNumber("wr_valid") && this.write.ready ? this.request(io, now, true) : 0;
    const bw = this.bytesPerCycle;
    if (bw > 0) {
      for (const [ch, spent, ready] of [[this.read, spentRead, "req_ready"], [this.write, spentWrite, "wr_ready"]] as const) {
        ch.credit = Math.min(bw, ch.credit - spent + bw);
        ch.ready = ch.credit > 0;
        io.set(ready, ch.ready ? 1 : 0);
      }
    }
    const head = this.queue[0];
    if (head && head.due === now) {
      this.queue.shift();
      io.set("resp_valid", 1);
      io.set("resp_tag", head.tag);
      for (let i = 0; i < this.readLanes; i++) io.set(this.rnames[i], head.lanes[i]);
    } else io.set("resp_valid", 0);
  }

  /** Serve a request taken this cycle on the read or the write channel; returns the bytes it moves. */
  private request(io: BehaviouralIO, now: number, write: boolean): number {
    const f = write ? "wr" : "req";
    const mat = write ? MAT_C : io.getNumber("req_mat"), dir = io.getNumber(`${f}_dir`);
    const row = io.getNumber(`${f}_row`), col = io.getNumber(`${f}_col`), count = io.getNumber(`${f}_count`);
    const what = `${write ? "write" : "read"} of ${"ABC"[mat] ?? `matrix ${mat}`} at (${row}, ${col}) ${dir === DIR_ALONG_ROW ? "along the row" : "down the column"}, ${count} lanes`;
    const lanes = write ? this.writeLanes : this.readLanes;
    if (count < 1 || count > lanes) this.violation(`${what}: count must be 1..${lanes}`);
    if (!write && mat === MAT_C) this.violation(`${what}: C is only written (on the write channel)`);
    const [rows, cols] = this.dims[mat] ?? [0, 0];
    const out: number[] = [];
    for (let l = 0; l < lanes; l++) {
      if (l >= count) {
        if (!write) out.push(this.garbage());
        continue;
      }
      const r = dir === DIR_ALONG_ROW ? row : row + l, c = dir === DIR_ALONG_ROW ? col + l : col;
      if (r >= rows || c >= cols) {
        this.violation(`${what}: lane ${l} is (${r}, ${c}), outside the ${rows} x ${cols} matrix: padding reached global memory`);
        if (!write) out.push(this.garbage());
        continue;
      }
      const idx = r * cols + c;
      if (write) {
        this.C[idx] = io.getNumber(this.wnames[l]);
        this.writesC[idx]++;
      } else if (mat === MAT_A) {
        out.push(Number(BigInt(this.A[idx]) & this.dataMask));
        this.readsA[idx]++;
      } else {
        out.push(Number(BigInt(this.B[idx]) & this.dataMask));
        this.readsB[idx]++;
      }
    }
    const n = Math.min(count, lanes);
    const bytes = n * (this.elemBytes[mat] ?? 0);
    if (write) {
      this.writeRequests++;
      this.elementsWritten += n;
      this.bytesWritten += bytes;
    } else {
      this.readRequests++;
      this.elementsRead += n;
      this.bytesRead += bytes;
      this.queue.push({ due: now + this.latency - 1, tag: io.get("req_tag"), lanes: out });
    }
    return bytes;
  }
}
