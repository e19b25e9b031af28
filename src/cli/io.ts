import type { Testbench } from "../tb/types.js";
import { registry } from "../tb/registry.js";

/**
 * The CLI's surroundings: where it writes, whether it is on a terminal, and which testbenches it
 * knows. Commands take an Io instead of touching process.stdout or the registry, so tests can call
 * `main(argv, io)` in-process, read what it printed, and add testbenches (e.g. broken ones).
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when progress bars may be drawn (stderr is a terminal). */
  readonly isTTY: boolean;
  /** The stream progress bars draw on (only used when isTTY). */
  readonly progressStream?: NodeJS.WritableStream;
  /** The testbenches to offer (default: the registry). */
  readonly testbenches?: () => readonly Testbench[];
}

export function testbenchesOf(io: Io): readonly Testbench[] {
  return io.testbenches ? io.testbenches() : registry();
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTTY: !!process.stderr.isTTY,
  progressStream: process.stderr,
};

/** An Io that records everything, for tests. */
export function captureIo(testbenches?: () => readonly Testbench[]): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    isTTY: false,
    testbenches,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}
