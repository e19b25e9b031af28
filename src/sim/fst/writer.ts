/**
 * A streamed FST writer (GTKWave's compressed waveform format, also read by Surfer), with the
 * VcdWriter's interface and semantics: the same vars, filters, window, FSM state strings, clock
 * vars and times, so `fst2vcd` of our FST shows the values of our VCD of the same run.
 *
 * Use:
 *   const w = new FstWriter("waves/x.fst", { timescale: "1ns" });   // opens (creates dirs)
 *   w.declare(vars, clocks, source);  // writes the header, geometry and hierarchy blocks
 *   w.clockEdge("sync", 1, t); w.dump(t); w.clockEdge("sync", 0, t + 5); ...
 *   w.close();                        // writes the last block, finishes the header; idempotent
 *
 * File layout: header block (rewritten in place after every value-change block, so its times and
 * counts always describe the blocks written so far), geometry block, hierarchy block, then
 * value-change blocks (block.ts). GTKWave's writer puts geometry and hierarchy last, at close;
 * readers (fstapi.c, the Rust fst-reader behind Surfer) scan every block's type whatever the
 * order, and putting them first keeps a file readable up to its last whole block if the process is
 * killed.
 *
 * Streaming: changes gather in memory, already in FST's encoding (one byte per change of a 1-bit
 * var, 2-5 for a <= 32-bit one), and are written as one block, each signal's changes
 * zlib-compressed, once they take `blockBytes` (8 MiB by default) or the block holds `blockTimes`
 * timestamps (131072 by default, two per cycle of one clock): memory stays bounded however long
 * the run. A block only ends between two times. Each block is written with its type byte set to
 * "skip" and then patched, so a block cut short by a kill reads as the end of the file.
 *
 * Compression runs on a worker thread (compress.ts; `thread: false` or TESSERA_FST_THREAD=0 keeps
 * it here): when a block is full its chains go to the worker and the simulation fills the next
 * one; the block is written when the next one is full, or at close. Same bytes either way.
 *
 * Options are VcdWriter's (timescale, date, version, scopes, signals, window, fsmStrings) plus
 * blockBytes, blockTimes, level (zlib) and thread. FSM state names: a var with a decoder also gets a
 * string signal `<name>_name` (FST's variable-length type) holding the state name, as in the VCD.
 * Vector names carry their range, "acc [31:0]", as the VCD's `$var` lines and Verilator's FST do.
 *
 * Complete after a throw: close() in a `finally` (Simulator.close) finishes the file, and writers
 * still open at process 'exit' (an uncaught exception included) are closed synchronously then.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { TraceFilter } from "../vcd/filter.js";
import { tracedVars } from "../vcd/vars.js";
import { checkTimescale, vcdName } from "../vcd/header.js";
import type { TraceClock, TraceSource, TraceVar } from "../vcd/types.js";
import { ChangeLog, assembleBlock, frameLayout, prepareBlock, unknownFrame, type FrameLayout, type PreparedBlock } from "./block.js";
import { ChainCompressor, compressChains, type ChainResult } from "./compress.js";
import { FstDumper, type FstEntry } from "./dumper.js";
import {
  BL_VCDATA_DYN_ALIAS2,
  HDR_SIZE,
  VT_GEN_STRING,
  VT_VCD_REG,
  VT_VCD_WIRE,
  geometryBlock,
  headerBlock,
  headerUpdate,
  hierarchyBlock,
  hierarchyBytes,
  hierarchyOrder,
  timescaleExponent,
  type HierVar,
} from "./hierarchy.js";

export interface FstWriterOptions extends TraceFilter {
  timescale?: string;
  date?: string;
  version?: string;
  window?: readonly [number, number];
  fsmStrings?: boolean;
  /** End a block when its change arena reaches this many bytes (8 MiB by default). */
  blockBytes?: number;
  /** ... or when it holds this many timestamps (131072 by default). */
  blockTimes?: number;
  /** zlib level of each signal's changes (4 by default, as fstapi). */
  level?: number;
  /**
   * Compress each block on a worker thread while the simulation fills the next one (true by
   * default; TESSERA_FST_THREAD=0 turns it off). A file of one block never starts the thread.
   */
  thread?: boolean;
}

const DEFAULT_BLOCK_BYTES = 8 << 20;
const DEFAULT_BLOCK_TIMES = 1 << 17;

/** Writers not yet closed, closed by one process 'exit' handler. */
const openWriters = new Set<FstWriter>();
let exitHandlerInstalled = false;
function closeAllOnExit() {
  for (const w of [...openWriters]) {
    try {
      w.close();
    } catch {
      // exiting: nothing left to report to
    }
  }
}

