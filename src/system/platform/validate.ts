/**
 * Reading a platform from untrusted data (a user's JSON file): every field checked, and the first
 * fault reported as a PlatformError naming the field's full path, what was found and what to write
 * instead. Unknown fields are faults too, because a typo'd optional field ("channel" for
 * "channels") would otherwise be dropped silently and the run would use the default.
 */
import { UserError } from "../../io/user-error.js";
import { boundaryTileCount } from "./geometry.js";
import { DEFAULT_SOFTMAX } from "../../golden/sofa.js";
import { DRAM_PLACEMENTS, PRECISIONS, type DramSpec, type LinkSpec, type Platform, type SoftmaxUnitSpec, type TileSpec } from "./types.js";
import { editDistance } from "../../io/edit-distance.js";

/** A fault in a platform description; a UserError, so the CLI prints it as one line (exit 2). */
export class PlatformError extends UserError {
  constructor(message: string, where: { file?: string; field?: string } = {}) {
    super(message, where);
    this.name = "PlatformError";
  }
}

/** Largest dies / tiles-per-die count in a direction: far beyond any real part, so reaching it means a slip (a byte count in a count field). */
export const MAX_MESH_SIDE = 65536;
/** Largest systolic array side. */
export const MAX_ARRAY_SIDE = 1024;

/**
 * A checked copy of `value` (nothing of `value` is kept, so later changes to it do no harm).
 * Optional fields stay absent when absent; geometry.ts applies their defaults.
 * `source` names the data in messages: a file name, or "platform".
 */
export function parsePlatform(value: unknown, source = "platform"): Platform {
  const root = new Fields(value, "", source, ["name", "description?", "clockGHz", "dies", "tilesPerDie", "tile", "links", "dram", "groupTiles?"]);
  const name = root.text("name");
  if (name.trim() === "") root.fail("name", "must name the platform, got an empty string");
  const description = root.has("description") ? root.text("description") : undefined;
  const platform: Platform = {
    name,
    ...(description !== undefined && { description }),
    clockGHz: root.positive("clockGHz", "GHz"),
    dies: xy(root.object("dies", ["x", "y"]), MAX_MESH_SIDE),
    tilesPerDie: xy(root.object("tilesPerDie", ["x", "y"]), MAX_MESH_SIDE),
    tile: tile(root.object("tile", ["peakOps", "sramBytes", "array", "softmaxUnit?"])),
    links: links(root.object("links", ["intraDie", "interDie"])),
    dram: dram(root.object("dram", ["placement", "bandwidthGBps", "capacityBytes", "channels?"])),
    ...(root.has("groupTiles") && { groupTiles: xy(root.object("groupTiles", ["x", "y"]), Number.MAX_SAFE_INTEGER) }),
  };
  const channels = platform.dram.channels;
  if (channels !== undefined) {
    if (platform.dram.placement !== "edge") {
      root.fail("dram.channels", `applies to placement "edge" only (placement "${platform.dram.placement}" has one channel per die); remove it`);
    }
    const ring = boundaryTileCount(platform);
    if (channels > ring) root.fail("dram.channels", `must be at most ${ring}, the number of tiles on the mesh boundary (one channel per tile), got ${channels}`);
  }
  return platform;
}

function xy(f: Fields, max: number): { x: number; y: number } {
  return { x: f.count("x", max), y: f.count("y", max) };
}

function tile(f: Fields): TileSpec {
  const ops = f.object("peakOps", [...PRECISIONS]);
  const array = f.object("array", ["rows", "cols"]);
  return {
    peakOps: { int8: ops.positive("int8", "ops/s"), fp16: ops.positive("fp16", "ops/s"), fp32: ops.positive("fp32", "ops/s") },
    sramBytes: f.count("sramBytes", Number.MAX_SAFE_INTEGER, "bytes"),
    array: { rows: array.count("rows", MAX_ARRAY_SIDE), cols: array.count("cols", MAX_ARRAY_SIDE) },
    ...(f.has("softmaxUnit") && { softmaxUnit: softmaxUnit(f.object("softmaxUnit", ["units", "lanes", "recipBits?", "probBits?"])) }),
  };
}

/** Widths the softmax unit's RTL accepts (src/hw/sofa/softmax-unit.ts checks the same). */
function softmaxUnit(f: Fields): SoftmaxUnitSpec {
  const u: SoftmaxUnitSpec = {
    units: f.count("units", Number.MAX_SAFE_INTEGER),
    lanes: f.count("lanes", MAX_ARRAY_SIDE),
    ...(f.has("recipBits") && { recipBits: f.count("recipBits", 60) }),
    ...(f.has("probBits") && { probBits: f.count("probBits", 24) }),
  };
  const recip = u.recipBits ?? DEFAULT_SOFTMAX.recipBits, prob = u.probBits ?? DEFAULT_SOFTMAX.probBits;
  if (recip <= prob) f.fail(u.recipBits !== undefined ? "recipBits" : "probBits", `recipBits (${recip}) must exceed probBits (${prob}): the reciprocal of a sum >= 1.0 needs recipBits - probBits + 1 quotient bits`);
  return u;
}

