/**
 * `--param k=v` parsing: each value is checked against the testbench's ParamSpec (type, range,
 * enum values) and the testbench's cross-parameter `validate`; errors name the parameter and
 * what it accepts.
 */
import type { ParamSpec, ParamValue, Params, Testbench } from "../tb/types.js";
import { UsageError } from "./usage.js";
import { commandLineName } from "../tb/project/project.js";

function bound(v: number | undefined, none: string): string {
  if (v === undefined) return none;
  if (Math.abs(v) === Number.MAX_SAFE_INTEGER) return `${v < 0 ? "-" : ""}2^53-1`;
  return String(v);
}

/** "int 1..64", "one of uniform|extremes|mixed", "bool". */
export function describeAllowed(p: ParamSpec): string {
  if (p.type === "int") return `int ${bound(p.min, "-inf")}..${bound(p.max, "inf")}`;
  if (p.type === "number") return `number ${bound(p.min, "-inf")}..${bound(p.max, "inf")}`;
  if (p.type === "enum") return `one of ${(p.values ?? []).join("|")}`;
  if (p.type === "string") return "text";
  return "bool (true|false)";
}

export function describeParams(tb: Testbench): string {
  return tb.params.length ? tb.params.map((p) => `${p.name} (${describeAllowed(p)}, default ${p.default})`).join(", ") : "(none)";
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/** Convert and range-check one textual value for `p`. */
export function parseParamValue(tb: Testbench, p: ParamSpec, text: string): ParamValue {
  const bad = (why: string) => new UsageError(`parameter '${p.name}' of ${tb.name}: ${why}; allowed: ${describeAllowed(p)} (default ${p.default})`);
  if (p.type === "int") {
    const t = text.trim();
    if (!/^[-+]?(\d+|0x[0-9a-f]+)$/i.test(t)) throw bad(`'${text}' is not an integer`);
    const neg = t.startsWith("-");
    const mag = Number(t.replace(/^[-+]/, ""));
    const v = neg ? -mag : mag;
    if (!Number.isSafeInteger(v)) throw bad(`${text} is too large`);
    if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) throw bad(`${v} is out of range`);
    return v;
  }
  if (p.type === "number") {
    const t = text.trim();
    const v = Number(t);
    if (t === "" || !Number.isFinite(v)) throw bad(`'${text}' is not a number`);
    if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) throw bad(`${v} is out of range`);
    return v;
  }
  if (p.type === "enum") {
    if (!(p.values ?? []).includes(text)) throw bad(`'${text}' is not an accepted value`);
    return text;
  }
  if (p.type === "string") return text;
  const l = text.toLowerCase();
  if (TRUE.has(l)) return true;
  if (FALSE.has(l)) return false;
  throw bad(`'${text}' is not a boolean`);
}

/** Check a value given programmatically (verify draws, JSON) the same way as one from the command line. */
export function checkParamValue(tb: Testbench, p: ParamSpec, v: ParamValue): ParamValue {
  return parseParamValue(tb, p, String(v));
}

/** Split "k=v" arguments into pairs, rejecting malformed and repeated ones. */
export function splitParamArgs(args: readonly string[]): [string, string][] {
  const seen = new Set<string>();
  return args.map((a) => {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param '${a}': expected name=value, e.g. --param rows=8`);
    const k = a.slice(0, eq).trim(), v = a.slice(eq + 1);
    if (seen.has(k)) throw new UsageError(`--param ${k} is given twice; give each parameter once`);
    seen.add(k);
    return [k, v];
  });
}

export function specOf(tb: Testbench, name: string): ParamSpec {
  const p = tb.params.find((x) => x.name === name);
  if (!p) throw new UsageError(`testbench '${tb.name}' has no parameter '${name}'; its parameters: ${describeParams(tb)}`);
  return p;
}

/** The complete, validated parameters: the defaults overridden by `--param k=v` arguments. */
export function resolveParams(tb: Testbench, args: readonly string[]): Params {
  const params: Params = Object.fromEntries(tb.params.map((p) => [p.name, p.default]));
  for (const [k, v] of splitParamArgs(args)) params[k] = parseParamValue(tb, specOf(tb, k), v);
  checkCombination(tb, params);
  return params;
}

/** Apply the testbench's cross-parameter constraints. */
export function checkCombination(tb: Testbench, params: Params): void {
  const why = tb.validate?.(params);
  if (why) throw new UsageError(`parameters of ${tb.name}: ${why}`);
}

/** Quote a shell word only when it needs it. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `tessera run` command that replays a run exactly. */
export function replayCommand(tb: Testbench, params: Params, seed: number, extra: string[] = []): string {
  const ps = tb.params.map((p) => `--param ${shellWord(`${p.name}=${params[p.name]}`)}`);
  return ["tessera run", shellWord(commandLineName(tb)), "--seed", String(seed), ...ps, ...extra].join(" ");
}
