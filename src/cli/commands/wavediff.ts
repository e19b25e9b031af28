/**
 * `tessera wavediff <a> <b> [--signals <names...>] [--clock <name>] [--cycles <n>] [--max <n>]
 * [--json]`: compares two waveform files (VCD or FST, told by their contents) cycle by cycle at
 * the rising edges of their clock (src/sim/wavefile/compare.ts) and prints the first cycle at
 * which they differ, with the signals that differ there and both values. Exit 0 when every
 * compared signal agrees at every cycle and both files have as many cycles, 1 on a difference,
 * 2 on usage errors (a file that is missing or not a waveform, a signal or clock it lacks).
 */
import { openWave, type WaveReader } from "../../sim/wavefile/index.js";
import { compareWaves, type WaveCompareResult, type WaveValueDiff } from "../../sim/wavefile/compare.js";
import type { Io } from "../io.js";
import { EXIT_FAIL, EXIT_PASS } from "../usage.js";
import { WAVEDIFF_DEFAULT_CLOCK, WAVEDIFF_DEFAULT_MAX } from "../defaults.js";

export interface WavediffArgs {
  /** Names, paths or globs; comma-separated lists are split. */
  signals?: string[];
  clock?: string;
  cycles?: number;
  max?: number;
  json?: boolean;
}

export { WAVEDIFF_DEFAULT_CLOCK, WAVEDIFF_DEFAULT_MAX };

export async function wavediffCommand(fileA: string, fileB: string, args: WavediffArgs, io: Io): Promise<number> {
  const signals = args.signals?.flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== "");
  const opened: WaveReader[] = [];
  try {
    const a = await openWave(fileA);
    opened.push(a);
    const b = await openWave(fileB);
    opened.push(b);
    const r = await compareWaves(a, b, { signals: signals?.length ? signals : undefined, clock: args.clock ?? WAVEDIFF_DEFAULT_CLOCK, cycles: args.cycles, maxListed: args.max ?? WAVEDIFF_DEFAULT_MAX });
    io.out(args.json ? JSON.stringify(asJson(r, fileA, fileB)) + "\n" : describe(r, fileA, fileB));
    return r.equal ? EXIT_PASS : EXIT_FAIL;
  } finally {
    for (const r of opened) await r.close();
  }
}

function asJson(r: WaveCompareResult, a: string, b: string) {
  const time = (t: bigint) => (t <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t) : t.toString());
  return {
    a,
    b,
    equal: r.equal,
    clock: r.clock,
    signals: r.signals.length,
    cycles: { a: r.cyclesA, b: r.cyclesB },
    ...(r.scopeSetAside ? { scopeSetAside: r.scopeSetAside } : {}),
    onlyInA: r.onlyInA,
    onlyInB: r.onlyInB,
    widthMismatches: r.widthMismatches,
    cutShort: r.cutShort ?? [],
    first: r.first ? { cycle: r.first.cycle, timeA: time(r.first.timeA), timeB: time(r.first.timeB), total: r.first.total, differences: r.first.differences } : null,
  };
}

function describe(r: WaveCompareResult, a: string, b: string): string {
  const lines: string[] = [];
  const compared = `${r.signals.length} signal${r.signals.length === 1 ? "" : "s"} at the rising edges of ${r.clock.a}${r.clock.b !== r.clock.a ? ` / ${r.clock.b}` : ""}`;
  if (r.scopeSetAside) lines.push(`note: scope '${r.scopeSetAside.scope}' of ${r.scopeSetAside.file === "a" ? a : b} set aside to match the other file's paths`);
  const only = (list: string[], file: string) => {
    if (list.length) lines.push(`note: ${list.length} signal${list.length === 1 ? "" : "s"} only in ${file}, not compared: ${list.slice(0, 5).join(", ")}${list.length > 5 ? ", ..." : ""}`);
  };
  only(r.onlyInA, a);
  only(r.onlyInB, b);
  for (const c of r.cutShort ?? []) lines.push(`note: ${c.message.startsWith(c.file === "a" ? a : b) ? c.message : `${c.file === "a" ? a : b}: ${c.message}`}; compared up to there`);
  for (const w of r.widthMismatches) lines.push(`differ: ${w.signal} is ${w.a} bits in ${a} and ${w.b} bits in ${b}`);
  if (r.first) {
    const f = r.first;
    lines.push(`differ: first at cycle ${f.cycle} (time ${f.timeA} in ${a}, ${f.timeB} in ${b}): ${f.total} of ${compared} differ${f.total === 1 ? "s" : ""}`);
    const width = Math.max(...f.differences.map((d) => d.signal.length));
    for (const d of f.differences) lines.push(`  ${d.signal.padEnd(width)}  ${show(d.a)}  vs  ${show(d.b)}${bitsApart(d)}`);
    if (f.total > f.differences.length) lines.push(`  ... and ${f.total - f.differences.length} more (--max to list them)`);
  } else if (r.cyclesA !== r.cyclesB) {
    const n = Math.min(r.cyclesA, r.cyclesB);
    lines.push(`differ: equal for ${n} cycles (${compared}), then ${r.cyclesA < r.cyclesB ? a : b} ends: ${r.cyclesA} cycles in ${a}, ${r.cyclesB} in ${b}`);
  } else if (r.equal) {
    lines.push(`equal: ${r.cyclesA} cycles, ${compared}`);
  } else if (r.cutShort) {
    lines.push(`differ: equal for ${r.cyclesA} cycles (${compared}), but ${r.cutShort.map((c) => (c.file === "a" ? a : b)).join(" and ")} is cut short`);
  }
  return lines.join("\n") + "\n";
}

/** A value as a user reads it: bits as hex (and decimal while exact), text as it is. */
function show(v: string | undefined): string {
  if (v === undefined) return "(not set)";
  if (!/^[01]+$/.test(v)) return /^[01xz]+$/.test(v) ? `b${v}` : JSON.stringify(v);
  if (v.length === 1) return v;
  const n = BigInt("0b" + v);
  const hex = "0x" + n.toString(16).padStart(Math.ceil(v.length / 4), "0");
  return v.length <= 53 ? `${hex} (${n})` : hex;
}

/** For bit vectors of one width: which bits differ, when few do ("bit 3"). */
function bitsApart(d: WaveValueDiff): string {
  if (!d.a || !d.b || d.a.length !== d.b.length || d.a.length === 1 || !/^[01xz]+$/.test(d.a + d.b)) return "";
  const bits: number[] = [];
  for (let i = 0; i < d.a.length; i++) if (d.a[i] !== d.b[i]) bits.push(d.a.length - 1 - i);
  return bits.length <= 3 ? `  (bit${bits.length > 1 ? "s" : ""} ${bits.reverse().join(", ")})` : "";
}
