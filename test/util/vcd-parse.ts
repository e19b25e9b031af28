/**
 * Parses a VCD file with vcd-stream's wasm build (an independent parser) for tests.
 *
 *   const vcd = await parseVcd("waves/x.vcd");          // or the file's bytes / text
 *   vcd.vars                // every $var: path "top.sub.q", type, size, id
 *   vcd.changesOf("top.q")  // [{ time: 0n, value: 5n }, { time: 10n, value: 7n }, ...]
 *   valueAt(vcd.changesOf("top.q"), 15n)
 *
 * The wasm module is loaded once per process and reused; parses run one at a time (the module's
 * parser state lives in static C buffers).
 *
 * Limits of vcd-stream 1.5 that this works around or reports:
 *  - String value changes (`sIDLE !`, for `$var string`) stop its parser (error 4, "Expected
 *    simulation command"). This module takes lines of the form `s<text> <id>` out of the simulation
 *    section before vcd-stream sees it and records them itself; they are the only thing not
 *    checked by vcd-stream. Their `$var string` declarations do go through vcd-stream.
 *  - Its wasm build reads times with a 32-bit strtoul: times above 2^32 - 1 are clamped. A file
 *    with such a time is refused here rather than silently misread.
 *  - On a parse error it only prints a number and drops the rest of the file; this module catches
 *    that print and also checks that vcd-stream reported exactly as many value changes as the file
 *    holds, so a file it could not fully parse makes parseVcd throw.
 *  - A header command ($var, $scope, ...) split across two written chunks is misread (each part is
 *    taken as a whole command), and a chunk above ~128 KiB overflows the wasm stack and leaves the
 *    module corrupt. So the header is fed in whole lines, chunks stay at 32 KiB, and the module is
 *    loaded afresh after any failure. Value changes may be split anywhere.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export type VcdValue = bigint | string;

export interface VcdChange {
  time: bigint;
  value: VcdValue;
}

export interface VcdVar {
  /** Dotted scope path and name: "top.sub.q". */
  path: string;
  scope: string[];
  name: string;
  /** $var type: wire, reg, string, ... */
  type: string;
  size: number;
  id: string;
}

export interface VcdScope {
  name: string;
  type: string;
  vars: VcdVar[];
  scopes: VcdScope[];
}

export interface ParsedVcd {
  date?: string;
  version?: string;
  timescale?: string;
  root: VcdScope;
  vars: VcdVar[];
  /** Changes by identifier code, in file order. */
  changes: Map<string, VcdChange[]>;
  /** Every `#time` in file order (read by this module, not vcd-stream, which does not report them). */
  timestamps: bigint[];
  /** The text between $enddefinitions and the end, as written. */
  body: string;
  varAt(path: string): VcdVar;
  changesOf(path: string): VcdChange[];
}

/** The value a var holds at `time`, from its change list (undefined before its first change). */
export function valueAt(changes: readonly VcdChange[], time: bigint): VcdValue | undefined {
  let v: VcdValue | undefined;
  for (const c of changes) {
    if (c.time > time) break;
    v = c.value;
  }
  return v;
}

interface StreamParser extends NodeJS.WritableStream {
  info: { wires: WireScope; date?: string; version?: string; timescale?: string; t0?: bigint };
  change: { any(fn: (id: string, time: bigint, cmd: number, value?: bigint, mask?: bigint) => void): void };
}
interface WireScope {
  kind: "scope";
  type: string;
  name: string;
  body: (WireScope | WireVar)[];
}
interface WireVar {
  kind: "var";
  type: string;
  size: number;
  link: string;
  name: string;
}

let wasmModule: Promise<unknown> | undefined;
function loadWasm(): Promise<unknown> {
  if (!wasmModule) {
    const createVCD = require("vcd-stream/out/vcd.js") as () => Promise<unknown>;
    wasmModule = createVCD();
  }
  return wasmModule;
}

let queue: Promise<unknown> = Promise.resolve();

export function parseVcd(input: string | Uint8Array, opts: { chunkBytes?: number } = {}): Promise<ParsedVcd> {
  const run = queue.then(() =>
    parseNow(input, Math.min(opts.chunkBytes ?? 1 << 15, 1 << 15)).catch((e: unknown) => {
      wasmModule = undefined; // a failed parse may leave the wasm instance corrupt
      throw e;
    }),
  );
  queue = run.catch(() => undefined);
  return run;
}

/** Chunk ends: inside the header only after a newline (a line is never split), anywhere after. */
function chunkEnds(bytes: Buffer, headerEnd: number, size: number): number[] {
  const ends: number[] = [];
  let off = 0;
  while (off < bytes.length) {
    let end = Math.min(bytes.length, off + size);
    if (end < headerEnd) {
      const nl = bytes.lastIndexOf(10, end - 1);
      end = nl >= off ? nl + 1 : bytes.indexOf(10, end) + 1 || bytes.length;
    }
    ends.push(end);
    off = end;
  }
  return ends;
}

const SCALAR: Record<number, VcdValue> = { 14: 0n, 15: 1n };
const STATE_CHARS = "0 1 x X z Z u U w W l L h H -".split(" "); // commands 14..28

