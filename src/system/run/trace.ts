/**
 * A system run as Chrome trace-event JSON (the format Perfetto and chrome://tracing open): one
 * track per tile group (replica, stage) with its operators, fetches and hand-overs, and one track
 * per link with its transfers. Times in microseconds, as the format wants.
 */
import type { SystemRun } from "./executor.js";

interface TraceEvent {
  name: string;
  ph: "X" | "M";
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

const GROUPS_PID = 1, LINKS_PID = 2;

export function chromeTrace(run: SystemRun): { traceEvents: TraceEvent[]; displayTimeUnit: "ns"; otherData: Record<string, unknown> } {
  const ev: TraceEvent[] = [];
  const meta = (pid: number, tid: number, name: string) => ev.push({ name: "thread_name", ph: "M", pid, tid, args: { name } });
  ev.push({ name: "process_name", ph: "M", pid: GROUPS_PID, tid: 0, args: { name: "tile groups" } });
  ev.push({ name: "process_name", ph: "M", pid: LINKS_PID, tid: 0, args: { name: "links" } });
  const pp = run.mapping.pp;
  run.groups.forEach((stages, r) =>
    stages.forEach((tiles, s) => meta(GROUPS_PID, r * pp + s, `replica ${r} stage ${s} (${tiles.length} tile${tiles.length > 1 ? "s" : ""} from ${tiles[0].x},${tiles[0].y})`)),
  );
  for (const sp of run.spans) {
    ev.push({
      name: sp.op, ph: "X", pid: GROUPS_PID, tid: sp.replica * pp + sp.stage, ts: sp.start / 1000, dur: (sp.end - sp.start) / 1000, cat: sp.kind,
      args: { layer: sp.layer, microbatch: sp.microbatch, pass: sp.pass, model: sp.model },
    });
  }
  run.links.forEach((l, i) => {
    meta(LINKS_PID, i, `${l.from.x},${l.from.y} -> ${l.to.x},${l.to.y} (${l.kind})`);
    for (const [a, b] of l.busy ?? []) ev.push({ name: "transfer", ph: "X", pid: LINKS_PID, tid: i, ts: a / 1000, dur: (b - a) / 1000, cat: "link" });
  });
  return { traceEvents: ev, displayTimeUnit: "ns", otherData: { platform: run.platform, model: run.model, phase: run.phase, mapping: run.mapping, latencyNs: run.latencyNs } };
}
