/**
 * Child process for fst.test.ts: runs the gemm-tiled testbench with a VCD and an FST of small
 * blocks (argv[4] bytes, so the compression worker holds a block when the process dies), makes
 * sim.close() do nothing (so the testbench's `finally` closes neither file) and throws from a
 * tracer once time reaches argv[3]. The error is uncaught and the process exits with code 1: the
 * writers' 'exit' handlers must leave both files complete. With argv[5] = "kill" the process
 * SIGKILLs itself there instead: the FST must be readable up to its last block written.
 */
import { registry } from "../../src/tb/registry.js";
import { resolveParams } from "../../src/cli/params.js";

const [base, at, blockBytes, mode] = process.argv.slice(2);
const tb = registry().find((t) => t.name === "gemm-tiled")!;
await tb.run({
  params: resolveParams(tb, []),
  seed: 1,
  vcd: base + ".vcd",
  attach: (sim) => {
    sim.traceFst(base + ".fst", { blockBytes: Number(blockBytes) });
    sim.close = () => {};
    sim.addTracer({
      dump(t) {
        if (t < Number(at)) return;
        if (mode === "kill") process.kill(process.pid, "SIGKILL");
        throw new Error(`testbench failed at time ${t}`);
      },
      close() {},
    });
  },
});
