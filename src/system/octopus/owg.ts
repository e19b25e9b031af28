/**
 * Orchestrated workflow graphs (OWG, Octopus: arXiv 2405.17221, ../shared/reference/papers.md
 * section 8) as plain JSON-able data: task blocks (TB, the AI and general operations), control
 * blocks (CB: branches and loops) and the task flows between them.
 *
 * The shape is structured, because the paper gives no execution semantics and a graph with
 * arbitrary back edges has none that is both simple and well defined:
 *  - a region (the whole graph, or a loop's body) is a DAG of blocks joined by flows;
 *  - a loop is one block of its region whose body is a region of its own, run again and again
 *    (do-while: the body runs once, then after each trip the loop decides to continue with
 *    probability `continueProb`, never past `maxTrips` trips);
 *  - a branch sends control down exactly one of its outgoing flows, picked with its `probs`.
 *
 * Joins after branches follow dead-path elimination (as workflow languages such as BPEL do): a
 * block runs once every incoming flow has signalled, if at least one signal is live; if all are
 * dead it is skipped and passes "dead" on. So a block after a branch-and-merge runs exactly once,
 * whichever way the branch went, and a fork (a task with several outgoing flows) runs its
 * successors in parallel. A block with no incoming flow in its region starts with the region.
 *
 * Task blocks name their operation (task-time.ts turns it into work): a GEMM and an attention
 * tile set timed by our verified unit cycle models, or a general task whose duration is drawn
 * from a log-normal distribution. Shapes may be ranges, drawn per execution (dynamic TB times).
 */

/** A fixed whole number, or an inclusive range [lo, hi] drawn uniformly per execution. */
export type Range = number | readonly [number, number];

/** An m x k by k x n GEMM (an LLM step's projection, an embedding), timed by the PE-array cycle model. */
export interface GemmOp {
  readonly op: "gemm";
  readonly m: Range;
  readonly n: number;
  readonly k: number;
  /** Most pieces (column slices of whole arrays) it is cut into; default 64. */
  readonly maxPieces?: number;
}

/** Causal attention of `rows` query rows after `context` earlier keys, timed by the meta-attention unit's cycle model. */
export interface AttentionOp {
  readonly op: "attention";
  readonly rows: Range;
  /** Keys before the first row (the prompt so far); default 0. */
  readonly context?: Range;
  /** The meta-attention pipeline (2, 3 or 4 stages); default 3. */
  readonly pipeline?: 2 | 3 | 4;
  /** Query rows per piece (one meta-attention tile); default 16. */
  readonly tileRows?: number;
}

/** A general task (a tool call, a retrieval, a parser): log-normal duration, cut into equal pieces. */
export interface SampledOp {
  readonly op: "sampled";
  /** Median duration on one TBU, ns. */
  readonly medianNs: number;
  /** Sigma of ln(duration); default 0.5. */
  readonly sigma?: number;
  /** Equal pieces it splits into (its parallelism); default 1. */
  readonly pieces?: number;
}

export type TaskOp = GemmOp | AttentionOp | SampledOp;

export interface TaskBlock {
  readonly id: string;
  readonly kind: "task";
  readonly task: TaskOp;
  /** Bytes of its result sent along each outgoing flow; default from the op (task-time.ts). */
  readonly outBytes?: number;
}

export interface BranchBlock {
  readonly id: string;
  readonly kind: "branch";
  /** Probability of each target (the ids its outgoing flows lead to); they sum to 1. */
  readonly probs: Readonly<Record<string, number>>;
}

export interface LoopBlock {
  readonly id: string;
  readonly kind: "loop";
  /** Probability of another trip after each trip. */
  readonly continueProb: number;
  /** Most trips (>= 1). */
  readonly maxTrips: number;
  readonly body: Region;
}

export type Block = TaskBlock | BranchBlock | LoopBlock;

export interface Flow {
  readonly from: string;
  readonly to: string;
}

export interface Region {
  readonly blocks: readonly Block[];
  readonly flows: readonly Flow[];
}

export interface WorkflowGraph extends Region {
  readonly name: string;
  readonly description?: string;
}

/** A region with its flows indexed: predecessors and successors of each block, and a topological order. */
export interface RegionIndex {
  readonly region: Region;
  readonly byId: ReadonlyMap<string, Block>;
  readonly preds: ReadonlyMap<string, readonly string[]>;
  readonly succs: ReadonlyMap<string, readonly string[]>;
  /** Blocks in an order where every flow goes forward (Kahn's, ties in declaration order). */
  readonly order: readonly string[];
  /** Blocks with no outgoing flow: the region is done when all of them have signalled. */
  readonly sinks: readonly string[];
}

const indexCache = new WeakMap<Region, RegionIndex>();

/** The region's flows indexed (memoized per region object). The region must be valid (owg-read.ts checks). */
export function indexRegion(region: Region): RegionIndex {
  let ix = indexCache.get(region);
  if (ix) return ix;
  const byId = new Map(region.blocks.map((b) => [b.id, b] as const));
  const preds = new Map<string, string[]>(region.blocks.map((b) => [b.id, []]));
  const succs = new Map<string, string[]>(region.blocks.map((b) => [b.id, []]));
  for (const f of region.flows) {
    succs.get(f.from)!.push(f.to);
    preds.get(f.to)!.push(f.from);
  }
  const order = topologicalOrder(region.blocks.map((b) => b.id), preds, succs);
  if (!order) throw new Error("internal: indexRegion on a region with a cycle (parseWorkflowGraph rejects those)");
  ix = { region, byId, preds, succs, order, sinks: order.filter((id) => succs.get(id)!.length === 0) };
  indexCache.set(region, ix);
  return ix;
}

/** Kahn's algorithm, ties in the given order; undefined when the flows have a cycle. */
export function topologicalOrder(ids: readonly string[], preds: ReadonlyMap<string, readonly string[]>, succs: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const left = new Map(ids.map((id) => [id, preds.get(id)!.length]));
  const pos = new Map(ids.map((id, i) => [id, i]));
  const ready = ids.filter((id) => left.get(id) === 0);
  const out: string[] = [];
  while (ready.length) {
    // The earliest-declared ready block first, so the order reads like the file.
    ready.sort((a, b) => pos.get(a)! - pos.get(b)!);
    const id = ready.shift()!;
    out.push(id);
    for (const s of succs.get(id)!) {
      const n = left.get(s)! - 1;
      left.set(s, n);
      if (n === 0) ready.push(s);
    }
  }
  return out.length === ids.length ? out : undefined;
}

/** Every block of the graph, loop bodies included, depth first in declaration order. */
export function allBlocks(region: Region): Block[] {
  const out: Block[] = [];
  const walk = (r: Region) => {
    for (const b of r.blocks) {
      out.push(b);
      if (b.kind === "loop") walk(b.body);
    }
  };
  walk(region);
  return out;
}
