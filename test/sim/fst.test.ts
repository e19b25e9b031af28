/**
 * The FST writer (src/sim/fst): its encoders on small known cases and against a decoder written
 * here from the format's description; and, where GTKWave is installed, GTKWave's own reader:
 * `fst2vcd` of our FST must show the values of our VCD of the same run, for random traces of every
 * store and width, and for runs that throw (every registered testbench's default run is in
 * waves-testbenches.test.ts, with the readers and save files).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import { ByteWriter, getU64, readSvarint, readVarint, svarintBytes, varintBytes } from "../../src/sim/fst/bytes.js";
import { ChangeLog, encodeBlock, frameLayout, packBits, unknownFrame } from "../../src/sim/fst/block.js";
import { HDR_SIZE, headerBlock, hierarchyBytes, hierarchyOrder, timescaleExponent, VT_VCD_WIRE } from "../../src/sim/fst/hierarchy.js";
import { FstWriter } from "../../src/sim/fst/index.js";
import { ChainCompressor, compressChains, type ChainResult } from "../../src/sim/fst/compress.js";
import { VcdWriter } from "../../src/sim/vcd/index.js";
import { registry } from "../../src/tb/registry.js";
import { resolveParams } from "../../src/cli/params.js";
import type { Simulator } from "../../src/sim/simulator.js";
import { requireTool } from "../../src/verilog/tools.js";
import { compareVcdValues, readVcdValues, valueAtTime, type SignalChanges } from "../util/vcd-values.js";
import { driveTrace, type VarSpec } from "./vcd/trace-fixture.js";
import { expectSameWaves, fst2vcd } from "../util/gtkwave.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-fst-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// ---- a decoder of one value-change block, written from the format description (block.ts) ----

interface DecodedBlock {
  begin: number;
  end: number;
  frame: string;
  times: number[];
  /** Per handle (0-based): its changes as [time index, value]; value: bit string, or string bytes. */
  chains: ([number, string][] | undefined)[];
}

function decodeBlock(b: Uint8Array, widths: readonly number[]): DecodedBlock {
  const len = getU64(b, 1);
  expect(len).toBe(b.length - 1);
  const begin = getU64(b, 9), end = getU64(b, 17);
  let p = 33;
  const v = () => {
    const [x, n] = readVarint(b, p);
    p += n;
    return x;
  };
  const frameLen = v(), frameStored = v(), maxHandle = v();
  expect(maxHandle).toBe(widths.length);
  const frameBytes = b.subarray(p, p + frameStored);
  const frame = Buffer.from(frameStored === frameLen ? frameBytes : inflateSync(frameBytes)).toString("latin1");
  p += frameStored;
  expect(v()).toBe(widths.length);
  const zAt = p;
  expect(b[p]).toBe(90); // 'Z'
  const [tLen, tStored, tCount] = [getU64(b, b.length - 24), getU64(b, b.length - 16), getU64(b, b.length - 8)];
  const tAt = b.length - 24 - tStored;
  const tBytes = tLen === tStored ? b.subarray(tAt, tAt + tLen) : inflateSync(b.subarray(tAt, tAt + tStored));
  const times: number[] = [];
  for (let q = 0, t = 0; times.length < tCount; ) {
    const [d, n] = readVarint(tBytes, q);
    q += n;
    times.push((t += d));
  }
  const ptLen = getU64(b, tAt - 8);
  const ptAt = tAt - 8 - ptLen;
  const starts: number[] = [];
  for (let q = ptAt, prev = 0; q < tAt - 8; ) {
    if (b[q] & 1) {
      const [x, n] = readSvarint(b, q);
      q += n;
      expect(x >> 1).toBeGreaterThan(0); // no aliases: we do not write them
      starts.push((prev += x >> 1));
    } else {
      const [x, n] = readVarint(b, q);
      q += n;
      for (let k = 0; k < x >> 1; k++) starts.push(0);
    }
  }
  expect(starts.length).toBe(widths.length);
  const nonzero = starts.map((s, h) => [s, h]).filter(([s]) => s > 0);
  const chains: DecodedBlock["chains"] = widths.map(() => undefined);
  nonzero.forEach(([s, h], k) => {
    const stop = k + 1 < nonzero.length ? nonzero[k + 1][0] : ptAt - zAt;
    let q = zAt + s;
    const [unc, n] = readVarint(b, q);
    q += n;
    const data = unc === 0 ? b.subarray(q, zAt + stop) : inflateSync(b.subarray(q, zAt + stop));
    if (unc) expect(data.length).toBe(unc);
    const out: [number, string][] = [];
    let ti = 0;
    for (let r = 0; r < data.length; ) {
      const [hdr, m] = readVarint(data, r);
      r += m;
      const w = widths[h];
      if (w === 1) {
        expect(hdr & 1).toBe(0); // 2-state
        ti += Math.floor(hdr / 4);
        out.push([ti, String((hdr >> 1) & 1)]);
      } else if (w === 0) {
        ti += Math.floor(hdr / 2);
        const [l, m2] = readVarint(data, r);
        r += m2;
        out.push([ti, Buffer.from(data.subarray(r, r + l)).toString("latin1")]);
        r += l;
      } else {
        expect(hdr & 1).toBe(0);
        ti += Math.floor(hdr / 2);
        let bits = "";
        for (let j = 0; j < w; j++) bits += (data[r + (j >> 3)] >> (7 - (j & 7))) & 1;
        out.push([ti, bits]);
        r += (w + 7) >> 3;
      }
    }
    chains[h] = out;
  });
  return { begin, end, frame, times, chains };
}

