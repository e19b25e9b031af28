/** The trace crash-child.ts writes before dying, shared with crash.test.ts to replay it. */
import type { TraceSpec, VarSpec } from "./trace-fixture.js";

export const CRASH_AT = 37;
const vars: VarSpec[] = Array.from({ length: 60 }, (_, i) => ({
  scope: i % 2 ? ["top"] : ["top", "pe"],
  name: `v${i}`,
  width: [1, 8, 32, 48, 100][i % 5],
  signed: i % 3 === 0,
  rate: 0.6,
  decoder: i === 1 ? ["IDLE", "RUN"] : undefined,
}));
export const CRASH_SPEC: TraceSpec = { vars, cycles: 100, seed: 1234, period: 10 };
