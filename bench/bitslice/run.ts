/**
 * MCBP bench (issue 9):
 *  1. the paper's mechanism on a realistic layer, 4096 x 4096 INT8 weights at several bit
 *     sparsities, counted by the golden model (src/golden/bitslice.ts): BRCR additions (merge +
 *     reconstruct, m = 4) against the dense bit-serial baseline and against INT8 MACs, and the
 *     weight bytes with BSTC on planes 3..7 against INT8;
 *  2. the RTL end to end (mcbp-gemm: encoder -> BSTC -> decoder -> BRCR, every output checked) on a
 *     256 x 256 tile of it: cycles and cycles/s.
 * Writes bench/results/bitslice.json and prints markdown tables on stdout.
 *
 *   node --interrupt-budget=16000 --import tsx bench/bitslice/run.ts
 *   BENCH_MCBP_SIZE=1024 (layer size for a quick run)   BENCH_MCBP_SPARSITIES=0.6,0.7,0.8
 */
const { machine, printTable, writeResults } = await import("../report.js");
const { brcrGemv, bitPlanes, bstcLength } = await import("../../src/golden/bitslice.js");
const { randomWeights, randomActivations, sparsityOf } = await import("../../src/tb/bitslice/brcr.js");
const { mcbpGemmTb } = await import("../../src/tb/bitslice/gemm.js");
const { rng } = await import("../../src/tb/harness.js");

export interface LayerRow {
  size: number;
  sparsity: number;
  bitSparsity: number;
  /** Fraction of all-zero m-bit columns over the 7 planes of W+ and W- (what BRCR and BSTC skip). */
  columnSparsity: number;
  brcrAdds: number;
  mergeAdds: number;
  reconAdds: number;
  bitSerialAdds: number;
  int8Macs: number;
  bstcBytes: number;
  int8Bytes: number;
  seconds: number;
}

function layer(size: number, sparsity: number): LayerRow {
  const t0 = performance.now();
  const r = rng(7);
  const W = randomWeights(r, size, size, "planes", sparsity);
  const [x] = randomActivations(r, 1, size);
  const g = brcrGemv(W, x, 4);
  const bp = bitPlanes(W);
  const sp = sparsityOf(W, 4);
  // Planes 3..7 coded, planes 1, 2 and the sign raw (1 bit per weight each).
  let bits = 3 * size * size;
  for (let p = 3; p <= 7; p++) bits += bstcLength(bp.planes[p - 1], 4);
  return {
    size, sparsity, bitSparsity: sp.bits, columnSparsity: sp.columns, brcrAdds: g.mergeAdds + g.reconAdds, mergeAdds: g.mergeAdds, reconAdds: g.reconAdds,
    bitSerialAdds: g.naiveAdds, int8Macs: size * size, bstcBytes: Math.ceil(bits / 8), int8Bytes: size * size, seconds: (performance.now() - t0) / 1000,
  };
}

const f = (x: number) => Math.round(x).toLocaleString("en-US");

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = Number(process.env.BENCH_MCBP_SIZE ?? 4096);
  const sps = (process.env.BENCH_MCBP_SPARSITIES ?? "0.5,0.6,0.7,0.8,0.9").split(",").map(Number);
  const rows: LayerRow[] = [];
  for (const s of sps) {
    rows.push(layer(size, s));
    process.stderr.write(`  ${size}x${size} sparsity ${s}: ${rows.at(-1)!.seconds.toFixed(1)} s\n`);
  }
  const params = { ...Object.fromEntries(mcbpGemmTb.params.map((s) => [s.name, s.default])), rows: 256, cols: 256, segCols: 256, lanes: 2 };
  const t0 = performance.now();
  const rtl = await mcbpGemmTb.run({ params, seed: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const file = writeResults("bitslice", { machine: machine(), layer: rows, rtl: { params, result: rtl, seconds } });
  process.stdout.write(`Golden counts on a ${size} x ${size} INT8 layer (weights 'planes' distribution, m = 4, BSTC on planes 3..7), one activation vector:\n\n`);
  printTable([
    ["knob", "bit sparsity", "zero m-columns (W+, W-)", "BRCR adds (merge + recon)", "bit-serial adds", "vs bit-serial", "INT8 MACs", "adds per MAC", "weight bytes (BSTC + raw)", "INT8 bytes", "bytes saved"],
    ...rows.map((r) => [r.sparsity.toFixed(2), r.bitSparsity.toFixed(3), r.columnSparsity.toFixed(3), `${f(r.brcrAdds)} (${f(r.mergeAdds)} + ${f(r.reconAdds)})`, f(r.bitSerialAdds),
      `${(r.bitSerialAdds / r.brcrAdds).toFixed(2)}x`, f(r.int8Macs), (r.brcrAdds / r.int8Macs).toFixed(2), f(r.bstcBytes), f(r.int8Bytes),
      `${(100 * (1 - r.bstcBytes / r.int8Bytes)).toFixed(1)}%`]),
  ]);
  const m = rtl.metrics as Record<string, number>;
  process.stdout.write(`\nRTL end to end (mcbp-gemm) on a 256 x 256 tile:\n\n`);
  printTable([
    ["tile", "checks", "encode cycles", "compute cycles", "cycles/s (incl. golden checks)", "compression", "BRCR adds", "bit-serial adds"],
    ["256x256, 2 lanes, 16 converters", rtl.passed ? `${f(rtl.checks)} pass` : "FAIL", f(m.encodeCycles), f(m.computeCycles), f((m.encodeCycles + m.computeCycles) / seconds),
      `${m.compressionRatio}`, f(m.brcrAdds), f(m.bitSerialAdds)],
  ]);
  process.stderr.write(`wrote ${file}\n`);
  if (!rtl.passed) process.exitCode = 1;
}
