/** Random operand matrices for the GEMM testbenches, with the values where overflow and sign bugs show. */
import type { OperandType } from "../../hw/pe/mac.js";
import { randInt } from "../harness.js";

export const DATA_MODES = ["uniform", "extremes", "mixed"] as const;
export type DataMode = (typeof DATA_MODES)[number];

export const TYPE_RANGE: Record<OperandType, readonly [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
};

export const EXTREMES: Record<OperandType, readonly number[]> = {
  int8: [-128, -127, -1, 0, 1, 126, 127],
  uint8: [0, 1, 127, 128, 254, 255],
  int16: [-32768, -32767, -128, -1, 0, 1, 127, 32766, 32767],
  uint16: [0, 1, 255, 32767, 32768, 65534, 65535],
};

/** `count` values of type `t`: uniform, only extremes, or half and half. */
export function randomOperands(r: () => number, t: OperandType, count: number, mode: DataMode): Int32Array {
  const [lo, hi] = TYPE_RANGE[t];
  const ex = EXTREMES[t];
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const extreme = mode === "extremes" || (mode === "mixed" && r() < 0.5);
    out[i] = extreme ? ex[randInt(r, 0, ex.length - 1)] : randInt(r, lo, hi);
  }
  return out;
}
