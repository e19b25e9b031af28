/**
 * The mesh is RTL: it emits to Verilog (one module per router shape, routers and interfaces share
 * modules across positions), and the noc testbench's run recorded on Tessera's simulator replays
 * into Icarus and Verilator with every output equal every cycle.
 */
import { describe, expect, it, test } from "vitest";
import { makeMesh } from "../../../src/hw/noc/mesh.js";
import { nocTb } from "../../../src/tb/noc/noc.js";
import type { Params } from "../../../src/tb/types.js";
import { emitDesign } from "../../../src/verilog/emit.js";
import { cosimTestbench } from "../../../src/verilog/tb-cosim.js";
import { requireTool } from "../../../src/verilog/tools.js";

const defaults = (): Params => Object.fromEntries(nocTb.params.map((p) => [p.name, p.default]));

describe("Verilog emission", () => {
  it("routers of one port shape share a Verilog module whatever the mesh size", () => {
    const d = emitDesign(makeMesh({ w: 8, h: 8 }));
    // 4 corners, 4 edges, the interior, the interface, the top.
    expect(d.modules.length).toBe(11);
    expect(d.modules).toContain("noc_router_lewns");
    expect(d.modules).toContain("noc_ni");
  });

  it("degenerate meshes emit too (a single node, a row, a column)", () => {
    for (const [w, h] of [[1, 1], [5, 1], [1, 4]]) expect(emitDesign(makeMesh({ w, h })).text).toMatch(/module noc_mesh/);
  });
});

const configs: Params[] = [
  { w: 3, h: 2, rate: 0.4 },
  { w: 2, h: 3, rc: 0, va: 0, sa: 0, st: 0, vcPolicy: "any", vcs: 3, bufDepth: 2, rate: 0.6, routing: "yx" },
  { w: 3, h: 3, vcs: 8, bufDepth: 16, linkLatency: 2, traffic: "transpose", rate: 0.5, packetSize: 3 },
  // vcRealloc tail-sent: head routes kept per buffer slot, several packets per VC buffer.
  { w: 3, h: 2, vcs: 1, bufDepth: 2, vcRealloc: "tail-sent", rate: 0.7, packetSize: 1 },
  { w: 2, h: 3, rc: 0, va: 0, vcPolicy: "any", vcs: 2, bufDepth: 2, vcRealloc: "tail-sent", rate: 0.8, packetSize: 2 },
];

describe.skipIf(!requireTool("iverilog"))("co-simulation with Icarus", () => {
  for (const c of configs) {
    test(JSON.stringify(c), async () => {
      const r = await cosimTestbench(nocTb, { params: { ...defaults(), warmup: 10, measure: 120, ...c }, seed: 11, sim: "icarus" });
      expect(r.passed, r.failures.join("\n")).toBe(true);
      expect(r.rows.length).toBeGreaterThan(100);
      expect(r.mismatch?.message ?? null).toBeNull();
    });
  }
});

describe.skipIf(!requireTool("verilator"))("co-simulation with Verilator", () => {
  test("2x2 mesh, uniform traffic", async () => {
    const r = await cosimTestbench(nocTb, { params: { ...defaults(), w: 2, h: 2, warmup: 10, measure: 150, rate: 0.5 }, seed: 12, sim: "verilator" });
    expect(r.passed, r.failures.join("\n")).toBe(true);
    expect(r.mismatch?.message ?? null).toBeNull();
  });
});
