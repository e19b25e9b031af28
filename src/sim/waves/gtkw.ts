/**
 * GTKWave save files (`.gtkw`): written next to a VCD or FST so `gtkwave run.vcd run.gtkw` opens
 * on the signals that matter, grouped, with radixes set, instead of an empty signal list.
 *
 * A WaveView names the signals by path below the top module the testbench simulates ("pe_r0_c0.acc"
 * in a mac_grid, whose dump calls it "mac_grid.pe_r0_c0.acc"; "clk" is the clock) or by glob (`*` and `?` within one
 * path segment, `**` across segments), in groups. The radix follows the signal unless an entry sets it: signed decimal for a signed
 * signal, hex for another vector, binary for a bit (what GTKWave itself saves); a signal with FSM state names also shows its
 * `<name>_name` string var (the state's name) right after it.
 *
 * The file format is GTKWave's: `[dumpfile]`, `[savefile]` and `[treeopen]` lines, then per trace
 * a flags line `@<hex>` and the signal's name, vectors with their range ("count[7:0]", as GTKWave
 * names a var declared `count [7:0]` in a VCD or FST). Flags are GTKWave's TR_* bits (analyzer.h):
 * HEX 1<<1, DEC 1<<2, BIN 1<<3, RJUSTIFY 1<<5, BLANK 1<<9, SIGNED 1<<10, GRP_BEGIN 1<<23,
 * GRP_END 1<<24. A group is a blank trace with GRP_BEGIN, its signals, and one with GRP_END. GTKWave
 * drops a name its dump lacks without a word, so resolveView reports every entry that matched
 * nothing, the save file names them in comments, and the tests hold each testbench's view to none.
 */
import * as path from "node:path";
import { writeFileAtomic } from "../../io/output-file.js";
import { globToRegExp } from "../vcd/filter.js";

export type WaveRadix = "hex" | "dec" | "signed" | "bin";

/** One entry of a group: a path or glob, or one with its radix set. */
export type WaveEntry = string | { readonly path: string; readonly radix?: WaveRadix };

export interface WaveGroup {
  readonly name: string;
  readonly signals: readonly WaveEntry[];
  /** Shown closed (its signals hidden until opened); open by default. */
  readonly closed?: boolean;
}

/** The signals a user looks at first, in order, in groups. */
export interface WaveView {
  readonly groups: readonly WaveGroup[];
}

/** What a save file needs to know of each traced signal. */
export interface WaveVarDesc {
  /** Scopes from the top module, then the name: "mac_grid.pe_r0_c0.acc". */
  readonly path: string;
  readonly width: number;
  readonly signed: boolean;
  /** FSM state names: the dump also holds `<path>_name`. */
  readonly decoder?: readonly string[];
}

export interface ResolvedTrace {
  readonly name: string;
  readonly flags: number;
}

export interface ResolvedView {
  /** The save file's traces in order (group markers included). */
  readonly traces: readonly ResolvedTrace[];
  /** Entries that matched no signal ("group: pattern"). */
  readonly missing: readonly string[];
  /** Signals shown (not counting group markers). */
  readonly signals: number;
}

const TR_HEX = 1 << 1;
const TR_DEC = 1 << 2;
const TR_BIN = 1 << 3;
const TR_RJUSTIFY = 1 << 5;
const TR_BLANK = 1 << 9;
const TR_SIGNED = 1 << 10;
const TR_CLOSED = 1 << 22;
const TR_GRP_BEGIN = 1 << 23;
const TR_GRP_END = 1 << 24;

const RADIX_FLAGS: Record<WaveRadix, number> = { hex: TR_HEX, dec: TR_DEC, signed: TR_SIGNED, bin: TR_BIN };

/**
 * `groups` of a module's view moved under its instance path `instance` ("dut"), for a testbench
 * that simulates the module inside a harness; group names gain the instance when `label` is set.
 */
export function underInstance(instance: string, groups: readonly WaveGroup[], label = false): WaveGroup[] {
  const move = (e: WaveEntry): WaveEntry => (typeof e === "string" ? `${instance}.${e}` : { ...e, path: `${instance}.${e.path}` });
  return groups.map((g) => ({ ...g, name: label ? `${instance}: ${g.name}` : g.name, signals: g.signals.map(move) }));
}

/** The name GTKWave shows for a var: vectors carry their range. */
function gtkwaveName(v: WaveVarDesc): string {
  return v.width > 1 ? `${v.path}[${v.width - 1}:0]` : v.path;
}

function defaultRadix(v: WaveVarDesc): WaveRadix {
  if (v.width === 1) return "bin";
  return v.signed ? "signed" : "hex";
}

