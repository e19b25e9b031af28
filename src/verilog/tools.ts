/**
 * Drivers for the external EDA tools (Verilator, Icarus Verilog, Yosys; GTKWave's fst2vcd and
 * vcd2fst, which check our waveform files, and GTKWave itself under xvfb-run, which checks our save
 * files): find them on PATH, run them, and say clearly when one
 * is missing and how to install it.
 *
 * Tests call `requireTool("verilator")`: true when present; when absent it prints why the tests
 * are skipped and returns false, except under CI=true, where a missing tool is an error (CI must
 * not pass by skipping the very checks it exists for).
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { LINT_ALLOWLIST } from "./lint-allowlist.js";

export type ToolName = "verilator" | "iverilog" | "vvp" | "yosys" | "fst2vcd" | "vcd2fst" | "gtkwave" | "xvfb-run";

/** Debian package that provides each tool. */
const PACKAGE: Record<ToolName, string> = { verilator: "verilator", iverilog: "iverilog", vvp: "iverilog", yosys: "yosys", fst2vcd: "gtkwave", vcd2fst: "gtkwave", gtkwave: "gtkwave", "xvfb-run": "xvfb xauth" };

export class ToolMissingError extends Error {
  constructor(readonly tool: ToolName) {
    super(`${tool} was not found on PATH; install it with: apt-get install -y ${PACKAGE[tool]}`);
    this.name = "ToolMissingError";
  }
}

export class ToolFailedError extends Error {
  constructor(readonly tool: string, readonly args: readonly string[], readonly code: number | null, readonly output: string) {
    super(`${tool} ${args.join(" ")} failed (exit ${code}):\n${output.trim().slice(0, 4000)}`);
    this.name = "ToolFailedError";
  }
}

const found = new Map<ToolName, string | undefined>();

/** Absolute path of a tool, or undefined when it is not installed. */
export function findTool(name: ToolName): string | undefined {
  if (found.has(name)) return found.get(name);
  let path: string | undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      path = p;
      break;
    } catch {
      // not here
    }
  }
  found.set(name, path);
  return path;
}

/** Path of a tool, or a ToolMissingError that says how to install it. */
export function toolPath(name: ToolName): string {
  const p = findTool(name);
  if (!p) throw new ToolMissingError(name);
  return p;
}

/** First line of the tool's version output. */
export function toolVersion(name: ToolName): string {
  const args = name === "iverilog" ? ["-V"] : name === "vvp" ? ["-V"] : ["--version"];
  const r = spawnSync(toolPath(name), name === "yosys" ? ["-V"] : args, { encoding: "utf8" });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n").find((l) => l.trim()) ?? "unknown";
}

/**
 * For tests: true when `name` is installed. When it is not: under CI=true throws (a missing tool
 * fails the run), otherwise warns once and returns false so the caller can skip.
 */
export function requireTool(...names: ToolName[]): boolean {
  const missing = names.filter((n) => !findTool(n));
  if (missing.length === 0) return true;
  const msg = missing.map((n) => new ToolMissingError(n).message).join("; ");
  if (process.env.CI === "true") throw new Error(`CI=true: required tool missing — ${msg}`);
  if (!warned.has(msg)) {
    warned.add(msg);
    console.warn(`[tessera] skipping tests that need ${missing.join(", ")}: ${msg}`);
  }
  return false;
}
const warned = new Set<string>();

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/** Run a tool to completion (async, so a long build does not block the event loop). */
export function runTool(name: ToolName | string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const exe = name.includes("/") ? name : toolPath(name as ToolName);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs) : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** Like runTool, but a non-zero exit is a ToolFailedError with the tool's output. */
export async function runToolOk(name: ToolName | string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const r = await runTool(name, args, opts);
  if (r.code !== 0) throw new ToolFailedError(name, args, r.code, r.stderr + r.stdout);
  return r;
}

/** A fresh scratch directory under the OS temp dir. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tessera-${prefix}-`));
}

// --- Verilator lint ------------------------------------------------------------------------------

export interface LintMessage {
  readonly severity: "Warning" | "Error";
  readonly code: string;
  readonly line: number;
  readonly text: string;
}

export interface LintResult {
  /** Every message Verilator printed. */
  readonly messages: readonly LintMessage[];
  /** Messages not on the documented allowlist (lint-allowlist.ts): these are failures. */
  readonly disallowed: readonly LintMessage[];
  readonly output: string;
}

/** `verilator --lint-only -Wall` on a Verilog text. */
export async function verilatorLint(verilog: string, top: string): Promise<LintResult> {
  const dir = scratchDir("lint");
  const file = join(dir, `${top}.v`);
  writeFileSync(file, verilog);
  const r = await runTool("verilator", ["--lint-only", "-Wall", "-Wno-fatal", "--top-module", top, file]);
  const output = r.stderr + r.stdout;
  const messages: LintMessage[] = [];
  for (const line of output.split("\n")) {
    const m = /^%(Warning|Error)(?:-([A-Z0-9_]+))?: [^:]*:(\d+):(?:\d+:)? (.*)$/.exec(line);
    if (m) messages.push({ severity: m[1] as "Warning" | "Error", code: m[2] ?? "", line: Number(m[3]), text: m[4] });
    else if (/^%Error/.test(line)) messages.push({ severity: "Error", code: "", line: 0, text: line });
  }
  const allowed = new Set(LINT_ALLOWLIST.map((a) => a.code));
  const disallowed = messages.filter((m) => m.severity === "Error" || !allowed.has(m.code));
  if (r.code !== 0 && messages.length === 0) messages.push({ severity: "Error", code: "", line: 0, text: output.trim() });
  return { messages, disallowed: r.code !== 0 && disallowed.length === 0 ? messages : disallowed, output };
}

// --- Yosys ----------------------------------------------------------------------------------------

export interface SynthResult {
  readonly ok: boolean;
  readonly log: string;
  /** Cell counts from `stat` (cell type -> count). */
  readonly cells: Record<string, number>;
  readonly ms: number;
}

/**
 * `yosys -p "read_verilog <file>; synth -top <top>; stat"`. With `coarse`, synthesis stops before
 * fine-grained mapping (`synth -run :fine`): every front-end and RTL check has run (parsing,
 * processes, latches, drivers, memories inferred), but memories are not blasted into flip-flops
 * and ABC does not run, which takes minutes on designs with large buffers.
 */
export async function yosysSynth(verilog: string, top: string, opts: { timeoutMs?: number; coarse?: boolean } = {}): Promise<SynthResult> {
  const dir = scratchDir("yosys");
  const file = join(dir, `${top}.v`);
  writeFileSync(file, verilog);
  const synth = `synth -top ${top}${opts.coarse ? " -run :fine" : ""}`;
  const r = await runTool("yosys", ["-q", "-l", join(dir, "yosys.log"), "-p", `read_verilog ${file}; ${synth}; tee -o ${join(dir, "stat.txt")} stat`], { cwd: dir, timeoutMs: opts.timeoutMs });
  const log = r.stdout + r.stderr;
  const cells: Record<string, number> = {};
  let statText = "";
  try {
    statText = (await import("node:fs")).readFileSync(join(dir, "stat.txt"), "utf8");
  } catch {
    // no stat output when synthesis failed
  }
  for (const m of statText.matchAll(/^\s+(\$?[A-Za-z_][\w$]*)\s+(\d+)\s*$/gm)) cells[m[1]] = Number(m[2]);
  const ok = r.code === 0 && !/^ERROR/m.test(log);
  return { ok, log, cells, ms: r.ms };
}
