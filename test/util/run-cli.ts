/**
 * `tessera argv...` in-process for tests: what it printed and its exit code. `testbenches`
 * replaces the registry (e.g. with broken ones); `cwd` runs it from that folder, as a shell would.
 */
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { Testbench } from "../../src/tb/types.js";
import { inFolder } from "./in-folder.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(argv: readonly string[], opts: { testbenches?: () => readonly Testbench[]; cwd?: string } = {}): Promise<CliRun> {
  const io = captureIo(opts.testbenches);
  const run = () => main(argv, io);
  const code = await (opts.cwd ? inFolder(opts.cwd, run) : run());
  return { code, out: io.stdout, err: io.stderr };
}
