/**
 * Which family module holds each built-in testbench, so the command line can load only the family
 * of the testbench it runs: `tessera run noc` needs the mesh, not the SOFA, MCBP, SPEQ and wafer-
 * scale families too (loading every family took 0.15 s of each start). The registry
 * (registry.ts) still imports them all for whoever wants the full list; a test keeps the two the
 * same (test/tb/catalog.test.ts).
 */
import type { Testbench } from "./types.js";

interface CatalogFamily {
  /** The testbench names its module exports, in its order. */
  readonly names: readonly string[];
  readonly load: () => Promise<{ testbenches: readonly Testbench[] }>;
}

/** Every family of registry.ts, in its order. */
export const CATALOG: readonly CatalogFamily[] = [
  { names: ["counter", "mac-grid"], load: () => import("./examples/index.js") },
  { names: ["systolic", "gemm-tiled"], load: () => import("./pe/index.js") },
  { names: ["noc"], load: () => import("./noc/index.js") },
  { names: ["sofa-dlzs", "sofa-sort", "sofa-softmax", "sofa-sufa", "sofa-attention"], load: () => import("./sofa/index.js") },
  { names: ["mcbp-bstc", "mcbp-brcr", "mcbp-bgpp", "mcbp-gemm"], load: () => import("./bitslice/index.js") },
  { names: ["speq-fp16", "speq-array", "speq-decode"], load: () => import("./speq/index.js") },
  { names: ["wsc-moe"], load: () => import("./wsc/index.js") },
  { names: ["meta-attention"], load: () => import("./xyserve/index.js") },
];

/** The built-in testbench named `name`, loading only its family; undefined if there is none. */
export async function loadBuiltinTestbench(name: string): Promise<Testbench | undefined> {
  const family = CATALOG.find((f) => f.names.includes(name));
  if (!family) return undefined;
  return (await family.load()).testbenches.find((t) => t.name === name);
}
