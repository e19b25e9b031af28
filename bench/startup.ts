/**
 * Start-up of the `tessera` command: the compiled bin users install (bin/tessera.js, dist/) against
 * the dev bin that loads the TypeScript sources through tsx (bin/tessera-dev.js, what the bin was
 * before the package was built). Wall time of whole processes, median of several runs, for
 * `tessera list` (start-up alone) and `tessera run counter` (start-up plus a 1000-cycle run).
 * Builds dist/ first so the compiled bin runs today's sources.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export interface StartupRow {
  command: string;
  compiledMs: number;
  tsxMs: number;
  /** tsx time over compiled time. */
  speedup: number;
}

function wallMs(bin: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function runStartupBench(runs = 7): StartupRow[] {
  const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  const rows: StartupRow[] = [];
  for (const args of [["list"], ["run", "counter", "--no-vcd"]]) {
    const compiled: number[] = [], tsx: number[] = [];
    wallMs("bin/tessera.js", args); // warm the file cache for both
    wallMs("bin/tessera-dev.js", args);
    for (let i = 0; i < runs; i++) {
      compiled.push(wallMs("bin/tessera.js", args));
      tsx.push(wallMs("bin/tessera-dev.js", args));
    }
    const c = median(compiled), t = median(tsx);
    rows.push({ command: `tessera ${args.join(" ")}`, compiledMs: Math.round(c), tsxMs: Math.round(t), speedup: Number((t / c).toFixed(2)) });
  }
  return rows;
}

export function startupTable(rows: StartupRow[]): string[][] {
  return [["command", "compiled bin (dist/)", "tsx bin (src/)", "tsx / compiled"], ...rows.map((r) => [`\`${r.command}\``, `${r.compiledMs} ms`, `${r.tsxMs} ms`, `${r.speedup.toFixed(1)}x`])];
}
