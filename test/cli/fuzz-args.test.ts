/**
 * The command line under random argument lists: commands known and unknown, flags known and
 * unknown, values of every type (numbers in and out of range, fractions, words, empty strings),
 * paths to missing files, folders, files under files, binary files. Whatever comes, `tessera`
 * exits 0, 1 or 2, never with an internal error, and a usage error is one line naming what it
 * refuses. fast-check prints the seed and the shrunk argument list of any failure.
 *
 * The testbenches offered are two fast probes (the real ones would turn random lists into long
 * simulations): every parameter type, a file parameter read through the same reader the trace
 * files use, and one that fails its check (exit 1). Commands that start worker pools or external
 * tools (sweep, cosim, report) get only names they refuse before starting them.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterAll, expect } from "vitest";
import { Module, u } from "../../src/hdl/index.js";
import { Checker, openSim } from "../../src/tb/harness.js";
import { readTextFile } from "../../src/io/input-file.js";
import type { Testbench } from "../../src/tb/types.js";
import { runCli } from "../util/run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "tessera-fuzz-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
writeFileSync(join(cwd, "f.txt"), "0,1,2,1\n");
writeFileSync(join(cwd, "b.bin"), Uint8Array.from([0, 1, 2, 255, 254]));
mkdirSync(join(cwd, "d"));
// Copies of the shipped SCALE-Sim files, by absolute path: a random `-o` or `--vcd` given one of
// them overwrites the copy. Given the originals, a draw once wrote Verilog over
// topologies/conv-example.csv in the checkout, and the SCALE-Sim tests that read it failed.
const shipped = (file: string): string => {
  const copy = join(cwd, file.replace(/\//g, "_"));
  copyFileSync(resolve(file), copy);
  return copy;
};

function probe(name: string, passes: boolean): Testbench {
  return {
    name,
    description: "a fast probe with a parameter of every type",
    params: [
      { name: "int", description: "", type: "int", default: 2, min: 0, max: 9 },
      { name: "num", description: "", type: "number", default: 0.5, min: 0, max: 1 },
      { name: "en", description: "", type: "enum", default: "a", values: ["a", "b"] },
      { name: "bool", description: "", type: "bool", default: false },
      { name: "file", description: "a text file to read", type: "string", default: "" },
    ],
    validate: (p) => (p.en === "b" && p.bool ? "en=b with bool=true is not a combination; set bool=false" : undefined),
    design(p) {
      const m = new Module(`probe${Number(p.int)}`);
      const a = m.input("a", u(4)), q = m.output("q", u(4));
      m.sync.set(q, a);
      return m;
    },
    async run(opts) {
      if (opts.params.file) readTextFile(String(opts.params.file), "--param file");
      const check = new Checker();
      const sim = openSim(this.design(opts.params), opts);
      try {
        for (let i = 0; i < 4; i++) {
          sim.poke("a", i);
          sim.step();
          check.equal("q", sim.peek("q"), passes ? i : i + 1);
        }
      } finally {
        sim.close();
      }
      return check.result(name, sim.cycle, opts.seed, opts.params, {});
    },
  };
}
const PROBES = [probe("probe", true), probe("probe-fail", false)];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const NAMES = ["probe", "probe-fail", "all", "nope", "./missing.ts", "d", "f.txt", "b.bin", "./f.txt:probe", ""];
const REFUSED_NAMES = ["nope", "./missing.ts", "d", "f.txt", "b.bin", "all", ""];
const FLAGS = ["--param", "--seed", "--cycles", "--runs", "--vcd", "--no-vcd", "--vcd-dir", "--json", "--engine", "--out", "-o", "--output", "--top",
  "--sim", "--seeds", "--workers", "--shard", "--merge", "--rates", "--refine", "--study", "--tessera", "--name", "--bogus", "-z", "--help", "--"];
const VALUES = ["0", "1", "7", "-3", "4294967296", "1099511627776", "1.5", "1e3", "", " ", "abc", "k=v", "int=7", "int=99", "int=-1", "int=2.5",
  "num=0.25", "num=x", "num=", "en=b", "en=c", "bool=true", "bool=maybe", "file=f.txt", "file=d", "file=missing.csv", "file=b.bin", "=3",
  "interp", "compiled", "verilator", "icarus", "0/2", "3/2", "a/b", "d", "f.txt", "b.bin", "f.txt/x.vcd", "missing/dir/x.json", "/proc/nope/x",
  "out/x.vcd", "waves", "x.v", "d/", "iterations=3", "wsc-moe", "gemm", "conv", "model",
  // The shipped SCALE-Sim files (copies), so `scalesim` also runs for real with the cycle model (its
  // outputs go to the test's folder; "rtl" is left out: a real topology on the RTL takes minutes).
  shipped("topologies/scalesim-32x32-os.cfg"), shipped("topologies/gpt2-decoder-decode.csv"), shipped("topologies/conv-example.csv")];

/** The options each command takes, with whether they take a value: most draws use these. */
const OPTIONS: Record<string, [string, boolean][]> = {
  list: [["--json", false]],
  run: [["--vcd", true], ["--no-vcd", false], ["--vcd-dir", true], ["--cycles", true], ["--seed", true], ["--param", true], ["--engine", true], ["--json", false]],
  verify: [["--runs", true], ["--seed", true], ["--engine", true], ["--json", false]],
  emit: [["--param", true], ["-o", true], ["--output", true], ["--top", true]],
  new: [["--tessera", true], ["--name", true]],
  sweep: [["--param", true], ["--seeds", true], ["--seed", true], ["--workers", true], ["--shard", true], ["--out", true], ["--rates", true], ["--json", false]],
  cosim: [["--sim", true], ["--cycles", true], ["--seed", true], ["--param", true], ["--json", false]],
  report: [["-o", true], ["--param", true], ["--seed", true], ["--study", true], ["--json", false]],
  scalesim: [["-c", true], ["-t", true], ["-p", true], ["-i", true], ["--engine", true], ["--seed", true], ["--rtl-max-macs", true], ["--json", false]],
};

