/**
 * The VcdWriter's entry points: the exact bytes of a small dump, timestamps only when something
 * changed, errors that say how to mend, and the digit writers behind the dumper.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { VcdWriter, type TraceSource, type TraceVar } from "../../../src/sim/vcd/index.js";
import { bin32, binF, decimal, viewOf } from "../../../src/sim/vcd/bits.js";
import { idCode } from "../../../src/sim/vcd/header.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vcda-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tmpFile = () => path.join(dir, `a${fileNo++}.vcd`);

function source(): TraceSource {
  return { I: new Int32Array(2), U: new Uint32Array(2), F: new Float64Array(1), B: [0n] };
}
const VARS: TraceVar[] = [
  { scope: ["top"], name: "q", width: 4, signed: false, store: 1, index: 0 },
  { scope: ["top", "sub"], name: "d", width: 4, signed: true, store: 0, index: 0, kind: "reg" },
  { scope: ["top", "sub"], name: "st", width: 1, signed: false, store: 1, index: 1, decoder: ["OFF", "ON"] },
];

describe("VcdWriter output", () => {
  test("a small dump, byte for byte", () => {
    const file = tmpFile();
    const src = source();
    const w = new VcdWriter(file, { timescale: "10 ps", date: "today", version: "v1" });
    w.declare(VARS, [{ domain: "sync", name: "clk" }], src);
    w.clockEdge("sync", 1, 0);
    w.dump(0);
    w.clockEdge("sync", 0, 5);
    src.U[0] = 9;
    src.I[0] = -2;
    w.clockEdge("sync", 1, 10);
    w.dump(10);
    w.clockEdge("sync", 0, 15);
    w.dump(15); // nothing changed: no timestamp of its own
    src.U[1] = 1;
    w.dump(17);
    w.dump(18); // nothing changed, no timestamp
    w.close(20);
    expect(fs.readFileSync(file, "latin1")).toMatchInlineSnapshot(`
      "$date
        today
      $end
      $version
        v1
      $end
      $timescale 10ps $end
      $scope module top $end
      $var wire 1 ! clk $end
      $var wire 4 " q [3:0] $end
      $scope module sub $end
      $var reg 4 # d [3:0] $end
      $var wire 1 $ st $end
      $var string 1 % st_name $end
      $upscope $end
      $upscope $end
      $enddefinitions $end
      #0
      $dumpvars
      1!
      b0 #
      b0 "
      0$
      sOFF %
      $end
      #5
      0!
      #10
      1!
      b1110 #
      b1001 "
      #15
      0!
      #17
      1$
      sON %
      #20
      "
    `);
  });

  test("a writer never declared still leaves a parseable header", () => {
    const file = tmpFile();
    new VcdWriter(file, { date: "d", version: "v" }).close();
    expect(fs.readFileSync(file, "latin1")).toContain("$enddefinitions $end");
  });

  test("bytesWritten counts buffered and flushed bytes", () => {
    const file = tmpFile();
    const w = new VcdWriter(file, { date: "d", version: "v" });
    w.declare(VARS, [], source());
    w.dump(0);
    const n = w.bytesWritten;
    w.close();
    expect(fs.statSync(file).size).toBe(n);
  });
});

describe("VcdWriter errors say what to mend", () => {
  const open = () => {
    const w = new VcdWriter(tmpFile(), { date: "d" });
    return w;
  };
  test("bad options and vars", () => {
    expect(() => new VcdWriter(tmpFile(), { timescale: "3ns" })).toThrow(/timescale '3ns' is not valid: use 1, 10 or 100/);
    expect(() => new VcdWriter(tmpFile(), { window: [10, 5] })).toThrow(/window \[10, 5\] is empty/);
    const bad = (v: Partial<TraceVar>) => () => open().declare([{ ...VARS[0], ...v }], [], source());
    expect(bad({ width: 0 })).toThrow(/signal top\.q has width 0; widths are integers 1\.\.65536/);
    expect(bad({ width: 40, store: 1 })).toThrow(/signal top\.q \(width 40\) cannot live in store 1/);
    expect(bad({ index: 5 })).toThrow(/signal top\.q has index 5 outside store U \(length 2\)/);
  });
  test("time order, clocks, call order", () => {
    const w = open();
    expect(() => w.dump(0)).toThrow(/call declare\(\) before dump\(\)/);
    w.declare(VARS, [{ domain: "sync", name: "clk" }], source());
    w.dump(10);
    expect(() => w.dump(5)).toThrow(/time went back from 10 to 5; call dump\/clockEdge in time order/);
    expect(() => w.dump(1.5)).toThrow(/time 1.5 is not a non-negative integer/);
    expect(() => w.clockEdge("noc", 1, 20)).toThrow(/no clock for domain 'noc'; declared: sync/);
    expect(() => w.declare(VARS, [], source())).toThrow(/declare\(\) may be called once/);
    w.close();
    expect(() => w.dump(30)).toThrow(/written to after close\(\)/);
  });
});

describe("digit writers", () => {
  const buf = Buffer.alloc(128);
  const dv = viewOf(buf);
  test("bin32 writes binary without leading zeros", () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(15), fc.integer({ min: 0, max: 0xffffffff })), (x) => {
        const end = bin32(buf, dv, 3, x);
        expect(buf.toString("latin1", 3, end)).toBe(x.toString(2));
      }),
      { seed: 11, numRuns: 500 },
    );
  });
  test("binF writes integers below 2^53", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), (x) => {
        const end = binF(buf, dv, 1, Number(x));
        expect(buf.toString("latin1", 1, end)).toBe(x.toString(2));
      }),
      { seed: 12, numRuns: 500 },
    );
  });
  test("decimal writes times", () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(100), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), (x) => {
        const end = decimal(buf, 0, x);
        expect(buf.toString("latin1", 0, end)).toBe(String(x));
      }),
      { seed: 13, numRuns: 500 },
    );
  });
  test("identifier codes are distinct printable tokens", () => {
    const seen = new Set<string>();
    for (let k = 0; k < 94 * 95 + 10; k++) {
      const id = idCode(k);
      expect(id).toMatch(/^[!-~]+$/);
      seen.add(id);
    }
    expect(seen.size).toBe(94 * 95 + 10);
    expect([idCode(0), idCode(93), idCode(94)]).toEqual(["!", "~", "!!"]);
  });
});
