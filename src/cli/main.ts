/**
 * Entry point of `tessera`. `main(argv, io)` returns the exit code instead of exiting, so tests
 * call it in-process; run as a script (tsx src/cli/main.ts, or bin/tessera.js) it sets the
 * process exit code. Exit codes: 0 pass, 1 a check failed (or an internal error), 2 usage error.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { UserError, oneLine } from "../io/user-error.js";
import { shellWord } from "./params.js";
import { Io, processIo } from "./io.js";
import { buildProgram } from "./program.js";
import { EXIT_FAIL, EXIT_PASS, EXIT_USAGE, UsageError } from "./usage.js";

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = EXIT_PASS;
  const program = buildProgram(io, (c) => (code = c));
  try {
    // `help <x>` for an x that is no command would print the whole help as an error: say it in one line.
    const commands = program.commands.map((c) => c.name());
    if (argv[0] === "help" && argv.length > 1 && !commands.includes(argv[1])) {
      throw new UsageError(`help: there is no command '${argv[1]}'; the commands are ${commands.join(", ")}`);
    }
    // Bare `tessera` shows the help (on stdout, exit 0), like --help.
    await program.parseAsync(argv.length ? [...argv] : ["--help"], { from: "user" });
    return code;
  } catch (e) {
    // Commander has already printed its message (unknown option, bad value, --help).
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_PASS : EXIT_USAGE;
    // The user's mistake: one line that names the argument, file, line or field (src/io/user-error.ts).
    if (e instanceof UserError) {
      io.err(`tessera: ${oneLine(e.message)}\n`);
      return EXIT_USAGE;
    }
    // Anything else is our bug: say so, and give what a report needs to reproduce it.
    const replay = ["tessera", ...argv.map(shellWord)].join(" ");
    io.err(`tessera: internal error (a bug in Tessera, not in your input; please report it with the command: ${replay})\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
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