interface ClockState {
  clock: TraceClock;
  handle: number;
  level: 0 | 1;
}

export class FstWriter {
  readonly path: string;
  /** The vars kept by the filters, in declaration order (after declare). */
  traced: readonly TraceVar[] = [];

  private fd: number;
  private fileBytes = 0;
  private readonly timescale: string;
  private readonly date: string;
  private readonly version: string;
  private readonly from: number;
  private readonly to: number;
  private readonly fsmStrings: boolean;
  private readonly filter: TraceFilter;
  private readonly blockBytes: number;
  private readonly blockTimes: number;
  private readonly level: number;
  private dumper?: FstDumper;
  private log?: ChangeLog;
  private layout?: FrameLayout;
  private frame?: Uint8Array;
  private readonly thread: boolean;
  private compressor?: ChainCompressor;
  /** The block the worker is compressing, written when it is back (blocks stay in order). */
  private pending?: PreparedBlock;
  private clocks = new Map<string, ClockState>();
  private counts = { scopes: 0, vars: 0, maxHandle: 0 };
  private blocks = 0;
  private startTime = -1;
  private endTime = 0;
  private declared = false;
  private started = false; // the full dump has been recorded
  private closed = false;
  private lastTime = -1; // latest time seen (monotonic check)
  private logTotalAtTime = 0; // bytes of changes when the current time entry was made

  constructor(file: string, opts: FstWriterOptions = {}) {
    this.path = file;
    this.timescale = checkTimescale(opts.timescale ?? "1ns");
    this.date = opts.date ?? new Date().toUTCString();
    this.version = opts.version ?? "Tessera FST writer";
    this.fsmStrings = opts.fsmStrings ?? true;
    this.filter = { scopes: opts.scopes, signals: opts.signals };
    this.blockBytes = opts.blockBytes ?? DEFAULT_BLOCK_BYTES;
    this.blockTimes = opts.blockTimes ?? DEFAULT_BLOCK_TIMES;
    this.level = opts.level ?? 4;
    this.thread = opts.thread ?? process.env.TESSERA_FST_THREAD !== "0";
    if (!(Number.isInteger(this.blockBytes) && this.blockBytes >= 1 && this.blockBytes <= 2 ** 30)) {
      throw new Error(`FstWriter(${file}): blockBytes ${this.blockBytes} must be a whole number 1 .. 2^30`);
    }
    if (!(Number.isInteger(this.blockTimes) && this.blockTimes >= 2 && this.blockTimes <= 2 ** 24)) {
      throw new Error(`FstWriter(${file}): blockTimes ${this.blockTimes} must be a whole number 2 .. 2^24`);
    }
    const [from, to] = opts.window ?? [0, Infinity];
    if (!(from >= 0 && to >= from)) {
      throw new Error(`FstWriter(${file}): window [${from}, ${to}] is empty or negative; give [from, to] with 0 <= from <= to`);
    }
    this.from = from;
    this.to = to;
    const dir = path.dirname(file);
    if (dir) fs.mkdirSync(dir, { recursive: true });
    this.fd = fs.openSync(file, "w");
    openWriters.add(this);
    if (!exitHandlerInstalled) {
      process.on("exit", closeAllOnExit);
      exitHandlerInstalled = true;
    }
    this.write([this.header()]);
  }

  /** Bytes written to the file so far. */
  get bytesWritten(): number {
    return this.fileBytes;
  }

  /** Bytes of changes held in memory: the block being filled, and one with the worker. */
  get bufferedBytes(): number {
    return (this.log?.total ?? 0) + (this.pending?.job.data.length ?? 0);
  }

