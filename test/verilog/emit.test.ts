/**
 * The Verilog emitter without external tools: golden snapshots of small designs (reviewable
 * .v files in __snapshots__/), and the rules the emitter promises (names, dedupe, clocks,
 * refusals, determinism, deep expressions).
 */
import { describe, expect, test } from "vitest";
import { Module, constant, s, u } from "../../src/hdl/index.js";
import { BehaviouralEmitError, emitDesign, emitVerilog } from "../../src/verilog/emit.js";
import { RESERVED_WORDS, legalIdent } from "../../src/verilog/names.js";
import { DESIGNS } from "./designs.js";

describe("golden snapshots", () => {
  for (const [name, make] of Object.entries(DESIGNS)) {
    test(name, async () => {
      await expect(emitVerilog(make())).toMatchFileSnapshot(`./__snapshots__/${name}.v`);
    });
  }
});

describe("emitter rules", () => {
  test("emitting is deterministic", () => {
    for (const make of Object.values(DESIGNS)) expect(emitVerilog(make())).toBe(emitVerilog(make()));
  });

  test("identical module bodies share one Verilog module; different ones get distinct names", () => {
    const d = emitDesign(DESIGNS.hierarchy());
    expect(d.modules).toEqual(["grid", "pe", "pe_1"]);
    expect(d.text).toMatch(/^ {2}pe pe0 \(/m);
    expect(d.text).toMatch(/^ {2}pe pe1 \(/m);
    expect(d.text).toMatch(/^ {2}pe_1 pe2 \(/m);
    expect(d.text.match(/^module /gm)).toHaveLength(3);
  });

  test("reserved words are renamed consistently, and the top's ports say how", () => {
    const d = emitDesign(DESIGNS.reservedNames());
    expect(d.top).toBe("always_");
    expect(d.ports.map((p) => [p.name, p.vname])).toEqual([["begin", "begin_"], ["end", "end_"], ["class", "class_"]]);
    expect(d.text).toContain("module module_ (");
    expect(d.text).toContain("module_ new_ (");
    expect(d.text).toContain(".input_(new__input)");
    for (const w of ["always", "begin", "end", "class", "logic", "new", "input", "output", "module"]) expect(RESERVED_WORDS.has(w)).toBe(true);
    expect(legalIdent("delete")).toBe("delete_");
    expect(legalIdent("__x")).toBe("u__x");
  });

  test("opts.top names the top module", () => {
    const d = emitDesign(DESIGNS.counter(), { top: "my_counter" });
    expect(d.top).toBe("my_counter");
    expect(d.text).toContain("module my_counter (");
    expect(() => emitDesign(DESIGNS.counter(), { top: "wire" })).toThrow(/wire_/);
  });

  test("one clock and reset input per domain; children take only the domains they use", () => {
    const d = emitDesign(DESIGNS.twoDomains());
    expect(d.domains).toEqual([
      { domain: "sync", clock: "clk", reset: "rst" },
      { domain: "slow", clock: "slow_clk", reset: "slow_rst" },
    ]);
    expect(d.text).toContain("always @(posedge slow_clk) begin\n    if (slow_rst) begin");
    const r = emitVerilog(DESIGNS.reservedNames());
    // The child is purely combinational: no clock port.
    expect(r).toMatch(/module module_ \(\n {2}input wire \[2:0\] input_,/);
  });

  test("a behavioural block is refused by name", () => {
    const m = new Module("top");
    const o = m.output("o", u(8));
    const io = m.behaviouralBlock("hbm0", {
      ports: { q: { dir: "output", shape: u(8) } },
      tick: (x) => x.set("q", 1),
    });
    m.comb.set(o, io.q);
    expect(() => emitVerilog(m)).toThrow(BehaviouralEmitError);
    expect(() => emitVerilog(m)).toThrow(/behavioural block 'top\.hbm0'/);
  });

  test("signals that read nothing become constants (always @* would never run under Icarus)", () => {
    const m = new Module("tie");
    const a = m.input("a", u(8));
    const r = m.output("ready", u(1)), k = m.output("k", s(6)), z = m.output("z", u(4));
    m.comb.set(r, 1);
    m.comb.set(k, constant(-5, s(6)).add(1).trunc(6));
    // Every bit of `a` is shifted out: constant 0, though the expression reads `a`.
    m.comb.set(z, a.shl(4).trunc(4));
    const v = emitVerilog(m);
    expect(v).toContain("assign ready = 1'd1;");
    expect(v).toContain("assign k = -6'sd4;");
    expect(v).toContain("assign z = 4'd0;");
    expect(v).not.toContain("always @*");
  });

  test("truncated arithmetic is computed at the kept width", () => {
    const v = emitVerilog(DESIGNS.counter());
    expect(v).toContain("count <= count + 8'd1;");
  });

  test("deep expression chains do not overflow the stack", () => {
    const m = new Module("deep");
    const a = m.input("a", u(8));
    const y = m.output("y", u(8));
    let e = a.add(0).trunc(8);
    for (let i = 0; i < 20000; i++) e = e.add(i & 255).trunc(8).xor(a);
    m.comb.set(y, e);
    const v = emitVerilog(m);
    expect(v).toContain("module deep");
    expect(v.split("\n").length).toBeGreaterThan(100);
  });

  test("memories: guards for non-power-of-two depth, transparent port forwards the newest write", () => {
    const v = emitVerilog(DESIGNS.memory());
    expect(v).toContain("reg [11:0] buf_ [0:11];");
    expect(v).toContain("if (buf_w0_en && buf_w0_addr < 4'd12) buf_[buf_w0_addr] <= buf_w0_data;");
    expect(v).toMatch(/if \(buf_w1_en && buf_w1_addr == buf_r2_addr\) buf_r2_data <= buf_w1_data;\n\s+else if \(buf_w0_en && buf_w0_addr == buf_r2_addr\)/);
    expect(v).toContain("(buf_r0_addr < 4'd12) ? buf_[buf_r0_addr] : 12'd0");
  });
});
