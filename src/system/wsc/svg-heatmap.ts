/**
 * SVG heatmap of one phase's link loads on the wafer mesh (issue 11's hot/cold map), hand-written
 * like the NoC sweep plots (src/sweep/svg.ts, whose viridis-like `colour` scale it reuses):
 *  - devices are squares labelled with their id, filled by the group they belong to (FTD under
 *    an FTD mapping, TP group under the global all-to-all) so the domains can be told apart;
 *  - every directed link is one arrow beside its twin (eastbound above westbound, southbound right
 *    of northbound), pointing the way its traffic flows, filled on the sequential scale by its
 *    load; a link that carries nothing is drawn as a dashed, unfilled outline ("cold");
 *  - a legend gives the scale (0 .. `scaleMax`, so heatmaps of one phase can share it across
 *    mappings) and says what the fills mean.
 * Each link's element carries `class="link hot|cold"`, `data-link="src->dst"` and `data-load`, and
 * a <title> for hovering. Output is deterministic: the same input gives the same bytes.
 */
import { meshLinks } from "../../golden/wsc.js";
import { colour } from "../../sweep/svg.js";

export interface HeatmapInput {
  readonly W: number;
  readonly H: number;
  /** Load per directed link "src->dst" (absent = 0). */
  readonly loads: Readonly<Record<string, number>>;
  /** The device groups to show by fill (e.g. the FTDs), with what to call one ("FTD"). */
  readonly groups: { readonly label: string; readonly sets: readonly (readonly number[])[] };
  readonly title: string;
  /** Lines under the title (parameters), separated by "\n". */
  readonly subtitle?: string;
  /** What a load counts ("flits"). */
  readonly unit: string;
  /** Top of the colour scale (default: this map's busiest link). */
  readonly scaleMax?: number;
}

