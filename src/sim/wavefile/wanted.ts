/** The `ids` argument of WaveReader.steps as a mask over ids (all set when omitted), checked. */
import type { WaveReader } from "./types.js";

export function wantedIds(reader: Pick<WaveReader, "path" | "idCount">, ids: readonly number[] | undefined): Uint8Array {
  const mask = new Uint8Array(reader.idCount);
  if (ids === undefined) return mask.fill(1);
  for (const id of ids) {
    if (!(Number.isInteger(id) && id >= 0 && id < reader.idCount)) {
      throw new RangeError(`${reader.path}: steps(ids): id ${id} is not one of this file's ids 0..${reader.idCount - 1} (take ids from reader.vars or findVars)`);
    }
    mask[id] = 1;
  }
  return mask;
}
