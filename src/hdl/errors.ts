/**
 * Elaboration errors. Each says what is wrong, where (source locations of the user's code), and
 * how to mend it, with the source locations of the user's code (srcloc.ts).
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

export { SrcLoc, here, record, withoutSourceLocations } from "./srcloc.js";