/** Every block of an FST file, decoded: the geometry's widths and the value-change blocks. */
function decodeFile(file: string): { widths: number[]; blocks: DecodedBlock[]; header: { start: number; end: number; blocks: number; maxHandle: number } } {
  const b = fs.readFileSync(file);
  expect(b[0]).toBe(0);
  const header = { start: getU64(b, 9), end: getU64(b, 17), maxHandle: getU64(b, 57), blocks: getU64(b, 65) };
  let widths: number[] = [];
  const blocks: DecodedBlock[] = [];
  for (let p = 0; p < b.length; ) {
    const type = b[p], len = getU64(b, p + 1);
    if (type === 3) {
      const raw = getU64(b, p + 9), data = b.subarray(p + 25, p + 1 + len);
      const g = raw === data.length ? data : inflateSync(data);
      widths = [];
      for (let q = 0; q < g.length; ) {
        const [w, n] = readVarint(g, q);
        q += n;
        widths.push(w === 0xffffffff ? 0 : w);
      }
    } else if (type === 8) blocks.push(decodeBlock(b.subarray(p, p + 1 + len), widths));
    else expect([0, 4]).toContain(type);
    p += 1 + len;
  }
  return { widths, blocks, header };
}

describe("bytes", () => {
  test("unsigned varints: 7 bits a byte, low group first", () => {
    expect(varintBytes(0)).toEqual([0]);
    expect(varintBytes(127)).toEqual([0x7f]);
    expect(varintBytes(128)).toEqual([0x80, 0x01]);
    expect(varintBytes(300)).toEqual([0xac, 0x02]);
    expect(varintBytes(2 ** 35)).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(() => varintBytes(-1)).toThrow(/not an integer/);
  });

  test("signed varints: the last byte's bit 6 is the sign", () => {
    expect(svarintBytes(0)).toEqual([0]);
    expect(svarintBytes(1)).toEqual([1]);
    expect(svarintBytes(63)).toEqual([0x3f]);
    expect(svarintBytes(64)).toEqual([0xc0, 0x00]); // 64 alone would read as -64
    expect(svarintBytes(81)).toEqual([0xd1, 0x00]); // a chain position delta of 40: (40 << 1) | 1
    expect(svarintBytes(-1)).toEqual([0x7f]);
    expect(svarintBytes(-64)).toEqual([0x40]);
    expect(svarintBytes(-65)).toEqual([0xbf, 0x7f]);
  });

  fcTest.prop([fc.maxSafeNat()])("unsigned varints round-trip", (x) => {
    const b = Uint8Array.from(varintBytes(x));
    expect(readVarint(b, 0)).toEqual([x, b.length]);
    expect(new ByteWriter().varint(x).bytes()).toEqual(b);
  });

  fcTest.prop([fc.integer({ min: -(2 ** 52), max: 2 ** 52 })])("signed varints round-trip", (x) => {
    const b = Uint8Array.from(svarintBytes(x));
    expect(readSvarint(b, 0)).toEqual([x, b.length]);
  });

  test("64-bit words are big-endian", () => {
    const w = new ByteWriter().u64(0x0102030405);
    expect([...w.bytes()]).toEqual([0, 0, 0, 1, 2, 3, 4, 5]);
    expect(getU64(w.bytes(), 0)).toBe(0x0102030405);
  });

  test("values are packed MSB first, left-aligned in whole bytes", () => {
    expect([...packBits(0b101n, 3)]).toEqual([0b10100000]);
    expect([...packBits(0x3ffn, 10)]).toEqual([0xff, 0xc0]);
    expect([...packBits(0x81n, 8)]).toEqual([0x81]);
    expect([...packBits((1n << 69n) | 1n, 70)]).toEqual([0x80, 0, 0, 0, 0, 0, 0, 0, 0x04]);
  });
});

