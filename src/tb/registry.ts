/**
 * Every testbench the CLI knows. Each family of components exports a `testbenches` array from
 * src/tb/<family>/index.ts; to register a family, add one import below and list it in FAMILIES.
 */
import type { Testbench } from "./types.js";
import { testbenches as examples } from "./examples/index.js";
import { testbenches as pe } from "./pe/index.js";
import { testbenches as noc } from "./noc/index.js";
import { testbenches as sofa } from "./sofa/index.js";
import { testbenches as bitslice } from "./bitslice/index.js";
import { testbenches as speq } from "./speq/index.js";
import { testbenches as wsc } from "./wsc/index.js";
import { testbenches as xyserve } from "./xyserve/index.js";
import { UserError } from "../io/user-error.js";
// Add a family: import { testbenches as <family> } from "./<family>/index.js"; list it below, and
// add it to CATALOG (catalog.ts), from which the command line loads one family at a time.

const FAMILIES: readonly (readonly Testbench[])[] = [
  examples,
  pe,
  noc,
  sofa,
  bitslice,
  speq,
  wsc,
  xyserve,
];

export class UnknownTestbenchError extends UserError {
  constructor(readonly wanted: string, readonly known: readonly string[]) {
    super(`unknown testbench '${wanted}'; registered testbenches: ${known.join(", ") || "(none)"} (see 'tessera list')`);
    this.name = "UnknownTestbenchError";
  }
}

let cached: Testbench[] | undefined;

/** All registered testbenches, in registration order (names are checked to be unique). */
export function registry(): Testbench[] {
  if (cached) return cached;
  const all = FAMILIES.flat();
  const seen = new Set<string>();
  for (const tb of all) {
    if (seen.has(tb.name)) throw new Error(`two testbenches are registered as '${tb.name}'; rename one (names are what 'tessera run' takes)`);
    seen.add(tb.name);
  }
  return (cached = all);
}

/** The testbench named `name` (in the registry, or in `among`); an UnknownTestbenchError listing the names otherwise. */
export function findTestbench(name: string, among: readonly Testbench[] = registry()): Testbench {
  const tb = among.find((t) => t.name === name);
  if (!tb) throw new UnknownTestbenchError(name, among.map((t) => t.name));
  return tb;
}
