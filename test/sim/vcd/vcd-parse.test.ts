/**
 * test/util/vcd-parse.ts, the vcd-stream wrapper the VCD tests rely on: it must read what is
 * there, whatever the chunking, and refuse files vcd-stream could not fully parse.
 */
import { describe, expect, test } from "vitest";
import { parseVcd } from "../../util/vcd-parse.js";

const HEADER = `$date today $end
$version hand $end
$timescale 1ns $end
$scope module top $end
$var wire 1 ! clk $end
$var wire 8 " q [7:0] $end
$scope module sub $end
$var wire 100 # wide [99:0] $end
$var string 1 $ st $end
$upscope $end
$upscope $end
$enddefinitions $end
`;
const BODY = `#0
$dumpvars
1!
b101 "
b${"1".repeat(100)} #
sIDLE $
$end
#5
0!
#10
1!
b11111111 "
sRUN $
#20
0!
`;

describe("parseVcd (vcd-stream's wasm build)", () => {
  test("reads header, scopes, vars and changes", async () => {
    const v = await parseVcd(Buffer.from(HEADER + BODY));
    expect([v.date, v.version, v.timescale]).toEqual(["today", "hand", "1ns"]);
    expect(v.vars.map((x) => [x.path, x.type, x.size, x.id])).toEqual([
      ["top.clk", "wire", 1, "!"],
      ["top.q", "wire", 8, '"'],
      ["top.sub.wide", "wire", 100, "#"],
      ["top.sub.st", "string", 1, "$"],
    ]);
    expect(v.root.scopes[0].scopes[0].name).toBe("sub");
    expect(v.changesOf("top.clk")).toEqual([
      { time: 0n, value: 1n },
      { time: 5n, value: 0n },
      { time: 10n, value: 1n },
      { time: 20n, value: 0n },
    ]);
    expect(v.changesOf("top.q")).toEqual([
      { time: 0n, value: 5n },
      { time: 10n, value: 255n },
    ]);
    expect(v.changesOf("top.sub.wide")).toEqual([{ time: 0n, value: 2n ** 100n - 1n }]);
    expect(v.changesOf("top.sub.st")).toEqual([
      { time: 0n, value: "IDLE" },
      { time: 10n, value: "RUN" },
    ]);
    expect(v.timestamps).toEqual([0n, 5n, 10n, 20n]);
    expect(() => v.changesOf("top.nope")).toThrow(/no var 'top.nope' in the VCD; it has top.clk, top.q/);
  });

  test("the same result for any chunking of the input", async () => {
    const whole = await parseVcd(Buffer.from(HEADER + BODY));
    for (const chunkBytes of [1, 2, 3, 7, 64]) {
      const v = await parseVcd(Buffer.from(HEADER + BODY), { chunkBytes });
      expect(v.vars).toEqual(whole.vars);
      expect(v.changes).toEqual(whole.changes);
    }
  });

  test("a header far larger than one chunk is read whole", async () => {
    const n = 6000;
    let text = "$timescale 1ns $end\n$scope module top $end\n";
    for (let i = 0; i < n; i++) text += `$var wire 8 v${i} signal_with_a_long_name_${i} [7:0] $end\n`;
    text += "$upscope $end\n$enddefinitions $end\n#0\n";
    for (let i = 0; i < n; i++) text += `b${i.toString(2).slice(-8)} v${i}\n`;
    expect(text.length).toBeGreaterThan(300_000);
    const v = await parseVcd(Buffer.from(text));
    expect(v.vars.length).toBe(n);
    expect(v.vars[n - 1]).toMatchObject({ path: `top.signal_with_a_long_name_${n - 1}`, size: 8, id: `v${n - 1}` });
    expect(v.changesOf("top.signal_with_a_long_name_300")).toEqual([{ time: 0n, value: BigInt(300 & 255) }]);
  });

  test("a file vcd-stream cannot fully parse is refused", async () => {
    await expect(parseVcd(Buffer.from(HEADER + BODY + "r1.5 !\n1!\n"))).rejects.toThrow(/vcd-stream/);
    await expect(parseVcd(Buffer.from(HEADER.replace("$enddefinitions $end", "")))).rejects.toThrow(/no '\$enddefinitions \$end'/);
    await expect(parseVcd(Buffer.from(HEADER + "#4294967296\n1!\n"))).rejects.toThrow(/above 2\^32 - 1/);
  });
});