async function parseNow(input: string | Uint8Array, chunkBytes: number): Promise<ParsedVcd> {
  const bytes = typeof input === "string" ? fs.readFileSync(input) : Buffer.from(input);
  const text = bytes.toString("latin1");
  const endDefs = /\$enddefinitions\s+\$end/.exec(text);
  if (!endDefs) throw new Error("VCD has no '$enddefinitions $end': the header is incomplete");
  const headerEnd = endDefs.index + endDefs[0].length;
  const body = text.slice(headerEnd);

  // Our own scan of the simulation section: timestamps, string changes (taken out), and the
  // number of value changes vcd-stream must report.
  const kept: string[] = [];
  const stringChanges: { id: string; change: VcdChange }[] = [];
  const timestamps: bigint[] = [];
  let time = -1n;
  let valueChanges = 0;
  let inComment = false;
  for (const line of body.split("\n")) {
    const tokens = line.trim().split(/\s+/).filter((t) => t.length > 0);
    if (tokens.length === 2 && !inComment && (tokens[0][0] === "s" || tokens[0][0] === "S")) {
      stringChanges.push({ id: tokens[1], change: { time, value: tokens[0].slice(1) } });
      continue;
    }
    kept.push(line);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (inComment) {
        if (t === "$end") inComment = false;
      } else if (t === "$comment") inComment = true;
      else if (t[0] === "$") continue; // $dumpvars $end $dumpall ...
      else if (t[0] === "#") {
        time = BigInt(t.slice(1));
        if (time > 0xffffffffn) throw new Error(`VCD time #${time} is above 2^32 - 1, which vcd-stream's wasm build clamps`);
        timestamps.push(time);
      } else if ("bBrR".includes(t[0])) {
        valueChanges++;
        i++; // the identifier
      } else {
        valueChanges++;
        if (t.length === 1) i++; // "0 !" style: identifier as its own token
      }
    }
  }
  const fed = Buffer.from(text.slice(0, headerEnd) + kept.join("\n"), "latin1");

  const wasm = await loadWasm();
  const webVcdParser = require("vcd-stream/lib/web-vcd-parser.js") as (w: unknown) => Promise<StreamParser>;
  const parser = await webVcdParser(wasm);
  const changes = new Map<string, VcdChange[]>();
  let reported = 0;
  parser.change.any((id, t, cmd, value, mask) => {
    reported++;
    let v: VcdValue;
    if (cmd in SCALAR) v = SCALAR[cmd];
    else if (cmd >= 16 && cmd <= 28) v = STATE_CHARS[cmd - 14];
    else if (cmd === 30 || cmd === 31) v = mask !== undefined && mask !== 0n ? `x(mask ${mask.toString(2)})` : value!;
    else v = `?cmd${cmd}`;
    let list = changes.get(id);
    if (!list) changes.set(id, (list = []));
    list.push({ time: BigInt(t), value: v });
  });

  // web-vcd-parser reports a parse error only by console.log(<code>): catch it.
  const printed: unknown[][] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args);
  try {
    await new Promise<void>((resolve, reject) => {
      parser.on("finish", () => resolve());
      parser.on("error", reject);
      let off = 0;
      for (const end of chunkEnds(fed, headerEnd, chunkBytes)) {
        parser.write(fed.subarray(off, end));
        off = end;
      }
      parser.end();
    });
  } finally {
    console.log = log;
  }
  if (printed.length > 0) throw new Error(`vcd-stream failed to parse the VCD: it printed ${JSON.stringify(printed.map((a) => a.map(String)))}`);
  if (reported !== valueChanges) {
    throw new Error(`vcd-stream reported ${reported} value changes but the file holds ${valueChanges}: it stopped parsing part of it`);
  }

  for (const { id, change } of stringChanges) {
    let list = changes.get(id);
    if (!list) changes.set(id, (list = []));
    list.push(change);
  }
  for (const list of changes.values()) list.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)); // stable

  const vars: VcdVar[] = [];
  const convert = (w: WireScope, scope: string[]): VcdScope => {
    const s: VcdScope = { name: w.name, type: w.type, vars: [], scopes: [] };
    for (const item of w.body) {
      if (item.kind === "var") {
        const v: VcdVar = { path: [...scope, item.name].join("."), scope, name: item.name, type: item.type, size: item.size, id: item.link };
        s.vars.push(v);
        vars.push(v);
      } else s.scopes.push(convert(item, [...scope, item.name]));
    }
    return s;
  };
  const root = convert(parser.info.wires, []);
  const byPath = new Map(vars.map((v) => [v.path, v]));
  const varAt = (path: string): VcdVar => {
    const v = byPath.get(path);
    if (!v) throw new Error(`no var '${path}' in the VCD; it has ${vars.map((x) => x.path).join(", ")}`);
    return v;
  };
  return {
    date: parser.info.date,
    version: parser.info.version,
    timescale: parser.info.timescale,
    root,
    vars,
    changes,
    timestamps,
    body,
    varAt,
    changesOf: (path) => changes.get(varAt(path).id) ?? [],
  };
}
