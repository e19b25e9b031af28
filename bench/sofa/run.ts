/**
 * SOFA bench (issue 8): the whole attention pipeline (DLZS -> SADS -> SU-FA, RTL, every output
 * checked bit-exact by the `sofa-attention` testbench) at a realistic size, seqLen 1024, headDim 64:
 *  1. simulation speed at k = 128 (cycles/s, build+compile time);
 *  2. the paper's headline mechanism as a table across k: what the prediction saves against dense
 *     attention in operations (multiply-accumulates, exps) and in cycles (the same SU-FA engine
 *     attending over every key, from its cycle model, which the tests hold to the RTL), with top-k
 *     recall and the output error against float64 dense attention.
 * Writes bench/results/sofa.json and prints the tables (markdown) on stdout.
 *
 *   node --interrupt-budget=16000 --import tsx bench/sofa/run.ts
 *   BENCH_SOFA_KS=64,128 ... (the k values of the table)
 */
const { machine, printTable, writeResults } = await import("../report.js");
const { runAttention, attentionConfig, sofaAttentionTb } = await import("../../src/tb/sofa/attention.js");
const { sufaUnitCycles } = await import("../../src/golden/sofa-sufa-timing.js");
const { DEFAULT_SUFA } = await import("../../src/golden/sofa.js");
const { sufaUnitShape } = await import("../../src/hw/sofa/sufa-unit.js");

type Params = Record<string, string | number | boolean>;

/** The bench's array: 32 queries per tile (DLZS rows) x 12 key columns, 4 SADS segments. */
const BASE = { seqLen: 1024, headDim: 64, queries: 64, segments: 4, radius: -1, tile: 32, cols: 12, rows: "mixed", spread: 3 };

export interface SofaBenchRow {
  k: number;
  passed: boolean;
  checks: number;
  cycles: number;
  prologueCycles: number;
  pipelineCycles: number;
  denseSufaCycles: number;
  cyclesSaved: number;
  stageBusy: [number, number, number];
  denseMacs: number;
  formalMacs: number;
  predictionShiftAdds: number;
  macsSaved: number;
  denseExps: number;
  exps: number;
  recall: number;
  maxError: number;
  meanError: number;
  rescales: number;
  buildSeconds: number;
  simSeconds: number;
  cyclesPerSecond: number;
}

/** Dense attention on the same SU-FA engine: every key of every query, lists full, tile by tile. */
function denseSufaCycles(p: Params): number {
  const S = Number(p.seqLen), D = Number(p.headDim), NQ = Number(p.queries), rows = Number(p.tile), n = Number(p.segments);
  const sh = sufaUnitShape({ seqLen: S, headDim: D, queries: NQ, rows, segments: n, k: S, scoreShift: 0, cfg: DEFAULT_SUFA });
  let total = 0;
  for (let t = 0; t * rows < NQ; t++) {
    const qs = Math.min(rows, NQ - t * rows);
    total += sufaUnitCycles({ per: sh.per, recipBits: DEFAULT_SUFA.recipBits, probBits: DEFAULT_SUFA.probBits, headDim: D, outMuls: sh.outMuls },
      Array.from({ length: qs }, () => new Array<number>(n).fill(sh.per)));
  }
  return total;
}

async function benchOne(k: number): Promise<SofaBenchRow> {
  const params: Params = { ...Object.fromEntries(sofaAttentionTb.params.map((s) => [s.name, s.default])), ...BASE, k };
  const out = await runAttention("sofa-attention", attentionConfig(params), params, { params, seed: 1 });
  const m = out.result.metrics as Record<string, number>;
  const dense = denseSufaCycles(params);
  return {
    k, passed: out.result.passed, checks: out.result.checks, cycles: out.result.cycles, prologueCycles: m.prologueCycles, pipelineCycles: m.pipelineCycles,
    denseSufaCycles: dense, cyclesSaved: 1 - m.pipelineCycles / dense, stageBusy: [m.dlzsBusy, m.sadsBusy, m.sufaBusy],
    denseMacs: m.denseMacs, formalMacs: m.formalMacs, predictionShiftAdds: m.predictionShiftAdds, macsSaved: m.macsSaved,
    denseExps: m.denseExps, exps: m.exps, recall: m.recall, maxError: m.maxError, meanError: m.meanError, rescales: m.rescales,
    buildSeconds: out.buildSeconds, simSeconds: out.simSeconds, cyclesPerSecond: out.result.cycles / out.simSeconds,
  };
}

const f = (x: number) => Math.round(x).toLocaleString("en-US");
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function speedTable(r: SofaBenchRow): string[][] {
  return [
    ["pipeline", "k", "checks", "cycles (prologue + pipeline)", "build+golden s", "sim s", "cycles/s"],
    [`S=${BASE.seqLen} D=${BASE.headDim} ${BASE.queries} queries, DLZS ${BASE.tile}x${BASE.cols}, ${BASE.segments} segments`, String(r.k),
      r.passed ? `${f(r.checks)} pass` : "FAIL", `${f(r.prologueCycles)} + ${f(r.pipelineCycles)}`, r.buildSeconds.toFixed(1), r.simSeconds.toFixed(1), f(r.cyclesPerSecond)],
  ];
}

export function savingsTable(rs: SofaBenchRow[]): string[][] {
  const rows = [["k", "k/S", "MACs (dense -> kept)", "MACs saved", "prediction shift-adds", "exps (dense -> SOFA)", "rescales", "pipeline cycles (DLZS/SADS/SU-FA busy)", "dense SU-FA cycles", "cycles saved", "top-k recall", "max / mean error vs dense"]];
  for (const r of rs) {
    rows.push([
      String(r.k), pct(r.k / BASE.seqLen), `${f(r.denseMacs)} -> ${f(r.formalMacs)}`, pct(r.macsSaved), f(r.predictionShiftAdds),
      `${f(r.denseExps)} -> ${f(r.exps)}`, String(r.rescales), `${f(r.pipelineCycles)} (${r.stageBusy.map(f).join("/")})`, f(r.denseSufaCycles), pct(r.cyclesSaved),
      r.recall.toFixed(3), `${r.maxError.toFixed(2)} / ${r.meanError.toFixed(3)}`,
    ]);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ks = (process.env.BENCH_SOFA_KS ?? "32,64,128,256,512,1024").split(",").map(Number);
  const rows: SofaBenchRow[] = [];
  for (const k of ks) {
    rows.push(await benchOne(k));
    const r = rows.at(-1)!;
    process.stderr.write(`  k=${k}: ${r.passed ? "pass" : "FAIL"}, ${r.cycles} cycles, ${Math.round(r.cyclesPerSecond)} cycles/s, recall ${r.recall}\n`);
  }
  const at128 = rows.find((r) => r.k === 128) ?? rows[0];
  const file = writeResults("sofa", { machine: machine(), execArgv: process.execArgv, config: BASE, results: rows });
  printTable(speedTable(at128));
  process.stdout.write(`\nWhat the prediction saves against dense attention (same configuration, k varied; dense = the same SU-FA engine over every key):\n\n`);
  printTable(savingsTable(rows));
  process.stderr.write(`wrote ${file}\n`);
  if (rows.some((r) => !r.passed)) process.exitCode = 1;
}
