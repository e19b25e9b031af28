/**
 * A system run's link utilization as an SVG heatmap of the mesh: the wafer-scale MoE study's
 * renderer (wsc/svg-heatmap.ts), with each directed link filled by the share of the run it was
 * busy (percent) and the tiles shaded by the tensor-parallel group they belong to.
 */
import { linkKey } from "../../golden/wsc.js";
import { meshSize } from "../platform/geometry.js";
import type { Platform } from "../platform/types.js";
import { linkHeatmapSvg } from "../wsc/svg-heatmap.js";
import type { SystemRun } from "./executor.js";

export function linkUtilizationSvg(p: Platform, run: SystemRun): string {
  const { x: W, y: H } = meshSize(p);
  const id = (t: { x: number; y: number }) => t.y * W + t.x;
  const loads: Record<string, number> = {};
  for (const l of run.links) loads[linkKey(id(l.from), id(l.to))] = Math.round(l.utilization * 1000) / 10;
  const m = run.mapping;
  return linkHeatmapSvg({
    W, H, loads,
    groups: { label: "TP group", sets: run.groups.flatMap((stages) => stages.map((tiles) => tiles.map(id))) },
    title: `${run.model} ${run.phase.kind} on ${run.platform}: link utilization`,
    subtitle: `tp ${m.tp}, pp ${m.pp}, dp ${m.dp}, ${m.microbatches} micro-batch(es); latency ${(run.latencyNs / 1e6).toFixed(3)} ms`,
    unit: "% of the run busy",
    scaleMax: 100,
  });
}
