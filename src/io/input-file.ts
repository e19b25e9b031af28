/**
 * Reading the user's input files (traces, sweep results, configs): a UserError naming the file
 * and the argument when it is missing, a folder, unreadable, empty, or not text. Parsers then
 * name the line and field of what they cannot use.
 */
import { readFileSync } from "node:fs";
import { UserError, errnoCode } from "./user-error.js";

const REASONS: Record<string, string> = { ENOENT: "it does not exist", EACCES: "permission denied", EPERM: "permission denied", EISDIR: "it is a folder" };

/** The text of `file`; `what` names it for messages ("trace", "--merge"). */
export function readTextFile(file: string, what: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(file); // a folder fails here too, with EISDIR
  } catch (e) {
    throw new UserError(`cannot read '${file}' (${REASONS[errnoCode(e)] ?? errnoCode(e)})`, { argument: what });
  }
  if (buf.length === 0) throw new UserError(`'${file}' is empty`, { argument: what });
  // NUL bytes or invalid UTF-8: a binary file (a VCD's gzip, a tarball) given by mistake.
  if (buf.includes(0) || !isUtf8(buf)) throw new UserError(`'${file}' is not a text file (it holds binary data)`, { argument: what });
  return buf.toString("utf8");
}

function isUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

/** Parse JSON text, naming the file and the line of a syntax error. */
export function parseJsonFile(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const at = jsonErrorAt(text);
    const found = at === undefined ? "the file ends in the middle of a value" : `unexpected '${text[at]}'`;
    const line = at === undefined ? text.trimEnd().split("\n").length : text.slice(0, at).split("\n").length;
    throw new UserError(`not valid JSON: ${found}`, { argument: what, file, line });
  }
}

/**
 * Where JSON text first goes wrong (V8's messages give a position only sometimes, and sometimes
 * quote the whole text). A prefix that is wrong stays wrong as it grows, and a right one only
 * "ends early", so the shortest wrong prefix is found by bisection; undefined when the text is
 * right but ends early.
 */
function jsonErrorAt(text: string): number | undefined {
  const wrong = (n: number) => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      // Going wrong at the very end of the prefix is only ending early.
      const msg = (e as Error).message;
      if (/end of (JSON )?input/i.test(msg)) return false;
      const pos = /at position (\d+)/.exec(msg);
      return pos ? Number(pos[1]) < n : true;
    }
  };
  if (!wrong(text.length)) return undefined;
  let lo = 0, hi = text.length; // wrong(hi) holds; find the smallest such hi
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (wrong(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}
