/**
 * `tessera report wsc-moe` and its SVG heatmaps: the heatmap is well-formed SVG with one element
 * per directed link, cold (zero-load) links marked, the same bytes for the same input; the report
 * is gathered from a stand-in runner built on the golden link loads (fast), and end to end through
 * the CLI on the RTL testbench at small parameters; usage errors exit 2 with one line naming the
 * argument.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  deviceLoads, interFtdLinks, meshLinks, messageLinkFlits, moeLayerTraffic, moePhaseMessages, phaseLatency, wscMapping,
} from "../../src/golden/wsc.js";
import { colour } from "../../src/sweep/svg.js";
import { linkHeatmapSvg } from "../../src/system/wsc/svg-heatmap.js";
import { gatherWscReport, STUDY_KNOBS } from "../../src/system/wsc/report-data.js";
import { heatmapFile, wscReportFiles } from "../../src/system/wsc/report-files.js";
import { reportCommand } from "../../src/cli/commands/report.js";
import { captureIo } from "../../src/cli/io.js";
import { wscMoeDefaults } from "../../src/tb/wsc/params.js";
import type { WscMoePhase, WscMoeRun } from "../../src/tb/wsc/moe.js";
import type { Params } from "../../src/tb/types.js";
import { runCli } from "../util/run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "tessera-wsc-report-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Tags balance, attributes are quoted (no '<' inside), text has no raw '<' or bare '&'. Returns the tag names opened. */
function checkXml(text: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const re = /<(?:[^<>"]|"[^"<]*")*>/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const between = text.slice(last, m.index);
    expect(between, "text between tags").not.toMatch(/<|&(?!amp;|lt;|gt;|quot;)/);
    last = re.lastIndex;
    const tag = m[0];
    if (tag.startsWith("</")) {
      expect(stack.pop(), `closing ${tag}`).toBe(tag.slice(2, -1).trim());
      continue;
    }
    const [, name, attrs] = /^<([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*\/?>$/.exec(tag) ?? [];
    expect(name, `malformed tag ${tag.slice(0, 80)}`).toBeDefined();
    void attrs;
    names.push(name);
    if (!tag.endsWith("/>")) stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(text.slice(last).trim()).toBe("");
  return names;
}

const linkElements = (svg: string) => [...svg.matchAll(/<polygon class="link (hot|cold)" data-link="(\d+->\d+)" data-load="([^"]+)" points="[^"]+" fill="([^"]+)"/g)]
  .map((m) => ({ cls: m[1], link: m[2], load: Number(m[3]), fill: m[4] }));

describe("link heatmap SVG", () => {
  const meshArb = fc.record({ W: fc.integer({ min: 1, max: 6 }), H: fc.integer({ min: 1, max: 6 }) });
  test.prop([meshArb.chain(({ W, H }) => fc.record({
    W: fc.constant(W), H: fc.constant(H),
    loads: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })), { minLength: meshLinks(W, H).length, maxLength: meshLinks(W, H).length }),
  }))], { numRuns: 60 })("well-formed, one element per directed link, zero-load links cold, colours on the scale", ({ W, H, loads }) => {
    const links = meshLinks(W, H);
    const rec = Object.fromEntries(links.map((l, i) => [l, loads[i]]));
    const svg = linkHeatmapSvg({ W, H, loads: rec, groups: { label: "FTD", sets: [Array.from({ length: W * H }, (_, i) => i)] }, unit: "flits", title: "t <&> \"q\"" });
    const names = checkXml(svg);
    expect(names[0]).toBe("svg");
    const els = linkElements(svg);
    expect(els.map((e) => e.link).sort()).toEqual([...links].sort());
    const max = Math.max(0, ...loads) || 1;
    for (const e of els) {
      expect(e.load).toBe(rec[e.link]);
      expect(e.cls).toBe(rec[e.link] === 0 ? "cold" : "hot");
      expect(e.fill).toBe(rec[e.link] === 0 ? "none" : colour(rec[e.link] / max));
    }
    expect(svg.match(/<rect class="device"/g)?.length).toBe(W * H);
    expect(linkHeatmapSvg({ W, H, loads: { ...rec }, groups: { label: "FTD", sets: [] }, unit: "flits", title: "x" }))
      .toBe(linkHeatmapSvg({ W, H, loads: rec, groups: { label: "FTD", sets: [] }, unit: "flits", title: "x" }));
  });

  it("ER dispatch on 4 x 4: every link between FTDs is cold, devices filled by FTD; scaleMax sets the legend", () => {
    const t = moeLayerTraffic({ W: 4, H: 4, bw: 2, bh: 2, mapping: "entwined", experts: 16, topk: 2, tokens: 8, bytesPerToken: 256, seed: 1 });
    const svg = linkHeatmapSvg({ W: 4, H: 4, loads: t.phases.dispatch, groups: { label: "FTD", sets: t.mapping.ftds }, unit: "bytes", title: "ER dispatch", scaleMax: 99999 });
    const cold = new Set(linkElements(svg).filter((e) => e.cls === "cold").map((e) => e.link));
    for (const l of interFtdLinks(4, 4, t.mapping)) expect(cold.has(l)).toBe(true);
    expect(svg).toContain("99999 bytes per link");
    expect(svg).toContain("FTD 3</title>");
  });
});

