/** Width and signedness rules (DESIGN.md: grow in expressions, never narrow implicitly). */
import { describe, expect, it } from "vitest";
import { Module, cat, mux, s, u, shapeToString } from "../../src/hdl/index.js";

const m = new Module("shapes");
const a8 = m.input("a8", u(8)), b4 = m.input("b4", u(4)), s8 = m.input("s8", s(8)), s3 = m.input("s3", s(3));
const sh = (e: { shape: { width: number; signed: boolean } }) => shapeToString(e.shape);

describe("shapes", () => {
  it.each([
    ["add u8 u4", () => a8.add(b4), "u(9)"],
    ["add u8 s8 (mixed adds a bit)", () => a8.add(s8), "s(10)"],
    ["sub u8 u4 is signed", () => a8.sub(b4), "s(9)"],
    ["mul u8 u4", () => a8.mul(b4), "u(12)"],
    ["mul s8 s3", () => s8.mul(s3), "s(11)"],
    ["mul u8 s3 (mixed)", () => a8.mul(s3), "s(12)"],
    ["neg u8", () => a8.neg(), "s(9)"],
    ["and u8 u4", () => a8.and(b4), "u(8)"],
    ["or u4 s3", () => b4.or(s3), "s(5)"],
    ["not s3", () => s3.not(), "s(3)"],
    ["eq", () => a8.eq(b4), "u(1)"],
    ["lt mixed", () => a8.lt(s8), "u(1)"],
    ["shl 3", () => a8.shl(3), "u(11)"],
    ["shr 3 signed", () => s8.shr(3), "s(5)"],
    ["shl by u4 signal", () => a8.shl(b4), "u(23)"],
    ["shr by signal keeps shape", () => s8.shr(b4), "s(8)"],
    ["slice", () => s8.slice(6, 2), "u(5)"],
    ["bit", () => s8.bit(7), "u(1)"],
    ["cat", () => cat(a8, b4, s3), "u(15)"],
    ["replicate", () => b4.replicate(3), "u(12)"],
    ["mux unify", () => mux(b4.bit(0), a8, s3), "s(9)"],
    ["trunc keeps signedness", () => s8.trunc(4), "s(4)"],
    ["resize widens", () => s3.resize(10), "s(10)"],
    ["reduceXor", () => a8.reduceXor(), "u(1)"],
    ["asSigned", () => a8.asSigned(), "s(8)"],
    ["literal add: minimal shape", () => a8.add(1000), "u(11)"],
    ["negative literal", () => a8.add(-1), "s(10)"],
  ])("%s", (_name, f, want) => {
    expect(sh(f())).toBe(want);
  });

  it("supports widths 1..128", () => {
    for (let w = 1; w <= 128; w++) {
      expect(u(w).width).toBe(w);
      expect(s(w).signed).toBe(true);
    }
  });
});
