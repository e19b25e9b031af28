/**
 * Entry point of `tessera`. `main(argv, io)` returns the exit code instead of exiting, so tests
 * call it in-process; run as a script (tsx src/cli/main.ts, or bin/tessera.js) it sets the
 * process exit code. Exit codes: 0 pass, 1 a check failed, 2 usage error.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { UnknownTestbenchError } from "../tb/registry.js";
import { ProjectError } from "../tb/project/errors.js";
import { Io, processIo } from "./io.js";
import { buildProgram } from "./program.js";
import { EXIT_FAIL, EXIT_PASS, EXIT_USAGE, UsageError } from "./usage.js";

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = EXIT_PASS;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    // Commander has already printed its message (unknown option, bad value, --help).
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_PASS : EXIT_USAGE;
    if (e instanceof UsageError || e instanceof UnknownTestbenchError || e instanceof ProjectError) {
      io.err(`tessera: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.err(`tessera: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_FAIL;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await main(process.argv.slice(2));
}
