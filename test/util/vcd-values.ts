/**
 * For tests: the values a VCD file shows, signal by signal, to compare two dumps of one run made
 * by different writers (our VCD against GTKWave's fst2vcd of our FST). A small line parser of its
 * own, streaming the file in chunks, that keeps only what a viewer would show:
 *
 *   - signals keyed by full hierarchical name ("top.grid.pe_0_0.acc"); the bit range some writers
 *     put after the name ("acc [31:0]") is dropped; identifier codes are resolved and forgotten;
 *   - per signal the list of (time, value) where its value changes: a vector as a bigint (leading
 *     zeros or not), a scalar as 0n/1n, a string with C escapes undone ("\?3" is "?3"); a value
 *     written again unchanged, and all but the last value written at one time, are dropped;
 *   - header text ($date, $version, $comment, attributes) is ignored; the timescale is kept.
 *
 * So two files compare equal exactly when every signal has the same value at every time.
 */
import * as fs from "node:fs";

export type WaveValue = bigint | string;

export interface SignalChanges {
  /** $var type as written (wire, reg, string, ...) and declared size. */
  type: string;
  size: number;
  times: number[];
  values: WaveValue[];
}

export interface VcdValues {
  timescale: string;
  /** Full name -> its changes (names that share an identifier share one object). */
  signals: Map<string, SignalChanges>;
  /** Every time that has a `#` line. */
  lastTime: number;
}

function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === "x" && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v" } as Record<string, string>)[e] ?? e;
  });
}

/** Reads `file` (a path) line by line. */
function* lines(file: string): Generator<string> {
  const fd = fs.openSync(file, "r");
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let rest = "";
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const text = rest + chunk.toString("latin1", 0, n);
      const parts = text.split("\n");
      rest = parts.pop()!;
      yield* parts;
    }
    if (rest) yield rest;
  } finally {
    fs.closeSync(fd);
  }
}

export function readVcdValues(file: string): VcdValues {
  const byId = new Map<string, SignalChanges>();
  const signals = new Map<string, SignalChanges>();
  const scope: string[] = [];
  let timescale = "";
  let time = 0, lastTime = 0;
  let inHeader = true;
  let pending = ""; // a header command spread over lines
  const set = (id: string, value: WaveValue) => {
    const s = byId.get(id);
    if (!s) throw new Error(`${file}: value for undeclared identifier '${id}'`);
    const n = s.times.length;
    if (n > 0 && s.times[n - 1] === time) {
      s.values[n - 1] = value; // the last write at a time wins
      if (n > 1 && s.values[n - 2] === value) {
        s.times.pop();
        s.values.pop();
      }
      return;
    }
    if (n > 0 && s.values[n - 1] === value) return;
    s.times.push(time);
    s.values.push(value);
  };
  for (const raw of lines(file)) {
    const line = raw.trim();
    if (!line) continue;
    if (inHeader) {
      pending = pending ? pending + " " + line : line;
      if (!/\$end$/.test(pending)) continue;
      const tok = pending.split(/\s+/);
      pending = "";
      switch (tok[0]) {
        case "$scope":
          scope.push(tok[2]);
          break;
        case "$upscope":
          scope.pop();
          break;
        case "$timescale":
          timescale = tok.slice(1, -1).join("");
          break;
        case "$var": {
          const [, type, size, id, name] = tok;
          let s = byId.get(id);
          if (!s) byId.set(id, (s = { type, size: Number(size), times: [], values: [] }));
          signals.set([...scope, name].join("."), s);
          break;
        }
        case "$enddefinitions":
          inHeader = false;
          break;
      }
      continue;
    }
    const c = line[0];
    if (c === "#") {
      time = Number(line.slice(1));
      lastTime = Math.max(lastTime, time);
    } else if (c === "0" || c === "1") {
      set(line.slice(1).trim(), BigInt(c));
    } else if (c === "b" || c === "B") {
      const sp = line.indexOf(" ");
      set(line.slice(sp + 1).trim(), BigInt("0b" + line.slice(1, sp)));
    } else if (c === "s" || c === "S") {
      const sp = line.lastIndexOf(" ");
      set(line.slice(sp + 1), unescape(line.slice(1, sp)));
    } else if (c === "$") {
      // $dumpvars / $end / $comment ... $end around values: no values of their own
    } else {
      throw new Error(`${file}: cannot read value line '${line.slice(0, 80)}'`);
    }
  }
  return { timescale, signals, lastTime };
}

/** The value of `s` at `time` (undefined before its first change). */
export function valueAtTime(s: SignalChanges, time: number): WaveValue | undefined {
  let lo = 0, hi = s.times.length - 1, ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.times[mid] <= time) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans < 0 ? undefined : s.values[ans];
}

/**
 * The differences between two dumps, as messages (empty when equal): signals only in one, and per
 * signal the first time its values differ. At most `max` messages.
 */
export function compareVcdValues(a: VcdValues, b: VcdValues, max = 20): string[] {
  const out: string[] = [];
  if (a.timescale !== b.timescale) out.push(`timescale ${a.timescale} vs ${b.timescale}`);
  for (const name of a.signals.keys()) if (!b.signals.has(name)) out.push(`${name}: only in the first`);
  for (const name of b.signals.keys()) if (!a.signals.has(name)) out.push(`${name}: only in the second`);
  for (const [name, sa] of a.signals) {
    if (out.length >= max) break;
    const sb = b.signals.get(name);
    if (!sb) continue;
    const n = Math.max(sa.times.length, sb.times.length);
    for (let i = 0; i < n; i++) {
      if (sa.times[i] !== sb.times[i] || sa.values[i] !== sb.values[i]) {
        const t = Math.min(sa.times[i] ?? Infinity, sb.times[i] ?? Infinity);
        out.push(`${name}: at time ${t}: ${String(valueAtTime(sa, t))} vs ${String(valueAtTime(sb, t))}`);
        break;
      }
    }
  }
  return out.slice(0, max);
}
