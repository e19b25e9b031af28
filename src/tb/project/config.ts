/**
 * The user's project configuration: which files hold their testbenches. It lives in
 * tessera.config.ts (or .mts/.js/.mjs) as `export default defineConfig({ testbenches: [...] })`,
 * or in a "tessera" field of package.json, and is found from the current folder upwards (the
 * nearest one wins), the way vitest and eslint find theirs.
 */
import { existsSync } from "node:fs";
import { parseJsonFile, readTextFile } from "../../io/input-file.js";
import { dirname, join } from "node:path";
import { ProjectError } from "./errors.js";
import { importUserFile } from "./load-module.js";

/** What a project tells Tessera. Paths are relative to the folder of the config. */
export interface TesseraConfig {
  /** Files that export testbenches (see 'Testbench'); each is loaded by `tessera list/run/verify/...`. */
  readonly testbenches: readonly string[];
}

/** Identity with a type: `export default defineConfig({...})` gets the config checked by tsc. */
export function defineConfig(config: TesseraConfig): TesseraConfig {
  return config;
}

export const CONFIG_FILES = ["tessera.config.ts", "tessera.config.mts", "tessera.config.js", "tessera.config.mjs"] as const;

export interface FoundConfig extends TesseraConfig {
  /** The file it came from (a tessera.config.* or a package.json). */
  readonly file: string;
  /** Its folder: testbench paths are relative to it. */
  readonly dir: string;
}

/** Check a config's shape, naming the file and field that are wrong and how to mend them. */
export function checkConfig(value: unknown, file: string): TesseraConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProjectError(`${file}: the Tessera config must be an object like { "testbenches": ["tb/my.tb.ts"] }`);
  }
  for (const key of Object.keys(value)) {
    if (key !== "testbenches") throw new ProjectError(`${file}: unknown field '${key}' in the Tessera config; the fields are: testbenches`);
  }
  const tbs = (value as { testbenches?: unknown }).testbenches;
  if (!Array.isArray(tbs)) throw new ProjectError(`${file}: field 'testbenches' must be an array of file paths, e.g. ["tb/my.tb.ts"]`);
  tbs.forEach((t, i) => {
    if (typeof t !== "string" || !t.trim()) throw new ProjectError(`${file}: testbenches[${i}] must be a non-empty file path, got ${JSON.stringify(t)}`);
  });
  return { testbenches: tbs as string[] };
}

function packageField(dir: string): unknown {
  const pkg = join(dir, "package.json");
  if (!existsSync(pkg)) return undefined;
  const json = parseJsonFile(readTextFile(pkg, "package.json"), pkg, "package.json");
  return typeof json === "object" && json !== null ? (json as Record<string, unknown>).tessera : undefined;
}

/** The nearest Tessera config from `cwd` upwards, or undefined when there is none. */
export async function findConfig(cwd: string): Promise<FoundConfig | undefined> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const files = CONFIG_FILES.map((f) => join(dir, f)).filter((f) => existsSync(f));
    const field = packageField(dir);
    if (files.length + (field === undefined ? 0 : 1) > 1) {
      const names = [...files, ...(field === undefined ? [] : [join(dir, "package.json") + ' ("tessera" field)'])];
      throw new ProjectError(`two Tessera configs in ${dir}: ${names.join(" and ")}; keep one`);
    }
    if (files.length) {
      const ns = await importUserFile(files[0], dir, "config file");
      if (!("default" in ns)) throw new ProjectError(`${files[0]} has no default export; write: export default defineConfig({ testbenches: ["tb/my.tb.ts"] })`);
      return { ...checkConfig(ns.default, files[0]), file: files[0], dir };
    }
    if (field !== undefined) return { ...checkConfig(field, `${join(dir, "package.json")} ("tessera" field)`), file: join(dir, "package.json"), dir };
    if (dirname(dir) === dir) return undefined;
  }
}
