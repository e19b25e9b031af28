/**
 * A VCD is complete and parseable however the testbench ends: an exception caught by the caller
 * (close() in finally), and a process that dies without closing (uncaught exception, unhandled
 * rejection, process.exit) where the writer's 'exit' handler flushes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { parseVcd, valueAt } from "../../util/vcd-parse.js";
import { CRASH_AT, CRASH_SPEC } from "./crash-spec.js";
import { writeTrace } from "./trace-fixture.js";
import { varPath, type VcdWriter } from "../../../src/sim/vcd/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vcdc-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The file a writer closed right after cycle CRASH_AT - 1 holds: what a crash must leave. */
function reference(): { file: string; sim: ReturnType<typeof writeTrace> } {
  const file = path.join(dir, `ref-${Math.random().toString(36).slice(2)}.vcd`);
  const sim = writeTrace({ ...CRASH_SPEC, cycles: CRASH_AT }, file, { bufferBytes: 4096 }, { close: false });
  sim.writer.close();
  return { file, sim };
}

async function expectComplete(file: string) {
  const ref = reference();
  expect(fs.readFileSync(file, "latin1")).toBe(fs.readFileSync(ref.file, "latin1"));
  const vcd = await parseVcd(file); // throws if vcd-stream cannot parse all of it
  const last = BigInt((CRASH_AT - 1) * CRASH_SPEC.period);
  ref.sim.vars.forEach((v, i) => expect(valueAt(vcd.changesOf(varPath(v)), last), varPath(v)).toBe(ref.sim.patterns[i][CRASH_AT - 1]));
}

describe("a VCD survives a failing testbench", () => {
  test("an exception caught by the caller: close() in finally leaves a complete file", async () => {
    const file = path.join(dir, "caught.vcd");
    let writer: VcdWriter | undefined;
    expect(() => {
      try {
        writeTrace(CRASH_SPEC, file, { bufferBytes: 4096 }, {
          opened: (w) => (writer = w),
          beforeEdge: (c) => {
            if (c === CRASH_AT) throw new Error("expectation failed");
          },
          close: false,
        });
      } finally {
        writer!.close();
        writer!.close(); // idempotent
      }
    }).toThrow("expectation failed");
    await expectComplete(file);
  });

  for (const mode of ["throw", "reject", "exit"] as const) {
    test(`the process dies without close() (${mode}): the exit handler flushes a complete file`, async () => {
      const file = path.join(dir, `child-${mode}.vcd`);
      const child = spawnSync(process.execPath, ["--import", "tsx", path.join(here, "crash-child.ts"), file, mode], {
        cwd: repo,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(child.status, child.stderr).toBe(mode === "exit" ? 3 : 1);
      if (mode !== "exit") expect(child.stderr).toMatch(/testbench failed|async testbench failed/);
      await expectComplete(file);
    });
  }
});
