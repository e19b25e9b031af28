/** Bench output: results JSON with the machine they came from, and markdown tables. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Node's arguments for a bench script run in a process of its own: the V8 flags the `tessera`
 * command uses (generated simulation code reaches optimized code within a few thousand cycles),
 * and tsx to run the TypeScript.
 */
export const BENCH_NODE_ARGS = ["--interrupt-budget=16000", "--import", "tsx"];

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");

export function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

export function writeResults(name: string, data: unknown): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + "\n");
  return file;
}

/** A markdown table (first row is the header). */
export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function printTable(rows: string[][]): void {
  process.stdout.write(markdownTable(rows) + "\n");
}
