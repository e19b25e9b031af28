/**
 * `tessera mobile --model <preset> --tokens N --tau <t> [--rule mass|share] [--gpu <preset>]
 *                 [--cache <experts|GB>] [--policy lru|pinned] [--pinned n] [--precision p]
 *                 [--pcie-gbps g] [--pcie-latency-us u] [--no-prefetch] [--prefetch-set s]
 *                 [--no-fallback] [--layers n] [--hidden n] [--seed s] [--json] [--list]`:
 * MoBiLE's big-little experts against the baseline on one token stream (src/system/mobile): a
 * seeded MoE model at a reduced hidden size decoded one token at a time on a consumer GPU whose
 * expert cache sits behind PCIe, both schedules timed on the event engine. Reports the speedup,
 * bytes over PCIe, cache hit rates, the output difference against the baseline, the share of
 * little tokens and time per token, and checks MoBiLE's golden properties. Exit 0; 1 if a
 * golden property failed; 2 on usage errors.
 */
import { UserError } from "../../io/user-error.js";
import type { FallbackRule, PrefetchSet } from "../../system/mobile/big-little.js";
import type { CachePolicy } from "../../system/mobile/cache.js";
import type { ImportanceRule } from "../../system/mobile/importance.js";
import { GPU_PLATFORMS, MOBILE_MODELS, gpuPlatform, mobileModel, type WeightPrecision } from "../../system/mobile/presets.js";
import { capacityForBytes, defaultCapacity, modelBytes } from "../../system/mobile/sizes.js";
import { runMobileStudy, type MobileStudyResult } from "../../system/mobile/study.js";
import { table } from "../format.js";
import type { Io } from "../io.js";
import { EXIT_FAIL, EXIT_PASS, EXIT_USAGE, UsageError } from "../usage.js";
import { MOBILE_DEFAULTS } from "../defaults.js";

export interface MobileArgs {
  model?: string;
  tokens?: number;
  tau?: number;
  rule?: ImportanceRule;
  gpu?: string;
  cache?: string;
  policy?: CachePolicy;
  pinned?: number;
  precision?: WeightPrecision;
  pcieGbps?: number;
  pcieLatencyUs?: number;
  prefetch?: boolean;
  prefetchSet?: PrefetchSet;
  fallback?: boolean;
  layers?: number;
  hidden?: number;
  seed?: number;
  json?: boolean;
  list?: boolean;
}

export { MOBILE_DEFAULTS };

const GiB = 2 ** 30;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const gb = (b: number) => `${(b / GiB).toFixed(2)} GB`;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const msOf = (x: number) => `${x.toFixed(2)} ms`;

function listPresets(io: Io): number {
  io.out("models (weights at their full size; --precision overrides):\n");
  for (const m of Object.values(MOBILE_MODELS)) {
    const b = modelBytes(m);
    io.out(`  ${m.name.padEnd(18)} ${m.layers} layers (${m.moe.denseLayers} dense), ${m.moe.experts} experts top-${m.moe.topK}${m.moe.sharedExperts ? ` + ${m.moe.sharedExperts} shared` : ""}, hidden ${m.hidden}, expert FFN ${m.moe.expertFfn}, ${m.precision}: expert ${mb(b.expert)}, all experts ${gb(b.routedTotal)}, resident ${gb(b.resident)}, default tau ${m.defaultTau}\n`);
  }
  io.out("GPUs:\n");
  for (const g of Object.values(GPU_PLATFORMS)) io.out(`  ${g.name.padEnd(18)} ${g.description}; PCIe ${g.pcieGBps} GB/s, ${g.pcieLatencyUs} us a transfer\n`);
  return EXIT_PASS;
}

