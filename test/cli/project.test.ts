/**
 * Testbenches that live in the user's project: found through tessera.config.ts or package.json's
 * "tessera" field from the current folder upwards, or named by path on the command line, and
 * treated by list/run/run all/verify/emit/sweep exactly like the built-in ones. Fixtures import
 * Tessera from this checkout's sources (the packed package is tested in test/package/).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../util/run-cli.js";

const SRC = new URL("../../src/index.ts", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "tessera-project-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A testbench file: an accumulator of `inc` per cycle, checked against n*inc (off by `bug`). */
function tbFile(names: string[], bug = 0): string {
  const tbs = names.map((n) => `
export const ${n.replace(/\W/g, "_")}: Testbench = {
  name: "${n}",
  description: "adds inc every cycle",
  params: [{ name: "inc", description: "increment", type: "int", default: 3, min: 0, max: 15 }, { name: "width", description: "bits", type: "int", default: 8, min: 4, max: 16 }],
  design: (p) => accumulator(Number(p.width)),
  async run(opts) {
    const inc = Number(opts.params.inc), w = Number(opts.params.width);
    const check = new Checker();
    const sim = openSim(this.design(opts.params), opts);
    try {
      sim.reset();
      sim.poke("inc", inc);
      for (let t = 1; t <= 20; t++) { sim.step(); check.equal("sum at " + t, sim.peek("sum"), (t * inc + ${bug}) % 2 ** w); }
    } finally { sim.close(); }
    return check.result(this.name, sim.cycle, opts.seed, opts.params, { inc });
  },
};`);
  return `import { Checker, Module, openSim, u, type Testbench } from "${SRC}";
function accumulator(w: number): Module {
  const m = new Module("acc");
  const inc = m.input("inc", u(4));
  const sum = m.output("sum", u(w));
  m.sync.set(sum, sum.add(inc).trunc(w));
  return m;
}
${tbs.join("\n")}
`;
}

function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const cli = (cwd: string, ...argv: string[]) => runCli(argv, { cwd });

const configTs = (paths: string[]) => `import { defineConfig } from "${SRC}";\nexport default defineConfig({ testbenches: ${JSON.stringify(paths)} });\n`;

describe("a project's testbenches", () => {
  const proj = project("proj", {
    "package.json": JSON.stringify({ name: "proj", type: "module" }),
    "tessera.config.ts": configTs(["tb/acc.tb.ts"]),
    "tb/acc.tb.ts": tbFile(["acc"]),
    "tb/wrong.tb.ts": tbFile(["acc-wrong"], 1),
    "tb/pair.tb.ts": tbFile(["pair-a", "pair-b"]),
    "deep/er/.keep": "",
  });

  it("list shows them after the built-in ones, with their file; the config is found from a subfolder", async () => {
    const r = await cli(join(proj, "deep/er"), "list", "--json");
    expect(r.err).toBe("");
    const list = JSON.parse(r.out) as { name: string; file?: string }[];
    expect(list.map((t) => t.name)).toContain("counter");
    expect(list.at(-1)).toMatchObject({ name: "acc", file: join(proj, "tb/acc.tb.ts") });
  });

  it("run by name and run all (the project's testbenches only) pass", async () => {
    const one = await cli(proj, "run", "acc", "--param", "inc=5", "--json", "--no-vcd");
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ name: "acc", passed: true, checks: 20, params: { inc: 5, width: 8 } });
    const all = await cli(proj, "run", "all", "--json", "--no-vcd");
    expect(all.code).toBe(0);
    expect(JSON.parse(all.out).map((r: { name: string }) => r.name)).toEqual(["acc"]);
  });

  it("a failing testbench given by path exits 1 and prints the replay command with its path", async () => {
    const r = await cli(proj, "run", "tb/wrong.tb.ts", "--no-vcd");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/acc-wrong: FAIL/);
    expect(r.out).toContain("replay:  tessera run tb/wrong.tb.ts --seed 1 --param inc=3 --param width=8");
  });

  it("a file with several testbenches: run runs each, emit asks for one and takes path:name", async () => {
    const run = await cli(proj, "run", "./tb/pair.tb.ts", "--json", "--no-vcd");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).map((r: { name: string }) => r.name)).toEqual(["pair-a", "pair-b"]);
    const many = await cli(proj, "emit", "./tb/pair.tb.ts");
    expect(many.code).toBe(2);
    expect(many.err).toMatch(/exports 2 testbenches \(pair-a, pair-b\); 'tessera emit' takes one: name it as \.\/tb\/pair\.tb\.ts:pair-a/);
    const one = await cli(proj, "emit", "./tb/pair.tb.ts:pair-b", "--param", "width=12");
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/module acc[\s\S]*\[11:0\] sum/);
  });

  it("verify and sweep (worker threads load the file again) treat them like built-in ones", async () => {
    const v = await cli(proj, "verify", "acc", "--runs", "8", "--seed", "5", "--json");
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out)[0]).toMatchObject({ name: "acc", passed: true, runs: 8 });
    const w = await cli(proj, "verify", "tb/wrong.tb.ts", "--runs", "5", "--seed", "5");
    expect(w.code).toBe(1);
    expect(w.out).toContain("verify again: tessera verify tb/wrong.tb.ts --seed 5");
    const s = await cli(proj, "sweep", "acc", "--param", "inc=1,7", "--workers", "2", "--json");
    expect(s.code).toBe(0);
    const res = JSON.parse(s.out);
    expect(res.points.map((p: { params: { inc: number }; passed: boolean }) => [p.params.inc, p.passed])).toEqual([[1, true], [7, true]]);
  });
});

