/**
 * MoBiLE (issue 19, papers.md section 3): the three MoE presets decoded one token at a time on the
 * default consumer GPU (rtx4080-16g behind PCIe 4.0 x16), baseline against MoBiLE, under both
 * cache policies, at the `tessera mobile` defaults; then, per preset, what the speedup is made of:
 * without prefetch, without fallback, and with every token little (tau 0, no fallback: the most
 * MoBiLE can save). Every run checks the golden properties.
 *
 *   node --import tsx bench/mobile/run.ts      (prints markdown tables; writes bench/results/mobile.json)
 */
import { runMobileStudy, type MobileStudyOptions, type MobileStudyResult } from "../../src/system/mobile/index.js";
import { MOBILE_DEFAULTS } from "../../src/cli/commands/mobile.js";
import { machine, markdownTable, writeResults } from "../report.js";

const TOKENS = 128;
const SEED = MOBILE_DEFAULTS.seed;
const MODELS = ["mixtral-8x7b", "deepseek-v2-lite", "qwen-moe"];

function run(o: Omit<MobileStudyOptions, "tokens">): MobileStudyResult & { wallSeconds: number } {
  const t0 = performance.now();
  const r = runMobileStudy({ tokens: TOKENS, seed: SEED, hidden: MOBILE_DEFAULTS.hidden, gpu: MOBILE_DEFAULTS.gpu, ...o });
  if (!r.checks.ok) throw new Error(`${r.model}: a golden property failed: ${r.checks.problems.join("; ")}`);
  return { ...r, wallSeconds: (performance.now() - t0) / 1000 };
}

const main = MODELS.flatMap((model) => (["lru", "pinned"] as const).map((policy) => run({ model, policy })));
const variants = [
  { variant: "no prefetch", options: { prefetch: false } },
  { variant: "no fallback", options: { fallback: "none" as const } },
  { variant: "every token little (tau 0, no fallback)", options: { tau: 0, fallback: "none" as const } },
];
const drivers = MODELS.flatMap((model) => [
  { variant: "default", r: main.find((r) => r.model === model && r.policy === "lru")! },
  ...variants.map(({ variant, options }) => ({ variant, r: run({ model, policy: "lru", ...options }) })),
]);
writeResults("mobile", { machine: machine(), tokens: TOKENS, seed: SEED, results: main, drivers: drivers.map(({ variant, r }) => ({ variant, ...r })) });

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const gb = (b: number) => (b / 2 ** 30).toFixed(1);
process.stdout.write(markdownTable([
  ["model", "cache (experts/layer)", "tau", "little / fallback / important", "ms/token base", "ms/token MoBiLE", "speedup", "GB over PCIe base", "MoBiLE", "hit rate base", "MoBiLE (+prefetched)", "max abs error (mean rel.)", "wall s"],
  ...main.map((r) => [
    `${r.model} (${r.precision})`, `${r.policy} ${r.capacity}${r.pinned ? `, ${r.pinned} pinned` : ""}`, String(r.tau),
    `${pct(r.mobile.littleShare)} / ${pct(r.mobile.fallbackShare)} / ${pct(r.mobile.importantShare)}`,
    r.baseline.msPerToken.toFixed(1), r.mobile.msPerToken.toFixed(1), `${r.speedup.toFixed(2)}x`,
    gb(r.baseline.bytes), `${gb(r.mobile.bytes)} (${pct(r.bytesRatio)})`, pct(r.baseline.hitRate), `${pct(r.mobile.hitRate)} (+${pct(r.mobile.prefetchedShare)})`,
    `${r.error.maxAbs.toFixed(1)} (${pct(r.error.meanRelative)})`, r.wallSeconds.toFixed(1),
  ]),
]) + `\n\n${TOKENS} tokens, seed ${SEED}, on ${main[0].gpu} (PCIe ${main[0].pcieGBps} GB/s, ${main[0].pcieLatencyUs} us a transfer); numbers at hidden ${main[0].reduced.hidden}, bytes and times at the full size. ` +
  "Every run passed the golden checks: big steps bit-identical to the baseline layer, little steps on the top ceil(k/2) of their big set, " +
  "MoBiLE's bytes within the baseline cache's on the same routed stream. The error is of a random-weight model (no trained redundancy): it shows the outputs differ, not an accuracy loss.\n\n" +
  "What the speedup is made of (lru):\n\n" +
  markdownTable([
    ["model", "variant", "little share", "speedup", "bytes vs base", "mean rel. error"],
    ...drivers.map(({ variant, r }) => [r.model, variant, pct(r.mobile.littleShare), `${r.speedup.toFixed(2)}x`, pct(r.bytesRatio), pct(r.error.meanRelative)]),
  ]) + "\n");