  /** Value-change blocks written so far. */
  get blockCount(): number {
    return this.blocks;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Writes the geometry and hierarchy and prepares dumping. `vars` are filtered by the options;
   * every clock gets a 1-bit var toggled by clockEdge. `source` holds the values `dump` reads.
   */
  declare(vars: readonly TraceVar[], clocks: readonly TraceClock[], source: TraceSource): void {
    if (this.closed) throw new Error(`FstWriter(${this.path}): declare() after close()`);
    if (this.declared) throw new Error(`FstWriter(${this.path}): declare() may be called once`);
    const kept = tracedVars(`FstWriter(${this.path})`, vars, source, this.filter);
    this.traced = kept;

    const hier: HierVar[] = [];
    const widths: number[] = []; // per handle; 0 for strings
    const defaultScope = kept[0]?.scope.slice(0, 1) ?? vars[0]?.scope.slice(0, 1) ?? ["top"];
    // Handles are given out in the order the hierarchy lists the vars (fstapi numbers them so):
    // clocks and vars sorted into that order first, whatever order they were declared in.
    type Decl = { clock: TraceClock; scope: readonly string[] } | { v: TraceVar; scope: readonly string[] };
    const decls: Decl[] = [...clocks.map((c) => ({ clock: c, scope: c.scope ?? defaultScope })), ...kept.map((v) => ({ v, scope: v.scope }))];
    // A node traced under several names is one signal: later names are aliases of its handle.
    const byNode = new Map<string, FstEntry>();
    const entries: FstEntry[] = [];
    for (const d of hierarchyOrder(decls, (x) => x.scope)) {
      if ("clock" in d) {
        const c = d.clock;
        if (this.clocks.has(c.domain)) throw new Error(`FstWriter(${this.path}): clock domain '${c.domain}' declared twice`);
        const handle = widths.push(1) - 1;
        this.clocks.set(c.domain, { clock: c, handle, level: c.initial ?? 0 });
        hier.push({ scope: d.scope, name: vcdName(c.name), type: VT_VCD_WIRE, width: 1, handle: handle + 1, alias: false });
        continue;
      }
      const v = d.v;
      const key = `${v.store}:${v.index}:${v.width}:${v.signed}`;
      let e = byNode.get(key);
      const alias = e !== undefined;
      if (!e) {
        e = { v, handle: widths.push(v.width) - 1 };
        byNode.set(key, e);
        entries.push(e);
      }
      const name = vcdName(v.name) + (v.width > 1 ? ` [${v.width - 1}:0]` : "");
      hier.push({ scope: v.scope, name, type: v.kind === "reg" ? VT_VCD_REG : VT_VCD_WIRE, width: v.width, handle: e.handle + 1, alias });
      if (v.decoder && this.fsmStrings) {
        const stateAlias = e.stateHandle !== undefined;
        if (!stateAlias) {
          e.stateHandle = widths.push(0) - 1;
          e.v = { ...e.v, decoder: v.decoder };
        }
        hier.push({ scope: v.scope, name: vcdName(v.name + "_name"), type: VT_GEN_STRING, width: 0, handle: e.stateHandle! + 1, alias: stateAlias });
      }
    }
    const h = hierarchyBytes(hier);
    this.counts = { scopes: h.scopes, vars: hier.length, maxHandle: widths.length };
    this.layout = frameLayout(widths);
    this.frame = unknownFrame(this.layout);
    this.log = new ChangeLog(widths.length);
    this.dumper = new FstDumper(entries, source);
    this.write([geometryBlock(widths), hierarchyBlock(h.bytes)]);
    this.updateHeader();
    this.declared = true;
  }

  /** Records the vars that changed since the last dump, at `time`. */
  dump(time: number): void {
    if (!this.enter(time)) return;
    this.dumper!.run(this.log!, false);
    this.dropEmptyTime();
  }

  /** Sets the clock var of `domain` to `level` at `time` (1 at a rising edge, 0 at the half period). */
  clockEdge(domain: string, level: 0 | 1, time: number): void {
    const c = this.clocks.get(domain);
    if (!c) {
      throw new Error(
        `FstWriter(${this.path}): no clock for domain '${domain}'; declared: ${[...this.clocks.keys()].join(", ") || "none"}`,
      );
    }
    if (c.level === level) {
      this.checkTime(time);
      return;
    }
    const wasStarted = this.started;
    c.level = level;
    if (!this.enter(time) || !wasStarted) return; // a dump that starts here already holds the level
    this.log!.scalar(c.handle, level);
  }

  /**
   * Writes the last block, finishes the header and closes the file; later calls do nothing. A file
   * in which nothing was dumped (nothing ran inside the window) gets one block with the values at
   * close, at the latest time seen, so that readers (which refuse a file without blocks) open it.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    openWriters.delete(this);
    try {
      if (this.declared) {
        if (!this.started) {
          this.started = true;
          this.newTime(Math.max(this.lastTime, 0));
          for (const c of this.clocks.values()) this.log!.scalar(c.handle, c.level);
          this.dumper!.run(this.log!, true);
        }
        // the last block is compressed here while the worker finishes the one before it
        const last = this.log!.empty ? undefined : this.prepare();
        const chains = last && compressChains(last.job);
        this.writePending(true);
        if (last) this.writeBlock(last, chains!);
      }
    } finally {
      this.compressor?.stop();
      fs.closeSync(this.fd);
    }
  }

  // ---- internals ----

  private header(): Uint8Array {
    return headerBlock({
      startTime: Math.max(this.startTime, 0),
      endTime: this.endTime,
      memoryUsed: this.blockBytes,
      ...this.counts,
      blocks: this.blocks,
      timescale: timescaleExponent(this.timescale),
      version: this.version,
      date: this.date,
    });
  }

  private updateHeader(): void {
    const u = headerUpdate({ startTime: Math.max(this.startTime, 0), endTime: this.endTime, ...this.counts, blocks: this.blocks });
    fs.writeSync(this.fd, u.times.bytes, 0, u.times.bytes.length, u.times.offset);
    fs.writeSync(this.fd, u.counts.bytes, 0, u.counts.bytes.length, u.counts.offset);
  }

  /** Appends bytes at the end of the file. */
  private write(pieces: readonly Uint8Array[]): void {
    for (const p of pieces) {
      let off = 0;
      while (off < p.length) off += fs.writeSync(this.fd, p, off, p.length - off, this.fileBytes + off);
      this.fileBytes += p.length;
    }
  }

  /** Checks the time; returns whether an event at `time` is recorded (starting the dump if due). */
  private enter(time: number): boolean {
    if (this.closed) throw new Error(`FstWriter(${this.path}): written to after close()`);
    if (!this.declared) throw new Error(`FstWriter(${this.path}): call declare() before dump() or clockEdge()`);
    this.checkTime(time);
    if (time < this.from || time > this.to) return false;
    if (!this.started) {
      this.started = true;
      this.newTime(time);
      for (const c of this.clocks.values()) this.log!.scalar(c.handle, c.level);
      this.dumper!.run(this.log!, true);
      return true;
    }
    const log = this.log!;
    if (log.times[log.t] !== time) {
      // half a block: a second one will follow, so have the worker come up meanwhile
      if (this.thread && !this.compressor && (2 * log.total >= this.blockBytes || 2 * log.times.length >= this.blockTimes)) {
        this.compressor = new ChainCompressor();
        this.compressor.warm();
      }
      // a new time: end the block first if it is full (a block ends between two times)
      if (log.total >= this.blockBytes || log.times.length >= this.blockTimes) {
        const lastTime = log.times[log.t];
        this.flushBlock();
        log.times.push(lastTime); // a later block starts at the previous one's last time
        log.t = 0;
      }
      this.newTime(time);
    }
    return true;
  }

  /** Makes `time` the log's current time entry. */
  private newTime(time: number): void {
    const log = this.log!;
    log.times.push(time);
    log.t = log.times.length - 1;
    this.logTotalAtTime = log.total;
    if (this.startTime < 0) this.startTime = time;
  }

  /** A time entry nothing changed at is taken out again (the VCD writes no timestamp there either). */
  private dropEmptyTime(): void {
    const log = this.log!;
    if (log.total === this.logTotalAtTime && log.t > 0) {
      log.times.pop();
      log.t--;
      this.logTotalAtTime = -1;
    }
  }

  /** Ends the current block: its chains go to the worker (or are compressed here). */
  private flushBlock(): void {
    if (this.log!.empty) return;
    const b = this.prepare();
    this.writePending(false); // the block before it first: blocks stay in time order
    if (this.thread) {
      this.compressor ??= new ChainCompressor();
      this.compressor.submit(b.job);
      this.pending = b;
    } else this.writeBlock(b, compressChains(b.job));
  }

  private prepare(): PreparedBlock {
    return prepareBlock(this.log!, this.frame!, this.layout!, { chainLevel: this.level, frameLevel: 4, timeLevel: 9 });
  }

  /** Writes the block the worker has (waiting for it; at close, a bounded wait). */
  private writePending(atClose: boolean): void {
    const b = this.pending;
    if (!b) return;
    this.pending = undefined;
    this.writeBlock(b, atClose ? this.compressor!.takeAtClose() : this.compressor!.take());
  }

  private writeBlock(b: PreparedBlock, chains: ChainResult): void {
    const block = assembleBlock(b, chains);
    const at = this.fileBytes;
    this.write(block.pieces);
    fs.writeSync(this.fd, Uint8Array.of(BL_VCDATA_DYN_ALIAS2), 0, 1, at);
    this.blocks++;
    this.endTime = b.end;
    this.updateHeader();
  }

  private checkTime(time: number): void {
    if (!Number.isSafeInteger(time) || time < 0) {
      throw new Error(`FstWriter(${this.path}): time ${time} is not a non-negative integer (timescale units)`);
    }
    if (time < this.lastTime) {
      throw new Error(`FstWriter(${this.path}): time went back from ${this.lastTime} to ${time}; call dump/clockEdge in time order`);
    }
    this.lastTime = time;
  }
}

/** The header block is written first, HDR_SIZE bytes. */
export const FST_HEADER_BYTES = HDR_SIZE;

