// Worker-thread entry for generic testbench sweeps (piscina): registers tsx so the TypeScript
// sources load in this thread, then runs one (testbench, params, seed) point per task.
import { register } from "tsx/esm/api";

register();
const { runTestbenchPoint } = await import("./tb-point.ts");

export default function task(t) {
  return runTestbenchPoint(t);
}
