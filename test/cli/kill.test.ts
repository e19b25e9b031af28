/**
 * A `tessera` process killed midway leaves no half-written output: a VCD parses (vcd-stream)
 * and holds every cycle up to the last one written, whole; a JSON result file is either complete
 * or absent (it is written under a temporary name and renamed). A signal stops the process at
 * once (no handler: the simulation loop is synchronous, so a JavaScript handler would only run
 * after it); the writer only ever writes whole lines, so what reached the file is a valid VCD.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseVcd } from "../util/vcd-parse.js";

const repo = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "tessera-kill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Start `tessera args`, wait until `ready()` holds (or the process ends), send `signal`; the exit. */
function killWhen(args: string[], ready: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, "bin/tessera-dev.js"), ...args], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 20);
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, stderr });
    });
  });
}

const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);

describe("killed runs", () => {
  it.each(["SIGTERM", "SIGKILL"] as const)("a VCD being written when the run gets %s parses, whole up to its last cycle", async (signal) => {
    const vcd = join(dir, `mac-${signal}.vcd`);
    const r = await killWhen(["run", "mac-grid", "--param", "rows=4", "--param", "cols=4", "--cycles", "50000000", "--vcd", vcd], () => size(vcd) > 3_000_000, signal);
    expect(r.signal).toBe(signal);
    const text = readFileSync(vcd, "utf8");
    // Every line is whole: the writer only ever writes complete lines.
    expect(text.endsWith("\n")).toBe(true);
    const parsed = await parseVcd(vcd);
    const last = parsed.timestamps.at(-1)!;
    expect(parsed.timestamps.length).toBeGreaterThan(100);
    // The clock toggles every cycle up to the last timestamp written.
    const clk = parsed.changesOf(parsed.vars.find((v) => v.path.endsWith(".clk"))!.path);
    expect(clk.length).toBeGreaterThan(100);
    expect(clk.at(-1)!.time).toBeLessThanOrEqual(last);
  }, 120_000);

  it("a sweep killed before it finishes leaves no result file (and no temporary one)", async () => {
    const out = join(dir, "sweep", "r.json");
    let started = 0;
    const r = await killWhen(["sweep", "mac-grid", "--param", "rows=2..8", "--param", "cols=2..8", "--seeds", "20", "--workers", "1", "--out", out], () => existsSync(join(dir, "sweep")) && ++started > 50, "SIGKILL");
    expect(r.signal).toBe("SIGKILL");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(dir, "sweep"))).toEqual([]);
  }, 120_000);
});
