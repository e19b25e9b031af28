/**
 * Cycle model of the BGPP unit (src/hw/bitslice/bgpp-unit.ts), as pure functions of the rounds a
 * query went through (golden bgpp's `rounds`: each round's alive keys and survivors). Pure, no
 * imports; the RTL is held to it by test/hw/bitslice/bgpp.test.ts and the `mcbp-bgpp` testbench.
 *
 * Keys are interleaved over `units` banks (key i in bank i mod units); each bank walks its own
 * alive keys in ascending order, one per cycle, so a pass over round r's keys takes
 * M_r = max over banks of the bank's alive keys, plus 3 pipeline cycles. A round is its score
 * pass, one threshold cycle, its clip pass (skipped when every alive key survives: the clipping
 * gate), and one round-end cycle.
 *
 * Cycles are counted as in a testbench: cycle 0 is the one whose edge samples start; cycle c is
 * what is visible after c edges.
 */
export interface BgppRoundSets {
  /** Keys alive entering the round, ascending. */
  readonly aliveIn: readonly number[];
  /** Keys alive after it, ascending. */
  readonly survivors: readonly number[];
}

/** M: the most keys of `alive` that any one bank holds. */
export function bgppBankLoad(alive: readonly number[], units: number): number {
  const per = new Array<number>(units).fill(0);
  for (const i of alive) per[i % units]++;
  return Math.max(0, ...per);
}

/** The clip pass is skipped exactly when every alive key survives. */
export function bgppGated(round: BgppRoundSets): boolean {
  return round.survivors.length === round.aliveIn.length;
}

/** One round: score pass M + 3, threshold 1, clip pass M + 3 unless gated, round end 1. */
export function bgppRoundCycles(most: number, gated: boolean): number {
  return most + 3 + 1 + (gated ? 0 : most + 3) + 1;
}

export interface BgppRoundTiming {
  /** Cycle of the score pass's slot 0 issue; slot k's partial score is visible at scoreIssue + k + 3. */
  readonly scoreIssue: number;
  /** Cycle of the clip pass's slot 0 issue (decision of slot k at clipIssue + k + 3); null when gated. */
  readonly clipIssue: number | null;
  /** Cycle at which round_valid (and, for the last round, done) is visible. */
  readonly record: number;
  readonly most: number;
  readonly gated: boolean;
}

export function bgppSchedule(rounds: readonly BgppRoundSets[], units: number): BgppRoundTiming[] {
  let at = 1;
  return rounds.map((r) => {
    const most = bgppBankLoad(r.aliveIn, units), gated = bgppGated(r);
    const t: BgppRoundTiming = { scoreIssue: at, clipIssue: gated ? null : at + most + 4, record: at + bgppRoundCycles(most, gated), most, gated };
    at = t.record;
    return t;
  });
}

/** Cycles from the start edge to the cycle done is visible: 1 + the rounds' cycles. */
export function bgppQueryCycles(rounds: readonly BgppRoundSets[], units: number): number {
  return rounds.reduce((acc, r) => acc + bgppRoundCycles(bgppBankLoad(r.aliveIn, units), bgppGated(r)), 1);
}
