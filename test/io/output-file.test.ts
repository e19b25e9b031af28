/** Output files: written whole or not at all, and every failure a one-line UserError naming the argument. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prepareOutputDir, prepareOutputFile, writeFileAtomic } from "../../src/io/output-file.js";
import { UserError } from "../../src/io/user-error.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-out-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomic", () => {
  it("replaces a file whole and leaves no temporary file", () => {
    const f = join(dir, "a", "b", "r.json");
    writeFileAtomic(f, "old\n");
    writeFileAtomic(f, "new\n");
    expect(readFileSync(f, "utf8")).toBe("new\n");
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["r.json"]);
  });

  it("a target that cannot be replaced (a folder) is a UserError, the folder untouched and no temporary left", () => {
    const target = join(dir, "is-a-dir");
    mkdirSync(join(target, "inside"), { recursive: true });
    expect(() => writeFileAtomic(target, "x", "--out")).toThrow(UserError);
    expect(() => writeFileAtomic(target, "x", "--out")).toThrow(/^--out: cannot write '.*is-a-dir' \(it is a folder\)$/);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(existsSync(join(target, "inside"))).toBe(true);
  });
});

describe("prepareOutputFile / prepareOutputDir", () => {
  it("make the folders, leave nothing behind, and keep an existing file", () => {
    const f = join(dir, "p", "q", "x.vcd");
    prepareOutputFile(f, "--vcd");
    expect(existsSync(join(dir, "p", "q"))).toBe(true);
    expect(existsSync(f)).toBe(false);
    writeFileSync(f, "keep");
    prepareOutputFile(f, "--vcd");
    expect(readFileSync(f, "utf8")).toBe("keep");
    prepareOutputDir(join(dir, "waves"), "--vcd-dir");
    expect(readdirSync(join(dir, "waves"))).toEqual([]);
  });

  it.each([
    ["a path under a file", () => prepareOutputFile(join(dir, "plain", "x.vcd"), "--vcd"), /^--vcd: cannot create a folder under '.*plain': it is a file; give another path$/],
    ["a folder given as the file", () => prepareOutputFile(dir, "--vcd"), /^--vcd: '.*' is a folder; give a file name$/],
    ["a file given as the folder", () => prepareOutputDir(join(dir, "plain"), "--vcd-dir"), /^--vcd-dir: '.*plain' is a file; give a folder$/],
    ["an empty path", () => prepareOutputFile("", "--out"), /^--out: the output path is empty; give a file name$/],
    ["a folder that cannot be made (/proc)", () => prepareOutputFile("/proc/tessera-nope/x.json", "--out"), /^--out: cannot create folder '\/proc\/tessera-nope'/],
  ])("%s", (_what, act, message) => {
    writeFileSync(join(dir, "plain"), "x");
    expect(act).toThrow(message);
  });
});
