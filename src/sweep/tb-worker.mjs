// Worker-thread entry for generic testbench sweeps (piscina): runs one (testbench, params, seed)
// point per task. Compiled (dist/) the sources next to this file are JavaScript; run from src/
// tsx is registered in this thread first (see worker.mjs). A user's TypeScript testbench file
// registers tsx itself when it is loaded (src/tb/project/load-module.ts).
import { existsSync } from "node:fs";

if (!existsSync(new URL("./tb-point.js", import.meta.url))) (await import("tsx/esm/api")).register();
const { runTestbenchPoint } = await import("./tb-point.ts");

export default function task(t) {
  return runTestbenchPoint(t);
}
