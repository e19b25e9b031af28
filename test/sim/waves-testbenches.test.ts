/**
 * Every registered testbench's default run, traced once to VCD and FST with its save file, and
 * everything that reads those files held against each other:
 *  - GTKWave's reader: `fst2vcd` of our FST shows exactly the values of our VCD, and `vcd2fst`
 *    takes our VCD;
 *  - our readers (src/sim/wavefile): readVcd of our VCD and readFst of our FST show the same vars
 *    and values at every time, and readFst of GTKWave's vcd2fst of our VCD shows them too;
 *  - the save file (.gtkw): every entry of the testbench's view matches a signal of the run, it
 *    shows some signals but not the whole design, and GTKWave (under Xvfb) opens the dump on
 *    exactly those traces with those radixes.
 * One run per testbench serves all three: the runs are most of the time these checks take.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { resolveParams } from "../../src/cli/params.js";
import type { Simulator } from "../../src/sim/simulator.js";
import { readFst, readVcd, type WaveReader } from "../../src/sim/wavefile/index.js";
import { savePathFor } from "../../src/sim/waves/gtkw.js";
import { writeSimGtkw } from "../../src/sim/waves/sim-view.js";
import { registry } from "../../src/tb/registry.js";
import { requireTool } from "../../src/verilog/tools.js";
import { expectSameWaves, gtkwaveView, readGtkw, shownByGtkwave, vcd2fst } from "../util/gtkwave.js";
import { diffReaders } from "./wavefile/histories.js";

/** The times at which the clock var (a var named clk) changes, its first few; the clock must toggle. */
async function clockChanges(file: string): Promise<bigint[]> {
  const r = await readVcd(file);
  try {
    const clk = r.vars.find((v) => /(^|\.)clk$/.test(v.path));
    expect(clk, "a clock var").toBeDefined();
    const times: bigint[] = [];
    let last: string | undefined;
    for await (const s of r.steps([clk!.id])) {
      const v = s.changes[0].value;
      if (v !== last) times.push(s.time);
      last = v;
      if (times.length >= 5) break;
    }
    expect(times.length, "the clock toggles").toBeGreaterThanOrEqual(5);
    return times;
  } finally {
    await r.close();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-waves-tb-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const haveConverters = requireTool("fst2vcd", "vcd2fst");
const haveViewer = requireTool("gtkwave", "xvfb-run");

// Default runs, with long ones cut to stay within the test's time: [params, cycle window].
const SHORTER: Record<string, { params: string[]; window: [number, number] }> = {
  // 86k cycles and 1.6 GB of VCD at its defaults: one token, its first 3000 cycles
  "speq-decode": { params: ["tokens=1"], window: [0, 3000] },
};

/** The two files' differences as our readers see them (diffReaders), both readers closed after. */
async function readersDiff(a: Promise<WaveReader>, b: Promise<WaveReader>) {
  const [x, y] = await Promise.all([a, b]);
  try {
    return { x, y, diff: await diffReaders(x, y) };
  } finally {
    await Promise.all([x.close(), y.close()]);
  }
}

describe("every registered testbench: its VCD, FST and save file, read by GTKWave and by our readers", () => {
  test.each(registry().map((tb) => tb.name))("%s", async (name) => {
    const tb = registry().find((t) => t.name === name)!;
    expect(tb.waves, `${name} names the signals its waveforms open on (Testbench.waves)`).toBeDefined();
    const cut = SHORTER[name];
    const base = path.join(dir, name);
    const vcd = base + ".vcd", fst = base + ".fst";
    const params = resolveParams(tb, cut?.params ?? []);
    const waves = tb.waves!(params);
    // both writers on the same simulator: through the harness (TbRunOptions vcd/fst/waves), or with the window
    const res = cut
      ? await tb.run({
          params,
          seed: 1,
          attach: (sim: Simulator) => {
            sim.traceVcd(vcd, { window: cut.window });
            sim.traceFst(fst, { window: cut.window });
            writeSimGtkw(sim, vcd, waves);
          },
        })
      : await tb.run({ params, seed: 1, vcd, fst, waves });
    expect(res.passed, res.failures.join("\n")).toBe(true);

    // our readers agree with each other
    const ours = await readersDiff(readVcd(vcd), readFst(fst));
    expect(ours.x.vars.length).toBeGreaterThan(3);
    expect(ours.y.timescale).toEqual(ours.x.timescale);
    expect(ours.diff, "our VCD vs our FST").toEqual([]);
    const clk = await clockChanges(vcd);
    expect(fs.statSync(fst).size).toBeLessThan(fs.statSync(vcd).size / 4);

    // the save file
    const save = readGtkw(savePathFor(vcd));
    expect(save.missing, `entries of ${name}'s view that match no signal of its run`).toEqual([]);
    const signals = save.traces.filter(([, n]) => !n.startsWith("-"));
    expect(signals.length).toBeGreaterThan(6);
    expect(signals.length).toBeLessThan(200);
    if (haveViewer) {
      const shown = gtkwaveView(fst, savePathFor(vcd));
      expect(shown.traces).toEqual(shownByGtkwave(save.traces));
      // it opens on the first few dozen cycles, not on a sliver of the first one or the whole run
      const period = Number(clk[3] - clk[1]);
      expect(shown.window[0]).toBe(0);
      expect(shown.window[1] / period).toBeGreaterThanOrEqual(30);
      expect(shown.window[1] / period).toBeLessThanOrEqual(100);
    }

    if (haveConverters) {
      // fst2vcd's reading of our FST against our VCD, through the tests' own VCD parser (not
      // our readers, so the round trip does not rest on them)
      const { ours } = expectSameWaves(vcd, fst);
      expect(ours.signals.size).toBeGreaterThan(3);
      expect((await readersDiff(readVcd(vcd), readFst(vcd2fst(vcd, base + ".conv.fst")))).diff, "our VCD vs vcd2fst of it").toEqual([]);
    }
    for (const file of fs.readdirSync(dir).filter((x) => x.startsWith(name + "."))) fs.rmSync(path.join(dir, file), { force: true });
  }, 240_000);
});
