/**
 * The header of a VCD file, read token by token up to `$enddefinitions $end`: the vars with their
 * full paths ($scope of any type nests them; the bit range after a name, attached or not, is
 * dropped), the identifier codes made into ids in order of first declaration, and the timescale
 * (its number and unit may be one token or two). $date, $version, $comment and commands we do not
 * know are skipped to their $end. Returns where the value changes start.
 */
import type { FileHandle } from "node:fs/promises";
import { ChunkReader } from "./chunks.js";
import { WaveFileError } from "./errors.js";
import { stripRange } from "./names.js";
import type { WaveTimescale, WaveVarInfo } from "./types.js";
import { IdTable } from "./vcd-ids.js";

/** Command keywords: one inside another command's arguments means a missing $end. */
const COMMANDS = new Set(["$var", "$scope", "$upscope", "$timescale", "$enddefinitions", "$date", "$version", "$comment", "$dumpvars"]);

export interface VcdHeader {
  vars: WaveVarInfo[];
  timescale: WaveTimescale;
  ids: IdTable;
  /** Per id: the width of the first var that declared it. */
  widths: Int32Array;
  /** File offset and line where the value changes start (just after `$enddefinitions $end`). */
  dataOffset: number;
  dataLine: number;
}

/** "1 ns" / "10ps" / "100 us" as a WaveTimescale; undefined when it is none of those. */
export function parseTimescale(text: string): WaveTimescale | undefined {
  const m = /^(1|10|100)\s*(s|ms|us|ns|ps|fs)$/.exec(text.trim());
  if (!m) return undefined;
  const exponent = { s: 0, ms: -3, us: -6, ns: -9, ps: -12, fs: -15 }[m[2] as "s"];
  return { magnitude: Number(m[1]) as 1 | 10 | 100, exponent };
}

export async function readVcdHeader(fh: FileHandle, file: string, chunk: number): Promise<VcdHeader> {
  const src = new ChunkReader(fh, file, 0, chunk);
  const vars: WaveVarInfo[] = [];
  const widths: number[] = [];
  const ids = new IdTable();
  const scope: string[] = [];
  let timescale: WaveTimescale | undefined;
  let line = 1;
  // the command being read: its name, the line it starts on, its arguments so far
  let cmd: string | undefined;
  let cmdLine = 0;
  let args: string[] = [];

  const fail = (msg: string, at = cmdLine): never => {
    throw new WaveFileError(file, msg, at);
  };

  /** A whole command (its $end read); true at $enddefinitions. */
  const command = (): boolean => {
    switch (cmd) {
      case "$scope":
        if (args.length === 0) fail("$scope without a name; write `$scope module <name> $end`");
        scope.push(args[args.length - 1]);
        break;
      case "$upscope":
        if (scope.length === 0) fail("$upscope without an open $scope");
        scope.pop();
        break;
      case "$var": {
        if (args.length < 4) fail(`$var needs a type, a size, an identifier and a name, got '${args.join(" ")}'; write e.g. \`$var wire 8 ! count [7:0] $end\``);
        const [kind, size, code] = args;
        const width = Number(size);
        if (!/^\d+$/.test(size)) fail(`$var ${args.join(" ")}: size '${size}' is not a whole number`);
        const name = stripRange(args.slice(3).join(" "));
        const fresh = ids.count;
        const id = ids.add(code);
        if (id === fresh) widths.push(width);
        vars.push({ path: scope.length ? scope.join(".") + "." + name : name, width, kind, id });
        break;
      }
      case "$timescale": {
        timescale = parseTimescale(args.join(""));
        if (!timescale) fail(`$timescale '${args.join(" ")}' is not 1, 10 or 100 followed by s, ms, us, ns, ps or fs`);
        break;
      }
      case "$enddefinitions":
        return true;
    }
    return false;
  };

  let done = false;
  let keep = 0;
  while (!done) {
    await src.refill(keep);
    const buf = src.buf, limit = src.limit();
    let p = 0;
    while (p < limit) {
      const c = buf[p];
      if (c <= 32) {
        if (c === 10) line++;
        p++;
        continue;
      }
      const a = p;
      while (p < limit && buf[p] > 32) p++;
      const tok = buf.toString("latin1", a, p);
      if (cmd === undefined) {
        if (tok[0] !== "$") {
          if (vars.length > 0 || tok[0] === "#") fail(`'${tok.slice(0, 40)}' before $enddefinitions; the header must end with \`$enddefinitions $end\``, line);
          fail(`not a VCD file: it starts with '${tok.slice(0, 40)}' where a $ command ($date, $timescale, $scope, $var, ...) was expected`, line);
        }
        if (tok === "$end") fail("$end without a command before it", line);
        cmd = tok;
        cmdLine = line;
        args = [];
      } else if (tok === "$end") {
        done = command();
        cmd = undefined;
        if (done) {
          const timescaleOr = timescale ?? { magnitude: 1, exponent: -9 }; // none given: 1ns, as GTKWave assumes
          return { vars, timescale: timescaleOr, ids, widths: Int32Array.from(widths), dataOffset: src.offset + p, dataLine: line };
        }
      } else if (cmd === "$var" || cmd === "$scope" || cmd === "$timescale" || cmd === "$upscope" || cmd === "$enddefinitions") {
        if (COMMANDS.has(tok)) fail(`${cmd} is missing its $end before '${tok}'`); // ("$" alone is an identifier code)
        args.push(tok);
      } // else: $date, $version, $comment and unknown commands: their text is skipped
    }
    keep = limit;
    if (src.eof) break;
  }
  if (cmd !== undefined) fail(`${cmd} is not closed by $end before the end of the file (cut short?)`);
  return fail(vars.length ? "the file ends before `$enddefinitions $end` (cut short?)" : "empty or not a VCD file: no header ($timescale, $scope, $var, $enddefinitions)", line);
}