/** --cache: experts per MoE layer ("4"), or a GPU memory budget for all cached experts ("12GB", GB = 2^30 bytes). */
function parseCache(text: string, model: string, precision: WeightPrecision | undefined): number {
  const t = text.trim();
  const m = mobileModel(model);
  if (/^\d+$/.test(t)) return Number(t);
  const g = /^(\d+(?:\.\d+)?|\.\d+)\s*(GB|GiB)$/i.exec(t);
  if (g) return capacityForBytes(m, Number(g[1]) * GiB, precision ?? m.precision);
  throw new UsageError(`--cache '${text}': give experts per MoE layer (a whole number, e.g. 4) or a memory budget for all cached experts (e.g. 12GB)`);
}

function summary(r: MobileStudyResult): string {
  const b = r.baseline, m = r.mobile;
  const pf = m.prefetch;
  return table([
    ["measure", "baseline", "MoBiLE"],
    ["time per token", msOf(b.msPerToken), msOf(m.msPerToken)],
    ["speedup over the baseline", "1.00x", `${r.speedup.toFixed(2)}x`],
    ["bytes over PCIe", gb(b.bytes), `${gb(m.bytes)} (${pct(r.bytesRatio)})`],
    ["experts moved (prefetched)", String(b.fetchedExperts), `${m.fetchedExperts} (${pf.fills + pf.speculative})`],
    ["cache hit rate (+ prefetched)", pct(b.hitRate), `${pct(m.hitRate)} (+ ${pct(m.prefetchedShare)})`],
    ["PCIe link busy", pct(b.linkUtilization), pct(m.linkUtilization)],
    ["GPU waiting for PCIe", pct(b.gpuIdleShare), pct(m.gpuIdleShare)],
    ["token-layers little / fallback / important", "- / - / 100%", `${pct(m.littleShare)} / ${pct(m.fallbackShare)} / ${pct(m.importantShare)}`],
    ["prefetches used / dropped / skipped", "-", `${pf.used} / ${pf.wasted} / ${pf.skipped}`],
    ["output vs baseline: max abs, mean relative", "0, 0", `${r.error.maxAbs.toPrecision(3)}, ${pct(r.error.meanRelative)} (output RMS ${r.error.outputRms.toFixed(2)})`],
    ["big steps bit-identical to the baseline layer", "-", `${r.checks.ok ? r.error.bigSteps : "NO"} of ${r.error.bigSteps}`],
    ["tokens big in every layer: max abs error", "-", `${r.error.maxAbsBigTokens} (${r.error.bigTokens} tokens)`],
  ]);
}

/** The command line that repeats a run exactly. */
function replay(r: MobileStudyResult): string {
  return [
    `tessera mobile --model ${r.model} --tokens ${r.tokens} --tau ${r.tau} --rule ${r.rule} --gpu ${r.gpu} --cache ${r.capacity} --policy ${r.policy}`,
    r.policy === "pinned" ? ` --pinned ${r.pinned}` : "", ` --precision ${r.precision} --pcie-gbps ${r.pcieGBps} --pcie-latency-us ${r.pcieLatencyUs}`,
    r.prefetch ? ` --prefetch-set ${r.prefetchSet}` : " --no-prefetch", r.fallback === "none" ? " --no-fallback" : "",
    ` --layers ${r.layers} --hidden ${r.reduced.hidden} --seed ${r.seed}`,
  ].join("");
}

