/**
 * Streaming readers for waveform files behind one interface (types.ts): readVcd, readFst, and
 * openWave, which tells the format by the file's first bytes (an FST begins with its header
 * block, type 0 and length 329, or with a gzip wrapper, type 254; a VCD is text), not its name.
 * findVars resolves user-given names (path, path[msb:lsb], glob) to vars.
 */
import { WaveFileError } from "./errors.js";
import { BL_HDR, BL_ZWRAPPER } from "../fst/hierarchy.js";
import { HDR_LENGTH, readAt } from "./fst-file.js";
import { readFst } from "./fst-reader.js";
import type { WaveReader } from "./types.js";
import { openFile, readVcd, type VcdReadOptions } from "./vcd-reader.js";

export type { WaveChange, WaveReader, WaveStep, WaveTimescale, WaveVarInfo } from "./types.js";
export { WaveCutShortError, WaveFileError } from "./errors.js";
export { findVars, stripRange } from "./names.js";
export { readFst } from "./fst-reader.js";
export { readVcd, type VcdReadOptions } from "./vcd-reader.js";

/** Which format `path` holds, by its first bytes. */
export async function waveFormat(path: string): Promise<"vcd" | "fst"> {
  const fh = await openFile(path);
  let head: Buffer;
  try {
    head = await readAt(fh, path, 0, 512);
  } finally {
    await fh.close();
  }
  if (head.length === 0) throw new WaveFileError(path, "the file is empty; expected a VCD or FST waveform");
  if (head.length >= 9 && head[0] === BL_HDR && head.readBigUInt64BE(1) === BigInt(HDR_LENGTH)) return "fst";
  if (head[0] === BL_ZWRAPPER && head.length >= 17) return "fst";
  // VCD is text: the first token is a $ command ($date, $timescale, ...) or a comment
  const text = head.toString("latin1").trimStart();
  if (text.startsWith("$")) return "vcd";
  const binary = [...head.subarray(0, 64)].some((c) => c < 9 || (c > 13 && c < 32));
  throw new WaveFileError(
    path,
    binary
      ? "neither FST (it does not begin with FST's header block) nor VCD (it is not text); is it a waveform file?"
      : `not a VCD file (it begins with '${text.slice(0, 30).split("\n")[0]}', not a $ command such as $date or $timescale) nor an FST file`,
  );
}

/** Opens a VCD or FST file, whichever it is (by contents); `vcd` options apply to a VCD. */
export async function openWave(path: string, opts: { vcd?: VcdReadOptions } = {}): Promise<WaveReader> {
  return (await waveFormat(path)) === "fst" ? readFst(path) : readVcd(path, opts.vcd);
}
