/**
 * `tessera system`: presets listed, a run's summary and JSON, a Chrome trace Perfetto can open
 * (trace-event JSON with a track per tile group and per link), and bad arguments named.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../util/run-cli.js";

describe("tessera system", () => {
  it("--list names every platform and model preset", async () => {
    const r = await runCli(["system", "--list"]);
    expect(r.code).toBe(0);
    for (const name of ["palm-wafer", "moentwine-wafer", "dojo-tile", "wse2", "tiny-2x2", "llama2-7b", "deepseek-v3"]) expect(r.out).toContain(name);
  });

  it("a Llama-2-7B prefill on the PALM wafer: JSON and a trace with group and link tracks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-system-"));
    const trace = join(dir, "t", "trace.json");
    const r = await runCli(["system", "llama2-7b", "--platform", "palm-wafer", "--batch", "2", "--seq", "128", "--tp", "4", "--pp", "4", "--microbatches", "2", "--json", "--trace", trace]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.model).toBe("llama2-7b");
    expect(j.latencyNs).toBeGreaterThanOrEqual(j.criticalPathNs);
    expect(j.tokensPerSecond).toBeCloseTo(256 / (j.latencyNs * 1e-9), 6);
    expect(j.stages).toHaveLength(4);
    const t = JSON.parse(readFileSync(trace, "utf8"));
    const names = t.traceEvents.filter((e: { ph: string; name: string }) => e.ph === "M" && e.name === "thread_name").map((e: { args: { name: string } }) => e.args.name);
    expect(names).toContain("replica 0 stage 3 (4 tiles from 12,0)");
    expect(names.some((n: string) => / -> .*\((intra|inter)Die\)/.test(n))).toBe(true);
    const ops = t.traceEvents.filter((e: { ph: string }) => e.ph === "X");
    expect(ops.length).toBeGreaterThan(100);
    for (const e of ops) expect(e.ts).toBeGreaterThanOrEqual(0);
    expect(ops.some((e: { name: string }) => e.name === "attn all-reduce")).toBe(true);
  });

  it("--svg draws link utilization on the mesh: every directed link, the busy ones filled", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-system-"));
    const svg = join(dir, "links.svg");
    const r = await runCli(["system", "llama2-7b", "--platform", "palm-wafer", "--batch", "2", "--seq", "128", "--tp", "4", "--pp", "4", "--svg", svg]);
    expect(r.code).toBe(0);
    const text = readFileSync(svg, "utf8");
    expect(text.startsWith("<svg")).toBe(true);
    expect(text).toContain("llama2-7b prefill on palm-wafer: link utilization");
    // 20 x 16 tiles: 2 x (19 x 16 + 20 x 15) directed links.
    expect(text.match(/class="link (hot|cold)"/g)).toHaveLength(2 * (19 * 16 + 20 * 15));
    expect(text).toMatch(/class="link hot"/);
  });

  it("a model from a JSON file, and its bad fields named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-system-"));
    const good = join(dir, "small.json"), bad = join(dir, "bad.json");
    writeFileSync(good, JSON.stringify({ name: "small", hidden: 64, heads: 4, kvHeads: 4, headDim: 16, ffn: 128, layers: 2 }));
    writeFileSync(bad, JSON.stringify({ name: "small", hidden: 64, heads: 4, kvHeads: 4, headDim: 16, ffn: 128, layres: 2 }));
    const ok = await runCli(["system", good, "--platform", "tiny-2x2", "--seq", "16", "--tp", "2"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("tokens/s");
    const r = await runCli(["system", bad, "--platform", "tiny-2x2"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json: layres: unknown field; allowed: name, hidden/);
  });

  it("a training step: GPipe and 1F1B in about the same time, 1F1B keeping fewer micro-batches; backward passes in the trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-system-train-"));
    const trace = join(dir, "t.json");
    const argv = ["system", "--platform", "tiny-2x2", "--phase", "train", "--batch", "4", "--seq", "64", "--pp", "4", "--microbatches", "4"];
    const [g, f] = await Promise.all([runCli([...argv, "--schedule", "gpipe", "--json"]), runCli([...argv, "--json", "--trace", trace])]);
    expect(g.code).toBe(0);
    expect(f.code).toBe(0);
    const gj = JSON.parse(g.out), fj = JSON.parse(f.out);
    expect([gj.schedule, fj.schedule]).toEqual(["gpipe", "1f1b"]);
    expect(gj.stashedMicrobatches).toEqual([4, 4, 4, 4]);
    expect(fj.stashedMicrobatches).toEqual([4, 3, 2, 1]);
    expect(Math.abs(gj.latencyNs / fj.latencyNs - 1)).toBeLessThan(0.05);
    const names = JSON.parse(readFileSync(trace, "utf8")).traceEvents.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(["qkv dgrad", "qkv wgrad", "gradients to previous stage", "optimizer step"]));
    const text = await runCli(argv);
    expect(text.out).toContain("llama2-7b train 4 x 64 on tiny-2x2, tp 1 pp 4 dp 1, 4 micro-batch(es) (1f1b)");
    expect(text.out).toMatch(/micro-batches kept per stage \(1f1b\) +4 3 2 1/);
    expect(text.out).toMatch(/softmax-unit \d/);
  });

  it("usage errors say what to change", async () => {
    const cases: [string[], RegExp][] = [
      [["system", "--pp", "3"], /pp = 3 does not divide the 32 layers of llama2-7b/],
      [["system", "--platform", "tiny-2x2", "--tp", "8"], /8 tiles, but tiny-2x2 has 4/],
      [["system", "nosuch"], /nosuch: no such file, and no model preset of that name/],
      [["system", "--platform", "nosuch"], /nosuch: no such file, and no platform preset/],
      [["system", "--phase", "decode", "--seq", "5"], /--seq is for --phase prefill/],
      [["system", "--tp", "0"], /--tp must be a whole number/],
      [["system", "--phase", "train", "--context", "5"], /--context is for --phase decode \(train takes --seq\)/],
      [["system", "--phase", "train", "--schedule", "zb"], /--schedule.*gpipe, 1f1b/],
    ];
    for (const [argv, msg] of cases) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err, argv.join(" ")).toMatch(msg);
    }
  });
});
