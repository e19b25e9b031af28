/**
 * The compiled engine on two threads (SimOptions.threads = 2; src/sim/threads.ts): the worker
 * runs its share of the shared instances (partition.ts) in every phase while the main thread runs
 * the rest. It must compute exactly what one thread computes: on random hierarchical designs
 * against the interpreter, on a NoC mesh stored value by stored value, and through the NoC
 * testbench's own checks and metrics. Also: a design it cannot split runs on one thread and says
 * why, a simulator keeps stepping correctly after close() stops the worker, and an exception in
 * the worker reaches the main thread.
 */
import { afterEach, describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { Module, Signal, u } from "../../src/hdl/index.js";
import { makeMesh } from "../../src/hw/noc/mesh.js";
import { simulate, type Simulator } from "../../src/sim/index.js";
import { STORE_NAMES } from "../../src/sim/layout.js";
import { CTL_DONE, CTL_ERROR, CTL_GEN, CTL_REGION, SimThread } from "../../src/sim/threads.js";
import { sharedArray } from "../../src/sim/layout.js";
import { nocTb as nocTestbench } from "../../src/tb/noc/noc.js";
import { circuitArb } from "./random/circuit.js";
import { chain, expectSameOutputs, oneDomain } from "./random/chain.js";
import { xorshift32 } from "../../src/verilog/cosim.js";

type Engine = { threads: number; threadsNote?: string; templates?: { onWorker: Uint8Array[] }; layout: { store: Uint8Array; index: Int32Array }; stores: Record<string, ArrayLike<unknown>> };
const engineOf = (s: Simulator) => (s as unknown as { engine: Engine }).engine;

const open: Simulator[] = [];
const sim2 = (top: Module, opts: Parameters<typeof simulate>[1] = {}) => {
  const s = simulate(top, { threads: 2, ...opts });
  open.push(s);
  return s;
};
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe("the compiled engine on two threads", () => {
  const RUNS = 60;
  let splitRuns = 0;
  // Values up to 52 bits: wider ones live in the bigint store, which keeps a design on one thread.
  test.prop([circuitArb({ maxNodes: 24, maxWidth: 52 }), fc.integer({ min: 2, max: 6 })], { numRuns: RUNS })(
    "random chained instances: two threads == interpreter on every output, every cycle",
    (spec0, copies) => {
      const spec = oneDomain(spec0);
      const threaded = sim2(chain(spec, copies).top, { sharedCode: "on", activity: "off" });
      const interp = simulate(chain(spec, copies).top, { engine: "interp" });
      const e = engineOf(threaded);
      // Two threads whenever the design has classes and no values over 52 bits in them; else the note says why.
      if (e.threads === 2) {
        splitRuns++;
        expect(e.templates!.onWorker.some((w) => w.some((x) => x === 1))).toBe(true);
      } else {
        expect(e.threadsNote).toMatch(/shared code|52 bits|memories/);
      }
      expectSameOutputs(spec, copies, [["two threads", threaded]], interp);
    },
  );

  // About 58% of them do (31 to 37 of 60 in five runs).
  it("many of those random designs ran on two threads", () => {
    expect(splitRuns).toBeGreaterThan(RUNS / 3);
  });

  it("a 4x4 NoC mesh under random inputs: every stored value and memory word equal to one thread's, also after close()", () => {
    const mk = () => makeMesh({ w: 4, h: 4, vcs: 2 });
    const a = sim2(mk(), { activity: "off", sharedCode: "on" });
    const b = simulate(mk(), { activity: "off", sharedCode: "on" });
    expect(engineOf(a).threads).toBe(2);
    expect(engineOf(b).threads).toBe(1);
    const ins = a.net.inputs.filter((n) => !a.net.resets.includes(n));
    const rnd = xorshift32(2024);
    const stored = (s: Simulator, id: number) => {
      const e = engineOf(s);
      return e.stores[STORE_NAMES[e.layout.store[id]]][e.layout.index[id]];
    };
    const ids = a.net.nodes.filter((n) => n.kind !== "alias").map((n) => n.id);
    const mems = a.net.memories;
    a.reset();
    b.reset();
    for (let c = 0; c < 800; c++) {
      // Half-way through the worker is stopped: the main thread then runs its share too.
      if (c === 400) a.close();
      for (const i of ins) {
        const w = i.shape.width;
        const v = BigInt(rnd() & (w >= 32 ? 0xffffffff : (1 << w) - 1)) & ((1n << BigInt(w)) - 1n);
        a.poke(i.name, v);
        b.poke(i.name, v);
      }
      a.step();
      b.step();
      for (const id of ids) {
        const x = stored(a, id), y = stored(b, id);
        if (x !== y) expect(`${a.net.nodes[id].name} at cycle ${c}: ${x}`).toBe(`${a.net.nodes[id].name} at cycle ${c}: ${y}`);
      }
      if (c % 50 === 49) {
        for (const m of mems) for (let k = 0; k < m.depth; k++) expect(a.readMemory(m.name, k), `${m.name}[${k}] at cycle ${c}`).toBe(b.readMemory(m.name, k));
      }
    }
  });

  it("the NoC testbench on an 8x8 mesh: the same checks, metrics and packets on two threads as on one", async () => {
    const params = { ...Object.fromEntries(nocTestbench.params.map((p) => [p.name, p.default])), w: 8, h: 8, vcs: 4, bufDepth: 4, packetSize: 1, rate: 0.1, warmup: 300, measure: 3000 };
    const one = await nocTestbench.run({ params, seed: 7 });
    const two = await nocTestbench.run({ params, seed: 7, threads: 2 });
    expect(one.passed).toBe(true);
    expect(two.passed).toBe(true);
    expect(two.checks).toBe(one.checks);
    expect(two.cycles).toBe(one.cycles);
    expect(two.metrics).toEqual(one.metrics);
  });

  it("the worker's copy of the runtime helpers: 33..52-bit logic in shared instances", () => {
    const make = () => {
      const top = new Module("top");
      const a = top.input("a", u(48)), b = top.input("b", u(48));
      let prev: Signal = b;
      for (let k = 0; k < 4; k++) {
        const m = new Module("wide");
        const x = m.input("x", u(48)), y = m.input("y", u(48));
        const acc = m.signal("acc", u(48));
        m.sync.set(acc, acc.xor(x.and(y)).add(x.or(y).shr(3)).resize(48));
        const o = m.output("o", u(48));
        m.comb.set(o, acc.xor(y));
        top.submodule(`w${k}`, m);
        top.comb.set(x, a);
        top.comb.set(y, prev);
        prev = o;
        top.comb.set(top.output(`o${k}`, u(48)), prev);
      }
      return top;
    };
    const t = sim2(make(), { sharedCode: "on" }), ref = simulate(make(), { engine: "interp" });
    expect(engineOf(t).threads).toBe(2);
    const rnd = xorshift32(7);
    for (let c = 0; c < 300; c++) {
      const va = BigInt(rnd()) * 65536n + BigInt(rnd() & 0xffff), vb = BigInt(rnd()) * 65536n + BigInt(rnd() & 0xffff);
      for (const s of [t, ref]) (s.poke("a", va), s.poke("b", vb));
      for (let k = 0; k < 4; k++) expect(t.peek(`o${k}`), `o${k} at cycle ${c}`).toBe(ref.peek(`o${k}`));
      t.step();
      ref.step();
    }
  });

  it("a design without identical submodules runs on one thread, and says why", () => {
    const m = new Module("acc");
    const x = m.input("x", u(8));
    const acc = m.output("acc", u(16));
    m.sync.set(acc, acc.add(x).resize(16));
    const s = sim2(m);
    expect(engineOf(s).threads).toBe(1);
    expect(engineOf(s).threadsNote).toMatch(/no shared code/);
    s.poke("x", 3);
    s.step();
    s.step();
    expect(s.peek("acc")).toBe(6n);
  });

  it("threads other than 1 or 2 are refused, naming the option", () => {
    const m = new Module("t");
    m.comb.set(m.output("o", u(1)), m.input("i", u(1)));
    expect(() => simulate(m, { threads: 3 })).toThrow(/threads = 3: use 1 or 2/);
    expect(() => simulate(m, { threads: 0 })).toThrow(/threads = 0/);
  });

  it("an exception in the worker's code is thrown on the main thread with its message", () => {
    const data = { S: { I: sharedArray(Int32Array, 64), U: sharedArray(Uint32Array, 64), F: sharedArray(Float64Array, 64) }, TPL: { X: [], M: [] } };
    const t = new SimThread(["const U = S.U;"], [], ["U[0] = 41;", "throw new Error('boom in region 1');"], data);
    try {
      const ctl = t.ctl;
      const run = (k: number, gen: number) => {
        ctl[CTL_REGION] = k;
        Atomics.store(ctl, CTL_GEN, gen);
        Atomics.notify(ctl, CTL_GEN);
        const t0 = Date.now();
        while (Atomics.load(ctl, CTL_DONE) !== gen) if (Date.now() - t0 > 20_000) throw new Error("worker did not answer");
      };
      run(0, 1);
      expect(ctl[CTL_ERROR]).toBe(0);
      expect(data.S.U[0]).toBe(41); // the worker wrote into the shared store
      run(1, 2);
      expect(ctl[CTL_ERROR]).toBe(1);
      expect(() => t.failed()).toThrow(/simulator worker thread failed \(threads: 2\): Error: boom in region 1/);
    } finally {
      t.close();
    }
  });

  it("code the worker cannot compile is reported when the simulator is made", () => {
    const data = { S: { I: sharedArray(Int32Array, 1), U: sharedArray(Uint32Array, 1), F: sharedArray(Float64Array, 1) }, TPL: { X: [], M: [] } };
    expect(() => new SimThread([], [], ["this is not javascript"], data)).toThrow(/simulator worker thread failed .*SyntaxError/s);
  });
});
