/**
 * One measurement of the simulator-speed bench (issue 16), run in a process of its own so JIT
 * state never carries over: prints one JSON line. See bench/speed/run.ts.
 *
 *   mesh-tb <rate> <cycles> [n] [threads]
 *                              the noc testbench's driver on the 8x8 (or n x n) mesh (4 VCs x 4
 *                              flits, 1-flit packets), the engine on 1 (or 2) threads: whole run
 *                              and steady cycles/s (last half)
 *   mesh-engine <mode> <gap>   the 8x8 mesh alone, one packet every <gap> cycles, activity mode
 *                              off/auto/on: steady cycles/s after 300k cycles (auto's first
 *                              look at the design comes after 2^18 edges)
 *   mac-grid-tb <n> <cycles>   the mac-grid testbench, every check on: steady cycles/s (second
 *                              half of the run) and the whole run's
 *   mac-grid-bare <n> <mode>   the bare n x n grid with an input bank: steady cycles/s
 *   mac-grid-rebuild <n> <k>   the bare grid built and run k times in one process (as a sweep's
 *                              seeds or a test file do): steady cycles/s of each build
 *   start-mesh <n>             elaboration, netlist+compile, first cycle of an n x n mesh
 *   start-grid <n>             the same for an n x n mac-grid
 *   cli-noc <cycles>           the installed command (bin/tessera.js on dist/): `tessera run noc`
 *                              on the 8x8 mesh at 0.1 load as in mesh-tb, the whole process's
 *                              seconds (start, build, run, checks, exit)
 *   cli-start-mesh <n>         the installed command (bin/tessera.js on dist/, as users run it):
 *                              `tessera run noc` on an n x n mesh, seconds from the process start
 *                              to its first cycle (the build's last phase, from TESSERA_TIMING),
 *                              and the whole process (its ~1,500 cycles of draining included)
 */
import { NOC_PARAMS, nocParamsOf, runOptionsOf } from "../../src/tb/noc/noc.js";
import { makeMesh, meshNames } from "../../src/hw/noc/mesh.js";
import { descriptor, flitLayout } from "../../src/hw/noc/flit.js";
import { runNoc } from "../../src/tb/noc/driver.js";
import { macGrid, macGridNames as N } from "../../src/hw/examples/mac-grid.js";
import { macGridTb } from "../../src/tb/examples/mac-grid.js";
import { simulate, type ActivityMode } from "../../src/sim/index.js";
import { withoutSourceLocations } from "../../src/hdl/errors.js";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const [kind, a1, a2, a3, a4] = process.argv.slice(2);
const now = () => performance.now() / 1000;
const out = (o: Record<string, unknown>) => console.log(JSON.stringify({ case: kind, ...o }));
const meshParams = (extra: Record<string, unknown> = {}) => {
  const params: Record<string, unknown> = Object.fromEntries(NOC_PARAMS.map((x) => [x.name, x.default]));
  return Object.assign(params, { w: 8, h: 8, vcs: 4, bufDepth: 4, packetSize: 1 }, extra) as never;
};

