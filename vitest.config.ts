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
  },
});