/** A stand-in for runWscMoe: the golden's flits per link, phase cycles from the golden latency model. */
async function goldenRun(params: Params, seed: number): Promise<WscMoeRun> {
  const p = { ...wscMoeDefaults(), ...params };
  const n = (k: string) => Number(p[k]);
  const W = n("w"), H = n("h");
  const t = moeLayerTraffic({ W, H, bw: n("bw"), bh: n("bh"), mapping: p.mapping as "block", experts: n("experts"), topk: n("topk"), tokens: n("tokens"), bytesPerToken: n("bytesPerToken"), seed: n("seed"), skew: n("skew") });
  const msgs = moePhaseMessages(t);
  const phases: WscMoePhase[] = (["allreduce", "dispatch", "combine"] as const).map((name) => {
    const flits = messageLinkFlits(W, msgs[name], n("flitBytes"));
    const linkFlits = Object.fromEntries(meshLinks(W, H).map((l) => [l, flits[l] ?? 0]));
    const cycles = Math.ceil(phaseLatency(linkFlits, W + H, 1, n("linkLatency")));
    const total = Object.values(linkFlits).reduce((a, b) => a + b, 0);
    return { name, cycles, baseCycles: cycles, ownCycles: cycles, linkFlits, baseLinkFlits: linkFlits, maxLink: Math.max(...Object.values(linkFlits)), totalFlits: total, migrationFlits: 0 };
  });
  if (p.balancer !== "none") phases.push({ ...phases[0], name: "migration", cycles: 7, baseCycles: 0, migrationFlits: 16 });
  const home = t.placement.map((d) => [d]);
  const loads = new Array<number>(n("experts")).fill(0);
  for (const g of t.route) for (const exps of g) for (const e of exps) loads[e]++;
  const before = deviceLoads(home, loads, W * H);
  const result = { name: "wsc-moe", passed: true, cycles: 1, checks: 1, metrics: { migrationExposedCycles: p.balancer === "none" ? 0 : 7 }, seed, params: p, failures: [] };
  return { result, phases, mapping: t.mapping, balance: { before, after: before, migrations: [] } };
}

