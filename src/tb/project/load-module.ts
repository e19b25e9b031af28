/**
 * Importing the user's own files (testbenches, tessera.config.ts) by path. TypeScript files load
 * out of the box: tsx's module hooks are registered the first time one is imported, so a user
 * needs no build step and JavaScript-only projects never pay for the hooks.
 */
import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ProjectError } from "./errors.js";

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);
export const LOADABLE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

let tsHooks: Promise<void> | undefined;

/** Register tsx once per thread (a no-op cost when the CLI itself already runs under tsx). */
function ensureTypeScriptHooks(): Promise<void> {
  tsHooks ??= import("tsx/esm/api").then(({ register }) => void register());
  return tsHooks;
}

/** The module namespace of the file at `path` (relative to `base`); a ProjectError naming the file otherwise. */
export async function importUserFile(path: string, base: string, what = "testbench file", shownAs = path): Promise<Record<string, unknown>> {
  const file = resolve(base, path);
  path = shownAs;
  if (!existsSync(file)) throw new ProjectError(`${what} '${path}' does not exist (looked for ${file})`);
  if (!statSync(file).isFile()) throw new ProjectError(`${what} '${path}' is a directory; name the file that exports the testbenches`);
  const ext = extname(file);
  if (!LOADABLE_EXTENSIONS.includes(ext)) throw new ProjectError(`${what} '${path}' has extension '${ext || "(none)"}'; Tessera loads ${LOADABLE_EXTENSIONS.join(", ")} files`);
  if (TS_EXTENSIONS.has(ext)) await ensureTypeScriptHooks();
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ProjectError(`${what} '${path}' failed to load: ${oneLine(e)}`);
  }
}

/** An error from loading user code on one line, with where it was thrown when the message does not say. */
function oneLine(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // Transpilers report over several lines with colours and a code frame: keep the lines up to the
  // first that says where (file:line:col), without the colours and the frame's box drawing.
  const lines = e.message.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((l) => l.replace(/[│╭╮╰╯─┬┴┼]+/g, " ").replace(/\s+/g, " ").trim()).filter(Boolean);
  const at = lines.findIndex((l) => /:\d+:\d+/.test(l));
  const msg = lines.slice(0, at >= 0 && at < 4 ? at + 1 : 1).join(" ");
  if (/:\d+:\d+/.test(msg)) return msg;
  const frame = (e.stack ?? "").split("\n").find((l) => /^\s+at .*:\d+:\d+\)?$/.test(l) && !l.includes("node:") && !l.includes("/node_modules/"));
  const where = frame?.match(/\(?((?:file:\/\/)?\/[^()]*:\d+:\d+)\)?$/)?.[1];
  return where ? `${e.name === "Error" ? "" : e.name + ": "}${msg} (at ${where.replace(/^file:\/\//, "")})` : msg;
}
