/**
 * Every file format Tessera reads, fed malformed files through the command line: a wrong field
 * count, a value that is not a number, a value out of range, an empty file, a binary file. Each
 * is a usage error (exit 2) on one line naming the file, and the line and field where there is
 * one, never a failing testbench or an internal error.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../util/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-formats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BINARY = Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xfe]);

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function usageError(argv: string[], message: RegExp): Promise<void> {
  const { code, err } = await runCli(argv, { cwd: dir });
  expect(err).toMatch(message);
  expect(code).toBe(2);
  expect(err.trim().split("\n")).toHaveLength(1);
  expect(err).not.toMatch(/internal error/);
}

describe("NoC trace files (--param trace=FILE, CSV or JSON)", () => {
  const run = (f: string) => ["run", "noc", "--param", "w=3", "--param", "h=3", "--param", "traffic=trace", "--param", `trace=${f}`, "--no-vcd"];
  it.each([
    ["a wrong field count", "t1.csv", "cycle,src,dst,size\n0,1,2,1\n5,1,2\n", /t1\.csv:3: '5,1,2' has 3 fields; a line is 'cycle,src,dst,size'/],
    ["a non-number", "t2.csv", "0,1,2,1\n4,x,2,1\n", /t2\.csv:2: field 'src' = 'x' is not a whole number/],
    ["a fraction", "t3.csv", "0,1,2,1.5\n", /t3\.csv:1: field 'size' = '1\.5' is not a whole number/],
    ["a node off the mesh", "t4.csv", "0,1,9,1\n", /t4\.csv:1: field 'dst' = 9 is not a node \(0\.\.8\)/],
    ["a negative cycle", "t5.csv", "-3,1,2,1\n", /t5\.csv:1: field 'cycle' = -3 must be >= 0/],
    ["a bad priority", "t6.csv", "0,1,2,1,7\n", /t6\.csv:1: field 'priority' = 7 must be 0 \(high\) or 1 \(low\)/],
    ["an empty file", "t7.csv", "", /--param trace: '.*t7\.csv' is empty/],
    ["only comments", "t8.csv", "# nothing\n", /t8\.csv: the trace holds no packets/],
    ["a binary file", "t9.csv", BINARY, /--param trace: '.*t9\.csv' is not a text file/],
    ["broken JSON", "t10.json", '[{"cycle": 0, "src": 1,', /--param trace: .*t10\.json:1: not valid JSON: the file ends in the middle of a value/],
    ["a JSON entry without a field", "t11.json", '[{"cycle": 0, "src": 1, "dst": 2}]', /t11\.json: entry 0: field 'size' is missing/],
    ["a JSON entry out of range", "t12.json", '[{"cycle": 0, "src": 1, "dst": 2, "size": 999}]', /t12\.json: entry 0: field 'size' = 999 must be 1\.\.255 flits/],
  ] as const)("%s", async (_what, name, content, message) => {
    await usageError(run(file(name, content)), message);
  });

  it("a missing file and a folder", async () => {
    await usageError(run(join(dir, "nope.csv")), /--param trace: cannot read '.*nope\.csv' \(it does not exist\)/);
    await usageError(run(dir), /--param trace: cannot read '.*' \(it is a folder\)/);
  });
});

describe("sweep results given to --merge", () => {
  const shard = (index: number, count: number, points: unknown = [{ passed: true }]) => JSON.stringify({ testbench: "counter", shard: { index, count }, points, passed: true });
  it.each([
    ["an empty file", "m1.json", "", /--merge: '.*m1\.json' is empty/],
    ["a binary file", "m2.json", BINARY, /--merge: '.*m2\.json' is not a text file/],
    ["broken JSON", "m3.json", '{\n  "testbench": "counter",\n  "shard": ', /--merge: .*m3\.json:3: not valid JSON/],
    ["a field of the wrong type", "m4.json", JSON.stringify({ testbench: "counter", shard: { index: "0", count: 1 }, points: [] }), /--merge: .*m4\.json: shard: expected \{index, count\}/],
    ["an index out of range", "m5.json", shard(3, 2), /--merge: .*m5\.json: shard: expected \{index, count\} with 0 <= index < count/],
    ["a point without a result", "m6.json", shard(0, 1, [{ seed: 1 }]), /--merge: .*m6\.json: points\[0\]: expected a point with 'passed'/],
    ["another testbench's sweep", "m7.json", JSON.stringify({ testbench: "noc-x", shard: { index: 0, count: 1 }, points: [] }), /--merge: .*m7\.json: testbench: is a sweep of 'noc-x', not 'counter'/],
  ] as const)("%s", async (_what, name, content, message) => {
    await usageError(["sweep", "counter", "--merge", file(name, content)], message);
  });

  it("shards missing or given twice", async () => {
    const a = file("a.json", shard(0, 3)), b = file("b.json", shard(2, 3));
    await usageError(["sweep", "counter", "--merge", a, b], /--merge: shards 1\/3 are missing; give all 3/);
    await usageError(["sweep", "counter", "--merge", a, a], /--merge: .*a\.json: shard: shard 0\/3 is given twice/);
  });

  it("a NoC sweep file that is not one", async () => {
    await usageError(["sweep", "noc", "--merge", file("n1.json", shard(0, 1))], /--merge: .*n1\.json: not a noc sweep of version 2/);
    await usageError(["sweep", "noc", "--merge", file("n2.json", "")], /--merge: '.*n2\.json' is empty/);
    await usageError(["sweep", "noc", "--merge", file("n3.json", BINARY)], /--merge: '.*n3\.json' is not a text file/);
  });
});