describe("value-change block", () => {
  const levels = { chainLevel: 4, frameLevel: 4, timeLevel: 9 };

  test("a small block, byte for byte where it is fixed", () => {
    // handles: clk (1 bit), a 12-bit value, a string
    const widths = [1, 12, 0];
    const layout = frameLayout(widths);
    const log = new ChangeLog(3);
    log.times.push(0);
    log.t = 0;
    log.scalar(0, 0);
    log.vector(1, packBits(0xabcn, 12));
    log.string(2, Buffer.from("IDLE"));
    log.times.push(5);
    log.t = 1;
    log.scalar(0, 1);
    log.times.push(10);
    log.t = 2;
    log.scalar(0, 0);
    log.string(2, Buffer.from("RUN"));
    const frame = unknownFrame(layout);
    const enc = encodeBlock(log, frame, layout, levels);
    const b = Buffer.concat(enc.pieces);
    expect(b[0]).toBe(255); // written as "skip", patched by the writer once on disk
    expect(b.length).toBe(enc.length);
    expect([enc.begin, enc.end]).toEqual([0, 10]);
    // after the header words: the frame's length 13 ('x' per bit), its stored length, 3 handles
    expect([b[33], b[35]]).toEqual([13, 3]);
    const stored = b[34];
    expect(Buffer.from(inflateSync(b.subarray(36, 36 + stored))).toString("latin1")).toBe("xxxxxxxxxxxxx");
    const p = 36 + stored;
    // 3 handles, 'Z', then clk's chain raw: varint(0), (0<<2|0<<1), (1<<2|1<<1), (1<<2|0<<1)
    expect([...b.subarray(p, p + 6)]).toEqual([3, 90, 0, 0x00, 0x06, 0x04]);
    // the 12-bit value: varint(0), delta 0, 0xabc left-aligned: ab c0
    expect([...b.subarray(p + 6, p + 10)]).toEqual([0, 0, 0xab, 0xc0]);
    // the string: varint(0), delta 0, length 4, "IDLE", delta 2 (<< 1), length 3, "RUN"
    expect(b.subarray(p + 10, p + 22).toString("latin1")).toBe("\x00\x00\x04IDLE\x04\x03RUN");
    // positions from the 'Z' byte: 1, 5, 9 as signed varints of (delta << 1 | 1); table length 3
    expect([...b.subarray(p + 22, p + 25)]).toEqual([3, 9, 9]);
    expect(getU64(b, p + 25)).toBe(3);
    // the time table: deltas 0, 5, 5 (stored raw: deflate makes 3 bytes longer); 3 bytes, 3 entries
    expect([...b.subarray(p + 33, p + 36)]).toEqual([0, 5, 5]);
    expect([getU64(b, p + 36), getU64(b, p + 44), getU64(b, p + 52)]).toEqual([3, 3, 3]);
    expect(b.length).toBe(p + 60);
    // the frame now holds the values at the block's end
    expect(Buffer.from(frame).toString("latin1")).toBe("0101010111100");
    const d = decodeBlock(b, widths);
    expect(d.times).toEqual([0, 5, 10]);
    expect(d.chains).toEqual([
      [[0, "0"], [1, "1"], [2, "0"]],
      [[0, "101010111100"]],
      [[0, "IDLE"], [2, "RUN"]],
    ]);
    expect(log.empty).toBe(true);
  });

  fcTest.prop(
    [
      fc.array(fc.constantFrom(0, 1, 2, 7, 8, 9, 31, 32, 33, 52, 64, 100), { minLength: 1, maxLength: 12 }),
      fc.array(fc.array(fc.tuple(fc.nat(), fc.bigInt({ min: 0n, max: (1n << 100n) - 1n }), fc.string({ maxLength: 6 })), { maxLength: 20 }), { minLength: 1, maxLength: 30 }),
    ],
    { numRuns: 60 },
  )("random changes decode to what was recorded, raw or compressed", (widths, steps) => {
    const layout = frameLayout(widths);
    const log = new ChangeLog(widths.length);
    const want: [number, string][][] = widths.map(() => []);
    steps.forEach((changes, t) => {
      log.times.push(t * 10);
      log.t = t;
      const seen = new Set<number>();
      for (const [hRaw, value, text] of changes) {
        const h = hRaw % widths.length, w = widths[h];
        if (seen.has(h)) continue; // one change per signal and time
        seen.add(h);
        if (w === 0) {
          log.string(h, Buffer.from(text, "latin1"));
          want[h].push([t, text]);
        } else {
          const x = BigInt.asUintN(w, value);
          if (w === 1) log.scalar(h, Number(x));
          else log.vector(h, packBits(x, w));
          want[h].push([t, x.toString(2).padStart(w, "0")]);
        }
      }
    });
    const frame = unknownFrame(layout);
    const enc = encodeBlock(log, frame, layout, levels);
    const d = decodeBlock(Buffer.concat(enc.pieces), widths);
    expect(d.times).toEqual(steps.map((_, t) => t * 10));
    expect(d.chains).toEqual(want.map((c) => (c.length ? c : undefined)));
    widths.forEach((w, h) => {
      const last = want[h].at(-1);
      if (w > 0) expect(Buffer.from(frame.subarray(layout.offsets[h], layout.offsets[h] + w)).toString("latin1")).toBe(last ? last[1] : "x".repeat(w));
    });
  });
});

