/**
 * Source locations of the user's code, recorded for every signal, assignment and statement so an
 * elaboration error can say where. A 32x32 mesh records ~300k of them, so the cost matters:
 *
 * - Capture: V8's structured stack trace (Error.captureStackTrace), whose cost grows with the
 *   frames it records. Where the HDL method the user called is known (`here(Module.prototype.signal)`),
 *   V8 skips to that method's frame and records one frame, its caller: the user's line, unless the
 *   method was called from inside the HDL core (the stream helper, an FSM), in which case the
 *   location is captured again the general way, LOC_FRAMES frames searched for the first outside
 *   the core (the user's frame is at most the 6th in every registered design: Signal <- makeSignal
 *   <- signal <- readPort <- user). On the 32x32 mesh's elaboration (380k locations) recording 7
 *   frames cost 2.6 s and one frame 1.3 s.
 * - What is kept: only the user's frame, as a string shared by every location at the same place.
 *   Keeping the capture and formatting it lazily, as we did, held V8's frame objects (and the
 *   receivers they point at) alive: 1 KB a location, 290 MB for the mesh, and the garbage
 *   collector's time grew with it. The frame is picked in Error.prepareStackTrace while the
 *   stack is captured, so no frame object outlives the capture.
 * - Positions in the user's source: a frame's line and column are of the code that ran; when that
 *   was transpiled (tsx, ts-node, vitest), the position is mapped back once per distinct place,
 *   through whatever source-map support was installed (a prepareStackTrace of its own, as vitest
 *   installs, given just that one frame) or else Node's (module.findSourceMap).
 */
import { findSourceMap } from "node:module";
import { dirname, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const LOC_FRAMES = 7;

/**
 * The HDL core's directory (src/hdl, or dist/hdl when built), as a path and as a file URL (ES
 * modules' frames name URLs): its frames are never the user's. Compared as prefixes, because
 * converting every frame's URL to a path cost more than the capture.
 */
const HDL_DIR = dirname(fileURLToPath(import.meta.url)) + sep;
const HDL_URL = pathToFileURL(HDL_DIR).href;

type PrepareStackTrace = (err: Error, frames: NodeJS.CallSite[]) => unknown;

/** Raw "file:line:col" of a frame -> the text a location shows. */
const places = new Map<string, string>();
/** The source-map support installed when the current capture began, if any. */
let outer: PrepareStackTrace | undefined;

function pathOf(fileOrUrl: string): string {
  return fileOrUrl.startsWith("file://") ? fileURLToPath(fileOrUrl) : fileOrUrl;
}

/** "file:line:col", relative to the working directory when inside it. */
function show(file: string, line: number, col: number): string {
  const rel = relative(process.cwd(), file);
  return `${rel && !rel.startsWith("..") && !rel.startsWith(sep) ? rel : file}:${line}:${col}`;
}

/** Where the frame's code came from, in the user's own source. */
function place(frame: NodeJS.CallSite, raw: string, line: number, col: number): string {
  if (outer) {
    // Someone else's source-map support: let it format this one frame, and read the position back.
    const text = String(outer(new Error(), [frame]));
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(text);
    if (m) return show(pathOf(m[1]), Number(m[2]), Number(m[3]));
  }
  const entry = findSourceMap(raw)?.findEntry(line - 1, col - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (entry?.originalSource && entry.originalLine !== undefined && entry.originalColumn !== undefined) {
    return show(pathOf(entry.originalSource), entry.originalLine + 1, entry.originalColumn + 1);
  }
  return show(pathOf(raw), line, col);
}

/** Error.prepareStackTrace while a location is captured: the first frame outside the HDL core and node_modules, if any. */
function userFrame(_: Error, frames: NodeJS.CallSite[]): string | undefined {
  for (const f of frames) {
    const raw = f.getFileName();
    if (!raw || raw.startsWith("node:")) continue;
    if (raw.startsWith(HDL_URL) || raw.startsWith(HDL_DIR) || raw.includes("/node_modules/") || raw.includes(`${sep}node_modules${sep}`)) continue;
    const line = f.getLineNumber() ?? 0, col = f.getColumnNumber() ?? 0;
    const key = `${raw}:${line}:${col}`;
    let text = places.get(key);
    if (text === undefined) places.set(key, (text = place(f, raw, line, col)));
    return text;
  }
  return undefined;
}

/** The user's frame among the `frames` frames below `skip`'s (topmost) call, or undefined. */
function capture(skip: Function, frames: number): string | undefined {
  const limit = Error.stackTraceLimit;
  outer = Error.prepareStackTrace as PrepareStackTrace | undefined;
  Error.stackTraceLimit = frames;
  Error.prepareStackTrace = userFrame as typeof Error.prepareStackTrace;
  try {
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, skip);
    return holder.stack as string | undefined;
  } finally {
    Error.prepareStackTrace = outer as typeof Error.prepareStackTrace;
    Error.stackTraceLimit = limit;
    outer = undefined;
  }
}

/** A captured source location: "file:line:col" of the user's code. */
export class SrcLoc {
  constructor(private readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/**
 * Whether stored locations are being recorded (see withoutSourceLocations). Errors capture their
 * own location when thrown either way.
 */
let recording = true;

/** What a location reads when it was not recorded. */
const NOT_RECORDED = new SrcLoc("<location not recorded>");

/**
 * Run `build` without recording where each signal is declared and each bit first driven: a third
 * of a large design's elaboration (2 of 5.5 s on the 32x32 mesh, ~380k locations). Only
 * elaboration errors read those locations, so a caller that can build again (buildAndSimulate)
 * builds fast and, on an elaboration error, builds once more with locations to report it.
 */
export function withoutSourceLocations<T>(build: () => T): T {
  const before = recording;
  recording = false;
  try {
    return build();
  } finally {
    recording = before;
  }
}

/** A location kept for later error messages (a declaration, a first driver): here(), unless not recording. */
export function record(entry?: Function): SrcLoc {
  return recording ? new SrcLoc(locate(entry, record)) : NOT_RECORDED;
}

/**
 * Where the user's code is now. `entry`: the HDL method the user called, when the caller knows it
 * (the fast path above); without it, or when its caller is not the user's, the first frame outside
 * the HDL core.
 */
export function here(entry?: Function): SrcLoc {
  return new SrcLoc(locate(entry, here));
}

/** The user's frame below `entry`'s caller (fast path) or else below `self`, as text. */
function locate(entry: Function | undefined, self: Function): string {
  return (entry && capture(entry, 1)) ?? capture(self, LOC_FRAMES) ?? "<unknown location>";
}
