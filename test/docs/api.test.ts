/**
 * The API reference (docs/api, TypeDoc from the doc comments) covers every value each entry point
 * exports: a new export without regenerated docs fails here. Regenerate with `npm run docs`.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as tessera from "tessera";
import * as golden from "tessera/golden";
import * as hw from "tessera/hw";
import * as tb from "tessera/tb";
import * as verilog from "tessera/verilog";
import * as system from "tessera/system";

const docs = (p: string) => new URL(`../../docs/api/${p}`, import.meta.url).pathname;

function headings(file: string): Set<string> {
  const text = readFileSync(docs(file), "utf8").replace(/\\_/g, "_");
  return new Set([...text.matchAll(/^#{2,4} (?:`abstract` )?`?([A-Za-z_$][\w$]*)`?(?:\\<.*\\>)?(?:\(\))?$/gm)].map((m) => m[1]));
}

function undocumented(ns: object, file: string): string[] {
  const have = headings(file);
  return Object.keys(ns).filter((k) => !have.has(k) && !(typeof (ns as Record<string, unknown>)[k] === "object" && existsSync(docs(file.replace(/README\.md$/, `namespaces/${k}.md`)))));
}

describe("docs/api", () => {
  it.each([
    ["tessera", tessera, "tessera.md"],
    ["tessera/golden", golden, "tessera/golden.md"],
    ["tessera/tb", tb, "tessera/tb.md"],
    ["tessera/verilog", verilog, "tessera/verilog.md"],
    ["tessera/hw", hw, "tessera/hw/README.md"],
    ["tessera/system", system, "tessera/system/README.md"],
  ] as const)("documents every export of %s", (_name, ns, file) => {
    expect(undocumented(ns, file)).toEqual([]);
  });

  it("documents every export of each hardware family", () => {
    for (const [family, ns] of Object.entries(hw)) {
      if (typeof ns !== "object") continue;
      expect([family, undocumented(ns, `tessera/hw/namespaces/${family}.md`)]).toEqual([family, []]);
    }
  });
});
