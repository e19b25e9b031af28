/**
 * When the migration steps of NI-Balancer run (papers.md section 1): local steps (links inside an
 * FTD) during an all-reduce, global steps (links between FTDs) during the all-to-all. One layer
 * gives four windows: the all-reduce that ends attention, dispatch, combine, and the next layer's
 * all-reduce. A migration's steps run in order, store-and-forward at each step's end device, so
 * its steps take strictly later windows of their kind: a leading local step the first all-reduce,
 * global steps dispatch or combine, trailing local steps the next all-reduce (steps alternate
 * local/global, so at most one per window).
 *
 * Where there is a choice (a global step: dispatch or combine; a migration that is one local
 * step: either all-reduce), migrations are placed in plan order, each where its steps' busiest
 * resources are least loaded: a step's cost in a window is the most flits already on its source's
 * injection, its destination's ejection or a link of its path (the window's own traffic plus the
 * copies placed so far) plus its own flits; a migration's cost is the sum over its steps, ties to
 * the earlier windows. Since combine is dispatch transposed, a copy into a hot expert's device (busy
 * receiving in dispatch) goes in combine, and copies sharing a cold link spread over both.
 * Whatever does not fit in the four windows (a path that turns local -> global -> local -> global)
 * is copied in a pause, the rest of its route as one message (dimension-order routes: the rest of
 * a route from a point on it is the route from that point).
 */
import { type Migration, type WscMessage, messageLinkFlits } from "../../golden/wsc.js";

export const MIGRATION_WINDOWS = [
  { phase: "allreduce", kind: "local" },
  { phase: "dispatch", kind: "global" },
  { phase: "combine", kind: "global" },
  { phase: "allreduceNext", kind: "local" },
] as const;
export type MigrationWindow = (typeof MIGRATION_WINDOWS)[number]["phase"];

/** One copy of an expert's weights over part (or all) of a migration's route. */
export interface ScheduledCopy {
  /** Index into the plan's migrations. */
  readonly migration: number;
  /** Consecutive steps of the migration the copy covers. */
  readonly steps: number;
  readonly message: WscMessage;
  readonly links: readonly string[];
}

export interface MigrationSchedule {
  readonly windows: Readonly<Record<MigrationWindow, readonly ScheduledCopy[]>>;
  /** Migrations not finished in the windows: the rest of each path as one copy, for a pause. */
  readonly leftover: readonly ScheduledCopy[];
}

/** A window's own traffic in flits: per device sent (injection) and received (ejection), per link. */
export interface WindowLoad {
  readonly sent: number[];
  readonly recv: number[];
  readonly links: Record<string, number>;
}

/** The load `messages` put on a W x H mesh's devices and links, ceil(bytes / flitBytes) flits each. */
export function windowLoad(W: number, H: number, messages: readonly WscMessage[], flitBytes: number): WindowLoad {
  const sent = new Array<number>(W * H).fill(0), recv = new Array<number>(W * H).fill(0);
  for (const m of messages) {
    if (m.src === m.dst) continue;
    sent[m.src] += Math.ceil(m.bytes / flitBytes);
    recv[m.dst] += Math.ceil(m.bytes / flitBytes);
  }
  return { sent, recv, links: messageLinkFlits(W, messages, flitBytes) };
}

/** Place every migration's steps in the layer's windows (see the file comment); `load` is each window's own traffic. */
export function niSchedule(
  migrations: readonly Migration[], expertBytes: number, flitBytes: number, load: Readonly<Record<MigrationWindow, WindowLoad>>,
): MigrationSchedule {
  const flits = Math.ceil(expertBytes / flitBytes);
  // Copies of the load, to add the placed steps to.
  const busy = MIGRATION_WINDOWS.map(({ phase }) => ({ sent: [...load[phase].sent], recv: [...load[phase].recv], links: { ...load[phase].links } }));
  const cost = (s: Migration["steps"][number], k: number) =>
    Math.max(busy[k].sent[s.src], busy[k].recv[s.dst], ...s.links.map((l) => busy[k].links[l] ?? 0)) + flits;
  const windows = Object.fromEntries(MIGRATION_WINDOWS.map(({ phase }) => [phase, [] as ScheduledCopy[]])) as Record<MigrationWindow, ScheduledCopy[]>;
  const leftover: ScheduledCopy[] = [];
  migrations.forEach((m, i) => {
    // The placement of the longest prefix of steps with the lowest total cost.
    let best: { at: number[]; cost: number } = { at: [], cost: 0 };
    const search = (at: number[], from: number, total: number) => {
      if (at.length > best.at.length || (at.length === best.at.length && total < best.cost)) best = { at, cost: total };
      const s = m.steps[at.length];
      if (!s) return;
      for (let k = from; k < MIGRATION_WINDOWS.length; k++) if (MIGRATION_WINDOWS[k].kind === s.kind) search([...at, k], k + 1, total + cost(s, k));
    };
    search([], 0, 0);
    best.at.forEach((k, j) => {
      const s = m.steps[j];
      busy[k].sent[s.src] += flits;
      busy[k].recv[s.dst] += flits;
      for (const l of s.links) busy[k].links[l] = (busy[k].links[l] ?? 0) + flits;
      windows[MIGRATION_WINDOWS[k].phase].push({ migration: i, steps: 1, message: { src: s.src, dst: s.dst, bytes: expertBytes }, links: s.links });
    });
    if (best.at.length < m.steps.length) leftover.push(restOf(m, i, best.at.length, expertBytes));
  });
  return { windows, leftover };
}

/** Migration i from its step k on, as one copy. */
function restOf(m: Migration, i: number, k: number, expertBytes: number): ScheduledCopy {
  const rest = m.steps.slice(k);
  return { migration: i, steps: rest.length, message: { src: rest[0].src, dst: m.to, bytes: expertBytes }, links: rest.flatMap((s) => s.links) };
}

/** The invasive baseline's pause: every migration copies its expert from -> to along its whole route. */
export function pauseCopies(migrations: readonly Migration[], expertBytes: number): ScheduledCopy[] {
  return migrations.map((m, i) => restOf(m, i, 0, expertBytes));
}
