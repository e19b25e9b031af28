/**
 * The value changes of a VCD (everything after `$enddefinitions $end`), parsed from bytes: `#t`,
 * scalars `0!`, vectors `b101 !`, reals `r1.5 !`, strings `sIDLE !`; $dumpvars, $dumpall,
 * $dumpon and $dumpoff only wrap changes, so their keywords and $end are passed over; $comment
 * (and any other command) is skipped to its $end.
 *
 * `parse` takes the records that are whole in buf[p, limit) and returns where the first one that
 * is not starts (a value whose identifier is in the next chunk), for the caller to carry over.
 * Strings are made only for the ids wanted; the identifier is looked up from its bytes. Token scans
 * rely on ChunkReader's sentinel (a space at buf[end]) instead of checking the bound.
 */
import { WaveFileError } from "./errors.js";
import type { WaveStep } from "./types.js";
import { STATE, StepBuilder, fitBits, foldStates, realText, unescapeString } from "./values.js";
import type { IdTable } from "./vcd-ids.js";

const HASH = 35, DOLLAR = 36, ZERO = 48, ONE = 49, NINE = 57, X = 120, Z = 122;
const LOWER_B = 98, UPPER_B = 66, LOWER_R = 114, UPPER_R = 82, LOWER_S = 115, UPPER_S = 83;
const IGNORED = new Set(["$end", "$dumpvars", "$dumpall", "$dumpon", "$dumpoff"]);

/**
 * buf[a, b) as latin1: Buffer's own latin1Slice when it has one (Node's, undocumented but there
 * since Node 0.x), which skips toString's argument checks: a quarter of the time of a value change.
 */
const latin1: (buf: Buffer, a: number, b: number) => string =
  typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === "function"
    ? (buf, a, b) => (buf as unknown as { latin1Slice(a: number, b: number): string }).latin1Slice(a, b)
    : (buf, a, b) => buf.toString("latin1", a, b);

export class VcdBody {
  /** Steps made whole, for the caller to hand on. */
  ready: WaveStep[] = [];
  private time = 0n; // values before the first timestamp are at time 0
  private skipping = false; // inside $comment ... $end
  private readonly builder: StepBuilder;

  constructor(
    private readonly file: string,
    private readonly ids: IdTable,
    private readonly widths: Int32Array,
    private readonly wanted: Uint8Array,
    private line: number,
  ) {
    this.builder = new StepBuilder(widths.length);
  }

  parse(buf: Buffer, p: number, limit: number, eof: boolean): number {
    const { ids, wanted, builder, widths } = this;
    let line = this.line;
    while (p < limit) {
      let c = buf[p];
      if (c <= 32) {
        if (c === 10) line++;
        p++;
        continue;
      }
      const start = p, startLine = line;
      let q = p + 1;
      if (this.skipping) {
        while (buf[q] > 32) q++;
        if (q - p === 4 && c === DOLLAR && buf[p + 1] === 101 && buf[p + 2] === 110 && buf[p + 3] === 100) this.skipping = false;
        p = q;
        continue;
      }
      if (c === HASH) {
        let t = 0;
        while ((c = buf[q]) > 32) {
          if (c < ZERO || c > NINE) this.fail(`timestamp '${this.text(buf, p, limit)}' is not # followed by digits`, line);
          t = t * 10 + (c - ZERO);
          q++;
        }
        if (q === p + 1) this.fail("'#' without a time after it", line);
        this.setTime(q - p - 1 > 15 ? BigInt(buf.toString("latin1", p + 1, q)) : BigInt(t), line);
        p = q;
        continue;
      }
      const state = STATE[c];
      if (state !== 0) {
        // a scalar: the state and the identifier in one token
        while (buf[q] > 32) q++;
        if (q === p + 1) this.fail(`value '${String.fromCharCode(c)}' without an identifier right after it`, line);
        const id = ids.lookup(buf, p + 1, q);
        if (id < 0) this.unknown(buf, p + 1, q, line);
        if (wanted[id] !== 0) builder.set(id, widths[id] === 1 ? SCALAR[state] : fitBits(SCALAR[state], widths[id]));
        p = q;
        continue;
      }
      if (c === LOWER_B || c === UPPER_B || c === LOWER_R || c === UPPER_R || c === LOWER_S || c === UPPER_S) {
        let plain = true; // only 0 1 x z
        while ((c = buf[q]) > 32) {
          if (c !== ZERO && c !== ONE && c !== X && c !== Z) plain = false;
          q++;
        }
        const valueEnd = q;
        while (q < limit && buf[q] <= 32) {
          if (buf[q] === 10) line++;
          q++;
        }
        if (q >= limit) {
          if (eof) this.fail(`value '${this.text(buf, p, valueEnd)}' has no identifier after it (file cut short?)`, startLine);
          this.line = startLine;
          return start; // its identifier is in the next chunk
        }
        const idAt = q;
        while (buf[q] > 32) q++;
        const id = ids.lookup(buf, idAt, q);
        if (id < 0) this.unknown(buf, idAt, q, line);
        if (wanted[id] !== 0) builder.set(id, this.value(buf, p, valueEnd, plain, widths[id], startLine));
        p = q;
        continue;
      }
      if (c === DOLLAR) {
        while (buf[q] > 32) q++;
        const word = latin1(buf, p, q);
        if (!IGNORED.has(word)) this.skipping = true; // $comment and anything else: to its $end
        p = q;
        continue;
      }
      this.fail(`cannot read '${this.text(buf, p, limit)}': expected #time, a value change (0! b101 ! r1.5 ! sTEXT !) or a $ command`, line);
    }
    this.line = line;
    return p;
  }

  /** The step being gathered, made whole (at the end of the file). */
  finish(): void {
    if (this.skipping) this.fail("a $comment (or other command) is not closed by $end before the end of the file", this.line);
    this.flush();
  }

  private setTime(t: bigint, line: number): void {
    if (t === this.time) return;
    if (t < this.time) this.fail(`time goes back from ${this.time} to ${t}; VCD times must not decrease`, line);
    this.flush();
    this.time = t;
  }

  private flush(): void {
    if (!this.builder.empty) this.ready.push({ time: this.time, changes: this.builder.take() });
  }

  /** The value of a b/r/s token buf[a, b) as reported. */
  private value(buf: Buffer, a: number, b: number, plain: boolean, width: number, line: number): string {
    const kind = buf[a] | 32; // lowercase
    const text = latin1(buf, a + 1, b);
    if (kind === LOWER_B) {
      if (text.length === 0) this.fail("'b' without bits after it", line);
      const bits = plain ? text : foldStates(text);
      if (bits === undefined) this.fail(`'b${text.slice(0, 40)}' is not a binary value (digits 0 1 x z)`, line);
      return fitBits(bits!, width);
    }
    if (kind === LOWER_R) return realText(text);
    return unescapeString(text);
  }

  private unknown(buf: Buffer, a: number, b: number, line: number): never {
    return this.fail(`value change for identifier '${buf.toString("latin1", a, b)}' that no $var declares`, line);
  }

  /** The token at `a`, for messages. */
  private text(buf: Buffer, a: number, limit: number): string {
    let b = a;
    while (b < limit && buf[b] > 32 && b - a < 40) b++;
    return buf.toString("latin1", a, b);
  }

  private fail(msg: string, line: number): never {
    throw new WaveFileError(this.file, msg, line);
  }
}

const SCALAR: string[] = [];
for (let c = 0; c < 256; c++) SCALAR[c] = String.fromCharCode(c);
