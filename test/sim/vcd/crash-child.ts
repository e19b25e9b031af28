/**
 * Child process for crash.test.ts: writes a trace and dies at cycle CRASH_AT without closing the
 * writer, in the way named by argv[3]: "throw" (uncaught exception), "reject" (unhandled
 * rejection) or "exit" (process.exit(3)). The writer's 'exit' handler must leave a complete file.
 */
import { CRASH_AT, CRASH_SPEC } from "./crash-spec.js";
import { writeTrace } from "./trace-fixture.js";

const [file, mode] = process.argv.slice(2);
const die = () => {
  if (mode === "throw") throw new Error("testbench failed at cycle " + CRASH_AT);
  process.exit(3);
};
if (mode === "reject") {
  // the rejection surfaces after the synchronous loop; stop the loop first without throwing
  writeTrace({ ...CRASH_SPEC, cycles: CRASH_AT }, file, { bufferBytes: 4096 }, { close: false });
  void Promise.reject(new Error("async testbench failed"));
} else {
  writeTrace(CRASH_SPEC, file, { bufferBytes: 4096 }, { beforeEdge: (c) => c === CRASH_AT && die(), close: false });
}
