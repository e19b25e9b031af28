// Worker-thread entry for the sweep's pool (piscina), then hands each task to runPoint. Compiled
// (dist/, what users install) the sources next to this file are JavaScript; run from src/ (the
// repo's tests and scripts) they are TypeScript, and tsx is registered in this thread first (the
// main thread's loader hooks do not reach worker threads).
import { existsSync } from "node:fs";

if (!existsSync(new URL("./point.js", import.meta.url))) (await import("tsx/esm/api")).register();
const { runPoint } = await import("./point.ts");

export default function task(t) {
  return runPoint(t);
}
