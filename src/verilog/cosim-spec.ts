/**
 * What a co-simulation needs to know about a Verilog top module, independent of Tessera's own
 * simulator: its ports, its clocks, and when each clock has a rising edge.
 *
 * Timeline (the same as Tessera's simulator): clock i has rising edges at
 *   phase_i + k * period_i   for k = 1, 2, 3, ...
 * A *cycle* ends at a rising edge of the default clock (clocks[0]). Cycle c (0-based) runs every
 * edge in the window (end of cycle c-1, end of cycle c], in time order; edges at the same time
 * form one group and are simultaneous (every register involved samples pre-edge values).
 * Periods and phases are whole time units.
 */
import type { EmittedDesign } from "./emit.js";

export interface CosimPort {
  /** Verilog port name on the top module. */
  readonly name: string;
  readonly width: number;
  readonly signed: boolean;
  /** Tessera's name for it, where it differs (reserved words are renamed in Verilog). */
  readonly hdlName?: string;
}

export interface CosimClock {
  /** Verilog clock input. */
  readonly clock: string;
  /** Reset input of this clock's domain (an entry of `inputs` too); benchmark mode drives it. */
  readonly reset?: string;
  readonly period: number;
  readonly phase?: number;
}

export interface CosimSpec {
  readonly verilog: string;
  readonly top: string;
  /** Inputs driven from the stimulus table, in column order; domain resets are ordinary inputs here. */
  readonly inputs: readonly CosimPort[];
  readonly outputs: readonly CosimPort[];
  /** clocks[0] is the default domain: one cycle = one of its rising edges. */
  readonly clocks: readonly CosimClock[];
}

/**
 * A spec for an emitted design: resets first (one per domain, in domain order), then the data
 * inputs; every output; one clock per domain with `periods[domain]` (default 10).
 */
export function specFromEmitted(d: EmittedDesign, opts: { periods?: Record<string, number>; phases?: Record<string, number> } = {}): CosimSpec {
  const resets: CosimPort[] = d.domains.map((x) => ({ name: x.reset, width: 1, signed: false }));
  const port = (p: EmittedDesign["ports"][number]): CosimPort => ({
    name: p.vname, width: p.width, signed: p.signed, ...(p.vname !== p.name ? { hdlName: p.name } : {}),
  });
  return {
    verilog: d.text,
    top: d.top,
    inputs: [...resets, ...d.ports.filter((p) => p.dir === "input").map(port)],
    outputs: d.ports.filter((p) => p.dir === "output").map(port),
    clocks: d.domains.map((x) => ({ clock: x.clock, reset: x.reset, period: opts.periods?.[x.domain] ?? 10, phase: opts.phases?.[x.domain] ?? 0 })),
  };
}

/** Edge groups of one cycle: each group is a bit mask over `clocks` (bit i = clocks[i]). */
export type CycleEdges = readonly number[];

/**
 * Edge groups of every cycle as a finite table: cycle c uses table[c] while c < warm, and
 * table[warm + (c - warm) % (table.length - warm)] after (edges repeat with the least common
 * multiple of the periods once every clock's phase has passed).
 */
export interface EdgeTable {
  readonly table: readonly CycleEdges[];
  readonly warm: number;
}

export function edgeTable(clocks: readonly CosimClock[]): EdgeTable {
  if (clocks.length === 0) return { table: [[]], warm: 0 };
  if (clocks.length > 30) throw new Error(`co-simulation supports at most 30 clocks, got ${clocks.length}`);
  for (const c of clocks) {
    if (!Number.isInteger(c.period) || c.period < 1) throw new Error(`clock '${c.clock}': period must be a whole number >= 1, got ${c.period}`);
    const ph = c.phase ?? 0;
    if (!Number.isInteger(ph) || ph < 0) throw new Error(`clock '${c.clock}': phase must be a whole number >= 0, got ${ph}`);
  }
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const lcm = clocks.reduce((l, c) => (l / gcd(l, c.period)) * c.period, 1);
  const P0 = clocks[0].period;
  const len = lcm / P0;
  if (!Number.isInteger(len) || len > 4096) {
    throw new Error(`clock periods ${clocks.map((c) => c.period).join(", ")} repeat only every ${lcm} time units (${len} cycles); choose periods with a smaller common multiple`);
  }
  const warm = Math.ceil(Math.max(...clocks.map((c) => c.phase ?? 0)) / P0) + 1;
  return { table: edgeSchedule(clocks, warm + len), warm };
}

/** Edge groups of cycle c from a table. */
export function edgesOfCycle(t: EdgeTable, c: number): CycleEdges {
  return c < t.warm ? t.table[c] : t.table[t.warm + ((c - t.warm) % (t.table.length - t.warm))];
}

/** Edge groups for cycles 0..n-1, computed directly from the timeline. */
export function edgeSchedule(clocks: readonly CosimClock[], n: number): CycleEdges[] {
  const P0 = clocks[0].period, ph0 = clocks[0].phase ?? 0;
  const out: CycleEdges[] = [];
  const next = clocks.map((c) => (c.phase ?? 0) + c.period); // next edge time per clock
  for (let c = 0; c < n; c++) {
    const end = ph0 + (c + 1) * P0;
    const groups: number[] = [];
    for (;;) {
      const t = Math.min(...next);
      if (t > end) break;
      let mask = 0;
      next.forEach((tn, i) => {
        if (tn === t) {
          mask |= 1 << i;
          next[i] += clocks[i].period;
        }
      });
      groups.push(mask);
    }
    out.push(groups);
  }
  return out;
}