export async function mobileCommand(args: MobileArgs, io: Io): Promise<number> {
  try {
    if (args.list) return listPresets(io);
    const t0 = performance.now();
    const model = args.model ?? MOBILE_DEFAULTS.model;
    let preset;
    try {
      preset = mobileModel(model);
    } catch (e) {
      throw new UsageError((e as Error).message, { argument: "--model" });
    }
    const gpuName = args.gpu ?? MOBILE_DEFAULTS.gpu;
    let gpu;
    try {
      gpu = gpuPlatform(gpuName);
    } catch (e) {
      throw new UsageError((e as Error).message, { argument: "--gpu" });
    }
    const { topK, experts } = preset.moe;
    const precision = args.precision ?? preset.precision;
    const capacity = args.cache !== undefined ? parseCache(args.cache, model, precision) : defaultCapacity(preset, gpu, precision);
    if (capacity < topK || capacity > experts) {
      const why = args.cache !== undefined
        ? `--cache ${args.cache} is a cache of ${capacity} expert${capacity === 1 ? "" : "s"} per layer; ${preset.name} needs ${topK}..${experts} (at least a token's top-${topK}, at most all its experts)`
        : `${preset.name} in ${precision} leaves room for ${capacity} expert${capacity === 1 ? "" : "s"} per layer on ${gpu.name} (an expert is ${mb(modelBytes(preset, precision).expert)}), fewer than its top-${topK}; give --cache, a larger --gpu or a smaller --precision`;
      throw new UsageError(why);
    }
    const policy = args.policy ?? "lru";
    if (args.pinned !== undefined && policy !== "pinned") throw new UsageError("--pinned sets the pinned experts of --policy pinned; the lru policy pins nothing");
    if (args.pinned !== undefined && args.pinned > capacity - topK) throw new UsageError(`--pinned ${args.pinned} leaves fewer than ${topK} LRU slots of the ${capacity}-expert cache; pin at most ${capacity - topK}`);
    if (args.layers !== undefined && (args.layers <= preset.moe.denseLayers || args.layers > preset.layers)) {
      throw new UsageError(`--layers ${args.layers}: ${preset.name} has ${preset.layers} layers${preset.moe.denseLayers ? `, the first ${preset.moe.denseLayers} dense` : ""}; give ${preset.moe.denseLayers + 1}..${preset.layers}`);
    }
    if (args.prefetchSet !== undefined && args.prefetch === false) throw new UsageError("--prefetch-set chooses what to prefetch; it has no effect with --no-prefetch");
    const fallback: FallbackRule = args.fallback === false ? "none" : "resident";
    const tokens = args.tokens ?? MOBILE_DEFAULTS.tokens;
    const seed = args.seed ?? MOBILE_DEFAULTS.seed;
    let r: MobileStudyResult;
    try {
      r = runMobileStudy({
        model: preset, gpu, tokens, tau: args.tau, rule: args.rule, policy, capacity, pinned: args.pinned, precision,
        pcieGBps: args.pcieGbps, pcieLatencyUs: args.pcieLatencyUs, prefetch: args.prefetch ?? true, prefetchSet: args.prefetchSet, fallback,
        layers: args.layers, hidden: args.hidden ?? MOBILE_DEFAULTS.hidden, seed,
      });
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    if (args.json) {
      io.out(JSON.stringify({ ...r, timing: { wallMs: Math.round(performance.now() - t0) } }, null, 2) + "\n");
    } else {
      io.out(`${r.model} (${r.layers} layers, ${r.precision}, expert ${mb(r.expertBytes)}) on ${r.gpu}, PCIe ${r.pcieGBps} GB/s + ${r.pcieLatencyUs} us: ` +
        `${r.tokens} tokens decoded one at a time, ${r.policy} cache of ${r.capacity} experts per layer${r.pinned ? ` (${r.pinned} pinned)` : ""}, ` +
        `tau ${r.tau} (${r.rule} rule), ${r.prefetch ? `prefetch ${r.prefetchSet}` : "no prefetch"}, ${r.fallback === "none" ? "no fallback" : "fallback when resident"}, seed ${r.seed}; numbers at hidden ${r.reduced.hidden}\n`);
      io.out(summary(r));
      if (!r.checks.ok) io.out(`golden check FAILED: ${r.checks.problems.join("; ")}\n`);
    }
    if (!r.checks.ok) {
      io.err(`tessera mobile: a golden property failed (${r.checks.problems[0]}); replay: ${replay(r)}\n`);
      return EXIT_FAIL;
    }
    return EXIT_PASS;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`tessera mobile: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
