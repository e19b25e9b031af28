/**
 * The same command with the same seed writes the same bytes: JSON apart from its `timing` keys,
 * VCD apart from the `$date` header, Verilog exactly; a sweep split with --shard and merged is the
 * sweep run whole (generic sweeps byte for byte; NoC sweeps point for point, their `shards` saying
 * how they were made).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../util/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-repro-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);

async function cli(...argv: string[]): Promise<string> {
  const r = await runCli(argv);
  if (r.code !== 0) throw new Error(`tessera ${argv.join(" ")} exited ${r.code}: ${r.err}${r.out}`);
  return r.out;
}

/** JSON text with every `timing` key taken out, keys and order otherwise as written. */
function untimed(text: string): string {
  return JSON.stringify(JSON.parse(text, (k, v) => (k === "timing" ? undefined : v)), null, 2);
}

const withoutDate = (vcd: string) => vcd.replace(/\$date[\s\S]*?\$end/, "$date $end");

describe("same seed, same bytes", () => {
  it("run --json and its VCD", async () => {
    const a = await cli("run", "mac-grid", "--param", "rows=3", "--seed", "11", "--json", "--vcd", f("a.vcd"));
    const b = await cli("run", "mac-grid", "--param", "rows=3", "--seed", "11", "--json", "--vcd", f("b.vcd"));
    expect(JSON.parse(a).timing.wallMs).toEqual(expect.any(Number));
    expect(untimed(a).replace("a.vcd", "b.vcd").replace("a.gtkw", "b.gtkw")).toBe(untimed(b));
    const va = readFileSync(f("a.vcd"), "utf8"), vb = readFileSync(f("b.vcd"), "utf8");
    expect(va.length).toBeGreaterThan(10_000);
    expect(withoutDate(va)).toBe(withoutDate(vb));
  });

  it("verify --json with a fixed seed", async () => {
    const a = await cli("verify", "counter", "--runs", "5", "--seed", "3", "--json");
    const b = await cli("verify", "counter", "--runs", "5", "--seed", "3", "--json");
    expect(untimed(a)).toBe(untimed(b));
  });

  it("emit writes the same Verilog", async () => {
    await cli("emit", "mac-grid", "--param", "rows=3", "-o", f("a.v"));
    await cli("emit", "mac-grid", "--param", "rows=3", "-o", f("b.v"));
    expect(readFileSync(f("a.v"), "utf8")).toBe(readFileSync(f("b.v"), "utf8"));
  });

  it("a generic sweep split in three shards and merged is the whole sweep, byte for byte apart from timing", async () => {
    const sweep = ["sweep", "counter", "--param", "width=4,9,16", "--param", "enable_pct=50,90", "--seeds", "2", "--workers", "1"];
    await cli(...sweep, "--out", f("whole.json"));
    for (const i of [0, 1, 2]) await cli(...sweep, "--shard", `${i}/3`, "--out", f(`s${i}.json`));
    await cli(...sweep, "--shard", "1/3", "--out", f("s1-again.json"));
    await cli("sweep", "counter", "--merge", f("s2.json"), f("s0.json"), f("s1.json"), "--out", f("merged.json"));
    const whole = readFileSync(f("whole.json"), "utf8");
    expect(JSON.parse(whole).points).toHaveLength(12);
    expect(untimed(readFileSync(f("merged.json"), "utf8"))).toBe(untimed(whole));
    expect(untimed(readFileSync(f("s1-again.json"), "utf8"))).toBe(untimed(readFileSync(f("s1.json"), "utf8")));
  });

  it("a NoC sweep: repeated shards are identical, and merged shards have the whole sweep's points and saturation", async () => {
    const sweep = ["sweep", "noc", "--param", "w=3", "--param", "h=3", "--param", "warmup=100", "--param", "measure=300", "--rates", "0.05,0.2,0.4", "--seeds", "2", "--workers", "1"];
    await cli(...sweep, "--out", f("noc-whole.json"));
    await cli(...sweep, "--shard", "0/2", "--out", f("noc-0.json"));
    await cli(...sweep, "--shard", "1/2", "--out", f("noc-1.json"));
    await cli(...sweep, "--shard", "1/2", "--out", f("noc-1b.json"));
    expect(untimed(readFileSync(f("noc-1b.json"), "utf8"))).toBe(untimed(readFileSync(f("noc-1.json"), "utf8")));
    expect(readFileSync(f("noc-1b-latency.svg"), "utf8")).toBe(readFileSync(f("noc-1-latency.svg"), "utf8"));
    await cli("sweep", "noc", "--merge", f("noc-1.json"), f("noc-0.json"), "--out", f("noc-merged.json"));
    const whole = JSON.parse(untimed(readFileSync(f("noc-whole.json"), "utf8")));
    const merged = JSON.parse(untimed(readFileSync(f("noc-merged.json"), "utf8")));
    expect(merged.points).toEqual(whole.points);
    expect(merged.saturation).toEqual(whole.saturation);
    expect({ ...merged, shards: undefined }).toEqual({ ...whole, shards: undefined });
    expect(merged.shards).toEqual([{ index: 0, count: 2 }, { index: 1, count: 2 }]);
    expect(readFileSync(f("noc-merged-links.svg"), "utf8")).toBe(readFileSync(f("noc-whole-links.svg"), "utf8"));
  });
});