describe("compressing chains on a worker thread", () => {
  const job = () => {
    const data = new Uint8Array(20000).map((_, i) => (i * 7) % 13 === 0 ? i & 255 : 3);
    return { data, ends: Int32Array.of(10, 5000, 5010, 20000), level: 4 };
  };
  const plain = (r: ChainResult) => [Buffer.from(r.data).toString("hex"), [...r.stored], [...r.expanded]];

  test("the worker's result is compressChains' (raw when short or not smaller)", () => {
    const c = new ChainCompressor();
    try {
      const want = compressChains(job());
      expect([...want.expanded]).toEqual([0, 4990, 0, 14990]);
      for (let k = 0; k < 3; k++) {
        c.submit(job());
        expect(c.busy).toBe(true);
        expect(plain(c.take())).toEqual(plain(want));
      }
    } finally {
      c.stop();
    }
  });

  test("a worker too slow to answer: the job is compressed here, the same", () => {
    const c = new ChainCompressor();
    try {
      c.submit(job());
      expect(plain(c.take(0))).toEqual(plain(compressChains(job())));
      c.submit(job()); // the worker is no longer used
      expect(plain(c.take())).toEqual(plain(compressChains(job())));
    } finally {
      c.stop();
    }
  });
});

describe("header and hierarchy", () => {
  test("the header is 330 bytes with the fields where fstapi reads them", () => {
    const h = headerBlock({ startTime: 5, endTime: 1000, memoryUsed: 1 << 23, scopes: 2, vars: 7, maxHandle: 6, blocks: 3, timescale: -9, version: "Tessera", date: "today" });
    expect(h.length).toBe(HDR_SIZE);
    expect(h[0]).toBe(0);
    expect(getU64(h, 1)).toBe(329);
    expect([getU64(h, 9), getU64(h, 17)]).toEqual([5, 1000]);
    expect(new DataView(h.buffer, h.byteOffset).getFloat64(25, true)).toBe(Math.E);
    expect([getU64(h, 41), getU64(h, 49), getU64(h, 57), getU64(h, 65)]).toEqual([2, 7, 6, 3]);
    expect(h[73]).toBe(256 - 9);
    expect(Buffer.from(h.subarray(74, 81)).toString()).toBe("Tessera");
    expect(Buffer.from(h.subarray(202, 207)).toString()).toBe("today");
  });

  test("timescales are powers of ten of seconds", () => {
    expect(["1s", "1ns", "10ns", "100ns", "1ps", "10ps", "100us", "1fs"].map(timescaleExponent)).toEqual([0, -9, -8, -7, -12, -11, -4, -15]);
  });

  test("scopes in order of appearance, a scope's vars before its subscopes, aliases naming their handle", () => {
    const v = (scope: string[], name: string, handle: number, alias = false) => ({ scope, name, type: VT_VCD_WIRE, width: 1, handle, alias }) as const;
    // declared x (in top.a) before clk (in top): the hierarchy lists clk first, so clk is handle 1
    const decls = hierarchyOrder([{ scope: ["top", "a"], name: "x" }, { scope: ["top"], name: "clk" }, { scope: ["top", "a"], name: "y" }], (d) => d.scope);
    expect(decls.map((d) => d.name)).toEqual(["clk", "x", "y"]);
    const h = hierarchyBytes([v(["top", "a"], "x", 2), v(["top"], "clk", 1), v(["top", "a"], "y", 2, true)]);
    expect(h.scopes).toBe(2);
    const text = Buffer.from(h.bytes).toString("latin1");
    expect(text).toBe("\xfe\x00top\x00\x00" + "\x10\x00clk\x00\x01\x00" + "\xfe\x00a\x00\x00" + "\x10\x00x\x00\x01\x00" + "\x10\x00y\x00\x01\x02" + "\xff\xff");
    // handles in declaration order, not the hierarchy's, would be read as other signals: refused
    expect(() => hierarchyBytes([v(["top", "a"], "x", 1), v(["top"], "clk", 2)])).toThrow(/handles must follow the hierarchy's order/);
  });
});

// ---- GTKWave's reader ----

const haveGtkwave = requireTool("fst2vcd", "vcd2fst");

const FIXTURE: VarSpec[] = [
  { scope: ["top"], name: "start", width: 1, signed: false, rate: 0.3 },
  { scope: ["top"], name: "neg", width: 1, signed: true, rate: 0.3 },
  { scope: ["top"], name: "acc", width: 32, signed: true, rate: 1 },
  { scope: ["top"], name: "u32", width: 32, signed: false, rate: 0.7 },
  { scope: ["top", "grid"], name: "acc", width: 24, signed: false, rate: 0.5 },
  { scope: ["top", "grid"], name: "s25", width: 25, signed: true, rate: 0.5 },
  { scope: ["top", "grid", "pe_0_0"], name: "acc", width: 40, signed: true, rate: 0.5 },
  { scope: ["top", "grid", "pe_0_0"], name: "u52", width: 52, signed: false, rate: 0.5 },
  { scope: ["top", "grid", "pe_0_0"], name: "a_in", width: 8, signed: true, rate: 0.5 },
  { scope: ["top", "grid", "pe_0_1"], name: "acc", width: 70, signed: false, rate: 0.5 },
  { scope: ["top", "grid", "pe_0_1"], name: "wide", width: 129, signed: true, rate: 0.4 },
  { scope: ["top", "ctrl"], name: "fsm_state", width: 2, signed: false, rate: 0.5, decoder: ["IDLE", "LOAD", "RUN"] },
  { scope: ["top", "ctrl"], name: "flag_state", width: 1, signed: false, rate: 0.5, decoder: ["OFF", "ON"] },
  { scope: ["top", "ctrl"], name: "state_copy", width: 2, signed: false, rate: 0, decoder: ["IDLE", "LOAD", "RUN"], aliasOf: 11 },
  { scope: ["top", "gridlock"], name: "x", width: 3, signed: false, rate: 0.5 },
];

describe.skipIf(!haveGtkwave)("GTKWave reads what we write (fst2vcd)", () => {
  let n = 0;
  /** The fixture's trace through both writers. */
  function both(cycles: number, opts: Record<string, unknown> = {}, fstOpts: Record<string, unknown> = {}) {
    const base = path.join(dir, `fix${n++}`);
    const spec = { vars: FIXTURE, cycles, seed: 99, period: 10 };
    driveTrace(spec, new VcdWriter(base + ".vcd", opts));
    const w = new FstWriter(base + ".fst", { ...opts, ...fstOpts });
    const sim = driveTrace(spec, w);
    return { vcd: base + ".vcd", fst: base + ".fst", sim, blocks: w.blockCount };
  }

  test("every store, width, sign, alias and FSM string of a random trace", () => {
    const { vcd, fst, sim, blocks } = both(300);
    expect(blocks).toBe(1);
    const { theirs } = expectSameWaves(vcd, fst);
    // and those are the simulated values (not only the same as the VCD's)
    sim.vars.forEach((v, i) => {
      const s = theirs.signals.get(`${v.scope.join(".")}.${v.name}`)!;
      sim.times.forEach((t, c) => expect(valueAtTime(s, t), `${v.name} at ${t}`).toBe(sim.patterns[i][c]));
    });
    const names = theirs.signals.get("top.ctrl.fsm_state_name")!;
    expect(names.values).toContain("?3"); // a value without a name, as in the VCD
    expect(names.values).toContain("RUN");
    // the second name of a node shares its signal
    expect(theirs.signals.get("top.ctrl.state_copy_name")).toBe(names);
  });

  test.each([
    ["many small blocks (blockTimes 7)", { blockTimes: 7 }],
    ["a block per time (blockBytes 1)", { blockBytes: 1 }],
  ])("%s: the same values", (_, fstOpts) => {
    const { vcd, fst, blocks } = both(200, {}, fstOpts);
    expect(blocks).toBeGreaterThan(20);
    expectSameWaves(vcd, fst);
    // each block's frame holds the values at its begin time (readers that start mid-file use it);
    // a later block starts at the previous one's end, and its changes at entry 1
    const file = decodeFile(fst);
    expect(file.blocks.length).toBe(blocks);
    expect([file.header.blocks, file.header.start, file.header.end]).toEqual([blocks, 0, 1995]);
    const cur = file.widths.map((w) => "x".repeat(w));
    file.blocks.forEach((blk, k) => {
      expect(blk.frame).toBe(cur.join(""));
      if (k > 0) expect(blk.begin).toBe(file.blocks[k - 1].end);
      expect([blk.begin, blk.end]).toEqual([blk.times[0], blk.times.at(-1)]);
      blk.chains.forEach((c, h) => {
        if (k > 0) expect(c?.[0]?.[0] ?? 1, `block ${k} handle ${h}`).toBeGreaterThan(0);
        if (c && file.widths[h] > 0) cur[h] = c.at(-1)![1];
      });
    });
  });

  test("blocks compressed on the worker thread and on this one are the same bytes", () => {
    const spec = { vars: FIXTURE, cycles: 400, seed: 7, period: 10 };
    const files = [true, false].map((thread) => {
      const file = path.join(dir, `thread-${thread}.fst`);
      const w = new FstWriter(file, { date: "d", blockTimes: 50, thread });
      driveTrace(spec, w);
      expect(w.blockCount).toBeGreaterThan(10);
      return fs.readFileSync(file);
    });
    expect(files[0].equals(files[1])).toBe(true);
  });

  test("memory stays bounded: changes are held for one block (and one with the worker)", () => {
    const w = new FstWriter(path.join(dir, "bounded.fst"), { blockBytes: 4096 });
    let most = 0;
    driveTrace({ vars: FIXTURE, cycles: 3000, seed: 5, period: 10 }, w, { beforeEdge: () => (most = Math.max(most, w.bufferedBytes)), close: false });
    w.close();
    expect(w.blockCount).toBeGreaterThan(20);
    expect(most).toBeLessThan(2 * (4096 + 200)); // a block, plus one time's changes, twice
  });

  test("window and filters as the VCD's", () => {
    const { vcd, fst } = both(200, { window: [505, 1200], signals: ["acc", "**.fsm_*"], scopes: ["top.grid", "top.ctrl"] }, { blockTimes: 16 });
    const { ours } = expectSameWaves(vcd, fst);
    expect([...ours.signals.keys()].sort()).toEqual(["top.clk", "top.ctrl.fsm_state", "top.ctrl.fsm_state_name", "top.grid.acc", "top.grid.pe_0_0.acc", "top.grid.pe_0_1.acc"]);
  });

  test("a file closed before anything ran still opens", () => {
    const base = path.join(dir, "empty");
    const w = new FstWriter(base + ".fst");
    const src = { I: new Int32Array(1), U: Uint32Array.of(5), F: new Float64Array(1), B: [0n] };
    w.declare([{ scope: ["top"], name: "x", width: 4, signed: false, store: 1, index: 0 }], [{ domain: "sync", name: "clk" }], src);
    w.close();
    w.close(); // idempotent
    const back = readVcdValues(fst2vcd(base + ".fst"));
    expect(back.signals.get("top.x")!.values).toEqual([5n]);
  });

  test("vcd2fst reads our VCD, and fst2vcd reads the result back", () => {
    const { vcd } = both(100);
    const conv = path.join(dir, "conv.fst");
    const r = spawnSync("vcd2fst", [vcd, conv], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(compareVcdValues(readVcdValues(vcd), readVcdValues(fst2vcd(conv)))).toEqual([]);
  });
});

/** The changes of `s` up to `time`. */
function cutAt(s: SignalChanges, time: number): SignalChanges {
  const n = s.times.findIndex((t) => t > time);
  return n < 0 ? s : { ...s, times: s.times.slice(0, n), values: s.values.slice(0, n) };
}

describe.skipIf(!haveGtkwave)("an FST is complete when the testbench throws", () => {
  /** A tracer added after the harness's writers that throws once time reaches `at`. */
  const failAt = (at: number) => (sim: Simulator) =>
    sim.addTracer({
      dump(t) {
        if (t >= at) throw new Error(`testbench failed at time ${t}`);
      },
      close() {},
    });

  test("an exception through a real testbench: close() in its finally leaves a complete file", async () => {
    const tb = registry().find((t) => t.name === "gemm-tiled")!;
    const base = path.join(dir, "throw");
    await expect(tb.run({ params: resolveParams(tb, []), seed: 1, vcd: base + ".vcd", fst: base + ".fst", attach: failAt(3000) })).rejects.toThrow(/testbench failed at time 3000/);
    const { theirs } = expectSameWaves(base + ".vcd", base + ".fst");
    expect(theirs.lastTime).toBe(3000);
  });

  test("the process dies without close(): the exit handler finishes the file", () => {
    const base = path.join(dir, "child");
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(here, "fst-crash-child.ts"), base, "5000", "20000"], { cwd: repo, encoding: "utf8", timeout: 120_000 });
    expect(child.status, child.stderr).toBe(1);
    expect(child.stderr).toMatch(/testbench failed at time 5000/);
    const { theirs } = expectSameWaves(base + ".vcd", base + ".fst");
    expect(theirs.lastTime).toBe(5000);
    expect(decodeFile(base + ".fst").blocks.length).toBeGreaterThan(5);
  });

  test("a killed process (SIGKILL) leaves a file readable up to its last block written", () => {
    const base = path.join(dir, "killed");
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(here, "fst-crash-child.ts"), base, "8000", "20000", "kill"], { cwd: repo, encoding: "utf8", timeout: 120_000 });
    expect(child.signal, child.stderr).toBe("SIGKILL");
    const theirs = readVcdValues(fst2vcd(base + ".fst"));
    const ours = readVcdValues(base + ".vcd"); // whole lines up to a page: its last time may be cut short
    const upTo = Math.min(theirs.lastTime, ours.lastTime - 1);
    expect(upTo).toBeGreaterThan(2000);
    const cut = (v: typeof ours) => ({ ...v, signals: new Map([...v.signals].map(([k, s]) => [k, cutAt(s, upTo)])) });
    expect(compareVcdValues(cut(ours), cut(theirs))).toEqual([]);
  });
});