const value = fc.oneof(pick(VALUES), fc.integer({ min: -10, max: 1000 }).map(String), fc.string({ maxLength: 6 }));
/** One option of `cmd` (or, one time in eight, any flag) with a value where it takes one. */
const option = (cmd: string): fc.Arbitrary<string[]> =>
  fc.oneof(
    { weight: 7, arbitrary: pick(OPTIONS[cmd]).chain(([flag, takes]) => (takes ? value.map((v): string[] => [flag, v]) : fc.constant<string[]>([flag]))) },
    { weight: 1, arbitrary: fc.tuple(pick(FLAGS), value).map(([f, v]) => [f, v]) },
  );
const commandLine = (cmds: readonly string[], names: readonly string[]) =>
  pick(cmds).chain((cmd) => fc.tuple(fc.constant(cmd), pick(names), fc.array(option(cmd), { maxLength: 4 })).map(([c, n, opts]) => [c, n, ...opts.flat()]));
const noise = fc.array(fc.oneof(pick(FLAGS), pick(VALUES), pick(NAMES), pick(Object.keys(OPTIONS))), { maxLength: 6 });

const argv: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: commandLine(["list", "run", "verify", "emit", "new"], NAMES) },
  { weight: 2, arbitrary: commandLine(["sweep", "cosim", "report"], REFUSED_NAMES).filter((a) => !(a[0] !== "cosim" && a[1] === "all")) },
  // scalesim takes no name: options only (-c, -t drawn from real and broken files).
  { weight: 1, arbitrary: fc.array(option("scalesim"), { maxLength: 5 }).map((opts) => ["scalesim", ...opts.flat()]) },
  { weight: 1, arbitrary: fc.tuple(pick(["help", "--help", "bogus", "-x", ""]), noise).map(([c, t]) => [c, ...t]) },
  { weight: 1, arbitrary: noise },
);

test.prop([argv], { numRuns: Number(process.env.FUZZ_RUNS ?? 400) })("exit 0, 1 or 2; never an internal error; a usage error is one line naming what it refuses", async (args) => {
  // The shell drops empty words only if unquoted; keep them, they are valid argv entries.
  // In the temporary folder: relative output paths (--vcd x, -o d/y) land there, not in the checkout.
  const { code, err } = await runCli(args, { testbenches: () => PROBES, cwd });
  expect([0, 1, 2]).toContain(code);
  expect(err).not.toMatch(/internal error/);
  if (code === 2) {
    const lines = err.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tessera( [a-z]+)?: /);
    // It names the argument, file or value at fault: a quoted word or a flag.
    expect(lines[0]).toMatch(/'[^']*'|--?[a-z]|\b[a-z]+=/);
  }
});
