/**
 * VCD writer throughput: a design with many 32-bit signals that all change every cycle.
 * Not a test; run with `npx tsx test/sim/vcd/throughput.ts [signals] [cycles]`.
 *
 * Prints MB/s of VCD over the time spent in dump()/clockEdge() (the writer's own cost, file writes
 * included) and over the whole loop (with the stand-in "simulation" that changes the values).
 * VCDFILE=/dev/null measures the writer without the disk (the file is only removed when this
 * script made its name).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VcdWriter, type TraceVar } from "../../../src/sim/vcd/index.js";

const signals = Number(process.argv[2] ?? 4096);
const cycles = Number(process.argv[3] ?? 4000);
const ownFile = process.env.VCDFILE === undefined;
const file = process.env.VCDFILE ?? path.join(os.tmpdir(), `tessera-vcd-throughput-${process.pid}.vcd`);

const src = { I: new Int32Array(signals), U: new Uint32Array(signals), F: new Float64Array(0), B: [] as bigint[] };
const vars: TraceVar[] = [];
for (let i = 0; i < signals; i++) {
  const half = i % 2 === 0;
  vars.push({
    scope: ["top", `row_${(i >> 6).toString()}`],
    name: `acc_${i & 63}`,
    width: 32,
    signed: !half,
    store: half ? 1 : 0,
    index: i,
  });
}

function run(n: number): { bytes: number; dumpNs: number; totalNs: number } {
  let x = 0x9e3779b9 | 0;
  const w = new VcdWriter(file, { timescale: "1ns", date: "bench", version: "bench" });
  w.declare(vars, [{ domain: "sync", name: "clk" }], src);
  let dumpNs = 0n;
  const t0 = process.hrtime.bigint();
  for (let c = 0; c < n; c++) {
    // stand-in for the simulator: xorshift values, every signal changes every cycle
    for (let i = 0; i < signals; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      if (i % 2 === 0) src.U[i] = x >>> 0;
      else src.I[i] = x | 0;
    }
    const d0 = process.hrtime.bigint();
    w.clockEdge("sync", 1, c * 10);
    w.dump(c * 10);
    w.clockEdge("sync", 0, c * 10 + 5);
    dumpNs += process.hrtime.bigint() - d0;
  }
  w.close(n * 10);
  const totalNs = Number(process.hrtime.bigint() - t0);
  return { bytes: w.bytesWritten, dumpNs: Number(dumpNs), totalNs };
}

try {
  run(Math.min(200, cycles)); // warm up the generated code
  const r = run(cycles);
  const mb = r.bytes / 1e6;
  console.log(
    `${signals} x 32-bit signals, ${cycles} cycles: ${mb.toFixed(1)} MB of VCD, ` +
      `${(r.bytes / cycles).toFixed(0)} bytes/cycle`,
  );
  console.log(`writer (dump + clockEdge + file writes): ${(mb / (r.dumpNs / 1e9)).toFixed(0)} MB/s`);
  console.log(`whole loop with value updates:           ${(mb / (r.totalNs / 1e9)).toFixed(0)} MB/s, ` +
    `${(cycles / (r.totalNs / 1e9)).toFixed(0)} cycles/s`);
} finally {
  if (ownFile) fs.rmSync(file, { force: true });
}
