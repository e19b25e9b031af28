/**
 * Writing output files so that a reader never sees half of one: text goes to a temporary name in
 * the same folder and is renamed over the target when complete (rename is atomic within a file
 * system). Folders are made one level at a time (Node's recursive mkdirSync loops forever under
 * /proc, where mkdir keeps failing with ENOENT). Every failure is a UserError naming the argument
 * and the path. VCD files are streamed instead (readable up to the last cycle written).
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError, errnoCode } from "./user-error.js";

const REASONS: Record<string, string> = {
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOENT: "a folder on the way cannot be created",
  ENOSPC: "the disk is full",
  ENAMETOOLONG: "the name is too long",
};

const reason = (e: unknown) => REASONS[errnoCode(e)] ?? errnoCode(e);

/** mkdir -p, one folder at a time; a UserError naming `argument` when a part cannot be made. */
export function makeDirs(dir: string, argument: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(d)) {
      if (!statSync(d).isDirectory()) throw new UserError(`cannot create a folder under '${d}': it is a file; give another path`, { argument });
      break;
    }
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      throw new UserError(`cannot create folder '${d}' (${reason(e)}); give a path you can write to`, { argument });
    }
  }
}

/**
 * Check before a long run that `file` can be written: its folder is made and a file can be opened
 * there. Nothing is left behind that was not there before.
 */
export function prepareOutputFile(file: string, argument: string): string {
  if (!file) throw new UserError("the output path is empty; give a file name", { argument });
  if (existsSync(file) && statSync(file).isDirectory()) throw new UserError(`'${file}' is a folder; give a file name`, { argument });
  makeDirs(dirname(file) || ".", argument);
  const existed = existsSync(file);
  try {
    closeSync(openSync(file, "a"));
  } catch (e) {
    throw new UserError(`cannot write '${file}' (${reason(e)}); give a path you can write to`, { argument });
  }
  if (!existed) rmSync(file, { force: true });
  return file;
}

/** Make `dir` and check a file can be written in it. */
export function prepareOutputDir(dir: string, argument: string): string {
  if (!dir) throw new UserError("the folder is empty; give a folder name", { argument });
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`'${dir}' is a file; give a folder`, { argument });
  makeDirs(dir, argument);
  prepareOutputFile(join(dir, `.tessera-probe-${process.pid}`), argument);
  return dir;
}

/** Write `text` to `file` through a temporary name in the same folder and a rename. */
export function writeFileAtomic(file: string, text: string | Uint8Array, argument = "output"): void {
  makeDirs(dirname(file) || ".", argument);
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${Math.floor(Math.random() * 1e9)}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write '${file}' (${reason(e)})`, { argument });
  }
}
