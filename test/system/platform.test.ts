/**
 * Platforms (src/system/platform): the presets pass their own checks and survive JSON; every
 * malformed field is named by its full path; the XY route, die membership and DRAM ports hold
 * their properties on random meshes; loadPlatform names the file and lists the presets.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  PLATFORM_PRESETS, PLATFORM_PRESET_NAMES, PlatformError, boundaryDieCount, boundaryTileCount, dieOf, edgeDramPorts, isInterDie, loadPlatform,
  meshSize, parsePlatform, platformPreset, tileCount, xyPath, type Platform, type TileCoord,
} from "../../src/system/platform/index.js";

type Json = Record<string, unknown>;
const clone = (p: Platform): Json => structuredClone(p) as unknown as Json;
const palm = () => clone(platformPreset("palm-wafer"));

/** The error parsePlatform throws for `value`, as "source: path: message". */
function fault(value: unknown, source = "palm.json"): PlatformError {
  try {
    parsePlatform(value, source);
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    return e as PlatformError;
  }
  throw new Error("parsePlatform accepted it");
}

/** Every leaf of an object as [dotted path, value]. */
function leaves(v: unknown, path = ""): [string, unknown][] {
  if (typeof v !== "object" || v === null) return [[path, v]];
  return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
}

function setAt(obj: Json, path: string, value: unknown): Json {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] as Json;
  if (value === undefined) delete o[keys.at(-1)!];
  else o[keys.at(-1)!] = value;
  return obj;
}

