/**
 * The testbenches of the user's project next to the built-in ones: what `tessera list`, `run`,
 * `run all`, `verify`, `emit`, `cosim` and `sweep` offer. A testbench comes from the built-in
 * registry, from a file the project config lists, or from a path given on the command line
 * (`tessera run ./tb/my.tb.ts`, or `./tb/my.tb.ts:name` to pick one of several).
 */
import { isAbsolute, relative, resolve } from "node:path";
import type { Testbench } from "../types.js";
import { testbenchesIn } from "./collect.js";
import { findConfig } from "./config.js";
import { ProjectError } from "./errors.js";
import { importUserFile } from "./load-module.js";

export interface TbOrigin {
  /** Absolute path of the file that exports it (sweep workers load it from there). */
  readonly file: string;
  /** How the command line names it, for replay commands: its name, or path[:name]. */
  readonly spelled: string;
}

const origins = new WeakMap<Testbench, TbOrigin>();

/** Where a user's testbench came from; undefined for the built-in ones. */
export function originOf(tb: Testbench): TbOrigin | undefined {
  return origins.get(tb);
}

/** What the command line calls `tb` (replay commands print this). */
export function commandLineName(tb: Testbench): string {
  return origins.get(tb)?.spelled ?? tb.name;
}

const fileCache = new Map<string, Promise<Testbench[]>>();

/** The testbenches exported by one file (absolute path), loaded once per process. */
export function loadTestbenchFile(file: string, shownAs: string = file): Promise<Testbench[]> {
  let p = fileCache.get(file);
  if (!p) {
    p = importUserFile(file, "/", "testbench file", shownAs).then((ns) => testbenchesIn(ns, shownAs));
    fileCache.set(file, p);
  }
  return p;
}

/** A user name must not hide a built-in one (or another user's): `tessera run <name>` would be ambiguous. */
export function checkNoCollision(tbs: readonly Testbench[], taken: readonly Testbench[], where: (tb: Testbench) => string): void {
  const owner = new Map(taken.map((t) => [t.name, t] as const));
  for (const tb of tbs) {
    const other = owner.get(tb.name);
    if (other && other !== tb) {
      const theirs = originOf(other);
      throw new ProjectError(`testbench '${tb.name}' in ${where(tb)} has the name of ${theirs ? `a testbench in ${theirs.file}` : "a built-in testbench"}; rename it (names are what 'tessera run' takes)`);
    }
    owner.set(tb.name, tb);
  }
}

/** The testbenches the nearest project config lists (none without a config), checked against `builtins`. */
export async function projectTestbenches(cwd: string, builtins: readonly Testbench[]): Promise<Testbench[]> {
  const config = await findConfig(cwd);
  if (!config) return [];
  const all: Testbench[] = [];
  for (const path of config.testbenches) {
    const file = resolve(config.dir, path);
    const shown = relative(cwd, file) || path;
    const tbs = await loadTestbenchFile(file, shown);
    for (const tb of tbs) if (!origins.has(tb)) origins.set(tb, { file, spelled: tb.name });
    checkNoCollision(tbs, [...builtins, ...all], () => `${shown} (listed in ${relative(cwd, config.file) || config.file})`);
    all.push(...tbs.filter((t) => !all.includes(t)));
  }
  return all;
}

/** Does a command-line testbench argument name a file rather than a testbench? */
export function isPathArgument(arg: string): boolean {
  const path = splitPathArgument(arg).path;
  return path.includes("/") || path.includes("\\") || /\.(c|m)?(t|j)s$/.test(path);
}

/** `./tb/x.tb.ts:name` -> the path and the wanted name. */
export function splitPathArgument(arg: string): { path: string; name?: string } {
  const m = /^(.*\.(?:c|m)?(?:t|j)s):([A-Za-z][A-Za-z0-9_.-]*)$/.exec(arg);
  return m ? { path: m[1], name: m[2] } : { path: arg };
}

/** The testbenches a path argument names (all of the file's, or the one after ':'), checked against `known`. */
export async function testbenchesAtPath(arg: string, cwd: string, known: readonly Testbench[]): Promise<Testbench[]> {
  const { path, name } = splitPathArgument(arg);
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  const tbs = await loadTestbenchFile(file, path);
  checkNoCollision(tbs, known.filter((t) => !tbs.includes(t)), () => path);
  for (const tb of tbs) {
    if (!origins.has(tb)) origins.set(tb, { file, spelled: tbs.length === 1 ? path : `${path}:${tb.name}` });
  }
  if (name === undefined) return tbs;
  const tb = tbs.find((t) => t.name === name);
  if (!tb) throw new ProjectError(`${path} exports no testbench '${name}'; it exports: ${tbs.map((t) => t.name).join(", ")}`);
  return [tb];
}
