/**
 * ASCII waveforms for snapshot tests and the terminal, in the style of Hardcaml's waveterm.
 *
 *   renderWaves([
 *     { name: "en", width: 1, values: [0n, 1n, 1n, 0n] },
 *     { name: "count", width: 8, values: [0n, 0n, 1n, 2n] },
 *   ], { clock: "clk", cycleWidth: 8 })
 *
 *   cycle │0       1       2       3
 *   clk   │‾‾‾‾|___|‾‾‾|___|‾‾‾|___|‾‾‾|___
 *   en    │________|‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾|_______
 *         │────────────────┬───────┬───────
 *   count │ 00             │01     │02
 *         │────────────────┴───────┴───────
 *
 * Each cycle takes `cycleWidth` characters. A 1-bit signal is one line, high `‾` and low `_`, with
 * `|` where it changes. A wider signal is a box per run of equal values, its value written in hex
 * (padded to the width), dec (signed when the signal is) or bin, or its decoder's name; a value
 * longer than its box is cut and ends in `…`. Values are per cycle, as sampled by the testbench
 * (negative for a signed signal with its sign bit set). Trailing spaces are trimmed.
 */

export type WaveFormat = "hex" | "dec" | "bin";

export interface WaveSignal {
  name: string;
  /** One value per cycle, from cycle 0. Cycles past the end are drawn empty. */
  values: readonly (bigint | number)[];
  /** Bits: 1 draws a line, more draw boxed values. */
  width: number;
  signed?: boolean;
  /** Names by value (FSM states, enums), shown instead of numbers. */
  decoder?: readonly string[];
  /** Overrides WaveOptions.format for this signal. */
  format?: WaveFormat;
}

export interface WaveOptions {
  /** Number format of multi-bit values; "hex" by default. */
  format?: WaveFormat;
  /** Characters per cycle (>= 2); 8 by default. */
  cycleWidth?: number;
  /** First cycle shown; 0 by default. */
  start?: number;
  /** Number of cycles shown; up to the longest value list by default. */
  cycles?: number;
  /** Cycle-number ruler on top; true by default. */
  ruler?: boolean;
  /** Adds a clock row with this name (high in the first half of each cycle). */
  clock?: string;
  /** Width of the name column; the longest name (at most 24) by default. Longer names are cut. */
  nameWidth?: number;
}

const HIGH = "‾";
const LOW = "_";
const EDGE = "|";
const CUT = "…";

/** `v` as text in `fmt`, or its decoder name. */
export function formatValue(v: bigint, width: number, signed: boolean, fmt: WaveFormat, decoder?: readonly string[]): string {
  if (decoder && v >= 0n && v < BigInt(decoder.length)) return decoder[Number(v)];
  if (fmt === "dec") return signed ? String(v) : String(BigInt.asUintN(width, v));
  const bits = BigInt.asUintN(width, v); // the two's complement pattern of a negative value
  return fmt === "hex" ? bits.toString(16).toUpperCase().padStart(Math.ceil(width / 4), "0") : bits.toString(2).padStart(width, "0");
}

function fit(text: string, room: number): string {
  if (text.length <= room) return text.padEnd(room);
  return room <= 1 ? CUT.slice(0, room) : text.slice(0, room - 1) + CUT;
}

/** One line of a 1-bit signal from per-slot levels, each slot `w` characters. */
function levelLine(levels: readonly (number | undefined)[], w: (slot: number) => number): string {
  let out = "";
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    const n = w(i);
    if (l === undefined) {
      out += " ".repeat(n);
      continue;
    }
    const ch = l ? HIGH : LOW;
    const changed = i > 0 && levels[i - 1] !== undefined && levels[i - 1] !== l;
    out += changed ? EDGE + ch.repeat(n - 1) : ch.repeat(n);
  }
  return out;
}

/** The three lines of a multi-bit signal: box top, values, box bottom. */
function boxLines(texts: readonly (string | undefined)[], keys: readonly (bigint | undefined)[], cw: number): [string, string, string] {
  let top = "";
  let mid = "";
  let bot = "";
  let i = 0;
  while (i < keys.length) {
    let j = i + 1;
    while (j < keys.length && keys[j] === keys[i]) j++;
    const n = (j - i) * cw;
    if (keys[i] === undefined) {
      top += " ".repeat(n);
      mid += " ".repeat(n);
      bot += " ".repeat(n);
    } else {
      const boundary = i > 0 && keys[i - 1] !== undefined;
      top += (boundary ? "┬" : "─") + "─".repeat(n - 1);
      mid += (boundary ? "│" : " ") + fit(texts[i]!, n - 1);
      bot += (boundary ? "┴" : "─") + "─".repeat(n - 1);
    }
    i = j;
  }
  return [top, mid, bot];
}

function rulerLine(start: number, cycles: number, cw: number): string {
  let out = "";
  for (let c = 0; c < cycles; c++) {
    const col = c * cw;
    const label = String(start + c);
    if (out.length > col) continue; // the previous label still runs here
    out = out.padEnd(col) + label + " ";
  }
  return out;
}

export function renderWaves(signals: readonly WaveSignal[], opts: WaveOptions = {}): string {
  const cw = opts.cycleWidth ?? 8;
  if (!Number.isInteger(cw) || cw < 2) throw new Error(`renderWaves: cycleWidth ${cw} must be an integer >= 2`);
  const start = opts.start ?? 0;
  const longest = signals.reduce((m, s) => Math.max(m, s.values.length), 0);
  const cycles = Math.max(0, opts.cycles ?? longest - start);
  const format = opts.format ?? "hex";
  for (const s of signals) {
    if (!Number.isInteger(s.width) || s.width < 1) throw new Error(`renderWaves: signal '${s.name}' has width ${s.width}; give an integer >= 1`);
  }

  const names = [...(opts.clock ? [opts.clock] : []), ...signals.map((s) => s.name), ...(opts.ruler === false ? [] : ["cycle"])];
  const nameWidth = opts.nameWidth ?? Math.min(24, names.reduce((m, n) => Math.max(m, n.length), 0));
  const label = (name: string) => fit(name, nameWidth) + " │";
  const blank = " ".repeat(nameWidth) + " │";
  const rows: string[] = [];

  if (opts.ruler !== false) rows.push(label("cycle") + rulerLine(start, cycles, cw));
  if (opts.clock) {
    const half = Math.ceil(cw / 2);
    const levels = Array.from({ length: 2 * cycles }, (_, i) => (i % 2 === 0 ? 1 : 0));
    rows.push(label(opts.clock) + levelLine(levels, (i) => (i % 2 === 0 ? half : cw - half)));
  }
  for (const s of signals) {
    const window = Array.from({ length: cycles }, (_, c) => {
      const v = s.values[start + c];
      return v === undefined ? undefined : BigInt(v);
    });
    if (s.width === 1) {
      rows.push(label(s.name) + levelLine(window.map((v) => (v === undefined ? undefined : Number(v & 1n))), () => cw));
      continue;
    }
    const fmt = s.format ?? format;
    const texts = window.map((v) => (v === undefined ? undefined : formatValue(v, s.width, s.signed ?? false, fmt, s.decoder)));
    const [top, mid, bot] = boxLines(texts, window, cw);
    rows.push(blank + top, label(s.name) + mid, blank + bot);
  }
  return rows.map((r) => r.trimEnd()).join("\n");
}
