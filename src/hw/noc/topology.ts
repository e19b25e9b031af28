/**
 * Mesh geometry seen from one router: which of its five ports exist, where each leads, and which
 * input-to-output turns dimension-order routing can ever make (the router builds crossbar and
 * allocator paths only for those; a DOR router that cannot turn from Y back to X needs no wires
 * for it).
 *
 * Coordinates: node id = y * w + x; x grows to the East, y to the South.
 */
import type { Routing } from "./params.js";

/** Port directions. An input port is named by the side a flit arrives from. */
export const enum Dir {
  L = 0,
  E = 1,
  W = 2,
  N = 3,
  S = 4,
}

export const DIR_NAMES = ["l", "e", "w", "n", "s"] as const;
export const ALL_DIRS: readonly Dir[] = [Dir.L, Dir.E, Dir.W, Dir.N, Dir.S];

export function opposite(d: Dir): Dir {
  return d === Dir.E ? Dir.W : d === Dir.W ? Dir.E : d === Dir.N ? Dir.S : d === Dir.S ? Dir.N : Dir.L;
}

/** The neighbour a port leads to, or undefined at the mesh edge (and for L). */
export function neighbour(w: number, h: number, x: number, y: number, d: Dir): { x: number; y: number } | undefined {
  switch (d) {
    case Dir.E: return x + 1 < w ? { x: x + 1, y } : undefined;
    case Dir.W: return x > 0 ? { x: x - 1, y } : undefined;
    case Dir.N: return y > 0 ? { x, y: y - 1 } : undefined;
    case Dir.S: return y + 1 < h ? { x, y: y + 1 } : undefined;
    default: return undefined;
  }
}

/** Ports of router (x, y): L always, the others where a neighbour exists. */
export function presentDirs(w: number, h: number, x: number, y: number): Dir[] {
  return ALL_DIRS.filter((d) => d === Dir.L || neighbour(w, h, x, y, d) !== undefined);
}

/** Output port a packet for (dx, dy) takes at router (x, y). */
export function routeDir(routing: Routing, x: number, y: number, dx: number, dy: number): Dir {
  const xFirst = (): Dir => (dx > x ? Dir.E : dx < x ? Dir.W : dy > y ? Dir.S : dy < y ? Dir.N : Dir.L);
  const yFirst = (): Dir => (dy > y ? Dir.S : dy < y ? Dir.N : dx > x ? Dir.E : dx < x ? Dir.W : Dir.L);
  return routing === "xy" ? xFirst() : yFirst();
}

/**
 * Can a flit that entered through input `from` leave through output `to` under this routing?
 * No U-turns; under XY a flit moving in Y never turns back to X (and the mirror for YX).
 */
export function turnAllowed(routing: Routing, from: Dir, to: Dir): boolean {
  if (from === Dir.L) return true;
  if (to === Dir.L) return true;
  if (to === opposite(from)) return true; // straight on: in from the E side, out to the W
  if (to === from) return false; // U-turn
  const fromX = from === Dir.E || from === Dir.W;
  // A turn: XY turns only from X into Y, YX only from Y into X.
  return routing === "xy" ? fromX : !fromX;
}
