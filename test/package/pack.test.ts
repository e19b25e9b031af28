/**
 * Tessera as users get it: `npm pack` (which builds dist/ through prepack), `tessera new` in a
 * temporary folder, the tarball installed there, and then what the scaffold's README promises:
 * `npm test`, `npx tessera run all --json` (with its save file), `npx tessera wavediff`,
 * `npx tessera emit`, `tsc --noEmit` over the published
 * types; a second, deliberately wrong testbench is reported as a failure with its replay command.
 * Needs the npm registry for the scaffold's dev tools (the npm cache after `npm ci` serves them).
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyInDeclarations } from "./any-scan.js";

const repo = new URL("../..", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "tessera-pack-"));
const proj = join(tmp, "my-design");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 240_000): SpawnSyncReturns<string> {
  // CI=true would make the scaffold's vitest non-interactive anyway; NO_COLOR keeps output greppable.
  return spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}${r.error ? ` (${r.error.message})` : ""}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r.stdout;
}

let tarball = "";

describe("the packed package in a new project", () => {
  beforeAll(() => {
    ok(sh("npm", ["pack", "--pack-destination", tmp, "--silent"], repo), "npm pack");
    tarball = join(tmp, readdirSync(tmp).find((f) => f.endsWith(".tgz"))!);
    ok(sh(process.execPath, [join(repo, "bin/tessera.js"), "new", proj, "--tessera", tarball], tmp), "tessera new");
    ok(sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], proj), "npm install in the scaffold");
  }, 480_000);

  it("the tarball holds the compiled library and bin, not the sources or tests", () => {
    const list = ok(sh("tar", ["-tzf", tarball], tmp), "tar").split("\n");
    expect(list).toEqual(expect.arrayContaining(["package/dist/index.js", "package/dist/index.d.ts", "package/dist/hw/index.d.ts", "package/dist/cli/main.js", "package/bin/tessera.js", "package/package.json"]));
    expect(list.filter((f) => /^package\/(src|test|bench)\//.test(f) || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    // The installed bin runs the compiled CLI: no tsx at start-up.
    expect(existsSync(join(proj, "node_modules/tessera/dist/cli/main.js"))).toBe(true);
  });

  it("the scaffold's npm test passes (its property test and its testbench)", () => {
    const out = ok(sh("npm", ["test"], proj), "npm test");
    expect(out).toMatch(/2 passed/);
  }, 120_000);

  it("npx tessera run all --json runs the project's testbench and passes", () => {
    const res = JSON.parse(ok(sh("npx", ["tessera", "run", "all", "--json"], proj), "tessera run all")) as { name: string; passed: boolean; checks: number }[];
    expect(res.map((r) => [r.name, r.passed])).toEqual([["mac", true]]);
    expect(res[0].checks).toBeGreaterThan(1000);
    expect(existsSync(join(proj, "waves/mac.vcd"))).toBe(true);
    // the save file beside it opens on the scaffold's own view, the accumulator signed
    const save = readFileSync(join(proj, "waves/mac.gtkw"), "utf8");
    expect(save).not.toContain("not in this dump");
    expect(save).toMatch(/@420\nmac\.acc\[19:0\]\n/);
  }, 60_000);

  it("npx tessera wavediff reads the run back (VCD, and GTKWave's LZ4-packed FST of it where vcd2fst is installed)", () => {
    const same = JSON.parse(ok(sh("npx", ["tessera", "wavediff", "waves/mac.vcd", "waves/mac.vcd", "--json"], proj), "tessera wavediff")) as { equal: boolean; cycles: { a: number } };
    expect(same.equal).toBe(true);
    expect(same.cycles.a).toBeGreaterThan(1000);
    if (sh("vcd2fst", ["--help"], proj).error) return;
    ok(sh("vcd2fst", ["waves/mac.vcd", "waves/mac.fst"], proj), "vcd2fst");
    expect(JSON.parse(ok(sh("npx", ["tessera", "wavediff", "waves/mac.vcd", "waves/mac.fst", "--json"], proj), "tessera wavediff vcd fst")).equal).toBe(true);
  }, 60_000);

  it("npx tessera emit writes the design's Verilog", () => {
    ok(sh("npx", ["tessera", "emit", "mac", "--param", "width=32", "-o", "build/mac.v"], proj), "tessera emit");
    const v = ok(sh("cat", ["build/mac.v"], proj), "cat");
    expect(v).toMatch(/module mac \(/);
    expect(v).toMatch(/\[31:0\] acc/);
  }, 60_000);

  it("tsc --noEmit type-checks the scaffold against the published types, and they leak no any", () => {
    ok(sh("npx", ["tsc", "--noEmit"], proj), "tsc --noEmit");
    expect(anyInDeclarations(join(proj, "node_modules/tessera/dist"))).toEqual([]);
  }, 120_000);

  it("a deliberately wrong testbench: exit 1 and the command that replays it", () => {
    writeFileSync(join(proj, "tb/wrong.tb.ts"), `import { Checker, openSim, type Testbench } from "tessera";
import { mac } from "../src/mac.js";

/** Claims the accumulator doubles every cycle: wrong on purpose. */
export const wrongTb: Testbench = {
  name: "mac-doubles",
  description: "a deliberately wrong expectation",
  params: [{ name: "width", description: "accumulator bits", type: "int", default: 20, min: 16, max: 48 }],
  design: (p) => mac({ width: Number(p.width) }),
  async run(opts) {
    const check = new Checker();
    const sim = openSim(this.design(opts.params), opts);
    try {
      sim.reset();
      sim.poke("a", 3);
      sim.poke("b", 2);
      for (let i = 0; i < 4; i++) {
        sim.step();
        check.equal(\`acc after cycle \${sim.cycle}\`, sim.peek("acc"), 6 * 2 ** i);
      }
    } finally {
      sim.close();
    }
    return check.result(this.name, sim.cycle, opts.seed, opts.params, {});
  },
};
`);
    const r = sh("npx", ["tessera", "run", "tb/wrong.tb.ts", "--seed", "9"], proj, 60_000);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/mac-doubles: FAIL/);
    expect(r.stdout).toMatch(/FAIL acc after cycle \d+: observed 18, expected 24/);
    expect(r.stdout).toContain("replay:  tessera run tb/wrong.tb.ts --seed 9 --param width=20 --vcd waves/mac-doubles-fail.vcd");
  }, 60_000);
});
