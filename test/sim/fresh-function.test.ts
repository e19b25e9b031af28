import { describe, expect, it } from "vitest";
import { freshFunction } from "../../src/sim/fresh-function.js";

// V8 shares compiled code (and its optimisation) between `new Function`s of the same source; the
// simulator's generated code must not, or the third simulator of a design ran ~45% slower
// (bench/speed/case.ts mac-grid-rebuild). Timing is not asserted; the distinct sources are.
describe("freshFunction", () => {
  it("gives every call a source of its own, and the function its parameters and body", () => {
    const body = "return a + b;";
    const f = freshFunction(["a", "b"], body) as (a: number, b: number) => number;
    const g = freshFunction(["a", "b"], body) as (a: number, b: number) => number;
    expect(f(2, 3)).toBe(5);
    expect(g(4, 5)).toBe(9);
    expect(f.toString()).not.toBe(g.toString());
    expect(f.toString()).toContain(body);
  });
});
