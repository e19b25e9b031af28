// Worker-thread entry for the sweep's pool (piscina): registers tsx so the TypeScript sources load
// in this thread too (the main thread's loader hooks do not reach workers started by tests), then
// hands each task to runPoint.
import { register } from "tsx/esm/api";

register();
const { runPoint } = await import("./point.ts");

export default function task(t) {
  return runPoint(t);
}
