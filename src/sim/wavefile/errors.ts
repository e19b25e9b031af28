/**
 * The error every waveform reader throws for a file it cannot read: it names the file (and the
 * line, for VCD text) and says what is wrong and, where there is one, how to mend it. A UserError,
 * so the CLI prints it as one line rather than as a crash.
 */
import { UserError, errnoCode } from "../../io/user-error.js";

export class WaveFileError extends UserError {
  constructor(readonly file: string, message: string, line?: number) {
    super(message, { file, line });
    this.name = "WaveFileError";
  }
}

/**
 * The file ends inside its data (a run killed while writing, a partial copy): thrown after every
 * value before the cut was given, so a consumer that can use a shorter file (wavediff) catches it.
 */
export class WaveCutShortError extends WaveFileError {
  constructor(file: string, message: string) {
    super(file, message);
    this.name = "WaveCutShortError";
  }
}

/** An fs error opening or reading `file` as a WaveFileError that says what to check. */
export function fsError(file: string, e: unknown): WaveFileError {
  const code = errnoCode(e);
  if (code === "ENOENT") return new WaveFileError(file, "no such file; check the path (VCD or FST waveform expected)");
  if (code === "EISDIR") return new WaveFileError(file, "is a directory, not a waveform file");
  if (code === "EACCES") return new WaveFileError(file, "permission denied; check the file's read permission");
  return new WaveFileError(file, `cannot read the file (${code})`);
}
