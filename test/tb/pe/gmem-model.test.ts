/** The behavioural global memory is the judge of virtual padding, so it is tested on its own. */
import { describe, expect, it } from "vitest";
import type { BehaviouralIO } from "../../../src/hdl/index.js";
import { geometry, MAT_A, MAT_B, MAT_C, DIR_ALONG_ROW, DIR_DOWN_COL } from "../../../src/hw/systolic/geometry.js";
import { GlobalMemoryModel } from "../../../src/tb/pe/gmem-model.js";

function io(inputs: Record<string, number>, outputs: Record<string, number | bigint>): BehaviouralIO {
  return {
    get: (n) => BigInt(inputs[n] ?? 0),
    getNumber: (n) => inputs[n] ?? 0,
    set: (n, v) => (outputs[n] = v),
  };
}

const g = geometry({ rows: 4, cols: 2, dataflow: "os", m: 3, n: 3, k: 2, aType: "int8", bType: "int8", accWidth: 32, cores: 1 });
const A = [1, -2, 3, -4, 5, -6], B = [7, 8, 9, 10, 11, 12];

describe("GlobalMemoryModel", () => {
  it("answers reads after its latency with the real lanes; lanes beyond count are garbage", () => {
    const mem = new GlobalMemoryModel(g, A, B, 2, 1);
    const out: Record<string, number | bigint> = {};
    mem.tick(io({ req_valid: 1, req_mat: MAT_A, req_dir: DIR_DOWN_COL, req_row: 0, req_col: 1, req_count: 3, req_tag: 9 }, out));
    expect(out.resp_valid).toBe(0);
    mem.tick(io({}, out));
    expect(out.resp_valid).toBe(1);
    expect(out.resp_tag).toBe(9n);
    expect([out.rdata_l0, out.rdata_l1, out.rdata_l2]).toEqual([254, 252, 250]); // -2, -4, -6 as raw 8 bits
    expect(mem.elementsRead).toBe(3);
    expect(mem.bytesRead).toBe(3);
    expect(Array.from(mem.readsA)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(mem.violationCount).toBe(0);
  });

  it("records a padded lane (outside the matrix) as a violation instead of reading it", () => {
    const mem = new GlobalMemoryModel(g, A, B, 1, 1);
    mem.tick(io({ req_valid: 1, req_mat: MAT_B, req_dir: DIR_ALONG_ROW, req_row: 1, req_col: 2, req_count: 2 }, {}));
    expect(mem.violationCount).toBe(1);
    expect(mem.violations[0]).toMatch(/lane 1 is \(1, 3\), outside the 2 x 3 matrix: padding reached global memory/);
    expect(Array.from(mem.readsB)).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it("writes only C, counting elements and bytes of the accumulator width", () => {
    const mem = new GlobalMemoryModel(g, A, B, 1, 1);
    mem.tick(io({ wr_valid: 1, wr_dir: DIR_ALONG_ROW, wr_row: 2, wr_col: 1, wr_count: 2, wdata_l0: -5, wdata_l1: 6 }, {}));
    expect(Array.from(mem.C)).toEqual([0, 0, 0, 0, 0, 0, 0, -5, 6]);
    expect(mem.bytesWritten).toBe(8);
    mem.tick(io({ req_valid: 1, req_mat: MAT_C, req_count: 1 }, {}));
    expect(mem.violations.at(-1)).toMatch(/C is only written/);
  });

  it("takes a read and a write in the same cycle, each channel with its own bandwidth credit", () => {
    const mem = new GlobalMemoryModel(g, A, B, 1, 1, 4);
    const out: Record<string, number | bigint> = {};
    mem.reset(io({}, out));
    // A 3-lane int8 read (3 bytes) and a 2-lane 32-bit write (8 bytes), both taken this cycle.
    mem.tick(io({ req_valid: 1, req_mat: MAT_A, req_dir: DIR_DOWN_COL, req_count: 3, wr_valid: 1, wr_dir: DIR_ALONG_ROW, wr_count: 2 }, out));
    expect([mem.readRequests, mem.writeRequests]).toEqual([1, 1]);
    // Read credit 4 - 3 + 4 -> 4 (capped): ready; write credit 4 - 8 + 4 = 0: not ready.
    expect([out.req_ready, out.wr_ready]).toEqual([1, 0]);
    mem.tick(io({}, out));
    expect([out.req_ready, out.wr_ready]).toEqual([1, 1]);
  });
});
