/**
 * For the wavefile tests: what a WaveReader shows, var by var, to compare two files of one run.
 * Per var path: its kind, width, the paths that share its id, and its value changes as
 * [time, value] (a value equal to the var's current one is dropped: readers may report it or not).
 * Two files show the same waves exactly when these agree.
 */
import type { WaveReader, WaveStep } from "../../../src/sim/wavefile/index.js";

export interface VarHistory {
  kind: string;
  width: number;
  /** Paths sharing this var's id (itself included), sorted. */
  sharing: string[];
  changes: [bigint, string][];
}

/** Every var's history; the reader stays open. */
export async function histories(r: WaveReader): Promise<Map<string, VarHistory>> {
  const perId: [bigint, string][][] = Array.from({ length: r.idCount }, () => []);
  const cur: (string | undefined)[] = new Array(r.idCount);
  let last = -1n;
  for await (const s of r.steps()) {
    if (s.time <= last) throw new Error(`${r.path}: step at ${s.time} after ${last}: times must increase`);
    if (s.changes.length === 0) throw new Error(`${r.path}: empty step at ${s.time}`);
    last = s.time;
    for (const c of s.changes) {
      if (cur[c.id] === c.value) continue;
      cur[c.id] = c.value;
      perId[c.id].push([s.time, c.value]);
    }
  }
  const byId = new Map<number, string[]>();
  for (const v of r.vars) byId.set(v.id, [...(byId.get(v.id) ?? []), v.path]);
  const out = new Map<string, VarHistory>();
  for (const v of r.vars) out.set(v.path, { kind: v.kind, width: v.width, sharing: [...byId.get(v.id)!].sort(), changes: perId[v.id] });
  return out;
}

/** Every step, for small files. */
export async function allSteps(r: WaveReader, ids?: number[]): Promise<WaveStep[]> {
  const out: WaveStep[] = [];
  for await (const s of r.steps(ids)) out.push(s);
  return out;
}

/**
 * Differences between two files' histories (empty when they show the same waves): vars in one
 * only, different kinds or widths (a string var's width is not compared: VCD writes 1, FST 0),
 * different id sharing, and per var the first change that differs. At most `max` messages.
 */
export function diffHistories(a: Map<string, VarHistory>, b: Map<string, VarHistory>, opts: { kinds?: boolean; max?: number } = {}): string[] {
  const out: string[] = [];
  const max = opts.max ?? 20;
  for (const p of a.keys()) if (!b.has(p)) out.push(`${p}: only in the first`);
  for (const p of b.keys()) if (!a.has(p)) out.push(`${p}: only in the second`);
  for (const [p, x] of a) {
    const y = b.get(p);
    if (!y || out.length >= max) continue;
    if (opts.kinds !== false && x.kind !== y.kind) out.push(`${p}: kind ${x.kind} vs ${y.kind}`);
    if (x.kind !== "string" && x.width !== y.width) out.push(`${p}: width ${x.width} vs ${y.width}`);
    if (x.sharing.join() !== y.sharing.join()) out.push(`${p}: shares its id with ${x.sharing.join(" ")} vs ${y.sharing.join(" ")}`);
    // indexed, without destructuring: a long run has millions of changes
    const xc = x.changes, yc = y.changes;
    const n = Math.max(xc.length, yc.length);
    for (let i = 0; i < n; i++) {
      const a = xc[i], b = yc[i];
      if (a === undefined || b === undefined || a[0] !== b[0] || a[1] !== b[1]) {
        out.push(`${p}: change ${i}: ${a?.[0]}=${a?.[1]} vs ${b?.[0]}=${b?.[1]}`);
        break;
      }
    }
  }
  return out.slice(0, max);
}
