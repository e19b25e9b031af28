/** SCALE-Sim v2 .cfg files: SCALE-Sim's own shapes read right, mistakes named by file, line and key. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ScaleSimConfigError, parseScaleSimConfig, readScaleSimConfig } from "../../src/scalesim/config.js";
import { UserError } from "../../src/io/user-error.js";

const shipped = fileURLToPath(new URL("../../topologies/scalesim-32x32-os.cfg", import.meta.url));

// SCALE-Sim's configs/google.cfg, verbatim in form.
const GOOGLE = `[general]
run_name = GoogleTPU_v1_ws

[architecture_presets]
ArrayHeight:    256
ArrayWidth:     256
IfmapSramSzkB:    6144
FilterSramSzkB:   6144
OfmapSramSzkB:    2048
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Dataflow : ws
Bandwidth : 10
MemoryBanks: 1

[run_presets]
InterfaceBandwidth: CALC
SRAM_row_size: 2
`;

/** The error `text` raises, with its where. */
function fails(text: string): ScaleSimConfigError {
  try {
    parseScaleSimConfig(text, "my.cfg");
  } catch (e) {
    expect(e).toBeInstanceOf(ScaleSimConfigError);
    expect(e).toBeInstanceOf(UserError);
    return e as ScaleSimConfigError;
  }
  throw new Error("expected an error");
}

describe("reading SCALE-Sim configs", () => {
  it("the shipped 32x32 os config", () => {
    const c = readScaleSimConfig(shipped);
    expect(c).toMatchObject({
      runName: "scalesim_32x32_os",
      arrayHeight: 32,
      arrayWidth: 32,
      ifmapSramKB: 64,
      filterSramKB: 64,
      ofmapSramKB: 64,
      ifmapOffset: 0,
      filterOffset: 10000000,
      ofmapOffset: 20000000,
      dataflow: "os",
      interfaceBandwidth: "CALC",
      bandwidths: [], // Bandwidth is read in USER mode only, as SCALE-Sim does
      memoryBanks: 1,
    });
  });

  it("google.cfg: ':' and '=' separators, padded values, unread keys kept verbatim", () => {
    const c = parseScaleSimConfig(GOOGLE, "google.cfg");
    expect(c).toMatchObject({ runName: "GoogleTPU_v1_ws", arrayHeight: 256, ofmapSramKB: 2048, dataflow: "ws" });
    expect(c.sections.run_presets.sram_row_size).toBe("2");
  });

  it("keys ignore case (configparser lower-cases them); comments and [DEFAULT] work as in Python", () => {
    const text = GOOGLE.replace("ArrayHeight:", "ARRAYHEIGHT =").replace("[general]", "# a comment\n; another\n[DEFAULT]\nOfmapOffset: 7\n\n[general]").replace("OfmapOffset:    20000000\n", "");
    const c = parseScaleSimConfig(text, "x.cfg");
    expect(c.arrayHeight).toBe(256);
    expect(c.ofmapOffset).toBe(7);
  });

  it("USER mode reads Bandwidth (one per bank) and checks it against MemoryBanks", () => {
    const user = GOOGLE.replace("InterfaceBandwidth: CALC", "InterfaceBandwidth: USER ");
    expect(parseScaleSimConfig(user, "u.cfg")).toMatchObject({ interfaceBandwidth: "USER", bandwidths: [10] });
    const e = fails(user.replace("Bandwidth : 10", "Bandwidth : 10, 20"));
    expect(e.where).toMatchObject({ file: "my.cfg", line: 14, field: "Bandwidth" });
    expect(e.message).toMatch(/one bandwidth per bank/);
    const noBw = fails(user.replace("Bandwidth : 10\n", ""));
    expect(noBw.where).toMatchObject({ line: 4, field: "Bandwidth" });
  });

  it("Python int(): underscores and signs are numbers, decimals are not", () => {
    expect(parseScaleSimConfig(GOOGLE.replace("256\nArrayWidth", "2_56\nArrayWidth"), "x").arrayHeight).toBe(256);
    const e = fails(GOOGLE.replace("ArrayWidth:     256", "ArrayWidth:     25.6"));
    expect(e.where).toMatchObject({ file: "my.cfg", line: 6, field: "ArrayWidth" });
    expect(e.message).toMatch(/^my\.cfg:6: ArrayWidth: '25\.6' is not a whole number/);
  });
});

describe("mistakes are named and mended", () => {
  it("a missing section, with a hint when only the case differs", () => {
    const e = fails(GOOGLE.replace("[run_presets]", "[Run_Presets]"));
    expect(e.where).toEqual({ file: "my.cfg" });
    expect(e.message).toMatch(/no \[run_presets\] section \(there is \[Run_Presets\]/);
  });

  it("a missing key points at its section and shows a line to add", () => {
    const e = fails(GOOGLE.replace("ArrayHeight:    256\n", ""));
    expect(e.where).toMatchObject({ line: 4, field: "ArrayHeight" });
    expect(e.message).toMatch(/add a line 'ArrayHeight: 32'/);
  });

  it("an unknown dataflow, and SCALE-Sim's exact-case values", () => {
    expect(fails(GOOGLE.replace("Dataflow : ws", "Dataflow : WS")).where).toMatchObject({ line: 13, field: "Dataflow" });
    expect(fails(GOOGLE.replace("Dataflow : ws", "Dataflow : rs")).message).toMatch(/write os, ws or is/);
    expect(fails(GOOGLE.replace("CALC", "calc")).where).toMatchObject({ line: 18, field: "InterfaceBandwidth" });
  });

  it("non-positive sizes", () => {
    expect(fails(GOOGLE.replace("OfmapSramSzkB:    2048", "OfmapSramSzkB:    0")).message).toMatch(/OfmapSramSzkB is 0; it must be at least 1/);
  });

  it("configparser's own errors: duplicates, lines before a section, lines without a value", () => {
    expect(fails(GOOGLE + "\n[general]\nrun_name = x\n").message).toMatch(/section \[general\] appears twice \(first on line 1\)/);
    expect(fails(GOOGLE.replace("ArrayWidth:     256", "ArrayWidth: 256\narraywidth: 128")).where).toMatchObject({ line: 7 });
    expect(fails("run_name = x\n" + GOOGLE).where).toMatchObject({ line: 1 });
    expect(fails(GOOGLE.replace("MemoryBanks: 1", "MemoryBanks")).where).toMatchObject({ line: 15 });
  });

  it("a continuation line joins the value above it and then fails as a number", () => {
    const e = fails(GOOGLE.replace("ArrayWidth:     256", "ArrayWidth:     256\n    128"));
    expect(e.where).toMatchObject({ line: 6, field: "ArrayWidth" });
  });

  it("a missing or binary file is a UserError naming -c", () => {
    expect(() => readScaleSimConfig("/nonexistent/x.cfg")).toThrow(/-c: cannot read '\/nonexistent\/x\.cfg' \(it does not exist\)/);
  });
});
