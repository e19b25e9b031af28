/**
 * Finding the testbenches a user's file exports. Any export that is a Testbench (an object with a
 * name, a description, a params array, design() and run()), or an array of them, counts: the
 * conventional `export const testbenches = [...]` of our own families, a default export, or one
 * named export per testbench.
 */
import type { Testbench } from "../types.js";
import { ProjectError } from "./errors.js";

/** Names a user may give a testbench: what `tessera run <name>` and file names can carry. */
const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

function looksLikeTestbench(x: unknown): x is Testbench {
  if (typeof x !== "object" || x === null) return false;
  const t = x as Partial<Record<keyof Testbench, unknown>>;
  return typeof t.name === "string" && typeof t.run === "function" && typeof t.design === "function" && Array.isArray(t.params);
}

/** Every testbench exported by a module namespace, each once, in export order. */
export function testbenchesIn(ns: Record<string, unknown>, file: string): Testbench[] {
  const found: Testbench[] = [];
  const add = (x: unknown) => {
    if (looksLikeTestbench(x) && !found.includes(x)) found.push(x);
  };
  for (const value of Object.values(ns)) {
    if (Array.isArray(value)) value.forEach(add);
    else add(value);
  }
  if (!found.length) {
    throw new ProjectError(`${file} exports no testbench: export an object with name, description, params, design() and run() (the Testbench type of 'tessera'), or an array of them as 'testbenches'`);
  }
  for (const tb of found) {
    if (!NAME.test(tb.name)) throw new ProjectError(`${file}: testbench name '${tb.name}' is not usable on the command line; use letters, digits, '-', '_' or '.', starting with a letter`);
    if (typeof tb.description !== "string") throw new ProjectError(`${file}: testbench '${tb.name}' has no description string; add one ('tessera list' shows it)`);
  }
  return found;
}
