/**
 * The `tessera` command line (commander). Each command's work lives in commands/<cmd>.ts as a
 * function (args, io) => exit code; this file only declares arguments and options, from the small
 * constant modules (defaults.ts), and imports a command's module when that command runs: a start
 * that loaded every command took 0.3 s before its first line of work.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { ENGINE_NAMES, MAX_THREADS } from "../sim/engine.js";
import type { Io } from "./io.js";
import { COSIM_SIMULATORS, DEFAULT_RTL_MAX_MACS, DEFAULT_SCALESIM_DIR, MOBILE_DEFAULTS, OCTOPUS_DEFAULTS, SCALESIM_ENGINES, SERVE_SIM_DEFAULTS, SYSTEM_DEFAULTS, WAVEDIFF_DEFAULT_CLOCK, WAVEDIFF_DEFAULT_MAX, parseShard } from "./defaults.js";
import { GENERATED_GRAPHS } from "../system/octopus/generate.js";
import { MECHANISMS, SCHEDULER_DEFAULTS as OCTOPUS_PARAMS, SCHEDULER_NAMES as OCTOPUS_SCHEDULERS } from "../system/octopus/schedulers.js";
import { FORWARDINGS } from "../system/octopus/transfer.js";
import { IMPORTANCE_RULES } from "../system/mobile/importance.js";
import { CACHE_POLICIES } from "../system/mobile/cache.js";
import { PREFETCH_SETS } from "../system/mobile/big-little.js";
import { GPU_PLATFORMS, MOBILE_MODELS, WEIGHT_PRECISIONS } from "../system/mobile/presets.js";
import { SCHEDULERS } from "../system/serve/scheduler.js";
import { TRACE_KINDS } from "../system/serve/trace.js";
import { MODEL_PRESETS } from "../system/workload/model.js";
import { PLACEMENTS } from "../system/run/placement.js";
import { SCHEDULES } from "../system/run/schedule.js";
import { UsageError } from "./usage.js";
import { oneLine } from "../io/user-error.js";

/** Data seed of `tessera run` when --seed is not given: fixed, so plain runs repeat exactly. */
export const DEFAULT_SEED = 1;
export const DEFAULT_VERIFY_RUNS = 100;

function intIn(lo: number, hi: number, what: string) {
  return (text: string): number => {
    const t = text.trim();
    const v = /^[-+]?\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new InvalidArgumentError(`${what} must be a whole number ${hi === Number.MAX_SAFE_INTEGER ? `>= ${lo}` : `${lo}..${hi}`}`);
    return v;
  };
}

/** A decimal number in [lo, hi] (`loOpen`: above lo, not at it). */
function numberIn(lo: number, hi: number, what: string, loOpen = false) {
  return (text: string): number => {
    const t = text.trim();
    const v = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : NaN;
    if (!Number.isFinite(v) || (loOpen ? v <= lo : v < lo) || v > hi) {
      throw new InvalidArgumentError(`${what} must be a number ${hi === Infinity ? `${loOpen ? ">" : ">="} ${lo}` : `${lo}..${hi}`}`);
    }
    return v;
  };
}

const TB_ARG = "a name from 'tessera list', or a file of testbenches: ./tb/my.tb.ts (name one of several as ./tb/my.tb.ts:name)";
const TB_ARG_ALL = `${TB_ARG}, or 'all' (the project's testbenches where a tessera.config lists some, else the built-in ones)`;
/** What commander's help-as-an-error (arguments but no command, e.g. `tessera --`) becomes: one line. */
const NO_COMMAND = "tessera: no command given; 'tessera --help' lists the commands (list, run, verify, emit, cosim, sweep, report, scalesim, system, serve-sim, mobile, octopus, wavediff, new)\n";
const HELP_AFTER = "\nExit codes: 0 pass, 1 a check failed, 2 usage error.\n";
const collect = (v: string, prev: string[]): string[] => [...prev, v];
const PARAM_HELP = "set a testbench parameter (repeatable: --param rows=16 --param cols=16); 'tessera list' shows them";
const seedArg = intIn(0, 2 ** 32 - 1, "the seed");
const cyclesArg = intIn(1, Number.MAX_SAFE_INTEGER, "the cycle count");
const engineOption = () => new Option("--engine <name>", "simulation engine").choices(ENGINE_NAMES);
const threadsOption = () =>
  new Option("--threads <n>", `compiled engine: 2 runs half of the design's identical submodules (a mesh's routers) on a second core; pays on large designs (a 32x32 mesh) of a machine with a core to spare`).argParser(intIn(1, MAX_THREADS, "--threads"));

