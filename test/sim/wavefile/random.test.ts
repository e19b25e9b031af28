/**
 * Property tests: random vars (1..70 bits, signed or not, aliases, FSM state strings) changing at
 * random, written by our VcdWriter and FstWriter (FST blocks of random size), read back by
 * readVcd (in chunks of random size, down to one byte) and readFst: both must give exactly what
 * was simulated. FC_SEED=<n> replays a run; the seed is printed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { FstWriter } from "../../../src/sim/fst/index.js";
import { VcdWriter } from "../../../src/sim/vcd/index.js";
import { stateToken } from "../../../src/sim/vcd/dumper.js";
import { readFst, readVcd, type WaveReader } from "../../../src/sim/wavefile/index.js";
import { driveTrace, type SimulatedTrace, type VarSpec } from "../vcd/trace-fixture.js";
import { histories } from "./histories.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`wavefile random traces: FC_SEED=${SEED}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-wavefile-rand-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PERIOD = 10;

// State names: letters and a few marks; spaces become "_" in both files (stateToken), "" is "?".
// No backslash: the VcdWriter writes state names unescaped, so a "\" would read as an escape.
const stateName = fc.stringMatching(/^[A-Za-z0-9_ .!$?-]{0,8}$/);
const varArb = fc.record({
  width: fc.integer({ min: 1, max: 70 }),
  signed: fc.boolean(),
  rate: fc.constantFrom(0, 0.1, 0.5, 1),
  scope: fc.constantFrom(["top"], ["top", "a"], ["top", "a", "b"], ["top", "c"]),
  decoder: fc.option(fc.array(stateName, { minLength: 1, maxLength: 5 }), { nil: undefined }),
  alias: fc.boolean(),
});

type VarRecord = typeof varArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Var specs from the arbitrary's records: unique names; decoders on unsigned vars, with no more
 * names than values (the fixture draws a state as an index into the names); some aliases.
 */
function specs(records: VarRecord[]): VarSpec[] {
  const out: VarSpec[] = [];
  // Declared in any order of scopes (a var of an enclosing scope after a subscope's): the FST
  // writer must give out handles in the hierarchy's order, as fstapi reads them.
  const sorted = records;
  sorted.forEach((r, i) => {
    const s: VarSpec = { scope: [...r.scope], name: `v${i}`, width: r.width, signed: r.signed, rate: r.rate };
    if (r.decoder && !r.signed) s.decoder = r.decoder.slice(0, 2 ** Math.min(r.width, 8));
    const target = r.alias ? out.findIndex((t) => t.aliasOf === undefined && t.width === s.width && t.signed === s.signed) : -1;
    if (target >= 0) {
      s.aliasOf = target;
      s.rate = 0;
      s.decoder = out[target].decoder;
    }
    out.push(s);
  });
  return out;
}

/** What the files must show, per path: its value changes, and the paths sharing its id. */
function expected(vars: VarSpec[], sim: SimulatedTrace): Map<string, { changes: [bigint, string][]; sharing: string[] }> {
  const want = new Map<string, { changes: [bigint, string][]; sharing: string[] }>();
  const push = (p: string, t: number, v: string) => {
    let w = want.get(p);
    if (!w) want.set(p, (w = { changes: [], sharing: [p] }));
    if (w.changes.at(-1)?.[1] !== v) w.changes.push([BigInt(t), v]);
  };
  sim.times.forEach((t) => {
    push("top.clk", t, "1");
    push("top.clk", t + PERIOD / 2, "0");
  });
  vars.forEach((s, i) => {
    const p = `${s.scope.join(".")}.${s.name}`;
    sim.times.forEach((t, c) => {
      const x = sim.patterns[i][c];
      push(p, t, x.toString(2).padStart(s.width, "0"));
      if (s.decoder) push(p + "_name", t, x < BigInt(s.decoder.length) ? stateToken(s.decoder[Number(x)]) : `?${x}`);
    });
  });
  // aliases share their target's id (and their state strings the target's)
  const group = (a: string, b: string) => {
    const all = [...new Set([...want.get(a)!.sharing, ...want.get(b)!.sharing])].sort();
    for (const p of all) want.get(p)!.sharing = all;
  };
  vars.forEach((s) => {
    if (s.aliasOf === undefined) return;
    const t = vars[s.aliasOf], p = `${s.scope.join(".")}.${s.name}`, q = `${t.scope.join(".")}.${t.name}`;
    group(p, q);
    if (s.decoder) group(p + "_name", q + "_name");
  });
  return want;
}

async function check(r: WaveReader, want: ReturnType<typeof expected>, vars: VarSpec[]) {
  try {
    const got = await histories(r);
    expect([...got.keys()].sort(), `${r.format} vars`).toEqual([...want.keys()].sort());
    for (const [p, w] of want) {
      const g = got.get(p)!;
      expect(g.changes, `${r.format} ${p}`).toEqual(w.changes);
      expect(g.sharing, `${r.format} ${p} shares its id`).toEqual(w.sharing);
    }
    for (const s of vars) {
      const v = r.vars.find((x) => x.path === `${s.scope.join(".")}.${s.name}`)!;
      expect(v.width).toBe(s.width);
    }
  } finally {
    await r.close();
  }
}

let n = 0;
describe("random traces through our writers read back as simulated", () => {
  test.prop(
    [fc.array(varArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 2, max: 40 }), fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined })],
    { numRuns: 60, seed: SEED },
  )("readVcd and readFst", async (records, cycles, seed, blockTimes, chunkSize) => {
    const vars = specs(records);
    const base = path.join(dir, `r${n++}`);
    const spec = { vars, cycles, seed, period: PERIOD };
    const sim = driveTrace(spec, new VcdWriter(base + ".vcd", { date: "d" }));
    driveTrace(spec, new FstWriter(base + ".fst", { date: "d", blockTimes, thread: false }));
    const want = expected(vars, sim);
    await check(await readVcd(base + ".vcd", { chunkSize }), want, vars);
    await check(await readFst(base + ".fst"), want, vars);
    fs.rmSync(base + ".vcd");
    fs.rmSync(base + ".fst");
  });
});
