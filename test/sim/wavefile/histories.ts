/**
 * For the wavefile tests: what a WaveReader shows, var by var (histories: per var path its kind,
 * width, the paths that share its id, and its value changes as [time, value], a value equal to the
 * var's current one dropped: readers may report it or not), and two readers compared in step
 * (diffReaders). Two files show the same waves exactly when these agree.
 */
import type { WaveReader } from "../../../src/sim/wavefile/index.js";

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

/**
 * Differences between what two readers show (empty when the files show the same waves), without
 * holding the histories: both files are read in step, and at each time the values that change (a
 * value equal to a var's current one dropped, as readers may report it or not) must be the same,
 * var for var by path. Also compared: the vars each has, kinds, widths (not a string var's: VCD
 * writes 1, FST 0) and id sharing. At most `max` messages; reading stops at the first difference
 * of values. Memory: one step of each file, so long runs compare at the speed of reading.
 */
export async function diffReaders(a: WaveReader, b: WaveReader, opts: { max?: number } = {}): Promise<string[]> {
  const out: string[] = [];
  const max = opts.max ?? 20;
  const bByPath = new Map(b.vars.map((v) => [v.path, v]));
  const aPaths = new Set(a.vars.map((v) => v.path));
  for (const v of a.vars) if (!bByPath.has(v.path)) out.push(`${v.path}: only in the first`);
  for (const v of b.vars) if (!aPaths.has(v.path)) out.push(`${v.path}: only in the second`);
  // ids of a -> ids of b, through the paths; sharing must agree both ways
  const toB = new Int32Array(a.idCount).fill(-1);
  const fromB = new Int32Array(b.idCount).fill(-1);
  const pathOfA: string[] = new Array(a.idCount);
  for (const v of a.vars) {
    const w = bByPath.get(v.path);
    if (!w) continue;
    if (v.kind !== w.kind) out.push(`${v.path}: kind ${v.kind} vs ${w.kind}`);
    if (v.kind !== "string" && v.width !== w.width) out.push(`${v.path}: width ${v.width} vs ${w.width}`);
    if ((toB[v.id] >= 0 && toB[v.id] !== w.id) || (fromB[w.id] >= 0 && fromB[w.id] !== v.id)) out.push(`${v.path}: shares its id differently in the two files`);
    toB[v.id] = w.id;
    fromB[w.id] = v.id;
    pathOfA[v.id] ??= v.path;
  }
  if (out.length) return out.slice(0, max);

  /** Reads `r` a time at a time: the changes at it that are real (not equal to the current value). */
  const changes = (r: WaveReader) => {
    const it = r.steps()[Symbol.asyncIterator]();
    const cur: (string | undefined)[] = new Array(r.idCount);
    const ids: number[] = [];
    return async (): Promise<{ time: bigint; ids: number[]; cur: (string | undefined)[] } | undefined> => {
      for (;;) {
        const n = await it.next();
        if (n.done) return undefined;
        ids.length = 0;
        for (const c of n.value.changes) {
          if (cur[c.id] === c.value) continue;
          cur[c.id] = c.value;
          ids.push(c.id);
        }
        if (ids.length) return { time: n.value.time, ids, cur };
      }
    };
  };
  const nextA = changes(a), nextB = changes(b);
  // which ids of b changed at this time (stamped with the step's number, so nothing is cleared)
  const stamp = new Int32Array(b.idCount).fill(-1);
  const show = (ids: number[], cur: (string | undefined)[], path: (id: number) => string) => ids.slice(0, 4).map((id) => `${path(id)}=${cur[id]}`).join(" ");
  for (let k = 0; ; k++) {
    const [x, y] = await Promise.all([nextA(), nextB()]);
    if (!x && !y) return out;
    let same = !!x && !!y && x.time === y.time && x.ids.length === y.ids.length;
    if (same) {
      for (const id of y!.ids) stamp[id] = k;
      for (const id of x!.ids) {
        const w = toB[id];
        if (stamp[w] !== k || x!.cur[id] !== y!.cur[w]) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      const sa = x ? `${x.time}: ${show(x.ids, x.cur, (id) => pathOfA[id] ?? `id ${id}`)}` : "the end";
      const sb = y ? `${y.time}: ${show(y.ids, y.cur, (id) => pathOfA[fromB[id]] ?? `id ${id}`)}` : "the end";
      out.push(`first different change: ${sa} vs ${sb}`);
      return out;
    }
  }
}
