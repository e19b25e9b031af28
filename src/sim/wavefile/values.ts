/**
 * Values as both readers report them (see WaveReader.steps): bit vectors as "01xz" strings of
 * exactly the var's width, strings with escapes undone, reals as `String(number)`; and the step
 * being gathered, which keeps only the last value of an id at one time.
 */
import type { WaveChange } from "./types.js";

/**
 * Per byte: the "01xz" char it stands for, 0 when it is no logic state. 9-state values (FST's
 * "xzhuwl-?", VHDL std_logic in VCD) are folded: weak h/l are 1/0, the rest unknown.
 */
export const STATE = new Uint8Array(256);
for (const [from, to] of [["0", "0"], ["1", "1"], ["xXuUwW-?", "x"], ["zZ", "z"], ["hH", "1"], ["lL", "0"]]) {
  for (const c of from) STATE[c.charCodeAt(0)] = to.charCodeAt(0);
}

/** `s` with every state char folded onto "01xz"; undefined when a char is no logic state. */
export function foldStates(s: string): string | undefined {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const c = code < 256 ? STATE[code] : 0;
    if (c === 0) return undefined;
    out += String.fromCharCode(c);
  }
  return out;
}

/**
 * Bits `s` ("01xz", MSB first) made exactly `width` long the VCD way: a shorter value is extended
 * on the left with 0 when it starts with 0 or 1, with x or z when it starts with x or z; a longer
 * one keeps its first `width` chars, as GTKWave does (vcd2fst, and so wavediff against its FSTs).
 */
export function fitBits(s: string, width: number): string {
  const n = s.length;
  if (n === width || width <= 0) return s;
  if (n > width) return s.slice(0, width);
  const c = s.charCodeAt(0);
  if (c === 120 || c === 122) return s.padStart(width, c === 120 ? "x" : "z");
  // zero padding is the common case (writers drop leading zeros): a cached run of zeros joined to
  // the digits is cheaper than padStart's copy
  const k = width - n;
  return (k < ZEROS.length ? ZEROS[k] : "0".repeat(k)) + s;
}

const ZEROS: string[] = [];
for (let k = 0; k <= 256; k++) ZEROS.push("0".repeat(k));

/** A VCD real's text as `String(number)`; text that is no number stays as it is. */
export function realText(text: string): string {
  const x = Number(text);
  if (!Number.isNaN(x)) return String(x);
  const t = text.toLowerCase();
  if (/^[+-]?nan$/.test(t)) return "NaN";
  if (/^\+?inf(inity)?$/.test(t)) return "Infinity";
  if (/^-inf(inity)?$/.test(t)) return "-Infinity";
  return text;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v" };

/**
 * A VCD string value with its C escapes undone: \n \t \r \a \b \f \v, \xHH, octal \ooo (what
 * GTKWave's fst2vcd writes for bytes that are not printable), and \c for any other c ("\?" is "?").
 */
export function unescapeString(s: string): string {
  if (s.indexOf("\\") < 0) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|[\s\S])/g, (_, e: string) => {
    if (e.length === 3 && e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8) & 255);
    return SIMPLE_ESCAPES[e] ?? e;
  });
}

/**
 * The changes of the time being read: one entry per id, the last value set winning. `take()` hands
 * them over and starts the next time. Memory: one stamp and one slot per id.
 */
export class StepBuilder {
  private readonly stamp: Int32Array;
  private readonly slot: Int32Array;
  private gen = 1;
  changes: WaveChange[] = [];

  constructor(idCount: number) {
    this.stamp = new Int32Array(idCount);
    this.slot = new Int32Array(idCount);
  }

  set(id: number, value: string): void {
    if (this.stamp[id] === this.gen) {
      this.changes[this.slot[id]].value = value;
      return;
    }
    this.stamp[id] = this.gen;
    this.slot[id] = this.changes.length;
    this.changes.push({ id, value });
  }

  get empty(): boolean {
    return this.changes.length === 0;
  }

  take(): WaveChange[] {
    const c = this.changes;
    this.changes = [];
    this.gen++;
    return c;
  }
}