if (kind === "mesh-tb") {
  const cycles = Number(a2), n = Number(a3 ?? 8), threads = Number(a4 ?? 1);
  const params = meshParams({ rate: Number(a1), measure: cycles, w: n, h: n });
  const t0 = now();
  const p = nocParamsOf(params);
  const sim = simulate(makeMesh(p), { threads });
  if (sim.threads.count !== threads) throw new Error(`mesh-tb: threads ${threads} asked, ${sim.threads.count} given: ${sim.threads.note}`);
  const t1 = now();
  let half = NaN, halfAt = NaN;
  const res = runNoc(sim, p, { ...runOptionsOf(params, p, 1), onProgress: (done) => {
    if (Number.isNaN(half) && done >= cycles / 2) [half, halfAt] = [done, now()];
  } });
  const t2 = now();
  sim.close();
  out({ n, threads, rate: Number(a1), cycles: res.cycles, passed: res.passed, buildSeconds: t1 - t0, runSeconds: t2 - t1, cyclesPerSec: res.cycles / (t2 - t1), steadyCyclesPerSec: (res.cycles - half) / (t2 - halfAt) });
} else if (kind === "mesh-engine") {
  const mode = a1 as ActivityMode, gap = Number(a2);
  const p = nocParamsOf(meshParams());
  const sim = simulate(makeMesh(p), { activity: mode });
  const L = flitLayout(8, 8);
  const valid = Array.from({ length: 64 }, (_, i) => sim.accessor(meshNames.injValid(i)));
  const pkt = Array.from({ length: 64 }, (_, i) => sim.accessor(meshNames.injPkt(i)));
  sim.reset();
  let c = 0;
  const run = (n: number) => {
    for (let k = 0; k < n; k++, c++) {
      const i = c % 64, inject = gap > 0 && c % gap === 0;
      if (inject) {
        pkt[i].set(descriptor(L, (i * 37 + 11) % 64, c & 7, 1));
        valid[i].set(1);
      }
      sim.step();
      if (inject) valid[i].set(0);
    }
  };
  run(300000);
  const t0 = now();
  run(40000);
  out({ mode, gap, cyclesPerSec: 40000 / (now() - t0) });
} else if (kind === "mac-grid-tb") {
  const n = Number(a1), cycles = Number(a2);
  const params = Object.fromEntries(macGridTb.params.map((x) => [x.name, x.default]));
  Object.assign(params, { rows: n, cols: n });
  // A first run warms the JIT; the second is the steady state.
  await macGridTb.run({ params, seed: 1, engine: "compiled", cycles: Math.min(cycles, 300000) });
  // Steady state: the second half of the run, timed through the testbench's progress reports
  // (the whole run also builds and compiles its design and warms the JIT on that code).
  let half: { t: number; done: number } | undefined;
  const t0 = now();
  const r = await macGridTb.run({
    params, seed: 2, engine: "compiled", cycles,
    onProgress: (done) => { if (!half && done >= cycles / 2) half = { t: now(), done }; },
  });
  const t1 = now();
  out({ n, cycles: r.cycles, passed: r.passed, checks: r.checks, wholeRunCyclesPerSec: r.cycles / (t1 - t0), cyclesPerSec: (r.cycles - half!.done) / (t1 - half!.t) });
} else if (kind === "mac-grid-bare") {
  const n = Number(a1), mode = (a2 ?? "auto") as ActivityMode;
  out({ n, mode, cyclesPerSec: bareGrid(n, mode) });
} else if (kind === "mac-grid-rebuild") {
  const n = Number(a1), builds = Number(a2);
  const perBuild = Array.from({ length: builds }, () => bareGrid(n, "auto"));
  out({ n, builds, perBuild, cyclesPerSec: Math.min(...perBuild) });
} else if (kind === "start-mesh" || kind === "start-grid") {
  const n = Number(a1);
  const t0 = now();
  // Built as the testbenches build (buildAndSimulate): without recording source locations.
  const m = withoutSourceLocations(() => (kind === "start-mesh" ? makeMesh(nocParamsOf(meshParams({ w: n, h: n }))) : macGrid({ rows: n, cols: n })));
  const t1 = now();
  const sim = simulate(m);
  const t2 = now();
  sim.reset();
  sim.step();
  const t3 = now();
  out({ n, nodes: sim.net.nodes.length, elaborateSeconds: t1 - t0, compileSeconds: t2 - t1, firstCycleSeconds: t3 - t2, totalSeconds: t3 - t0 });
} else if (kind === "cli-noc") {
  const cycles = Number(a1);
  const { r, processSeconds } = tessera(["run", "noc", "--param=w=8", "--param=h=8", "--param=vcs=4", "--param=bufDepth=4", "--param=packetSize=1", "--param=rate=0.1", `--cycles=${cycles}`, "--no-vcd", "--json"]);
  const res = JSON.parse(r.stdout) as { passed: boolean; cycles: number };
  out({ passed: res.passed, cycles: res.cycles, totalSeconds: processSeconds, cyclesPerSec: res.cycles / processSeconds });
} else if (kind === "cli-start-mesh") {
  const n = Number(a1);
  const { r, processSeconds, bin, args } = tessera(["run", "noc", ...["w", "h"].map((k) => `--param=${k}=${n}`), "--param=vcs=4", "--param=bufDepth=4", "--param=packetSize=1", "--param=warmup=0", "--cycles=1", "--no-vcd", "--json"], { TESSERA_TIMING: "1" });
  const at = (phase: string) => Number(new RegExp(`\\[timing\\] ${phase}: \\d+ ms \\(([\\d.]+) s since the process started\\)`).exec(r.stderr)?.[1]);
  const firstCycle = at("compiled\\.settleAll"), elaborated = at("netlist\\.elaborate");
  if (r.status !== 0 || Number.isNaN(firstCycle)) throw new Error(`bench/speed/case.ts cli-start-mesh: ${bin} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  out({ n, passed: JSON.parse(r.stdout).passed, elaboratedAt: elaborated, totalSeconds: firstCycle, processSeconds });
} else throw new Error(`bench/speed/case.ts: unknown case '${kind}'`);

/**
 * The installed command (bin/tessera.js on dist/) run as a user runs it: the file itself, so its
 * #! line's V8 flags apply; the seconds from spawning it to its exit.
 */
function tessera(args: string[], env: Record<string, string> = {}) {
  const bin = fileURLToPath(new URL("../../bin/tessera.js", import.meta.url));
  const t0 = now();
  const r = spawnSync(bin, args, { encoding: "utf8", env: { ...process.env, ...env } });
  const processSeconds = now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench/speed/case.ts ${kind}: ${bin} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return { r, processSeconds, bin, args };
}

/** The bare n x n grid fed random operands through an input bank: steady cycles/s after a warm-up. */
function bareGrid(n: number, mode: ActivityMode): number {
  const sim = simulate(macGrid({ rows: n, cols: n }), { activity: mode });
  const bank = sim.inputBank([...Array.from({ length: n }, (_, i) => N.a(i)), ...Array.from({ length: n }, (_, j) => N.b(j))]);
  let x = 1;
  const run = (k: number) => {
    for (let c = 0; c < k; c++) {
      for (let i = 0; i < 2 * n; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        bank.values[i] = ((x >> 8) % 256) - 128;
      }
      bank.commit();
      sim.step();
    }
  };
  const per = Math.max(20000, Math.round(2e7 / (n * n)));
  run(per);
  const t0 = now();
  run(per * 2);
  return (per * 2) / (now() - t0);
}