/** Pale fills for the device groups (cycled when there are more groups). */
const GROUP_FILLS = ["#fde0dd", "#deebf7", "#e5f5e0", "#fff7bc", "#efedf5", "#fee6ce", "#e0f3f8", "#f0f0f0", "#fcc5c0", "#c6dbef", "#c7e9c0", "#fec44f"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const n1 = (v: number) => (Math.round(v * 10) / 10).toString();
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** An arrow from (x1, y1) to (x2, y2), `t` thick, as a polygon (a bar with a pointed head). */
function arrow(x1: number, y1: number, x2: number, y2: number, t: number): string {
  const len = Math.hypot(x2 - x1, y2 - y1);
  const ux = (x2 - x1) / len, uy = (y2 - y1) / len;
  const px = -uy, py = ux;
  const head = Math.min(len / 3, t * 1.6);
  const bx = x2 - ux * head, by = y2 - uy * head;
  const pts: [number, number][] = [
    [x1 + px * t / 2, y1 + py * t / 2],
    [bx + px * t / 2, by + py * t / 2],
    [bx + px * t, by + py * t],
    [x2, y2],
    [bx - px * t, by - py * t],
    [bx - px * t / 2, by - py * t / 2],
    [x1 - px * t / 2, y1 - py * t / 2],
  ];
  return pts.map(([x, y]) => `${n1(x)},${n1(y)}`).join(" ");
}

export function linkHeatmapSvg(inp: HeatmapInput): string {
  const { W, H, loads } = inp;
  const links = meshLinks(W, H);
  const busiest = links.reduce((m, l) => Math.max(m, loads[l] ?? 0), 0);
  const scale = inp.scaleMax !== undefined && inp.scaleMax > 0 ? inp.scaleMax : busiest > 0 ? busiest : 1;
  const cell = Math.max(56, Math.min(110, Math.floor(720 / Math.max(W, H))));
  const node = cell * 0.42, gap = cell * 0.1, thick = cell * 0.09;
  const sub = inp.subtitle ? inp.subtitle.split("\n") : [];
  const pad = 40, top = 52 + 18 * sub.length, legendH = 96;
  const SW = Math.max(600, 2 * pad + W * cell), SH = top + H * cell + legendH;
  const x0 = (SW - W * cell) / 2 + cell / 2;
  const cx = (x: number) => x0 + x * cell, cy = (y: number) => top + cell / 2 + y * cell;
  const groupOf = new Map<number, number>();
  inp.groups.sets.forEach((s, k) => s.forEach((d) => groupOf.set(d, k)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SW}" height="${SH}" viewBox="0 0 ${SW} ${SH}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${SW}" height="${SH}" fill="white"/>`,
    `<text x="${SW / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(inp.title)}</text>`,
  ];
  sub.forEach((line, i) => parts.push(`<text x="${SW / 2}" y="${42 + 17 * i}" text-anchor="middle" fill="#444">${esc(line)}</text>`));
  parts.push(`<g id="links">`);
  const inset = node / 2 + 3;
  for (const l of links) {
    const [a, b] = l.split("->").map(Number);
    const ax = a % W, ay = Math.floor(a / W), bx = b % W, by = Math.floor(b / W);
    let x1: number, y1: number, x2: number, y2: number;
    if (ay === by) {
      // Eastbound above the line joining the routers, westbound below.
      const off = bx > ax ? -gap : gap, dir = bx > ax ? 1 : -1;
      [x1, y1, x2, y2] = [cx(ax) + dir * inset, cy(ay) + off, cx(bx) - dir * inset, cy(by) + off];
    } else {
      // Southbound right of the line, northbound left.
      const off = by > ay ? gap : -gap, dir = by > ay ? 1 : -1;
      [x1, y1, x2, y2] = [cx(ax) + off, cy(ay) + dir * inset, cx(bx) + off, cy(by) - dir * inset];
    }
    const load = loads[l] ?? 0;
    const shape = arrow(x1, y1, x2, y2, thick);
    const title = `<title>${l}: ${num(load)} ${esc(inp.unit)}${load === 0 ? " (cold)" : ""}</title>`;
    parts.push(
      load === 0
        ? `<polygon class="link cold" data-link="${l}" data-load="0" points="${shape}" fill="none" stroke="#9aa0a6" stroke-width="1" stroke-dasharray="3 2">${title}</polygon>`
        : `<polygon class="link hot" data-link="${l}" data-load="${num(load)}" points="${shape}" fill="${colour(load / scale)}" stroke="#333" stroke-width="0.4">${title}</polygon>`,
    );
  }
  parts.push(`</g>`, `<g id="devices">`);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const d = y * W + x;
      const g = groupOf.get(d);
      const fill = g === undefined ? "#ffffff" : GROUP_FILLS[g % GROUP_FILLS.length];
      const tag = g === undefined ? "" : `${inp.groups.label} ${g}`;
      parts.push(
        `<rect class="device" data-device="${d}" x="${n1(cx(x) - node / 2)}" y="${n1(cy(y) - node / 2)}" width="${n1(node)}" height="${n1(node)}" rx="3" fill="${fill}" stroke="#444"><title>device ${d} (${x},${y})${tag ? `, ${esc(tag)}` : ""}</title></rect>`,
        `<text x="${n1(cx(x))}" y="${n1(cy(y) - 1)}" text-anchor="middle" font-size="${node >= 30 ? 12 : 10}" font-weight="bold">${d}</text>`,
      );
      if (tag) parts.push(`<text x="${n1(cx(x))}" y="${n1(cy(y) + 11)}" text-anchor="middle" font-size="8" fill="#555">${esc(inp.groups.label.slice(0, 3))}${g}</text>`);
    }
  }
  parts.push(`</g>`);
  const ly = top + H * cell + 14, lx = pad, lw = Math.min(320, SW - 2 * pad - 160);
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `<stop offset="${t}" stop-color="${colour(t)}"/>`).join("");
  const cold = arrow(lx + lw + 30, ly + 6, lx + lw + 80, ly + 6, thick);
  parts.push(
    `<g id="legend">`,
    `<defs><linearGradient id="load-scale" x1="0" x2="1" y1="0" y2="0">${stops}</linearGradient></defs>`,
    `<rect x="${lx}" y="${ly}" width="${lw}" height="12" fill="url(#load-scale)" stroke="#555"/>`,
    `<text x="${lx}" y="${ly + 28}">0</text>`,
    `<text x="${lx + lw}" y="${ly + 28}" text-anchor="end">${num(scale)} ${esc(inp.unit)} per link</text>`,
    `<polygon points="${cold}" fill="none" stroke="#9aa0a6" stroke-width="1" stroke-dasharray="3 2"/>`,
    `<text x="${lx + lw + 88}" y="${ly + 10}">cold (0)</text>`,
    `<text x="${lx}" y="${ly + 48}" fill="#444">busiest link ${num(busiest)} ${esc(inp.unit)}; ${links.filter((l) => (loads[l] ?? 0) > 0).length} of ${links.length} directed links carry traffic</text>`,
    `<text x="${lx}" y="${ly + 66}" fill="#555">arrows point the way traffic flows (east above west, south right of north); square fill = ${esc(inp.groups.label)}</text>`,
    `</g>`,
    `</svg>`,
  );
  return parts.join("\n") + "\n";
}
