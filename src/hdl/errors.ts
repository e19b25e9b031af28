/**
 * Elaboration errors. Each says what is wrong, where (source locations of the user's code), and
 * how to mend it. Source locations are captured as Error objects whose stack V8 formats lazily, so
 * recording them costs little until an error is actually printed.
 */

export class HdlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class WidthTruncationError extends HdlError {}
export class DriverConflictError extends HdlError {}
export class UndrivenError extends HdlError {}
export class DriveInputError extends HdlError {}
export class ForeignSignalError extends HdlError {}
export class LiteralRangeError extends HdlError {}
export class CombinationalLoopError extends HdlError {}
export class ControlFlowError extends HdlError {}

/**
 * Frames a location keeps, counted from the caller of here(). The user's frame is at most the 6th
 * in every registered design (Signal <- makeSignal <- signal <- readPort <- user); each frame
 * costs time and memory to capture (a 32x32 mesh records ~300k locations: 10 frames took 5 s of
 * its 9 s elaboration, 7 frames about 4 s; one frame still 2 s, the capture itself costs most).
 */
const LOC_FRAMES = 7;

/** A captured source location; formatted on demand. */
export class SrcLoc {
  private readonly err: { stack?: string } = {};
  constructor() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = LOC_FRAMES;
    // The frames of here() and this constructor are left out.
    Error.captureStackTrace(this.err, here);
    Error.stackTraceLimit = limit;
  }
  /** "file:line:col" of the first stack frame outside Tessera's HDL core. */
  toString(): string {
    const lines = (this.err.stack ?? "").split("\n").slice(1);
    for (const line of lines) {
      if (/[\\/]src[\\/]hdl[\\/]/.test(line) || line.includes("node:internal") || line.includes("node_modules")) continue;
      const m = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(line);
      if (m) return m[1].replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
    }
    return "<unknown location>";
  }
}

export function here(): SrcLoc {
  return new SrcLoc();
}
