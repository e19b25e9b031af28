/**
 * The emitted Verilog of the engine agrees with our simulator: the engine runs closed-loop with the
 * behavioural global memory here, its inputs are recorded every cycle, and the emitted engine alone
 * replays them under Icarus Verilog; every output must match on every cycle. Skipped when iverilog
 * or the co-simulation driver (src/verilog/cosim.ts) is not available.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { makeEngine } from "../../../src/hw/systolic/engine.js";
import type { EngineParams } from "../../../src/hw/systolic/params.js";
import { buildGemmBench } from "../../../src/tb/pe/gemm-bench.js";
import { randomOperands } from "../../../src/tb/pe/operands.js";
import { rng } from "../../../src/tb/harness.js";
import { simulate } from "../../../src/sim/index.js";

const haveIcarus = spawnSync("iverilog", ["-V"], { stdio: "ignore" }).status === 0;
const cosim = await import("../../../src/verilog/cosim.js").catch(() => undefined);
const replay = await import("../../../src/verilog/replay.js").catch(() => undefined);
const emit = await import("../../../src/verilog/emit.js").catch(() => undefined);

describe.skipIf(!haveIcarus || !cosim || !replay || !emit)("engine Verilog == our simulator (Icarus)", () => {
  // Bandwidth 0: the memory takes a request every cycle; 3 bytes per cycle: the load and store
  // units wait on req_ready and wr_ready (a 24-bit C word of 2 lanes is 6 bytes). Overlapped
  // (the default) and one phase after the other.
  const configs = [["os", 0, true], ["ws", 0, true], ["is", 0, true], ["os", 3, true], ["is", 3, true], ["ws", 3, false]] as const;
  for (const [dataflow, bw, overlap] of configs) {
    it(`${dataflow}: 2 cores of 3x2, 7x5x4 int8 x uint8, 24-bit accumulator, bandwidth ${bw || "unlimited"}, overlap ${overlap}`, async () => {
      const p: EngineParams = {
        rows: 3, cols: 2, dataflow, m: 7, n: 5, k: 4, aType: "int8", bType: "uint8", accWidth: 24, cores: 2, overlap,
        tileM: dataflow === "os" ? 3 : dataflow === "is" ? 2 : 4, tileN: dataflow === "is" ? 3 : 2,
      };
      const r = rng(5);
      const A = randomOperands(r, "int8", p.m * p.k, "mixed"), B = randomOperands(r, "uint8", p.k * p.n, "mixed");
      const bench = buildGemmBench(p, A, B, 2, 1, bw);
      const spec = cosim!.specFromEmitted(emit!.emitDesign(makeEngine(p).module));
      const sim = simulate(bench.top);
      const ins = spec.inputs.map((x) => x.hdlName ?? x.name);
      const rows: bigint[][] = [];
      const sample = () => ins.map((n) => (n === "rst" ? sim.peek("rst") : sim.peek(`engine.${n}`)));
      const cycle = () => {
        rows.push(sample());
        sim.step();
      };
      sim.poke("rst", 1);
      cycle();
      sim.poke("rst", 0);
      sim.poke("start", 1);
      cycle();
      sim.poke("start", 0);
      while (sim.peek("done") === 0n) cycle();
      for (let i = 0; i < 3; i++) cycle();
      const alone = simulate(makeEngine(p).module);
      const ours = replay!.recordTrace({ poke: (n, v) => alone.poke(n, v), peek: (n) => alone.peek(n), step: () => alone.step() }, spec, rows);
      const theirs = await cosim!.runCosim(spec, rows, { sim: "icarus" });
      expect(cosim!.compareTraces(ours, theirs)).toBeNull();
      expect(rows.length).toBeGreaterThan(50);
    }, 120_000);
  }
});
