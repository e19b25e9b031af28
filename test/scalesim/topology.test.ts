/** SCALE-Sim topology files: both formats, the conv -> GEMM mapping, and named mistakes. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ScaleSimTopologyError, parseTopology, readTopology } from "../../src/scalesim/topology.js";

const here = (p: string) => fileURLToPath(new URL(`../../topologies/${p}`, import.meta.url));

function fails(text: string, format?: "conv" | "gemm"): ScaleSimTopologyError {
  try {
    parseTopology(text, "t.csv", { format });
  } catch (e) {
    expect(e).toBeInstanceOf(ScaleSimTopologyError);
    return e as ScaleSimTopologyError;
  }
  throw new Error("expected an error");
}

const CONV_HEADER = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,";

describe("conv topologies", () => {
  it("AlexNet's first layers as SCALE-Sim ships them (padded names, trailing commas)", () => {
    const t = parseTopology(`${CONV_HEADER}\nConv1     ,224         ,224        ,11           ,11          ,3       ,96        ,4      ,\nConv2     ,27         ,27        ,5            ,5           ,96      ,256       ,1      ,\n`, "alexnet.csv");
    expect(t.format).toBe("conv");
    const [c1, c2] = t.layers;
    // ofmap = ceil((224 - 11 + 4) / 4) = 55 (SCALE-Sim rounds up: the last window runs off the edge)
    expect(c1).toMatchObject({ kind: "conv", name: "Conv1", line: 2, ofmapHeight: 55, ofmapWidth: 55, gemm: { m: 55 * 55, n: 96, k: 11 * 11 * 3 } });
    // windows start at 0, 4, ..., 216 and reach row 226: all 224 rows are touched
    expect(c1.ifmapUniqueWords).toBe(224 * 224 * 3);
    expect(c2).toMatchObject({ ofmapHeight: 23, gemm: { m: 23 * 23, n: 256, k: 5 * 5 * 96 }, ifmapUniqueWords: 27 * 27 * 96 });
  });

  it("a stride larger than the filter leaves rows untouched", () => {
    const t = parseTopology(`${CONV_HEADER}\nL,9,9,1,1,4,8,3,\n`, "s.csv");
    // ofmap ceil((9 - 1 + 3) / 3) = 4 per side: windows at rows 0, 3, 6 and 9, the last wholly past
    // the edge (SCALE-Sim's rounding up; its addresses are all -1). Touched: rows and columns
    // 0, 3, 6, i.e. 9 pixels of 4 channels.
    expect(t.layers[0]).toMatchObject({ ofmapHeight: 4, gemm: { m: 16, n: 8, k: 4 }, ifmapUniqueWords: 9 * 4 });
  });

  it("a ninth column is the stride width, or a batch that must be 1", () => {
    expect(parseTopology(`${CONV_HEADER} Stride width,\nL,8,8,2,2,1,1,2,1,\n`, "x").layers[0]).toMatchObject({ strideHeight: 2, strideWidth: 1, ofmapHeight: 4, ofmapWidth: 7 });
    const e = fails(`${CONV_HEADER} Batch Size,\nL,8,8,2,2,1,1,1,4,\n`);
    expect(e.where).toMatchObject({ line: 2, field: "Batch Size" });
  });

  it("a layer named with DP is depthwise: one 1-channel layer per channel, as SCALE-Sim does", () => {
    const t = parseTopology(`${CONV_HEADER}\nDP_conv,10,10,3,3,3,1,1,\n`, "dw.csv");
    expect(t.layers.map((l) => l.name)).toEqual(["DP_convChannel_0", "DP_convChannel_1", "DP_convChannel_2"]);
    expect(t.layers.every((l) => l.gemm.k === 9 && l.gemm.m === 64 && l.line === 2)).toBe(true);
  });

  it("rows without the trailing comma read the same", () => {
    expect(parseTopology(`${CONV_HEADER}\nL,8,8,2,2,1,1,1\n`, "x").layers[0].gemm).toEqual({ m: 49, n: 1, k: 4 });
  });
});

describe("GEMM topologies", () => {
  it("M, N, K pass through SCALE-Sim's conv shape unchanged: m = M, n = N, k = K", () => {
    const t = parseTopology("Layer Name, M, N, K,\nTest 1, 256, 128, 64,\n", "g.csv");
    expect(t.format).toBe("gemm");
    expect(t.layers[0]).toEqual({ kind: "gemm", name: "Test 1", line: 2, m: 256, n: 128, k: 64, gemm: { m: 256, n: 128, k: 64 }, ifmapUniqueWords: 256 * 64 });
  });

  it("the format can be forced, as SCALE-Sim's -i does", () => {
    expect(parseTopology("whatever\nQ,1,2,3,\n", "g.csv", { format: "gemm" }).layers[0].gemm).toEqual({ m: 1, n: 2, k: 3 });
  });

  it("blank lines are skipped and line numbers stay the file's", () => {
    const t = parseTopology("Layer,M,N,K,\n\nA,1,2,3,\n\r\nB,4,5,6,\r\n", "g.csv");
    expect(t.layers.map((l) => [l.name, l.line])).toEqual([["A", 3], ["B", 5]]);
  });
});

describe("mistakes are named", () => {
  it("a non-number names its line and column", () => {
    const e = fails("Layer,M,N,K,\nA,1,2,3,\nB,4,x,6,\n");
    expect(e.where).toEqual({ file: "t.csv", line: 3, field: "N" });
    expect(e.message).toBe("t.csv:3: N: N is 'x', not a whole number");
  });

  it("a missing column, zero, an extra column", () => {
    expect(fails("Layer,M,N,K,\nA,1,2,\n").where).toMatchObject({ line: 2, field: "K" });
    expect(fails("Layer,M,N,K,\nA,1,0,3,\n").message).toMatch(/N is 0; it must be at least 1/);
    expect(fails("Layer,M,N,K,\nA,1,2,3,2:4,\n").message).toMatch(/sparsity ratios .* are not modelled/);
  });

  it("a filter larger than its ifmap (SCALE-Sim's assert)", () => {
    expect(fails(`${CONV_HEADER}\nL,4,8,5,2,1,1,1,\n`).where).toMatchObject({ line: 2, field: "Filter Height" });
  });

  it("data on line 1, which SCALE-Sim would silently skip", () => {
    expect(fails("A,1,2,3,\nB,4,5,6,\n").message).toMatch(/line 1 holds numbers/);
  });

  it("a header that is neither format", () => {
    expect(fails("name, a, b\nA,1,2,\n").message).toMatch(/cannot tell from the header/);
  });

  it("no layers", () => {
    expect(fails("Layer,M,N,K,\n\n").message).toMatch(/no layers/);
  });
});

describe("the shipped files", () => {
  it("conv-example.csv gives ResNet-18's output sizes", () => {
    const t = readTopology(here("conv-example.csv"));
    expect(t.layers.map((l) => (l.kind === "conv" ? [l.name, l.ofmapHeight, l.ofmapWidth] : []))).toEqual([
      ["Conv1", 112, 112],
      ["Conv2_1a", 56, 56],
      ["Conv2_1b", 56, 56],
      ["Conv3_1a", 28, 28],
      ["Conv3_1b", 28, 28],
      ["Conv3_ds", 28, 28],
    ]);
  });

  const decoder = (file: string, S: number, ctx: number, d: number, heads: number, hd: number, ff: number, llama: boolean) => {
    const t = readTopology(here(file));
    expect(t.format).toBe("gemm");
    const by = (name: string) => t.layers.filter((l) => l.name === name || l.name.startsWith(name + "_h")).map((l) => l.gemm);
    if (llama) for (const p of ["Q_proj", "K_proj", "V_proj"]) expect(by(p)).toEqual([{ m: S, n: d, k: d }]);
    else expect(by("QKV")).toEqual([{ m: S, n: 3 * d, k: d }]);
    expect(by("QK")).toEqual(new Array(heads).fill({ m: S, n: ctx, k: hd }));
    expect(by("PV")).toEqual(new Array(heads).fill({ m: S, n: hd, k: ctx }));
    expect(by("O_proj")).toEqual([{ m: S, n: d, k: d }]);
    const macs = t.layers.reduce((s, l) => s + l.gemm.m * l.gemm.n * l.gemm.k, 0);
    // 4 (or 3 fused) d x d projections, attention 2 * S * ctx * d, MLP 3 (or 2) d x ff matrices.
    expect(macs).toBe(S * (4 * d * d + 2 * ctx * d + (llama ? 3 : 2) * d * ff));
    return t;
  };

  it("Llama-2-7B prefill at 2048 and decode with a 2048 context", () => {
    decoder("llama2-7b-decoder-prefill-2048.csv", 2048, 2048, 4096, 32, 128, 11008, true);
    decoder("llama2-7b-decoder-decode.csv", 1, 2048, 4096, 32, 128, 11008, true);
  });

  it("GPT-2 small prefill at 1024 and decode with a 1024 context", () => {
    decoder("gpt2-decoder-prefill-1024.csv", 1024, 1024, 768, 12, 64, 3072, false);
    decoder("gpt2-decoder-decode.csv", 1, 1024, 768, 12, 64, 3072, false);
  });
});
