import type { Testbench } from "../tb/types.js";
import { loadBuiltinTestbench } from "../tb/catalog.js";
import { findConfig } from "../tb/project/config.js";
import { isPathArgument, projectTestbenches, testbenchesAtPath } from "../tb/project/project.js";
import { UsageError } from "./usage.js";

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
  /** The testbenches to offer (default: the registry and the project's, see src/tb/project). */
  readonly testbenches?: () => readonly Testbench[];
}

/** The built-in testbenches and those the project config lists (none outside a project). */
async function testbenchSets(io: Io): Promise<{ builtins: readonly Testbench[]; project: readonly Testbench[] }> {
  if (io.testbenches) return { builtins: io.testbenches(), project: [] };
  const { registry } = await import("../tb/registry.js");
  const builtins = registry();
  return { builtins, project: await projectTestbenches(process.cwd(), builtins) };
}

/** Every testbench the command line offers by name: the built-in ones, then the project's. */
export async function knownTestbenches(io: Io): Promise<readonly Testbench[]> {
  const { builtins, project } = await testbenchSets(io);
  return [...builtins, ...project];
}

/**
 * What a `<testbench>` argument names: a name, a file of testbenches (path[:name]), or 'all'. In a
 * project whose config lists testbenches, 'all' means those (a user's `run all` checks their own
 * designs, not Tessera's eighteen); elsewhere it means the built-in ones.
 */
export async function selectTestbenches(arg: string, io: Io): Promise<readonly Testbench[]> {
  // A built-in name outside a project: load only its family (catalog.ts), not every testbench.
  if (!io.testbenches && arg !== "all" && !isPathArgument(arg) && !(await findConfig(process.cwd()))) {
    const tb = await loadBuiltinTestbench(arg);
    if (tb) return [tb];
  }
  const { builtins, project } = await testbenchSets(io);
  const { findTestbench } = await import("../tb/registry.js");
  const known = [...builtins, ...project];
  if (arg === "all") return project.length ? project : builtins;
  if (isPathArgument(arg)) return testbenchesAtPath(arg, process.cwd(), known);
  return [findTestbench(arg, known)];
}

/** The one testbench `arg` names, for commands that take one (emit, cosim, sweep). */
export async function selectOne(arg: string, io: Io, command: string): Promise<Testbench> {
  if (arg === "all") throw new UsageError(`'tessera ${command}' takes one testbench, not 'all'`);
  const tbs = await selectTestbenches(arg, io);
  if (tbs.length !== 1) {
    throw new UsageError(`${arg} exports ${tbs.length} testbenches (${tbs.map((t) => t.name).join(", ")}); 'tessera ${command}' takes one: name it as ${arg}:${tbs[0].name}`);
  }
  return tbs[0];
}

/**
 * Set when whoever reads our stdout has gone (`tessera ... | head`): what is left to print is
 * dropped, and the command still finishes and exits with its own code. Without the listener,
 * Node throws the EPIPE as an unhandled 'error' event and the user sees a stack trace.
 */
let stdoutClosed = false;
let watchingStdout = false;
function writeOut(text: string): void {
  if (!watchingStdout) {
    watchingStdout = true;
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE" || (stdoutClosed && e.code === "ERR_STREAM_DESTROYED")) stdoutClosed = true;
      else throw e;
    });
  }
  if (!stdoutClosed) process.stdout.write(text);
}

export const processIo: Io = {
  out: writeOut,
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
