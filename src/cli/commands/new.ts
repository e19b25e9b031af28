/**
 * `tessera new <dir> [--tessera <spec>] [--name <name>]`: a ready project for a new design: a
 * module, its golden model, a testbench the command line runs, a fast-check property test, and
 * the config that lists the testbench. `npm install && npm test && npx tessera run all` pass in it
 * straight away (test/package/pack.test.ts checks exactly that against a packed Tessera).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { writeFileAtomic } from "../../io/output-file.js";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Io } from "../io.js";
import { EXIT_PASS, UsageError } from "../usage.js";
import { GOLDEN_TS, MODULE_TS, PROPERTY_TEST_TS, TESTBENCH_TS } from "../scaffold/design-files.js";
import { CONFIG_TS, DEV_TOOLS, GITIGNORE, TSCONFIG_JSON, packageJson, readme } from "../scaffold/project-files.js";

export interface NewArgs {
  /** The dependency spec for tessera in the new package.json (default: this Tessera, as file:<folder>). */
  tessera?: string;
  /** npm package name (default: the folder's name). */
  name?: string;
}

/** Tessera's own folder: src/cli/commands/ or dist/cli/commands/ are three levels below it. */
const PACKAGE_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** An npm package name from a folder name: lower case, letters, digits, '-', '.', '_'. */
export function packageNameOf(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name || "tessera-design";
}

function ownVersions(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const all = { ...pkg.dependencies, ...pkg.devDependencies };
  const versions: Record<string, string> = {};
  for (const t of DEV_TOOLS) {
    if (!all[t]) throw new Error(`Tessera's package.json pins no version of ${t}, which 'tessera new' gives new projects`);
    versions[t] = all[t];
  }
  return versions;
}

export async function newCommand(dir: string, args: NewArgs, io: Io): Promise<number> {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UsageError(`tessera new: '${dir}' is a file; give a folder that does not exist yet (or is empty)`);
    if (readdirSync(target).length) throw new UsageError(`tessera new: folder '${dir}' is not empty; give a new folder so nothing there is overwritten`);
  }
  const name = args.name ?? packageNameOf(target);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new UsageError(`tessera new: --name '${name}' is not an npm package name; use lower-case letters, digits, '-', '.' or '_'`);
  const tesseraSpec = args.tessera ?? `file:${PACKAGE_ROOT}`;
  const files: Record<string, string> = {
    "package.json": packageJson({ name, tesseraSpec, versions: ownVersions() }),
    "tsconfig.json": TSCONFIG_JSON,
    "tessera.config.ts": CONFIG_TS,
    "README.md": readme(name),
    ".gitignore": GITIGNORE,
    "src/mac.ts": MODULE_TS,
    "src/mac.golden.ts": GOLDEN_TS,
    "tb/mac.tb.ts": TESTBENCH_TS,
    "test/mac.test.ts": PROPERTY_TEST_TS,
  };
  for (const [rel, text] of Object.entries(files)) {
    const file = join(target, rel);
    writeFileAtomic(file, text, "<dir>");
  }
  const shown = relative(process.cwd(), target) || ".";
  io.out(
    `created ${shown}/ (${Object.keys(files).length} files; tessera from ${tesseraSpec}${args.tessera ? "" : ", change with --tessera <version|tarball|git URL>"})\n` +
      `next:\n  cd ${shown}\n  npm install\n  npm test\n  npx tessera run all\n`,
  );
  return EXIT_PASS;
}
