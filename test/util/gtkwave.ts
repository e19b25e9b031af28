/**
 * GTKWave for the waveform tests: its converters (vcd2fst, fst2vcd), its own viewer under Xvfb
 * listing the traces a save file opens on, and a parser of our save files. `requireTool` says
 * whether they are installed (CI installs them; elsewhere the tests that need them skip).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "vitest";
import { MISSING_COMMENT } from "../../src/sim/waves/gtkw.js";
import { compareVcdValues, readVcdValues } from "./vcd-values.js";

function run(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed (exit ${r.status}): ${r.stderr}${r.error ?? ""}`);
}

/** vcd2fst `vcd` into `fst`; `pack`: "-4" LZ4 (its default), "-F" fastlz, "-Z" zlib, "-c" gzip-wrapped. */
export function vcd2fst(vcd: string, fst: string, pack?: "-4" | "-F" | "-Z" | "-c"): string {
  run("vcd2fst", [...(pack ? [pack] : []), vcd, fst]);
  return fst;
}

/** fst2vcd `fst` into `vcd` (by default `<fst without .fst>.fst2vcd.vcd`); returns its path. */
export function fst2vcd(fst: string, vcd = fst.replace(/\.fst$/, "") + ".fst2vcd.vcd"): string {
  run("fst2vcd", ["-o", vcd, fst]);
  return vcd;
}

/** Our VCD and GTKWave's reading of our FST show the same values; returns both, parsed. */
export function expectSameWaves(vcd: string, fst: string) {
  const ours = readVcdValues(vcd);
  const theirs = readVcdValues(fst2vcd(fst));
  expect(compareVcdValues(ours, theirs)).toEqual([]);
  // the same var types and widths (a string var's width is 0 in FST, 1 in VCD)
  for (const [name, s] of ours.signals) {
    const t = theirs.signals.get(name)!;
    expect([t.type, t.type === "string" ? 1 : t.size], name).toEqual([s.type, s.size]);
  }
  return { ours, theirs };
}

let listTcl: string | undefined;
/** A Tcl script for `gtkwave -S` that prints every trace's flags and name, then quits. */
function traceListScript(): string {
  if (listTcl) return listTcl;
  listTcl = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tessera-gtkwave-tcl-")), "list.tcl");
  fs.writeFileSync(
    listTcl,
    [
      "set n [gtkwave::getTotalNumTraces]",
      'puts "TRACES $n"',
      'for {set i 0} {$i < $n} {incr i} { puts "TRACE [gtkwave::getTraceFlagsFromIndex $i] [gtkwave::getTraceNameFromIndex $i]" }',
      'puts "WINDOW [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime]"',
      "gtkwave::/File/Quit",
    ].join("\n") + "\n",
  );
  return listTcl;
}

/**
 * What GTKWave shows for `dump` opened with `save`: the traces as [flags, name without its scopes],
 * and the span of time its wave pane opens on.
 */
export function gtkwaveView(dump: string, save: string): { traces: [number, string][]; window: [number, number] } {
  const r = spawnSync("xvfb-run", ["-a", "-s", "-screen 0 1400x900x24", "gtkwave", "-S", traceListScript(), dump, save], { encoding: "utf8", timeout: 120_000 });
  const lines = `${r.stdout}${r.stderr}`.split("\n");
  const count = lines.find((l) => l.startsWith("TRACES "));
  const win = lines.find((l) => l.startsWith("WINDOW "));
  if (!count || !win) throw new Error(`gtkwave printed no trace count or window (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const traces = lines.filter((l) => l.startsWith("TRACE ")).map((l): [number, string] => {
    const [, flags, ...name] = l.split(" ");
    return [Number(flags), name.join(" ")];
  });
  const [, start, end] = win.split(" ").map(Number);
  return { traces, window: [start, end] };
}

/** The traces a save file lists, [flags, name], and the view entries it says its dump lacks. */
export function readGtkw(file: string): { traces: [number, string][]; missing: string[] } {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const traces: [number, string][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("@")) traces.push([parseInt(lines[i].slice(1), 16), lines[++i]]);
  }
  return { traces, missing: lines.filter((l) => l.startsWith(MISSING_COMMENT)).map((l) => l.slice(MISSING_COMMENT.length)) };
}

/** What GTKWave shows for a save file's traces: names without their scopes, groups without the '-'. */
export const shownByGtkwave = (traces: readonly [number, string][]): [number, string][] =>
  traces.map(([f, n]) => [f, n.startsWith("-") ? n.slice(1) : n.split(".").pop()!]);