describe("project configuration mistakes are usage errors naming the file", () => {
  const cases: [string, Record<string, string>, string[], RegExp][] = [
    ["a name of a built-in testbench", { "tessera.config.ts": configTs(["tb/x.ts"]), "tb/x.ts": tbFile(["counter"]) }, ["list"], /testbench 'counter' in tb\/x\.ts \(listed in tessera\.config\.ts\) has the name of a built-in testbench; rename it/],
    ["one name in two files", { "tessera.config.ts": configTs(["a.ts", "b.ts"]), "a.ts": tbFile(["same"]), "b.ts": tbFile(["same"]) }, ["list"], /testbench 'same' in b\.ts .* has the name of a testbench in .*a\.ts; rename it/],
    ["a missing file", { "tessera.config.ts": configTs(["tb/gone.ts"]) }, ["run", "all"], /testbench file 'tb\/gone\.ts' does not exist/],
    ["a file without testbenches", { "tessera.config.ts": configTs(["x.ts"]), "x.ts": "export const y = 1;\n" }, ["list"], /x\.ts exports no testbench: export an object with name, description, params, design\(\) and run\(\)/],
    ["an unknown config field", { "tessera.config.ts": `export default { testbenches: [], tesbenches: ["x.ts"] };\n` }, ["list"], /tessera\.config\.ts: unknown field 'tesbenches' in the Tessera config; the fields are: testbenches/],
    ["a config without default export", { "tessera.config.ts": `export const testbenches = [];\n` }, ["list"], /tessera\.config\.ts has no default export; write: export default defineConfig/],
    ["a bad package.json field", { "package.json": JSON.stringify({ name: "p", tessera: { testbenches: "tb.ts" } }) }, ["list"], /package\.json \("tessera" field\): field 'testbenches' must be an array of file paths/],
    ["two configs in one folder", { "tessera.config.js": "export default { testbenches: [] };\n", "package.json": JSON.stringify({ tessera: { testbenches: [] } }) }, ["list"], /two Tessera configs in .*: .*tessera\.config\.js and .*package\.json \("tessera" field\); keep one/],
    ["a syntax error in a testbench", { "tessera.config.ts": configTs(["t.ts"]), "t.ts": "export const x = ;\n" }, ["list"], /testbench file 't\.ts' failed to load: .*t\.ts:1:\d+/],
  ];
  it.each(cases)("%s", async (label, files, argv, message) => {
    const dir = project(`bad-${label.replace(/\W+/g, "-")}`, files);
    const r = await cli(dir, ...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });

  it("package.json's \"tessera\" field works like a config file", async () => {
    const dir = project("pkg-field", { "package.json": JSON.stringify({ name: "p", tessera: { testbenches: ["tb.ts"] } }), "tb.ts": tbFile(["from-pkg"]) });
    const r = await cli(dir, "run", "all", "--json", "--no-vcd");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject([{ name: "from-pkg", passed: true }]);
  });
});

describe("tessera new", () => {
  it("writes a project that depends on the given tessera, and refuses a folder with files in it", async () => {
    const r = await cli(root, "new", "fresh-design", "--tessera", "^0.1.0");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/created fresh-design\/ \(9 files; tessera from \^0\.1\.0\)/);
    const pkg = JSON.parse(readFileSync(join(root, "fresh-design/package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "fresh-design", type: "module", dependencies: { tessera: "^0.1.0" }, scripts: { test: "vitest run" } });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(["@fast-check/vitest", "@types/node", "fast-check", "typescript", "vite", "vitest"]);
    const again = await cli(root, "new", "fresh-design");
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/folder 'fresh-design' is not empty; give a new folder so nothing there is overwritten/);
    const bad = await cli(root, "new", "x", "--name", "Not A Name");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--name 'Not A Name' is not an npm package name/);
  });
});