function links(f: Fields): { intraDie: LinkSpec; interDie: LinkSpec } {
  const link = (key: string): LinkSpec => {
    const l = f.object(key, ["bandwidthGBps", "latencyNs"]);
    return { bandwidthGBps: l.positive("bandwidthGBps", "GB/s"), latencyNs: l.nonNegative("latencyNs", "ns") };
  };
  return { intraDie: link("intraDie"), interDie: link("interDie") };
}

function dram(f: Fields): DramSpec {
  const placement = f.oneOf("placement", DRAM_PLACEMENTS);
  return {
    placement,
    bandwidthGBps: f.positive("bandwidthGBps", "GB/s per channel"),
    capacityBytes: f.count("capacityBytes", Number.MAX_SAFE_INTEGER, "bytes per channel"),
    ...(f.has("channels") && { channels: f.count("channels", Number.MAX_SAFE_INTEGER) }),
  };
}

/** One JSON object at `path`: its fields read with checks, each fault naming `path.key`. */
class Fields {
  private readonly obj: Record<string, unknown>;

  /**
   * `fields`: every field the object may have, optional ones marked "name?" (for messages; the
   * readers decide what is required). Any other field is a fault.
   */
  constructor(value: unknown, private readonly path: string, private readonly source: string, fields: string[]) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail("", `must be an object with fields ${fields.join(", ")}, got ${show(value)}`);
    }
    this.obj = value as Record<string, unknown>;
    const names = fields.map((f) => f.replace(/\?$/, ""));
    for (const key of Object.keys(this.obj)) {
      if (names.includes(key)) continue;
      const near = names.find((n) => closeTo(n, key));
      const owner = path ? `${path} has` : "a platform has";
      this.fail(key, `is not a field: ${owner} ${fields.join(", ")} (? marks optional ones)${near ? `; did you mean "${near}"?` : ""}`);
    }
  }

  fail(key: string, message: string): never {
    const field = [this.path, key].filter((s) => s !== "").join(".");
    throw new PlatformError(field ? message : `the platform ${message}`, { file: this.source, field });
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  object(key: string, fields: string[]): Fields {
    const path = this.path ? `${this.path}.${key}` : key;
    if (!this.has(key)) this.fail(key, `is missing; add it: an object with fields ${fields.join(", ")}`);
    return new Fields(this.obj[key], path, this.source, fields);
  }

  text(key: string): string {
    return this.read(key, "a string", (v) => typeof v === "string") as string;
  }

  oneOf<T extends string>(key: string, options: readonly T[]): T {
    return this.read(key, `one of ${options.map((o) => `"${o}"`).join(", ")}`, (v) => options.includes(v as T)) as T;
  }

  positive(key: string, unit: string): number {
    return this.read(key, `a positive number (${unit})`, (v) => typeof v === "number" && Number.isFinite(v) && v > 0) as number;
  }

  nonNegative(key: string, unit: string): number {
    return this.read(key, `a number >= 0 (${unit})`, (v) => typeof v === "number" && Number.isFinite(v) && v >= 0) as number;
  }

  /** A whole number 1..max. */
  count(key: string, max: number, unit?: string): number {
    const range = max === Number.MAX_SAFE_INTEGER ? ">= 1" : `from 1 to ${max}`;
    const what = `a whole number ${range}${unit ? ` (${unit})` : ""}`;
    return this.read(key, what, (v) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= max) as number;
  }

  private read(key: string, what: string, ok: (v: unknown) => boolean): unknown {
    const v = this.obj[key];
    if (v === undefined) this.fail(key, `is missing; add it: ${what}`);
    if (!ok(v)) this.fail(key, `must be ${what}, got ${show(v)}`);
    return v;
  }
}

/** A found value as the user would recognise it in their file. */
function show(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object" && v !== null) return "an object";
  if (typeof v === "number" || v === undefined) return String(v);
  return JSON.stringify(v) ?? String(v);
}

/** Whether `b` is at most two small edits (or a change of case) away from `a`: the typo a hint can name. */
function closeTo(a: string, b: string): boolean {
  return editDistance(a.toLowerCase(), b.toLowerCase(), 2) <= 2;
}
