/**
 * SCALE-Sim v2's `.cfg` file (scalesim/scale_config.py, read_conf_file), read the way Python's
 * configparser reads it: `[section]` headers (case-sensitive), `key = value` or `key: value` lines
 * whose keys are case-insensitive, `#`/`;` comment lines, indented continuation lines, a [DEFAULT]
 * section whose keys every section inherits, and no duplicate sections or keys. Where SCALE-Sim
 * would crash, warn and carry on, or silently misread, we stop with a UserError naming the file,
 * line and key, and saying how to mend it.
 */
import { readTextFile } from "../io/input-file.js";
import { UserError } from "../io/user-error.js";
import type { Dataflow } from "../golden/scalesim.js";

export class ScaleSimConfigError extends UserError {
  constructor(message: string, where: { file: string; line?: number; field?: string }) {
    super(message, where);
    this.name = "ScaleSimConfigError";
  }
}

export interface ScaleSimConfig {
  readonly file: string;
  /** [general] run_name: SCALE-Sim writes its reports into <outdir>/<run_name>/. */
  readonly runName: string;
  /** [architecture_presets] ArrayHeight (rows, R) and ArrayWidth (columns, C). */
  readonly arrayHeight: number;
  readonly arrayWidth: number;
  /** SRAM sizes in kB; SCALE-Sim's word is one byte, so each holds 1024 * kB words. */
  readonly ifmapSramKB: number;
  readonly filterSramKB: number;
  readonly ofmapSramKB: number;
  /** Base addresses of the three operands in SCALE-Sim's traces. */
  readonly ifmapOffset: number;
  readonly filterOffset: number;
  readonly ofmapOffset: number;
  readonly dataflow: Dataflow;
  /** [run_presets] InterfaceBandwidth: USER takes Bandwidth (words/cycle); CALC lets SCALE-Sim estimate. */
  readonly interfaceBandwidth: "USER" | "CALC";
  /** Bandwidth, one per memory bank; read only in USER mode (SCALE-Sim uses the first for all three buffers). */
  readonly bandwidths: readonly number[];
  /** MemoryBanks when given (1 otherwise). */
  readonly memoryBanks: number;
  /** [network_presets] TopologyCsvLoc without its quotes, when present. */
  readonly topologyCsvLoc?: string;
  /** Every section as read (keys lower-cased, as configparser stores them), known keys or not. */
  readonly sections: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

interface Entry {
  value: string;
  line: number;
  key: string;
}

interface Section {
  line: number;
  entries: Map<string, Entry>;
}

/** configparser's reading, with the line of every key for messages. */
function parseIni(text: string, file: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  const err = (line: number, msg: string) => new ScaleSimConfigError(msg, { file, line });
  let current: Section | undefined;
  let last: { entry: Entry; indent: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) {
      if (trimmed === "") last = undefined; // a blank line ends a multi-line value
      return;
    }
    const indent = raw.length - raw.trimStart().length;
    if (last && indent > last.indent) {
      last.entry.value += "\n" + trimmed; // continuation of the value above
      return;
    }
    const header = /^\[(.+)\]/.exec(trimmed);
    if (header) {
      const name = header[1];
      if (sections.has(name)) throw err(line, `section [${name}] appears twice (first on line ${sections.get(name)!.line}); merge them`);
      current = { line, entries: new Map() };
      sections.set(name, current);
      last = undefined;
      return;
    }
    if (!current) throw err(line, `'${trimmed}' comes before any [section] header; start the file with [general]`);
    const m = /^(.*?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!m || m[1] === "") throw err(line, `'${trimmed}' is not 'key = value' or 'key: value'`);
    const key = m[1].toLowerCase();
    const prior = current.entries.get(key);
    if (prior) throw err(line, `'${m[1]}' is set twice in this section (also on line ${prior.line}; keys ignore case); keep one`);
    const entry = { value: m[2], line, key: m[1] };
    current.entries.set(key, entry);
    last = { entry, indent };
  });
  return sections;
}

/** Typed access to the sections SCALE-Sim reads, with messages that name the place to fix. */
class Reader {
  constructor(readonly file: string, readonly sections: Map<string, Section>) {}

  section(name: string): Section {
    const s = this.sections.get(name);
    if (s) return s;
    const near = [...this.sections.keys()].find((k) => k.trim().toLowerCase() === name);
    const hint = near !== undefined ? ` (there is [${near}]: section names are case- and space-sensitive in SCALE-Sim)` : "";
    throw new ScaleSimConfigError(`no [${name}] section${hint}; SCALE-Sim v2 needs [general], [architecture_presets] and [run_presets]`, { file: this.file });
  }

  /** The entry for `key` in `section`, or in [DEFAULT] as configparser falls back. */
  find(section: string, key: string): Entry | undefined {
    return this.section(section).entries.get(key.toLowerCase()) ?? this.sections.get("DEFAULT")?.entries.get(key.toLowerCase());
  }

  get(section: string, key: string, example: string): Entry {
    const e = this.find(section, key);
    if (e) return e;
    throw new ScaleSimConfigError(`[${section}] has no ${key}; add a line '${key}: ${example}'`, { file: this.file, line: this.section(section).line, field: key });
  }

