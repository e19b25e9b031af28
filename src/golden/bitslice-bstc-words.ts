/**
 * How a BSTC bitstream (golden bstcEncode / bstcSegments, a string of '0'/'1') sits in memory:
 * packed into words of `wordBits` bits, the stream's first bit in the MSB of word 0, the last word
 * padded with zeros. Pure, no imports; the RTL encoder (src/hw/bitslice/bstc-encoder.ts) must write
 * exactly these words, and the decoder reads them back.
 */

function checkWordBits(wordBits: number, who: string): void {
  if (!Number.isInteger(wordBits) || wordBits < 1 || wordBits > 64) throw new Error(`${who}: wordBits = ${wordBits} must be a whole number 1..64`);
}

/** The words holding `bits` (ceil(length / wordBits) of them), MSB first, zero-padded. */
export function bstcPack(bits: string, wordBits: number): bigint[] {
  checkWordBits(wordBits, "bstcPack");
  const words: bigint[] = [];
  for (let at = 0; at < bits.length; at += wordBits) {
    const chunk = bits.slice(at, at + wordBits).padEnd(wordBits, "0");
    if (!/^[01]*$/.test(chunk)) throw new Error(`bstcPack: the stream has a character other than 0/1 in bits ${at}..${at + wordBits - 1}`);
    words.push(BigInt("0b" + chunk));
  }
  return words;
}

/** The first `length` stream bits held in `words` (the inverse of bstcPack). */
export function bstcUnpack(words: readonly bigint[], length: number, wordBits: number): string {
  checkWordBits(wordBits, "bstcUnpack");
  if (!Number.isInteger(length) || length < 0 || length > words.length * wordBits) {
    throw new Error(`bstcUnpack: length ${length} must be 0..${words.length * wordBits} (${words.length} words of ${wordBits} bits)`);
  }
  return words.map((w) => w.toString(2).padStart(wordBits, "0")).join("").slice(0, length);
}

/** The concatenation of bstcSegments' streams: the whole coded plane as it is stored. */
export function bstcConcat(seg: { readonly streams: readonly string[] }): string {
  return seg.streams.join("");
}
