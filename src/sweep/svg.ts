/**
 * Hand-written SVG plots of a NoC load sweep (no plotting library: a few hundred lines of plain
 * SVG that any browser, editor or paper pipeline opens):
 *  - latencyPlot: average and p99 latency vs offered load, with the zero-load latency, the 2x
 *    saturation threshold and the saturation estimate marked;
 *  - throughputPlot: accepted vs offered load;
 *  - linkHeatmap: the mesh, every directed link coloured by its utilization at one load.
 */
import type { SweepResult } from "./types.js";
import { summarizeLoads } from "./saturation.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/\.?0+$/, "") || "0");

/** "Nice" axis ticks covering [0, max]. */
export function niceTicks(max: number, target = 6): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  parts: string[];
  /** Attribute that clips a shape to the plot area. */
  clip: string;
}

/** Axes, grid and labels of an x/y chart; returns the scales and the SVG parts so far. */
function frame(title: string, xLabel: string, yLabel: string, xMax: number, yMax: number, W = 640, H = 400): Frame {
  const m = { l: 64, r: 24, t: 40, b: 52 };
  const xt = niceTicks(xMax), yt = niceTicks(yMax);
  const xm = xt[xt.length - 1], ym = yt[yt.length - 1];
  const x = (v: number) => m.l + (v / xm) * (W - m.l - m.r);
  const y = (v: number) => H - m.b - (v / ym) * (H - m.t - m.b);
  // Named after the chart, not a counter: the same sweep writes the same bytes in any process.
  const id = `plot-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<defs><clipPath id="${id}"><rect x="${m.l}" y="${m.t - 2}" width="${W - m.l - m.r + 2}" height="${H - m.t - m.b + 4}"/></clipPath></defs>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of xt) parts.push(`<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(ym)}" stroke="#eee"/>`, `<text x="${x(t)}" y="${y(0) + 16}" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of yt) parts.push(`<line x1="${x(0)}" y1="${y(t)}" x2="${x(xm)}" y2="${y(t)}" stroke="#eee"/>`, `<text x="${x(0) - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  parts.push(
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(xm)}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(ym)}" stroke="black"/>`,
    `<text x="${(x(0) + x(xm)) / 2}" y="${H - 14}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(y(0) + y(ym)) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  return { x, y, parts, clip: `clip-path="url(#${id})"` };
}

function polyline(pts: [number, number][], attrs: string): string {
  return pts.length ? `<polyline fill="none" ${attrs} points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" ")}"/>` : "";
}

function describeParams(r: SweepResult): string {
  const p = r.params;
  return `${p.w}x${p.h} mesh, ${p.vcs} VCs x ${p.bufDepth} (${p.vcPolicy}), ${p.traffic}, ${p.packetSize}-flit packets`;
}