  text(e: Entry, field: string): string {
    if (e.value.includes("%") && !/^[^%]*(%%[^%]*)*$/.test(e.value)) {
      throw new ScaleSimConfigError(`'${e.value}': configparser reads '%' as interpolation; write '%%' for a literal '%'`, { file: this.file, line: e.line, field });
    }
    return e.value.replace(/%%/g, "%");
  }

  /** Python int(): optional sign, digits with single underscores between them. */
  int(section: string, key: string, example: string, min: number): number {
    const e = this.get(section, key, example);
    return this.intOf(e, key, example, min);
  }

  intOf(e: Entry, field: string, example: string, min: number, value = e.value): number {
    const s = value.trim();
    if (!/^[+-]?\d+(_\d+)*$/.test(s)) {
      throw new ScaleSimConfigError(`'${s}' is not a whole number (SCALE-Sim reads it with int()); write e.g. '${field}: ${example}'`, { file: this.file, line: e.line, field });
    }
    const v = Number(s.replace(/_/g, ""));
    if (!Number.isSafeInteger(v)) throw new ScaleSimConfigError(`${s} is too large`, { file: this.file, line: e.line, field });
    if (v < min) throw new ScaleSimConfigError(`${field} is ${v}; it must be at least ${min}`, { file: this.file, line: e.line, field });
    return v;
  }
}

const DATAFLOWS: readonly Dataflow[] = ["os", "ws", "is"];

export function parseScaleSimConfig(text: string, file: string): ScaleSimConfig {
  const r = new Reader(file, parseIni(text, file));
  const AP = "architecture_presets";
  const runName = r.text(r.get("general", "run_name", "my_run"), "run_name").trim();
  if (runName === "") throw new ScaleSimConfigError("run_name is empty; SCALE-Sim names the report folder after it", { file, line: r.get("general", "run_name", "my_run").line, field: "run_name" });

  // SCALE-Sim compares these values exactly: 'user' or 'Os' would be misread, so say so.
  const bwEntry = r.get("run_presets", "InterfaceBandwidth", "CALC");
  const bwMode = bwEntry.value.trim();
  if (bwMode !== "USER" && bwMode !== "CALC") {
    throw new ScaleSimConfigError(`InterfaceBandwidth is '${bwMode}'; write USER (use Bandwidth) or CALC (estimate it), in capitals as SCALE-Sim compares them`, { file, line: bwEntry.line, field: "InterfaceBandwidth" });
  }
  const dfEntry = r.get(AP, "Dataflow", "os");
  const dataflow = dfEntry.value.trim() as Dataflow;
  if (!DATAFLOWS.includes(dataflow)) {
    throw new ScaleSimConfigError(`Dataflow is '${dfEntry.value.trim()}'; write os, ws or is in lower case (SCALE-Sim runs anything else as os after a warning)`, { file, line: dfEntry.line, field: "Dataflow" });
  }

  const banksEntry = r.find(AP, "MemoryBanks");
  const memoryBanks = banksEntry ? r.intOf(banksEntry, "MemoryBanks", "1", 1) : 1;
  let bandwidths: number[] = [];
  if (bwMode === "USER") {
    const e = r.get(AP, "Bandwidth", "10");
    bandwidths = e.value.trim().split(",").map((x) => r.intOf(e, "Bandwidth", "10", 1, x));
    if (banksEntry && bandwidths.length !== memoryBanks) {
      throw new ScaleSimConfigError(`Bandwidth lists ${bandwidths.length} value(s) but MemoryBanks is ${memoryBanks}; in USER mode give one bandwidth per bank`, { file, line: e.line, field: "Bandwidth" });
    }
  }

  let topologyCsvLoc: string | undefined;
  const net = r.sections.get("network_presets");
  if (net) {
    const e = net.entries.get("topologycsvloc");
    if (e) topologyCsvLoc = e.value.trim().replace(/^"(.*)"$/, "$1");
  }

  const sections: Record<string, Record<string, string>> = {};
  for (const [name, s] of r.sections) sections[name] = Object.fromEntries([...s.entries].map(([k, e]) => [k, e.value]));

  return {
    file,
    runName,
    arrayHeight: r.int(AP, "ArrayHeight", "32", 1),
    arrayWidth: r.int(AP, "ArrayWidth", "32", 1),
    ifmapSramKB: r.int(AP, "IfmapSramSzkB", "64", 1),
    filterSramKB: r.int(AP, "FilterSramSzkB", "64", 1),
    ofmapSramKB: r.int(AP, "OfmapSramSzkB", "64", 1),
    ifmapOffset: r.int(AP, "IfmapOffset", "0", 0),
    filterOffset: r.int(AP, "FilterOffset", "10000000", 0),
    ofmapOffset: r.int(AP, "OfmapOffset", "20000000", 0),
    dataflow,
    interfaceBandwidth: bwMode,
    bandwidths,
    memoryBanks,
    topologyCsvLoc,
    sections,
  };
}

export function readScaleSimConfig(file: string): ScaleSimConfig {
  return parseScaleSimConfig(readTextFile(file, "-c"), file);
}
