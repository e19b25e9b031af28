/**
 * The catalog the command line loads one family from (src/tb/catalog.ts) names the same
 * testbenches, family by family and in the same order, as the registry that imports them all:
 * a family added to one and not the other fails here, not in a user's `tessera run`.
 */
import { describe, expect, it } from "vitest";
import { CATALOG, loadBuiltinTestbench } from "../../src/tb/catalog.js";
import { registry } from "../../src/tb/registry.js";

describe("testbench catalog", () => {
  it("lists every registered testbench, in registration order", () => {
    expect(CATALOG.flatMap((f) => f.names)).toEqual(registry().map((t) => t.name));
  });

  it("each family's module exports exactly the names it lists", async () => {
    for (const family of CATALOG) {
      const { testbenches } = await family.load();
      expect(testbenches.map((t) => t.name)).toEqual(family.names);
    }
  });

  it("loads a testbench by name: the registry's own object; undefined for an unknown name", async () => {
    for (const tb of registry()) expect(await loadBuiltinTestbench(tb.name)).toBe(tb);
    expect(await loadBuiltinTestbench("no-such-testbench")).toBeUndefined();
  });
});
