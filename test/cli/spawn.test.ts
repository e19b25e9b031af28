/** The real `tessera` processes from the checkout: the dev bin (tsx on src/) and `tsx src/cli/main.ts`. The compiled bin is tested on the packed package (test/package/pack.test.ts). */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const cwd = new URL("../..", import.meta.url).pathname;

describe("tessera as a process", () => {
  it("bin/tessera-dev.js list --json exits 0 with the testbench list", () => {
    const r = spawnSync(process.execPath, ["bin/tessera-dev.js", "list", "--json"], { cwd, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((t: { name: string }) => t.name)).toContain("mac-grid");
  });

  it("a reader that leaves early (tessera ... | head): no EPIPE stack trace, the command's own exit code", () => {
    // `list` writes line by line, so its writes go on after head has read one line and left.
    for (const cmd of ["list", "emit mac-grid --param rows=32 --param cols=32"]) {
      const r = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" bin/tessera-dev.js ${cmd} | head -c 10 > /dev/null`], { cwd, encoding: "utf8" });
      expect(r.stderr, cmd).toBe("");
      expect(r.status, cmd).toBe(0);
    }
  });

  it("tsx src/cli/main.ts exits 2 on a bad parameter, naming it", () => {
    const tsx = new URL("../../node_modules/.bin/tsx", import.meta.url).pathname;
    const r = spawnSync(tsx, ["src/cli/main.ts", "run", "mac-grid", "--param", "rows=65"], { cwd, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/parameter 'rows' of mac-grid: 65 is out of range; allowed: int 1\.\.64/);
  });
});
