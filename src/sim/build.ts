/**
 * Build a design and its simulator fast, keeping error messages whole.
 *
 * Recording where every signal is declared and every bit first driven is a third of a large
 * design's elaboration (the 32x32 mesh records ~380k locations: 2 of 5.5 s), and only elaboration
 * errors read them: driver conflicts, undriven outputs, combinational loops, foreign reads. So the
 * design is built without them, and when building or compiling it fails with an elaboration error
 * it is built once more with them, and that build's error, naming the user's lines, is thrown.
 * Only a caller holding the build function can do this; `simulate(module)` records as before.
 */
import type { Design } from "../hdl/elaborate.js";
import { HdlError, withoutSourceLocations } from "../hdl/errors.js";
import type { Module } from "../hdl/module.js";
import { Simulator, simulate, type SimOptions } from "./simulator.js";

export function buildAndSimulate(build: () => Module | Design, opts: SimOptions = {}): Simulator {
  let fast: HdlError;
  try {
    return simulate(withoutSourceLocations(build), opts);
  } catch (e) {
    if (!(e instanceof HdlError)) throw e;
    fast = e;
  }
  // Throws the same error, now with locations. A build that no longer fails (it was not
  // deterministic) leaves the first error, whose locations read "<location not recorded>".
  simulate(build(), opts).close();
  throw fast;
}