describe("wsc-moe report from the golden stand-in", () => {
  const small: Params = { ...wscMoeDefaults(), tokens: 4 };
  const knobs = { ...STUDY_KNOBS, iterations: 20 };

  it("tables block vs entwined vs global with ratios against block, heatmaps per mapping and phase, the balancers", async () => {
    const r = await gatherWscReport(small, 3, goldenRun, knobs);
    expect(r.mappings.map((m) => m.mapping)).toEqual(["block", "entwined", "global"]);
    const [block, er] = r.mappings;
    expect(block.vsBlock).toEqual({ a2aCycles: 1, allreduceCycles: 1, a2aMaxLink: 1, totalFlits: 1 });
    expect(er.interFtdA2aFlits).toBe(0);
    expect(block.interFtdA2aFlits).toBeGreaterThan(0);
    expect(er.vsBlock.a2aCycles).toBeCloseTo(er.a2aCycles / block.a2aCycles, 12);
    expect(r.balancers.rtl.map((b) => [b.balancer, b.exposedCycles])).toEqual([["greedy", 7], ["ni", 7]]);
    expect(r.balancers.study.summary.none.migrations).toBe(0);

    const files = wscReportFiles(r);
    const svgs = Object.keys(files).filter((f) => f.endsWith(".svg"));
    expect(svgs.sort()).toEqual(["block", "entwined", "global"].flatMap((m) => ["allreduce", "dispatch", "combine"].map((ph) => heatmapFile(m, ph))).sort());
    for (const f of svgs) checkXml(files[f]);
    // ER: every inter-FTD link cold in dispatch and combine.
    const cold = new Set(linkElements(files["heat-entwined-dispatch.svg"]).filter((e) => e.cls === "cold").map((e) => e.link));
    for (const l of interFtdLinks(4, 4, wscMapping("entwined", 4, 4, 2, 2))) expect(cold.has(l)).toBe(true);
    const md = files["report.md"];
    expect(md).toMatch(/^\| entwined \| pass \| \d+ \(\d+ \+ \d+\) \| \d+ \|/m);
    expect(md).toContain("| block | pass |");
    expect(md).toContain("![entwined dispatch](heat-entwined-dispatch.svg)");
    expect(md).toContain("NI-Balancer (nearest target, hidden in phases)");
    expect(JSON.parse(files["report.json"]).mappings).toHaveLength(3);
    expect(wscReportFiles(await gatherWscReport(small, 3, goldenRun, knobs))).toEqual(files);
  });

  it("the command writes the files through temporary names, prints their paths; usage errors name the argument", async () => {
    const dir = join(tmp, "stub");
    const io = captureIo();
    const code = await reportCommand("wsc-moe", { output: dir, param: ["tokens=4"], seed: 1, study: ["iterations=10"] }, io, { run: goldenRun });
    expect(code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toContain("report.md");
    expect(files).toContain("report.json");
    expect(files.filter((f) => f.endsWith(".svg"))).toHaveLength(9);
    expect(files.filter((f) => f.includes(".tmp-") || f.startsWith(".tessera-probe"))).toEqual([]);
    expect(io.stdout).toContain(`wrote ${join(dir, "report.md")}`);

    const usage = async (args: Parameters<typeof reportCommand>[1], name = "wsc-moe") => {
      let ran = false;
      await expect(reportCommand(name, args, captureIo(), { run: (p, s) => ((ran = true), goldenRun(p, s)) })).rejects.toThrow();
      expect(ran).toBe(false);
      return reportCommand(name, args, captureIo(), { run: goldenRun }).catch((e: Error) => e.message);
    };
    expect(await usage({ param: [], seed: 1, study: [], output: dir }, "wsc-moo")).toMatch(/unknown report 'wsc-moo'; reports: wsc-moe/);
    expect(await usage({ param: ["bw=3"], seed: 1, study: [], output: dir })).toMatch(/bw = 3 must divide w = 4/);
    expect(await usage({ param: ["nope=1"], seed: 1, study: [], output: dir })).toMatch(/no parameter 'nope'/);
    expect(await usage({ param: [], seed: 1, study: ["iterations=0"], output: dir })).toMatch(/--study iterations=0: must be a whole number 1\.\.100000/);
    expect(await usage({ param: [], seed: 1, study: ["speed=2"], output: dir })).toMatch(/--study 'speed' is not a knob/);
    const file = join(tmp, "a-file");
    writeFileSync(file, "x");
    expect(await usage({ param: [], seed: 1, study: [], output: join(file, "sub") })).toMatch(/^-o: cannot create a folder under '.*a-file': it is a file; give another path$/);
  });
});

describe("tessera report (CLI, RTL testbench)", () => {
  const cli = (...argv: string[]) => runCli(argv);

  it("report wsc-moe -o <dir> at small parameters writes report.md, report.json and the heatmaps from the RTL runs", async () => {
    const dir = join(tmp, "rtl", "out");
    const r = await cli("report", "wsc-moe", "-o", dir, "--param", "tokens=2", "--param", "bytesPerToken=128", "--study", "iterations=20", "--seed", "2");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${join(dir, "heat-entwined-allreduce.svg")}`);
    const json = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(json.mappings.map((m: { mapping: string; passed: boolean }) => [m.mapping, m.passed])).toEqual([["block", true], ["entwined", true], ["global", true]]);
    expect(json.mappings[1].interFtdA2aFlits).toBe(0);
    expect(json.balancers.rtl.map((b: { balancer: string; passed: boolean }) => [b.balancer, b.passed])).toEqual([["greedy", true], ["ni", true]]);
    const md = readFileSync(join(dir, "report.md"), "utf8");
    expect(md).toContain("## Mappings side by side");
    expect(md).toContain("## Balancers");
    const svg = readFileSync(join(dir, "heat-entwined-dispatch.svg"), "utf8");
    checkXml(svg);
    expect(linkElements(svg)).toHaveLength(48);
  });

  it("usage errors exit 2 with one line naming the argument", async () => {
    const unknown = await cli("report", "nope", "-o", join(tmp, "x"));
    expect([unknown.code, unknown.err]).toEqual([2, "tessera: unknown report 'nope'; reports: wsc-moe\n"]);
    const bad = await cli("report", "wsc-moe", "-o", join(tmp, "x"), "--param", "mapping=ring");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^tessera: parameter 'mapping' of wsc-moe: 'ring' is not an accepted value; allowed: one of block\|entwined\|global .*\n$/);
    expect(existsSync(join(tmp, "x", "report.md"))).toBe(false);
  });
});