/** The traces of `view` (paths below `top`) over the dump's signals, and the entries that matched none. */
export function resolveView(view: WaveView, top: string, vars: readonly WaveVarDesc[]): ResolvedView {
  const traces: ResolvedTrace[] = [];
  const missing: string[] = [];
  let signals = 0;
  for (const g of view.groups) {
    const marker = `-${g.name}`;
    traces.push({ name: marker, flags: TR_BLANK | TR_GRP_BEGIN | (g.closed ? TR_CLOSED : 0) });
    const shown = new Set<string>();
    for (const e of g.signals) {
      const pattern = typeof e === "string" ? e : e.path;
      const radix = typeof e === "string" ? undefined : e.radix;
      const re = globToRegExp(`${top}.${pattern}`);
      const hits = vars.filter((v) => re.test(v.path) && !shown.has(v.path));
      if (hits.length === 0 && !vars.some((v) => re.test(v.path))) missing.push(`${g.name}: ${pattern}`);
      for (const v of hits) {
        shown.add(v.path);
        const r = radix ?? defaultRadix(v);
        traces.push({ name: gtkwaveName(v), flags: RADIX_FLAGS[r] | TR_RJUSTIFY });
        signals++;
        if (v.decoder) {
          // A string var: GTKWave shows the text whatever the radix, and saves it with BIN set.
          traces.push({ name: `${v.path}_name`, flags: TR_BIN | TR_RJUSTIFY });
          signals++;
        }
      }
    }
    traces.push({ name: marker, flags: TR_BLANK | TR_GRP_END | (g.closed ? TR_CLOSED : 0) });
  }
  return { traces, missing, signals };
}

/** The prefix of the comment line naming each view entry the dump lacks. */
export const MISSING_COMMENT = "[*] not in this dump: ";

/** How the save file lays out GTKWave's window (it opens at this size, on the first cycles). */
export interface GtkwLayout {
  /** Clock period in the dump's time units: the view opens on about `cycles` of them. */
  readonly period?: number;
  readonly cycles?: number;
}

/** Window and pane sizes (pixels), wide enough for full signal paths and about 40 cycles. */
const WINDOW = { width: 1400, height: 900, sst: 240, signals: 340 };
const DEFAULT_CYCLES = 40;

/**
 * GTKWave's zoom for `cycles` clock periods across the wave pane. Each step of zoom halves the
 * time a pixel shows (its zoom base is 2); at zoom 0 a pixel shows 1/200 of a time unit (measured:
 * GTKWave 3.3 opens a 760-pixel pane on 3.8 units), so the zoom is -log2(units per pixel * 200),
 * in whole steps, rounded to show at least `cycles`.
 */
export function zoomFor(period: number, cycles: number, pixels = WINDOW.width - WINDOW.sst - WINDOW.signals - 60): number {
  return -Math.ceil(Math.log2(((period * cycles) / pixels) * 200));
}

/** The text of a save file for `dumpFile` showing `view`'s traces (entries it lacks as comments). */
export function gtkwText(dumpFile: string, saveFile: string, top: string, view: Pick<ResolvedView, "traces" | "missing">, layout: GtkwLayout = {}): string {
  // The marker line: zoom, the primary marker (none: -1), then GTKWave's 26 named markers (none).
  const zoom = zoomFor(layout.period ?? 10, layout.cycles ?? DEFAULT_CYCLES);
  const lines = [
    "[*] GTKWave save file written by Tessera: gtkwave <dump> <this file>",
    ...view.missing.map((m) => MISSING_COMMENT + m),
    `[dumpfile] "${path.resolve(dumpFile)}"`,
    `[savefile] "${path.resolve(saveFile)}"`,
    "[timestart] 0",
    `[size] ${WINDOW.width} ${WINDOW.height}`,
    "[pos] -1 -1",
    `*${zoom.toFixed(6)} -1${" -1".repeat(26)}`,
    `[treeopen] ${top}.`,
    `[sst_width] ${WINDOW.sst}`,
    `[signals_width] ${WINDOW.signals}`,
    "[sst_expanded] 1",
  ];
  for (const t of view.traces) lines.push(`@${t.flags.toString(16)}`, t.name);
  return lines.join("\n") + "\n";
}

/** `<dump without its extension>.gtkw`. */
export function savePathFor(dumpFile: string): string {
  const ext = path.extname(dumpFile);
  return (ext ? dumpFile.slice(0, -ext.length) : dumpFile) + ".gtkw";
}

/**
 * Write the save file of `dumpFile` (next to it, see savePathFor) showing `view` (paths below the
 * top module `top`) over `vars`, opening on the first cycles of a clock of `layout.period`;
 * returns its path and what resolveView found.
 */
export function writeGtkw(dumpFile: string, top: string, view: WaveView, vars: readonly WaveVarDesc[], layout: GtkwLayout = {}): ResolvedView & { file: string } {
  const resolved = resolveView(view, top, vars);
  const file = savePathFor(dumpFile);
  writeFileAtomic(file, gtkwText(dumpFile, file, top, resolved, layout), "GTKWave save file");
  return { ...resolved, file };
}