export function latencyPlot(r: SweepResult): string {
  const loads = summarizeLoads(r.points);
  const s = r.saturation;
  const finite = loads.filter((l) => Number.isFinite(l.latency));
  const cap = Number.isFinite(s.threshold) ? 4 * s.threshold : 1;
  const yMax = Math.min(cap, Math.max(s.threshold * 1.2 || 1, ...finite.map((l) => l.p99)));
  const xMax = Math.max(...r.rates, 0.01);
  const f = frame(`Latency vs offered load (${describeParams(r)})`, "offered load (flits/node/cycle)", "packet latency (cycles)", xMax, yMax);
  const { x, y, parts, clip } = f;
  const yTop = y(niceTicks(yMax)[niceTicks(yMax).length - 1]);
  if (Number.isFinite(s.zeroLoad)) {
    parts.push(`<line x1="${x(0)}" y1="${y(s.zeroLoad)}" x2="${x(xMax)}" y2="${y(s.zeroLoad)}" stroke="#888" stroke-dasharray="2 3"/>`);
    parts.push(`<text x="${x(xMax)}" y="${y(s.zeroLoad) - 4}" text-anchor="end" fill="#666">zero-load ${fmt(s.zeroLoad)}</text>`);
    parts.push(`<line x1="${x(0)}" y1="${y(s.threshold)}" x2="${x(xMax)}" y2="${y(s.threshold)}" stroke="#c33" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${x(xMax)}" y="${y(s.threshold) - 4}" text-anchor="end" fill="#c33">2 x zero-load</text>`);
  }
  parts.push(polyline(finite.map((l) => [x(l.rate), y(l.p99)]), `stroke="#9ab" stroke-width="1.5" stroke-dasharray="5 3" ${clip}`));
  parts.push(polyline(finite.map((l) => [x(l.rate), y(l.latency)]), `stroke="#1f5fa8" stroke-width="2" ${clip}`));
  for (const l of loads) {
    if (Number.isFinite(l.latency) && l.latency <= yMax) parts.push(`<circle cx="${x(l.rate)}" cy="${y(l.latency)}" r="3.5" fill="#1f5fa8"><title>load ${l.rate}: avg ${fmt(l.latency)}, p99 ${fmt(l.p99)}</title></circle>`);
    else parts.push(`<path d="M${x(l.rate) - 5},${yTop + 9} L${x(l.rate) + 5},${yTop + 9} L${x(l.rate)},${yTop} Z" fill="#c33"><title>load ${l.rate}: ${l.stable ? `avg ${fmt(l.latency)} (off scale)` : "did not reach steady state"}</title></path>`);
  }
  if (s.rate !== null) {
    parts.push(`<line x1="${x(s.rate)}" y1="${y(0)}" x2="${x(s.rate)}" y2="${yTop}" stroke="#c33"/>`);
    parts.push(`<text x="${x(s.rate) - 4}" y="${y(0) - 8}" text-anchor="end" fill="#c33">saturation ~ ${fmt(s.rate)}</text>`);
  }
  parts.push(
    `<g transform="translate(${x(0) + 12} ${yTop + 14})"><line x1="0" y1="0" x2="22" y2="0" stroke="#1f5fa8" stroke-width="2"/><text x="28" y="4">average</text>` +
      `<line x1="0" y1="16" x2="22" y2="16" stroke="#9ab" stroke-width="1.5" stroke-dasharray="5 3"/><text x="28" y="20">p99</text></g>`,
    "</svg>",
  );
  return parts.join("\n");
}

export function throughputPlot(r: SweepResult): string {
  const loads = summarizeLoads(r.points);
  const xMax = Math.max(...r.rates, 0.01);
  const yMax = Math.max(xMax, ...loads.map((l) => l.throughput));
  const { x, y, parts, clip } = frame(`Accepted vs offered load (${describeParams(r)})`, "offered load (flits/node/cycle)", "accepted throughput (flits/node/cycle)", xMax, yMax);
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(xMax)}" y2="${y(xMax)}" stroke="#bbb" stroke-dasharray="4 4"/>`);
  parts.push(polyline(loads.map((l) => [x(l.rate), y(l.throughput)]), `stroke="#2a8a4a" stroke-width="2" ${clip}`));
  for (const l of loads) parts.push(`<circle cx="${x(l.rate)}" cy="${y(l.throughput)}" r="3.5" fill="#2a8a4a"><title>offered ${l.rate}: accepted ${fmt(l.throughput)}</title></circle>`);
  parts.push("</svg>");
  return parts.join("\n");
}

/** Viridis-like colour for t in [0, 1]. */
export function colour(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const u = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u)), f = u - i;
  const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * The mesh with each directed link drawn as a bar beside the line joining its routers (eastbound
 * above westbound, southbound right of northbound), coloured by utilization (flits per cycle)
 * at the given load (default: the highest load below saturation).
 */
