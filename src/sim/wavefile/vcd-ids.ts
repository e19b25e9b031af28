/**
 * VCD identifier codes to id numbers, looked up straight from the bytes of a value change so that
 * reading a change makes no string. Codes of up to six ASCII chars (every writer we know: ours and
 * GTKWave's use one to four) become a number, base 128; one- and two-char codes index an array,
 * longer ones a Map of numbers; anything else a Map of strings.
 */

const SMALL = 128 * 128;

export class IdTable {
  private readonly small = new Int32Array(SMALL).fill(-1);
  private readonly numeric = new Map<number, number>();
  private readonly named = new Map<string, number>();
  /** Distinct codes seen, in order of first declaration. */
  count = 0;

  /** The id of `code`, declaring it if new. */
  add(code: string): number {
    const known = this.get(code);
    if (known >= 0) return known;
    const id = this.count++;
    const key = codeKey(code);
    if (key < 0) this.named.set(code, id);
    else if (key < SMALL) this.small[key] = id;
    else this.numeric.set(key, id);
    return id;
  }

  /** The id of `code`, -1 when not declared. */
  get(code: string): number {
    const key = codeKey(code);
    if (key < 0) return this.named.get(code) ?? -1;
    if (key < SMALL) return this.small[key];
    return this.numeric.get(key) ?? -1;
  }

  /** The id of the code in buf[a, b) (b > a), -1 when not declared. */
  lookup(buf: Uint8Array, a: number, b: number): number {
    const n = b - a;
    if (n <= 6) {
      let key = 0;
      for (let i = a; i < b; i++) {
        const c = buf[i];
        if (c >= 128) return this.named.get(Buffer.from(buf.subarray(a, b)).toString("latin1")) ?? -1;
        key = key * 128 + c;
      }
      if (key < SMALL) return this.small[key];
      return this.numeric.get(key) ?? -1;
    }
    return this.named.get(Buffer.from(buf.buffer, buf.byteOffset + a, n).toString("latin1")) ?? -1;
  }
}

/** The base-128 number of a short ASCII code; -1 for a code looked up by string. */
function codeKey(code: string): number {
  if (code.length === 0 || code.length > 6) return -1;
  let key = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c >= 128) return -1;
    key = key * 128 + c;
  }
  return key;
}
