import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests import the package by its public names ("tessera", "tessera/hw", ...) the way users do;
// here those names mean the sources, so tests never run a stale dist/.
const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^tessera$/, replacement: src("index.ts") },
      { find: /^tessera\/(golden|hw|tb|verilog|system)$/, replacement: src("$1/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the CPUs: one worker on a 2-core machine, where
    // npm test then took 15 minutes. Much of the suite waits on Verilator, Icarus and Yosys
    // processes, so every core runs a test file (908 s -> 647 s here).
    maxWorkers: availableParallelism(),
  },
});