export function linkHeatmap(r: SweepResult, rate?: number): string {
  const w = Number(r.params.w), h = Number(r.params.h);
  // Default: the highest load below saturation (average latency under 2 x zero-load).
  const below = summarizeLoads(r.points).filter((l) => l.latency < r.saturation.threshold);
  const pick = rate ?? (below.length ? below[below.length - 1].rate : Math.min(...r.points.map((p) => p.rate)));
  const pts = r.points.filter((p) => p.rate === pick);
  const util = new Float64Array(w * h * 5);
  for (const p of pts) p.linkUtil.forEach((v, i) => (util[i] += v / pts.length));
  let max = 0;
  for (let n = 0; n < w * h; n++) for (let d = 1; d < 5; d++) max = Math.max(max, util[n * 5 + d]);
  const scale = max > 0 ? max : 1;
  const cell = Math.max(34, Math.min(90, Math.floor(640 / Math.max(w, h))));
  const pad = 50, legendH = 70;
  const W = Math.max(560, pad * 2 + (w - 1) * cell + 20), H = pad * 2 + (h - 1) * cell + legendH + 30;
  const x0 = (W - (w - 1) * cell) / 2;
  const cx = (x: number) => x0 + x * cell, cy = (y: number) => pad + 30 + y * cell;
  const gap = Math.max(3, cell * 0.09), bw = Math.max(3, cell * 0.12), node = Math.max(6, cell * 0.2);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">Link utilization at offered load ${fmt(pick)}</text>`,
    `<text x="${W / 2}" y="38" text-anchor="middle" fill="#444">${esc(describeParams(r))}</text>`,
  ];
  const bar = (x1: number, y1: number, x2: number, y2: number, u: number, label: string) =>
    `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${colour(u / scale)}" stroke-width="${bw.toFixed(1)}" stroke-linecap="butt"><title>${label}: ${fmt(u)} flits/cycle</title></line>`;
  const inset = node * 0.9;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const n = y * w + x;
      if (x + 1 < w) {
        parts.push(bar(cx(x) + inset, cy(y) - gap, cx(x + 1) - inset, cy(y) - gap, util[n * 5 + 1], `(${x},${y}) -> E`));
        parts.push(bar(cx(x + 1) - inset, cy(y) + gap, cx(x) + inset, cy(y) + gap, util[(n + 1) * 5 + 2], `(${x + 1},${y}) -> W`));
      }
      if (y + 1 < h) {
        parts.push(bar(cx(x) + gap, cy(y) + inset, cx(x) + gap, cy(y + 1) - inset, util[n * 5 + 4], `(${x},${y}) -> S`));
        parts.push(bar(cx(x) - gap, cy(y + 1) - inset, cx(x) - gap, cy(y) + inset, util[(n + w) * 5 + 3], `(${x},${y + 1}) -> N`));
      }
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const n = y * w + x;
      parts.push(`<rect x="${(cx(x) - node / 2).toFixed(1)}" y="${(cy(y) - node / 2).toFixed(1)}" width="${node.toFixed(1)}" height="${node.toFixed(1)}" fill="#f4f4f4" stroke="#555"><title>node ${n} (${x},${y}): ejects ${fmt(util[n * 5])} flits/cycle</title></rect>`);
      if (cell >= 50) parts.push(`<text x="${cx(x)}" y="${cy(y) + 4}" text-anchor="middle" font-size="9" fill="#333">${n}</text>`);
    }
  }
  const ly = H - legendH, lx = pad, lw = Math.min(300, W - 2 * pad);
  parts.push(`<defs><linearGradient id="u" x1="0" x2="1" y1="0" y2="0">${[0, 0.25, 0.5, 0.75, 1].map((t) => `<stop offset="${t}" stop-color="${colour(t)}"/>`).join("")}</linearGradient></defs>`);
  parts.push(`<rect x="${lx}" y="${ly}" width="${lw}" height="12" fill="url(#u)" stroke="#555"/>`);
  parts.push(`<text x="${lx}" y="${ly + 28}">0</text><text x="${lx + lw}" y="${ly + 28}" text-anchor="end">${fmt(scale)} flits/cycle</text>`);
  parts.push(`<text x="${lx}" y="${ly + 46}" fill="#555">each link: eastbound above westbound, southbound right of northbound; squares are routers</text>`);
  parts.push("</svg>");
  return parts.join("\n");
}
