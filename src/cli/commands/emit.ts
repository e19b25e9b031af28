/**
 * `tessera emit <design> [--param k=v]... [-o out.v] [--top NAME]`: the Verilog of a testbench's
 * design at the given parameters (the same design `tessera run` simulates).
 */
import { prepareOutputFile, writeFileAtomic } from "../../io/output-file.js";
import { HdlError } from "../../hdl/errors.js";
import { RESERVED_WORDS } from "../../verilog/names.js";
import { originOf } from "../../tb/project/project.js";
import type { Design } from "../../hdl/elaborate.js";
import type { Module } from "../../hdl/module.js";
import { Io, selectOne } from "../io.js";
import { resolveParams } from "../params.js";
import { EXIT_PASS, EXIT_USAGE, UsageError } from "../usage.js";

export interface EmitArgs {
  param: string[];
  output?: string;
  top?: string;
}

type EmitVerilog = (design: Design | Module, opts?: { top?: string }) => string;

/** The emitter, loaded on demand so the rest of the CLI works while src/verilog is incomplete. */
async function loadEmitter(): Promise<EmitVerilog | undefined> {
  try {
    const mod = (await import("../../verilog/emit.js")) as { emitVerilog?: EmitVerilog };
    return mod.emitVerilog;
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}

export async function emitCommand(name: string, args: EmitArgs, io: Io): Promise<number> {
  const tb = await selectOne(name, io, "emit");
  const params = resolveParams(tb, args.param);
  const emitVerilog = await loadEmitter();
  if (!emitVerilog) {
    io.err("tessera emit: the Verilog emitter (src/verilog/emit.ts) is not available yet\n");
    return EXIT_USAGE;
  }
  if (args.top !== undefined && (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(args.top) || RESERVED_WORDS.has(args.top))) {
    throw new UsageError(`'${args.top}' is not a Verilog module name; use letters, digits and '_', starting with a letter, and no keyword`, { argument: "--top" });
  }
  if (args.output) prepareOutputFile(args.output, "--output");
  let text: string;
  try {
    text = emitVerilog(tb.design(params), args.top ? { top: args.top } : {});
  } catch (e) {
    // An HDL error in a user's own design is theirs to mend; in a built-in one it is our bug.
    if (e instanceof HdlError && originOf(tb)) throw new UsageError(`design of '${tb.name}' (${originOf(tb)!.file}): ${e.message}`);
    throw e;
  }
  if (args.output) {
    writeFileAtomic(args.output, text, "--output");
    io.err(`wrote ${args.output} (${text.length} bytes, design ${tb.name}, params ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ")})\n`);
  } else {
    io.out(text);
  }
  return EXIT_PASS;
}
