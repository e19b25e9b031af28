/** valid/ready streams: a FIFO-less skid stage under random valid and ready, items in order. */
import { describe, expect, it } from "vitest";
import { Module, fire, streamPorts, u, ports, input, output } from "../../src/hdl/index.js";
import { simulate, streamSink, streamSource } from "../../src/sim/index.js";
import { rng } from "../../src/tb/harness.js";

/** A one-entry register slice: accepts when empty or when its output is taken. */
function slice() {
  const m = new Module("slice");
  const inp = streamPorts(m, "in", u(8), "sink");
  const out = streamPorts(m, "out", u(8), "source");
  const full = m.signal("full", u(1));
  const data = m.signal("data", u(8));
  m.comb.set(inp.ready, full.not().or(out.ready));
  m.comb.set(out.valid, full);
  m.comb.set(out.payload, data);
  m.if(fire(inp), () => {
    m.sync.set(full, 1);
    m.sync.set(data, inp.payload.add(1).trunc(8));
  }).elif(fire(out), () => m.sync.set(full, 0));
  return { m, inp, out };
}

describe("stream testbench helpers", () => {
  it("every item arrives once, in order, under random valid and ready", async () => {
    for (const seed of [1, 2, 3]) {
      const { m, inp, out } = slice();
      const sim = simulate(m);
      const r = rng(seed);
      const items = Array.from({ length: 50 }, (_, i) => (i * 37) % 255);
      const done = streamSource(sim, inp, items, { validRate: 0.6, random: r });
      const got = streamSink(sim, out, { readyRate: 0.5, random: r, count: items.length });
      await sim.run({ maxCycles: 10_000 });
      await done;
      expect(got).toEqual(items.map((x) => BigInt((x + 1) % 256)));
    }
  });

  it("ports records: pokeAll/peekAll and port lookup by name", () => {
    const IO = ports({ a: input(u(4)), b: input(u(4)), sum: output(u(5)) });
    const m = new Module("adder");
    const io = m.ports(IO);
    m.comb.set(io.sum, io.a.add(io.b));
    const sim = simulate(m);
    sim.pokeAll(io, { a: 9, b: 8 });
    expect(sim.peekAll(io)).toEqual({ a: 9n, b: 8n, sum: 17n });
    expect(m.port("sum")).toBe(io.sum);
    expect(() => m.port("carry")).toThrow(/module 'adder' has no port 'carry'; its ports are a, b, sum/);
  });
});
