/**
 * Where things are on a platform's mesh: sizes, which die a tile is in, the XY route between two
 * tiles, and the tiles DRAM channels attach to. Coordinates as in types.ts: (0, 0) is the top-left
 * tile, x to the right, y down. Bad coordinates are our callers' bugs, so they throw RangeError
 * (the platform itself was checked by parsePlatform).
 */
import type { DieCoord, MeshLink, Platform, TileCoord } from "./types.js";

/** Tiles in each direction over the whole mesh. */
export function meshSize(p: Platform): { x: number; y: number } {
  return { x: p.dies.x * p.tilesPerDie.x, y: p.dies.y * p.tilesPerDie.y };
}

export function tileCount(p: Platform): number {
  const m = meshSize(p);
  return m.x * m.y;
}

function checkTile(p: Platform, t: TileCoord, what: string): void {
  const m = meshSize(p);
  if (!(Number.isInteger(t.x) && Number.isInteger(t.y) && t.x >= 0 && t.y >= 0 && t.x < m.x && t.y < m.y)) {
    throw new RangeError(`${p.name}: ${what} (${t.x}, ${t.y}) is not a tile of the ${m.x} x ${m.y} mesh`);
  }
}

export function dieOf(p: Platform, tx: number, ty: number): DieCoord {
  checkTile(p, { x: tx, y: ty }, "tile");
  return { dx: Math.floor(tx / p.tilesPerDie.x), dy: Math.floor(ty / p.tilesPerDie.y) };
}

/** Whether the link between neighbouring tiles a and b crosses a die boundary. */
export function isInterDie(p: Platform, a: TileCoord, b: TileCoord): boolean {
  if (Math.abs(a.x - b.x) + Math.abs(a.y - b.y) !== 1) {
    throw new RangeError(`${p.name}: tiles (${a.x}, ${a.y}) and (${b.x}, ${b.y}) are not neighbours, so no link joins them`);
  }
  const da = dieOf(p, a.x, a.y), db = dieOf(p, b.x, b.y);
  return da.dx !== db.dx || da.dy !== db.dy;
}

/** The dimension-ordered route from a to b: along x first, then along y (what mesh routers here do). */
export function xyPath(p: Platform, a: TileCoord, b: TileCoord): { links: MeshLink[]; hops: number } {
  checkTile(p, a, "route source");
  checkTile(p, b, "route destination");
  const links: MeshLink[] = [];
  let at: TileCoord = { x: a.x, y: a.y };
  const step = (to: TileCoord) => {
    links.push({ from: at, to, kind: isInterDie(p, at, to) ? "interDie" : "intraDie" });
    at = to;
  };
  while (at.x !== b.x) step({ x: at.x + Math.sign(b.x - at.x), y: at.y });
  while (at.y !== b.y) step({ x: at.x, y: at.y + Math.sign(b.y - at.y) });
  return { links, hops: links.length };
}

/** Tiles on the mesh boundary (the ring the "edge" DRAM channels sit on). */
export function boundaryTileCount(p: Platform): number {
  const { x, y } = meshSize(p);
  return x === 1 || y === 1 ? x * y : 2 * (x + y) - 4;
}

/** Dies that touch the mesh boundary: the default number of "edge" DRAM channels. */
export function boundaryDieCount(p: Platform): number {
  const { x, y } = p.dies;
  return x === 1 || y === 1 ? x * y : 2 * (x + y) - 4;
}

/**
 * The tiles DRAM channels attach to, one per channel.
 *
 * "per-die": one channel per die, at the die's top-left tile; dies in row-major order.
 *
 * "edge", with as many channels as boundary dies (the default): one per boundary die, at the
 * middle tile of its boundary side (the upper/left middle when the side has an even number of
 * tiles), because that is where a die's edge PHY sits and it keeps every die's distance to its own
 * channel alike. Dies go clockwise from the top-left; a corner die uses the side the walk reaches
 * it along (top-left and top-right: top; bottom-right: right; bottom-left: bottom).
 *
 * "edge", any other count n: n tiles spread evenly along the boundary ring, clockwise from the
 * top-left tile, the i-th at ring position floor((i + 1/2) * L / n) for a ring of L tiles
 * (parsePlatform keeps n <= L, so they are distinct).
 */
export function edgeDramPorts(p: Platform): TileCoord[] {
  const { x: tx, y: ty } = p.tilesPerDie;
  if (p.dram.placement === "per-die") {
    const ports: TileCoord[] = [];
    for (let dy = 0; dy < p.dies.y; dy++) for (let dx = 0; dx < p.dies.x; dx++) ports.push({ x: dx * tx, y: dy * ty });
    return ports;
  }
  const n = p.dram.channels ?? boundaryDieCount(p);
  if (n === boundaryDieCount(p)) return dieSideMiddles(p);
  const ring = boundaryTileCount(p);
  return Array.from({ length: n }, (_, i) => ringTile(p, Math.floor(((i + 0.5) * ring) / n)));
}

/** The middle tile of each boundary die's side, clockwise from the top-left die. */
function dieSideMiddles(p: Platform): TileCoord[] {
  const { x: DX, y: DY } = p.dies, { x: tx, y: ty } = p.tilesPerDie, m = meshSize(p);
  const midX = (dx: number) => dx * tx + Math.floor((tx - 1) / 2);
  const midY = (dy: number) => dy * ty + Math.floor((ty - 1) / 2);
  const ports: TileCoord[] = [];
  for (let dx = 0; dx < DX; dx++) ports.push({ x: midX(dx), y: 0 }); // top row
  for (let dy = 1; dy < DY; dy++) ports.push({ x: m.x - 1, y: midY(dy) }); // right column
  if (DY > 1) for (let dx = DX - 2; dx >= 0; dx--) ports.push({ x: midX(dx), y: m.y - 1 }); // bottom row
  if (DX > 1) for (let dy = DY - 2; dy >= 1; dy--) ports.push({ x: 0, y: midY(dy) }); // left column
  return ports;
}

/** The k-th tile of the boundary ring, clockwise from the top-left tile (top row, right column, bottom row, left column). */
function ringTile(p: Platform, k: number): TileCoord {
  const { x: X, y: Y } = meshSize(p);
  if (k < X) return { x: k, y: 0 };
  k -= X;
  if (k < Y - 1) return { x: X - 1, y: k + 1 };
  k -= Y - 1;
  if (k < X - 1) return { x: X - 2 - k, y: Y - 1 };
  k -= X - 1;
  return { x: 0, y: Y - 2 - k };
}
