/** `tessera list [--json]`: every registered testbench, its description and parameters. */
import { Io, knownTestbenches } from "../io.js";
import { originOf } from "../../tb/project/project.js";
import { describeAllowed } from "../params.js";
import { EXIT_PASS } from "../usage.js";

export interface ListArgs {
  json?: boolean;
}

export async function listCommand(args: ListArgs, io: Io): Promise<number> {
  const all = await knownTestbenches(io);
  if (args.json) {
    io.out(JSON.stringify(all.map((tb) => ({ name: tb.name, description: tb.description, params: tb.params, ...(originOf(tb) ? { file: originOf(tb)!.file } : {}) })), null, 2) + "\n");
    return EXIT_PASS;
  }
  const lines: string[] = [];
  for (const tb of all) {
    lines.push(`${tb.name}${originOf(tb) ? `  (${originOf(tb)!.file})` : ""}`, `    ${tb.description}`);
    for (const p of tb.params) lines.push(`    --param ${p.name}=<${describeAllowed(p)}>  default ${p.default}  ${p.description}`);
    lines.push("");
  }
  lines.push(`${all.length} testbenches. Run one with: tessera run <name> [--param k=v]...`);
  io.out(lines.join("\n") + "\n");
  return EXIT_PASS;
}