/** Build the program; `setCode` receives each command's exit code. */
export function buildProgram(io: Io, setCode: (code: number) => void): Command {
  const program = new Command("tessera")
    .description("Tessera: a TypeScript HDL with a compiled cycle simulator, and clocked models of LLM-accelerator hardware")
    .exitOverride()
    // Commander's errors on one line like ours (its suggestion "(Did you mean ...?)" comes on a
    // second line otherwise), with the hint to --help folded in.
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(/^Usage:/.test(s) ? NO_COMMAND : s.startsWith(HELP_AFTER) ? "" : s), outputError: (s, write) => write(`tessera: ${oneLine(s)} (add --help for usage)\n`) })
    .showSuggestionAfterError(true)
    .addHelpText("after", HELP_AFTER + "Examples:\n  tessera list\n  tessera run all\n  tessera run mac-grid --param rows=16 --param cols=16 --vcd waves/mac.vcd\n  tessera verify all --runs 200\n");

  program
    .command("list")
    .description("list the registered testbenches with their parameters")
    .option("--json", "machine-readable: an array of {name, description, params}")
    .action(async (opts) => setCode(await (await import("./commands/list.js")).listCommand(opts, io)));

  program
    .command("run")
    .description("run a testbench (or 'all' of them at their default parameters) and check it against its golden model")
    .argument("<testbench>", TB_ARG_ALL)
    .option("--vcd <file>", "write a VCD waveform of the run to this file")
    .option("--no-vcd", "write no waveforms ('run all' writes them by default)")
    .option("--vcd-dir <dir>", "write <dir>/<testbench>.vcd (the default for 'run all' is waves/)")
    .option("--fst <file>", "write an FST waveform of the run (GTKWave's compressed format) to this file")
    .option("--fst-dir <dir>", "write <dir>/<testbench>.fst ('run all': one per testbench, besides the VCDs)")
    .option("--cycles <n>", "how long to run, for testbenches with a free-running phase", cyclesArg)
    .option("--seed <s>", "seed of the random stimulus", seedArg, DEFAULT_SEED)
    .option("--param <k=v>", PARAM_HELP, collect, [])
    .addOption(engineOption())
    .addOption(threadsOption())
    .option("--json", "machine-readable result: {name, passed, cycles, checks, metrics, seed, params, failures}")
    .action(async (name, opts) => setCode(await (await import("./commands/run.js")).runCommand(name, opts, io)));

  program
    .command("verify")
    .description("property-based verification: random parameters and data against the golden model; failures are shrunk")
    .argument("<testbench>", TB_ARG_ALL)
    .option("--runs <n>", "property runs per testbench", intIn(1, 1_000_000, "--runs"), DEFAULT_VERIFY_RUNS)
    .option("--seed <s>", "fast-check seed (default: random, printed)", intIn(0, 2 ** 31 - 1, "the seed"))
    .addOption(engineOption())
    .option("--json", "machine-readable outcomes")
    .action(async (name, opts) => setCode(await (await import("./commands/verify.js")).verifyCommand(name, opts, io)));

  program
    .command("emit")
    .description("write the Verilog of a testbench's design")
    .argument("<design>", TB_ARG)
    .option("--param <k=v>", PARAM_HELP, collect, [])
    .option("-o, --output <file>", "output file (default: standard output)")
    .option("--top <name>", "Verilog name of the top module")
    .action(async (name, opts) => setCode(await (await import("./commands/emit.js")).emitCommand(name, opts, io)));

  program
    .command("cosim")
    .description("run a testbench's stimulus through Tessera and through Verilator or Icarus, comparing every output every cycle")
    .argument("<testbench>", TB_ARG)
    .addOption(new Option("--sim <simulator>", "the Verilog simulator").choices(COSIM_SIMULATORS).default("verilator"))
    .option("--cycles <n>", "how long to run", cyclesArg)
    .option("--seed <s>", "seed of the random stimulus", seedArg, DEFAULT_SEED)
    .option("--param <k=v>", PARAM_HELP, collect, [])
    .option("--json", "machine-readable result")
    .action(async (name, opts) => setCode(await (await import("./commands/cosim.js")).cosimCommand(name, opts, io)));

  program
    .command("sweep")
    .description("run a testbench over a grid of parameters and seeds on a worker pool")
    .argument("<testbench>", TB_ARG)
    .option("--param <k=values>", "values to sweep: k=a,b,c or k=lo..hi (repeatable; the cross product is run)", collect, [])
    .option("--seeds <n>", "seeds per parameter set", intIn(1, 1_000_000, "--seeds"), 1)
    .option("--seed <s>", "first seed", seedArg, DEFAULT_SEED)
    .option("--workers <n>", "worker threads (default: the number of cores)", intIn(1, 1024, "--workers"))
    .option("--shard <i/n>", "run only shard i of n (for array jobs)", (t: string) => {
      try {
        return parseShard(t);
      } catch (e) {
        throw new InvalidArgumentError((e as UsageError).message);
      }
    })
    .option("--out <file>", "write the results as JSON to this file (noc: and SVG plots next to it)")
    .option("--rates <loads>", "noc: offered loads, a,b,c or lo..hi:step (flits/node/cycle)")
    .option("--refine <n>", "noc: extra rounds of loads inside the saturation bracket", intIn(0, 10, "--refine"))
    .option("--merge <files...>", "merge the JSON files of the shards (--shard i/n --out f) instead of running; with --out, the merged JSON equals an unsharded run's, timing apart")
    .option("--json", "machine-readable results on standard output")
    .action(async (name, opts) => setCode(await (await import("./commands/sweep.js")).sweepCommand(name, opts, io)));

  program
    .command("report")
    .description("run a study and write its report: wsc-moe (block vs entwined vs global on the RTL mesh, link-load heatmaps, the expert balancers)")
    .argument("<report>", "which report: wsc-moe")
    .option("-o, --output <dir>", "folder for report.md, report.json and the SVG heatmaps (default wsc-report)")
    .option("--param <k=v>", PARAM_HELP, collect, [])
    .option("--seed <s>", "seed of the testbench runs", seedArg, DEFAULT_SEED)
    .option("--study <k=v>", "a knob of the balancer study: iterations, traceSkew, drift, layers, threshold (repeatable)", collect, [])
    .option("--json", "machine-readable: {report, dir, files, passed}")
    .action(async (name, opts) => setCode(await (await import("./commands/report.js")).reportCommand(name, opts, io)));

  program
    .command("scalesim")
    .description("SCALE-Sim v2's config and topology in, its reports out: every layer's GEMM on one array (cycle model, or the RTL with --engine rtl)")
    .requiredOption("-c, --config <file>", "SCALE-Sim v2 config (.cfg): [general] run_name, [architecture_presets] ArrayHeight, ArrayWidth, SRAM sizes, Dataflow, Bandwidth, [run_presets] InterfaceBandwidth")
    .requiredOption("-t, --topology <file>", "SCALE-Sim v2 topology (.csv): conv rows, or GEMM rows 'Layer,M,N,K,'")
    .option("-p, --path <dir>", `reports go to <dir>/<run_name>/ (default ${DEFAULT_SCALESIM_DIR})`)
    .addOption(new Option("-i, --input-type <type>", "topology format (default: told from the header)").choices(["conv", "gemm"]))
    .addOption(new Option("--engine <engine>", "model: the cycle model (any size); rtl: also run each layer on the RTL array, bit-exact, cycles checked against the model").choices([...SCALESIM_ENGINES]).default("model"))
    .option("--seed <s>", "seed of the RTL runs' operands", seedArg, DEFAULT_SEED)
    .option("--rtl-max-macs <n>", `largest layer --engine rtl simulates (default ${DEFAULT_RTL_MAX_MACS})`, intIn(1, Number.MAX_SAFE_INTEGER, "--rtl-max-macs"))
    .option("--json", "machine-readable summary (also written to <dir>/<run_name>/tessera.json)")
    .action(async (opts) => setCode(await (await import("./commands/scalesim.js")).scaleSimCommand(opts, io)));

  const count = (what: string) => intIn(1, 1 << 20, what);
  program
    .command("system")
    .description("a transformer's prefill, decode or training step on a tiled or wafer-scale platform (event-driven, PALM-style): latency, tokens/s, utilization, Perfetto trace")
    .argument("[model]", `a model preset (${Object.keys(MODEL_PRESETS).join(", ")}) or a model JSON file (default ${SYSTEM_DEFAULTS.model})`)
    .option("--platform <preset|file>", `a platform preset or JSON file (default ${SYSTEM_DEFAULTS.platform}); --list shows the presets`)
    .addOption(new Option("--phase <phase>", "prefill a sequence, one decode step, or one training step (forward, backward, gradient all-reduce, optimizer)").choices(["prefill", "decode", "train"]).default("prefill"))
    .option("--batch <n>", `sequences (default ${SYSTEM_DEFAULTS.batch})`, count("--batch"))
    .option("--seq <n>", `prefill, train: tokens per sequence (default ${SYSTEM_DEFAULTS.seq})`, count("--seq"))
    .option("--context <n>", `decode: tokens already in each sequence's KV cache (default ${SYSTEM_DEFAULTS.context})`, count("--context"))
    .option("--tp <n>", "tensor-parallel tiles per group (default 1)", count("--tp"))
    .option("--pp <n>", "pipeline stages (default 1)", count("--pp"))
    .option("--dp <n>", "data-parallel replicas (default 1)", count("--dp"))
    .option("--ep <n>", "expert-parallel replicas: MoE experts split over ep of the dp replicas, tokens moved by all-to-all (default 1; divides dp)", count("--ep"))
    .option("--microbatches <n>", "micro-batches per replica through the pipeline (default 1)", count("--microbatches"))
    .addOption(new Option("--schedule <schedule>", "pipeline schedule of a training step: gpipe (all forwards, then all backwards) or 1f1b (one forward, one backward; keeps fewer micro-batches' activations)").choices([...SCHEDULES]).default("1f1b"))
    .addOption(new Option("--mapping <placement>", "tile order the groups are cut from: snake (the whole mesh) or die (die by die, so a TP group stays on one die's links)").choices([...PLACEMENTS]).default("snake"))
    .option("--per-tile", "simulate every tile (default: each TP group as one virtual tile; same times, fewer events)")
    .option("--json", "machine-readable summary")
    .option("--trace <file>", "write Chrome trace-event JSON (Perfetto, chrome://tracing): a track per tile group and per link")
    .option("--svg <file>", "write an SVG heatmap of link utilization on the mesh")
    .option("--list", "list the platform and model presets")
    .action(async (model, opts) => setCode(await (await import("./commands/system.js")).systemCommand(model, opts, io)));

  program
    .command("serve-sim")
    .description("LLM serving in time (XY-Serve): a request trace through a token-budget scheduler on a platform's cores; TTFT, TBT, throughput, core utilization, load imbalance")
    .option("--trace <file|kind>", `a CSV trace (arrival_ms,prompt,output[,prefix_of,prefix_len,spec]) or a generated one: ${TRACE_KINDS.join(", ")} (default ${SERVE_SIM_DEFAULTS.trace})`)
    .option("--platform <preset|file>", `a platform preset or JSON file (default ${SERVE_SIM_DEFAULTS.platform}); 'tessera system --list' shows the presets`)
    .option("--model <preset|file>", `a model preset (${Object.keys(MODEL_PRESETS).join(", ")}) or a model JSON file (default ${SERVE_SIM_DEFAULTS.model})`)
    .option("--budget <tokens>", `tokens per step (default ${SERVE_SIM_DEFAULTS.budget})`, intIn(1, 1 << 20, "--budget"))
    .addOption(new Option("--scheduler <name>", "xy: D/V slots reserved, long prompts chunked, tiles reordered; baseline: whole prompts batched, no reservation, tiles dealt greedily in order").choices([...SCHEDULERS]).default(SERVE_SIM_DEFAULTS.scheduler))
    .option("--requests <n>", `generated traces: requests (default ${SERVE_SIM_DEFAULTS.requests})`, intIn(1, 1_000_000, "--requests"))
    .option("--rate <per-second>", `generated traces: mean arrival rate, requests per second (default coding ${SERVE_SIM_DEFAULTS.rate.coding}, conversation ${SERVE_SIM_DEFAULTS.rate.conversation})`, numberIn(0, Infinity, "--rate", true))
    .option("--seed <s>", `seed of the generated trace and of the draft acceptance (default ${SERVE_SIM_DEFAULTS.seed})`, seedArg)
    .option("--spec-len <n>", "generated traces: draft tokens each decode step verifies (default 0: no speculation)", intIn(0, 1024, "--spec-len"))
    .option("--acceptance <p>", "probability each draft token is accepted (default 0.7)", numberIn(0, 1, "--acceptance"))
    .option("--reserve <tokens>", "xy: slots kept for decode and verify tokens in every step (default budget / 8)", intIn(0, 1 << 20, "--reserve"))
    .option("--tile-size <rows>", "attention tile rows (default 128)", intIn(1, 1 << 16, "--tile-size"))
    .option("--no-prefix-cache", "prefill every prompt token (no automatic prefix caching)")
    .option("--json", "machine-readable summary")
    .action(async (opts) => setCode(await (await import("./commands/serve-sim.js")).serveSimCommand(opts, io)));

  program
    .command("mobile")
    .description("MoBiLE: big-little experts for offloaded MoE decoding on a consumer GPU, against the baseline on one token stream: speedup, PCIe bytes, cache hit rate, output difference")
    .option("--model <preset>", `an MoE model preset: ${Object.keys(MOBILE_MODELS).join(", ")} (default ${MOBILE_DEFAULTS.model})`)
    .option("--tokens <n>", `tokens decoded, one at a time (default ${MOBILE_DEFAULTS.tokens})`, intIn(1, 1 << 20, "--tokens"))
    .option("--tau <t>", "importance threshold: a token is important (big) when its top-ceil(k/2) router mass is below tau (default: the preset's, 'tessera mobile --list')", numberIn(0, Infinity, "--tau"))
    .addOption(new Option("--rule <rule>", "importance rule: mass (top-ceil(k/2) router mass < tau) or share (that mass over the top-k mass < tau)").choices([...IMPORTANCE_RULES]))
    .option("--gpu <preset>", `the GPU: ${Object.keys(GPU_PLATFORMS).join(", ")} (default ${MOBILE_DEFAULTS.gpu})`)
    .option("--cache <experts|GB>", "expert cache: experts per MoE layer (4), or GPU memory for all cached experts (12GB) (default: what fits beside the resident weights)")
    .addOption(new Option("--policy <policy>", "cache policy: lru, or pinned (the warm-up's most used experts stay, the rest LRU)").choices([...CACHE_POLICIES]))
    .option("--pinned <n>", "--policy pinned: experts pinned per layer (default half the cache, leaving a token's top-k LRU slots)", intIn(0, 1 << 16, "--pinned"))
    .addOption(new Option("--precision <p>", "weight precision of the full model, for bytes and times (default: the preset's)").choices([...WEIGHT_PRECISIONS]))
    .option("--pcie-gbps <g>", "PCIe bandwidth, GB/s (default 25: PCIe 4.0 x16)", numberIn(0, Infinity, "--pcie-gbps", true))
    .option("--pcie-latency-us <u>", "fixed cost of each expert copy over PCIe, us (default 10)", numberIn(0, Infinity, "--pcie-latency-us"))
    .option("--no-prefetch", "no prefetch of the next layer's predicted experts")
    .addOption(new Option("--prefetch-set <set>", "what to prefetch: the predicted little set (default), or the set the importance rule predicts").choices([...PREFETCH_SETS]))
    .option("--no-fallback", "little tokens never fall back to their big set (default: they do when its extra experts are in GPU memory)")
    .option("--layers <n>", "run only the first n layers (faster; the cache per layer stays the whole model's)", intIn(1, 1024, "--layers"))
    .option("--hidden <n>", `reduced hidden size of the numeric model (default ${MOBILE_DEFAULTS.hidden}; bytes and times use the full size)`, intIn(2, 4096, "--hidden"))
    .option("--seed <s>", `seed of the weights, the token stream and the warm-up (default ${MOBILE_DEFAULTS.seed})`, seedArg)
    .option("--json", "machine-readable summary")
    .option("--list", "list the model and GPU presets")
    .action(async (opts) => setCode(await (await import("./commands/mobile.js")).mobileCommand(opts, io)));

  program
    .command("octopus")
    .description("Octopus: orchestrated AI workflows (task and control blocks, branches, loops) on a scale-out spatial architecture of TBUs and CBUs; baseline or octopus scheduling: makespan, TBU utilization, idle time, speedup")
    .option("--graph <file|kind>", `a workflow graph JSON file, or a seeded generated one: ${GENERATED_GRAPHS.join(", ")} (default ${OCTOPUS_DEFAULTS.graph})`)
    .option("--platform <preset|file>", `a platform preset or JSON file: its tiles are the TBUs (default ${OCTOPUS_DEFAULTS.platform}); 'tessera system --list' shows the presets`)
    .addOption(new Option("--scheduler <name>", "baseline: equal regions for every block, control on TBUs, a fixed share of TBUs per block, reactive stealing; octopus: CBs on CBUs, TBUs per TB sized to its work, clusters planned from expected frequencies, diffusion balancing (default octopus)").choices([...OCTOPUS_SCHEDULERS]))
    .option("--instances <n>", `workflow instances (requests) in the run (default ${OCTOPUS_DEFAULTS.instances})`, intIn(1, 100_000, "--instances"))
    .option("--rate <per-ms>", `mean arrival rate, instances per millisecond (default ${OCTOPUS_DEFAULTS.rate})`, numberIn(0, Infinity, "--rate", true))
    .option("--seed <s>", `seed of the generated graph, the arrivals, decisions and task times (default ${OCTOPUS_DEFAULTS.seed})`, seedArg)
    .option("--sweep <n>", "run n seeds (seed, seed + 1, ...: a new generated graph each, or new runs of a file's graph) under both schedulers; report the speedup's mean, min and max", intIn(1, 10_000, "--sweep"))
    .option("--cluster <WxH>", "cluster side in tiles (default: the largest divisor of each mesh side up to 4)")
    .option("--share <n>", `baseline: TBUs every block gets (default ${OCTOPUS_PARAMS.share})`, intIn(1, 1 << 20, "--share"))
    .option("--grain <ns>", `octopus: work per TBU a task is sized to, ns (default ${OCTOPUS_PARAMS.grainNs})`, numberIn(0, Infinity, "--grain", true))
    .option("--control-ns <ns>", `time of a control decision, on a CBU or a TBU (default ${OCTOPUS_PARAMS.controlNs})`, numberIn(0, Infinity, "--control-ns"))
    .option("--alpha <a>", `octopus: diffusion coefficient (default ${OCTOPUS_PARAMS.alpha})`, numberIn(0, 0.25, "--alpha", true))
    .option("--diffusion-period <ns>", `octopus: time between diffusion rounds (default ${OCTOPUS_PARAMS.diffusionPeriodNs})`, numberIn(0, Infinity, "--diffusion-period", true))
    .option("--steal-delay <ns>", `baseline: time an idle group takes to steal queued work (default ${OCTOPUS_PARAMS.stealDelayNs})`, numberIn(0, Infinity, "--steal-delay"))
    .addOption(new Option("--forwarding <model>", `data movement over the mesh (default ${OCTOPUS_PARAMS.forwarding})`).choices([...FORWARDINGS]))
    .option("--disable <list>", `octopus: turn off some of its mechanisms (${MECHANISMS.join(", ")}; comma-separated) to see what each brings`)
    .option("--json", "machine-readable summary")
    .action(async (opts) => setCode(await (await import("./commands/octopus.js")).octopusCommand(opts, io)));

  program
    .command("wavediff")
    .description("compare two waveform files (VCD or FST) cycle by cycle: prints the first differing cycle and signals; exit 1 on a difference")
    .argument("<a>", "a VCD or FST file (the format is told by its contents)")
    .argument("<b>", "the VCD or FST file to compare it with")
    .option("--signals <names...>", "signals to compare: paths, last names or globs (* within a scope, ** across), space- or comma-separated (default: every signal both files have)")
    .option("--clock <name>", `the clock whose rising edges are the cycles (path or last name; default ${WAVEDIFF_DEFAULT_CLOCK})`)
    .option("--cycles <n>", "compare only the first n cycles", intIn(1, Number.MAX_SAFE_INTEGER, "--cycles"))
    .option("--max <n>", `differing signals listed for the first differing cycle (default ${WAVEDIFF_DEFAULT_MAX})`, intIn(1, Number.MAX_SAFE_INTEGER, "--max"))
    .option("--json", "machine-readable: {a, b, equal, clock, signals, cycles, onlyInA, onlyInB, widthMismatches, cutShort, first}")
    .action(async (a, b, opts) => setCode(await (await import("./commands/wavediff.js")).wavediffCommand(a, b, opts, io)));

  program
    .command("new")
    .description("create a project for a new design: a module, its golden model, a testbench, a property test (then: npm install && npm test)")
    .argument("<dir>", "the folder to create (must not exist yet, or be empty)")
    .option("--tessera <spec>", "what the project depends on for tessera: a version, a tarball, a git URL (default: this Tessera as file:<its folder>)")
    .option("--name <name>", "npm package name (default: the folder's name)")
    .action(async (dir, opts) => setCode(await (await import("./commands/new.js")).newCommand(dir, opts, io)));

  return program;
}