describe("presets", () => {
  it.each(Object.keys(PLATFORM_PRESETS))("%s passes parsePlatform and survives JSON", (name) => {
    const p = PLATFORM_PRESETS[name];
    expect(p.name).toBe(name);
    expect(parsePlatform(p)).toEqual(p);
    expect(parsePlatform(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it("are frozen, and an unknown name lists the presets", () => {
    expect(Object.isFrozen(PLATFORM_PRESETS["palm-wafer"].tile.peakOps)).toBe(true);
    expect(() => platformPreset("palm")).toThrow(new RegExp(`no platform preset "palm"; the presets are ${PLATFORM_PRESET_NAMES.join(", ")}`));
  });

  it("palm-wafer is PALM's wafer.json: 20x16 tiles, the array's int8 peak matches the tile's", () => {
    const p = platformPreset("palm-wafer");
    expect(meshSize(p)).toEqual({ x: 20, y: 16 });
    expect(tileCount(p)).toBe(320);
    expect((p.tile.array.rows * p.tile.array.cols * 2 * p.clockGHz * 1e9) / p.tile.peakOps.int8).toBeCloseTo(1.024, 3);
  });
});

describe("parsePlatform faults name the field", () => {
  // [what, change, the field path the message must name, words it must contain]
  const cases: [string, (p: Json) => unknown, string, string][] = [
    ["wrong type", (p) => setAt(p, "links.intraDie.bandwidthGBps", "fast"), "links.intraDie.bandwidthGBps", 'must be a positive number (GB/s), got "fast"'],
    ["negative", (p) => setAt(p, "tile.peakOps.fp16", -1), "tile.peakOps.fp16", "must be a positive number (ops/s), got -1"],
    ["negative latency", (p) => setAt(p, "links.interDie.latencyNs", -0.5), "links.interDie.latencyNs", "must be a number >= 0 (ns)"],
    ["missing field", (p) => setAt(p, "links.interDie.latencyNs", undefined), "links.interDie.latencyNs", "is missing; add it: a number >= 0 (ns)"],
    ["missing object", (p) => setAt(p, "tile.array", undefined), "tile.array", "is missing; add it: an object with fields rows, cols"],
    ["unknown field", (p) => setAt(p, "tile.arrray", { rows: 1, cols: 1 }), "tile.arrray", 'is not a field: tile has peakOps, sramBytes, array, softmaxUnit? (? marks optional ones); did you mean "array"?'],
    ["typo'd optional field", (p) => setAt(p, "dram.channel", 4), "dram.channel", 'did you mean "channels"?'],
    ["wrong case", (p) => setAt(setAt(p, "clockGHz", undefined), "clockGhz", 1), "clockGhz", 'did you mean "clockGHz"?'],
    ["non-integer dies", (p) => setAt(p, "dies.x", 2.5), "dies.x", "must be a whole number from 1 to 65536, got 2.5"],
    ["zero tiles", (p) => setAt(p, "tilesPerDie.y", 0), "tilesPerDie.y", "must be a whole number from 1 to 65536, got 0"],
    ["array too big", (p) => setAt(p, "tile.array.rows", 2048), "tile.array.rows", "from 1 to 1024, got 2048"],
    ["fractional SRAM", (p) => setAt(p, "tile.sramBytes", 1.5), "tile.sramBytes", "must be a whole number >= 1 (bytes), got 1.5"],
    ["infinite peak", (p) => setAt(p, "tile.peakOps.int8", Infinity), "tile.peakOps.int8", "got Infinity"],
    ["NaN clock", (p) => setAt(p, "clockGHz", NaN), "clockGHz", "got NaN"],
    ["null link", (p) => setAt(p, "links.intraDie", null), "links.intraDie", "must be an object with fields bandwidthGBps, latencyNs, got null"],
    ["array for object", (p) => setAt(p, "dies", [5, 4]), "dies", "got an array"],
    ["bad placement", (p) => setAt(p, "dram.placement", "side"), "dram.placement", 'must be one of "edge", "per-die", got "side"'],
    ["channels with per-die", (p) => setAt(setAt(p, "dram.placement", "per-die"), "dram.channels", 4), "dram.channels", 'applies to placement "edge" only'],
    ["more channels than boundary tiles", (p) => setAt(p, "dram.channels", 69), "dram.channels", "must be at most 68, the number of tiles on the mesh boundary"],
    ["empty name", (p) => setAt(p, "name", " "), "name", "must name the platform"],
    ["bad groupTiles", (p) => setAt(p, "groupTiles", { x: 2 }), "groupTiles.y", "is missing"],
    ["softmax unit without lanes", (p) => setAt(p, "tile.softmaxUnit", { units: 2 }), "tile.softmaxUnit.lanes", "is missing; add it: a whole number from 1 to 1024"],
    ["softmax unit too narrow a reciprocal", (p) => setAt(p, "tile.softmaxUnit", { units: 1, lanes: 4, recipBits: 12 }), "tile.softmaxUnit.recipBits", "recipBits (12) must exceed probBits (15)"],
    ["softmax unit typo", (p) => setAt(p, "tile.softmaxUnit", { units: 1, lane: 4 }), "tile.softmaxUnit.lane", 'did you mean "lanes"?'],
  ];
  it.each(cases)("%s", (_what, change, path, words) => {
    const p = palm();
    change(p);
    const e = fault(p);
    expect(e.message).toContain(`palm.json: ${path}: `);
    expect(e.message).toContain(words);
    expect(e.where).toEqual({ file: "palm.json", field: path });
    expect(e.name).toBe("PlatformError");
  });

  it("not an object at all", () => {
    expect(fault("palm", "p.json").message).toBe('p.json: the platform must be an object with fields name, description?, clockGHz, dies, tilesPerDie, tile, links, dram, groupTiles?, got "palm"');
  });

  // Every leaf of every preset, given a value of the wrong type, and (unless optional) deleted.
  const OPTIONAL = /^(description|groupTiles(\..*)?|dram\.channels)$/;
  const all = Object.values(PLATFORM_PRESETS).flatMap((p) => leaves(p).map(([path, v]) => [p.name, path, v] as const));
  it.each(all)("%s: %s of the wrong type is named", (name, path, v) => {
    const bad = typeof v === "number" ? "12" : 12;
    expect(fault(setAt(clone(PLATFORM_PRESETS[name]), path, bad)).message).toContain(`: ${path}: must be `);
    if (!OPTIONAL.test(path)) expect(fault(setAt(clone(PLATFORM_PRESETS[name]), path, undefined)).message).toContain(`: ${path}: is missing; add it`);
  });
});

describe("geometry by hand", () => {
  const tiny = platformPreset("tiny-2x2"), palmWafer = platformPreset("palm-wafer");

  it("XY goes along x first, and links across a die boundary are inter-die", () => {
    expect(xyPath(tiny, { x: 0, y: 0 }, { x: 1, y: 1 })).toEqual({
      links: [{ from: { x: 0, y: 0 }, to: { x: 1, y: 0 }, kind: "intraDie" }, { from: { x: 1, y: 0 }, to: { x: 1, y: 1 }, kind: "intraDie" }],
      hops: 2,
    });
    expect(xyPath(palmWafer, { x: 4, y: 4 }, { x: 3, y: 3 }).links.map((l) => l.kind)).toEqual(["interDie", "interDie"]);
    expect(xyPath(palmWafer, { x: 2, y: 2 }, { x: 2, y: 2 })).toEqual({ links: [], hops: 0 });
    expect(dieOf(palmWafer, 19, 15)).toEqual({ dx: 4, dy: 3 });
  });

  it("default edge ports: the middle of each boundary die's side, clockwise from the top-left", () => {
    const ports = (xs: number[][]) => xs.map(([x, y]) => ({ x, y }));
    expect(edgeDramPorts(tiny)).toEqual(ports([[0, 0]]));
    expect(edgeDramPorts(palmWafer)).toEqual(ports([
      [1, 0], [5, 0], [9, 0], [13, 0], [17, 0], // top row of dies
      [19, 5], [19, 9], [19, 13], // right column
      [13, 15], [9, 15], [5, 15], [1, 15], // bottom row
      [0, 9], [0, 5], // left column
    ]));
    // Saying the default count out loud changes nothing.
    expect(edgeDramPorts({ ...palmWafer, dram: { ...palmWafer.dram, channels: 14 } })).toEqual(edgeDramPorts(palmWafer));
    expect(edgeDramPorts(platformPreset("moentwine-wafer"))).toHaveLength(64);
  });

  it("bad coordinates are the caller's bug: RangeError", () => {
    expect(() => xyPath(tiny, { x: 0, y: 0 }, { x: 2, y: 0 })).toThrow(/route destination \(2, 0\) is not a tile of the 2 x 2 mesh/);
    expect(() => isInterDie(tiny, { x: 0, y: 0 }, { x: 1, y: 1 })).toThrow(RangeError);
    expect(() => dieOf(tiny, -1, 0)).toThrow(RangeError);
  });
});

describe("geometry on random meshes", () => {
  const side = fc.integer({ min: 1, max: 6 });
  const platform = fc
    .record({ dx: side, dy: side, tx: side, ty: side, perDie: fc.boolean(), channelFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true })) })
    .map(({ dx, dy, tx, ty, perDie, channelFraction }) => {
      const base = platformPreset("tiny-2x2");
      const p: Platform = { ...base, dies: { x: dx, y: dy }, tilesPerDie: { x: tx, y: ty }, dram: { ...base.dram, placement: perDie ? "per-die" : "edge" } };
      if (perDie || channelFraction === null) return p;
      const channels = 1 + Math.floor(channelFraction * (boundaryTileCount(p) - 1));
      return parsePlatform({ ...p, dram: { ...p.dram, channels } });
    });
  /** A platform and two of its tiles. */
  const withTiles = platform.chain((p) => {
    const m = meshSize(p);
    const tile = fc.record({ x: fc.integer({ min: 0, max: m.x - 1 }), y: fc.integer({ min: 0, max: m.y - 1 }) });
    return fc.tuple(fc.constant(p), tile, tile);
  });
  const same = (a: TileCoord, b: TileCoord) => a.x === b.x && a.y === b.y;

  test.prop([withTiles], { numRuns: 300 })("xyPath: |dx|+|dy| neighbour links from a to b, x first, kinds from dieOf", ([p, a, b]) => {
    expect(parsePlatform(p)).toEqual(p);
    const { links, hops } = xyPath(p, a, b);
    expect(hops).toBe(links.length);
    expect(hops).toBe(Math.abs(a.x - b.x) + Math.abs(a.y - b.y));
    let at = a, turned = false;
    for (const l of links) {
      expect(same(l.from, at)).toBe(true);
      expect(Math.abs(l.from.x - l.to.x) + Math.abs(l.from.y - l.to.y)).toBe(1);
      const alongX = l.from.y === l.to.y;
      if (!alongX) turned = true;
      expect(alongX && turned).toBe(false); // no x step after a y step
      const [da, db] = [dieOf(p, l.from.x, l.from.y), dieOf(p, l.to.x, l.to.y)];
      const crosses = da.dx !== db.dx || da.dy !== db.dy;
      expect(isInterDie(p, l.from, l.to)).toBe(crosses);
      expect(l.kind).toBe(crosses ? "interDie" : "intraDie");
      at = l.to;
    }
    expect(same(at, b)).toBe(true);
  });

  test.prop([withTiles], { numRuns: 300 })("isInterDie agrees with dieOf, both ways round", ([p, a]) => {
    const m = meshSize(p);
    for (const n of [{ x: a.x + 1, y: a.y }, { x: a.x, y: a.y + 1 }]) {
      if (n.x >= m.x || n.y >= m.y) continue;
      const da = dieOf(p, a.x, a.y), dn = dieOf(p, n.x, n.y);
      expect(isInterDie(p, a, n)).toBe(da.dx !== dn.dx || da.dy !== dn.dy);
      expect(isInterDie(p, n, a)).toBe(isInterDie(p, a, n));
    }
  });

  test.prop([platform], { numRuns: 300 })("DRAM ports: as many as channels, distinct, inside the mesh; edge ones on the boundary", (p) => {
    const m = meshSize(p);
    const ports = edgeDramPorts(p);
    const expected = p.dram.placement === "per-die" ? p.dies.x * p.dies.y : (p.dram.channels ?? boundaryDieCount(p));
    expect(ports).toHaveLength(expected);
    expect(new Set(ports.map((t) => `${t.x},${t.y}`)).size).toBe(expected);
    for (const t of ports) {
      expect(t.x >= 0 && t.y >= 0 && t.x < m.x && t.y < m.y).toBe(true);
      if (p.dram.placement === "edge") expect(t.x === 0 || t.y === 0 || t.x === m.x - 1 || t.y === m.y - 1).toBe(true);
    }
    if (p.dram.placement === "per-die") {
      // One port in every die.
      expect(new Set(ports.map((t) => JSON.stringify(dieOf(p, t.x, t.y)))).size).toBe(expected);
    } else if (p.dram.channels === undefined) {
      // One port on every boundary die.
      const dies = ports.map((t) => dieOf(p, t.x, t.y));
      expect(new Set(dies.map((d) => JSON.stringify(d))).size).toBe(expected);
      for (const d of dies) expect(d.dx === 0 || d.dy === 0 || d.dx === p.dies.x - 1 || d.dy === p.dies.y - 1).toBe(true);
    }
  });
});

describe("loadPlatform", () => {
  const dir = mkdtempSync(join(tmpdir(), "tessera-platform-"));

  it("a preset name gives the preset", () => {
    expect(loadPlatform("wse2")).toBe(PLATFORM_PRESETS.wse2);
  });

  it("a missing file: names it and lists the presets", () => {
    const file = join(dir, "no-such-platform.json");
    const e = (() => {
      try {
        loadPlatform(file);
      } catch (err) {
        return err as Error;
      }
      throw new Error("loaded a missing file");
    })();
    expect(e).toBeInstanceOf(PlatformError);
    expect(e.message).toContain(file);
    for (const name of PLATFORM_PRESET_NAMES) expect(e.message).toContain(name);
  });

  it("a JSON file: loads it, and a typo'd field is named with the file", () => {
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify(platformPreset("dojo-tile"), null, 2));
    expect(loadPlatform(good)).toEqual(platformPreset("dojo-tile"));

    const typo = join(dir, "typo.json");
    writeFileSync(typo, JSON.stringify(setAt(setAt(clone(platformPreset("dojo-tile")), "tilesPerDie", undefined), "tilesPerDei", { x: 2, y: 2 })));
    expect(() => loadPlatform(typo)).toThrow(`${typo}: tilesPerDei: is not a field`);
    expect(() => loadPlatform(typo)).toThrow('did you mean "tilesPerDie"?');
  });

  it("a file that is not JSON: names the file and the line", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, '{\n  "name": "x",\n  oops\n}\n');
    expect(() => loadPlatform(file)).toThrow(`${file}:3: not valid JSON`);
  });
});
