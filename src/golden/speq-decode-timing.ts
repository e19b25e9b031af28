/**
 * The SPEQ decoder's exact cycle and weight-traffic model (src/hw/speq/decoder.ts), stated
 * independently of the RTL and checked against it run by run.
 *
 * A forward pass over up to `lanes` positions: STEP 1 + TOK 1 + EMB (H + 1) + per layer [GO 1 +
 * WAIT (N + 3) + RES (H + 1)] + head [GO 1 + WAIT (N_head + 3)] + ARG (V + 1) + POST 1, with
 * N = (rows / pes) * H / (draft ? lanes : 1) the array's issue cycles (engine.ts). The prompt's
 * KV entries: (P - 1) * (STEP + TOK + EMB) + 1. Speculation, per pass: gamma draft forwards,
 * ceil((gamma + 1) / lanes) verify forwards, and ACCEPT: STEP 1 + 2 (a + 1) compare cycles + 1
 * write. The end: STEP 1 + FINISH 1. Cycles count from the start edge to done inclusive.
 */
export interface SpeqDecodeShape {
  readonly hidden: number;
  readonly layers: number;
  readonly vocab: number;
  readonly pes: number;
  readonly lanes: number;
}

/** What the run did (golden speculativeDecode's counts; gamma 0 = the baseline). */
export interface SpeqDecodeCounts {
  readonly gamma: number;
  readonly tokens: number;
  readonly passes: number;
  readonly rolledBack: number;
}

const issueCycles = (s: SpeqDecodeShape, rows: number, draft: boolean) => (rows / s.pes) * (s.hidden / (draft ? s.lanes : 1));

/** One forward pass (any number of positions up to lanes). */
export function speqForwardCycles(s: SpeqDecodeShape, draft: boolean): number {
  const H = s.hidden;
  const layer = 1 + issueCycles(s, H, draft) + 3 + H + 1;
  const head = 1 + issueCycles(s, s.vocab, draft) + 3 + s.vocab + 1;
  return 1 + 1 + (H + 1) + s.layers * layer + head + 1;
}

/** Verify forwards per pass: lanes positions share one weight fetch. */
export function speqVerifyGroups(s: SpeqDecodeShape, gamma: number): number {
  return Math.ceil((gamma + 1) / s.lanes);
}

export function speqDecodeCycles(s: SpeqDecodeShape, promptLen: number, c: SpeqDecodeCounts): number {
  const prefill = (promptLen - 1) * (1 + 1 + s.hidden + 1) + 1;
  const end = 2;
  if (c.gamma === 0) return prefill + c.tokens * speqForwardCycles(s, false) + end;
  const acceptedSum = c.gamma * c.passes - c.rolledBack;
  const perPass = c.gamma * speqForwardCycles(s, true) + speqVerifyGroups(s, c.gamma) * speqForwardCycles(s, false) + 2 + 2;
  return prefill + c.passes * perPass + 2 * acceptedSum + end;
}

/** Weight bytes of one forward: 2 per weight in verify mode, a quarter of that in draft mode. */
export function speqForwardBytes(s: SpeqDecodeShape, draft: boolean): number {
  const full = 2 * s.hidden * (s.layers * s.hidden + s.vocab);
  return draft ? full / 4 : full;
}

export function speqDecodeBytes(s: SpeqDecodeShape, c: SpeqDecodeCounts): number {
  if (c.gamma === 0) return c.tokens * speqForwardBytes(s, false);
  return c.passes * (c.gamma * speqForwardBytes(s, true) + speqVerifyGroups(s, c.gamma) * speqForwardBytes(s, false));
}

/**
 * Expected speedup over the baseline at draft acceptance alpha (each proposal accepted
 * independently with probability alpha, the standard speculative-decoding model): tokens per pass
 * (1 - alpha^(gamma+1)) / (1 - alpha), cycles per pass from the model above (accept cycles at the
 * expected prefix length). What the bench sweeps alpha with; the RTL runs pin the model.
 */
export function speqExpectedSpeedup(s: SpeqDecodeShape, gamma: number, alpha: number): { tokensPerPass: number; speedup: number; byteRatio: number } {
  const tpp = alpha === 1 ? gamma + 1 : (1 - alpha ** (gamma + 1)) / (1 - alpha);
  const expectedA = tpp - 1;
  const passCycles = gamma * speqForwardCycles(s, true) + speqVerifyGroups(s, gamma) * speqForwardCycles(s, false) + 4 + 2 * expectedA;
  const passBytes = gamma * speqForwardBytes(s, true) + speqVerifyGroups(s, gamma) * speqForwardBytes(s, false);
  return {
    tokensPerPass: tpp,
    speedup: (tpp * speqForwardCycles(s, false)) / passCycles,
    byteRatio: (tpp * speqForwardBytes(s, false)) / passBytes,
  };
}
