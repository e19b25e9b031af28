/**
 * Seeded generators of orchestrated workflow graphs shaped like the two families the paper's
 * workloads come from (it publishes none of its graphs, so the shapes and every range below are
 * our choices; the seed varies them within the ranges):
 *
 *   agent  prompt prefill -> loop { plan (an LLM step: projection + attention) -> act (a branch
 *          over 2-4 arms: tool calls, a sharded search, a sub-LLM call) -> observe (an LLM step
 *          reading the result) } -> answer. The loop continues with probability 0.55-0.85 up to
 *          4-10 trips.
 *   rag    [loop refine, in half of the graphs: up to 3 rounds] { embed -> retrieve (a dense ANN
 *          search sharded 8 ways, and in half of the graphs a sparse one beside it: a fork that
 *          joins) -> rerank? (a branch: rerank with probability 0.4-0.8, else straight on) ->
 *          assemble } -> prefill (projection + attention) -> loop decode { step, attention }.
 *
 * LLM steps are GEMMs on a model of `hidden` width (default 2048: a 1-2B-parameter model, small
 * enough that agents run many of them on a wafer) and attention over the context so far; tools and
 * searches are general tasks with log-normal durations (microseconds: on-chip tools, the scale of
 * an LLM step here). Every graph passes parseWorkflowGraph.
 */
import { mulberry32 } from "../../golden/prng.js";
import type { Block, Flow, Range, WorkflowGraph } from "./owg.js";
import { parseWorkflowGraph } from "./owg-read.js";

export const GENERATED_GRAPHS = ["agent", "rag"] as const;
export type GeneratedGraphKind = (typeof GENERATED_GRAPHS)[number];

export interface GeneratorOptions {
  /** Model width of the LLM steps (n and k of their GEMMs); default 2048. */
  readonly hidden?: number;
}

class Dice {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = mulberry32(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  /** A number in [lo, hi] to two decimals. */
  prob(lo: number, hi: number): number {
    return Math.round((lo + this.r() * (hi - lo)) * 100) / 100;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  /** A range [lo, hi] inside [min, max], at least a quarter of it wide. */
  range(min: number, max: number): Range {
    const w = Math.max(1, Math.round((max - min) / 4));
    const lo = this.int(min, max - w);
    return [lo, this.int(lo + w, max)];
  }
  /** n probabilities (two decimals, each >= 0.05) that sum to 1. */
  split(n: number): number[] {
    const w = Array.from({ length: n }, () => 0.5 + this.r());
    const total = w.reduce((a, b) => a + b, 0);
    const p = w.map((x) => Math.max(0.05, Math.round((x / total) * 100) / 100));
    p[n - 1] = Math.round((1 - p.slice(0, -1).reduce((a, b) => a + b, 0)) * 100) / 100;
    return p;
  }
}

const chain = (...ids: string[]): Flow[] => ids.slice(1).map((to, i) => ({ from: ids[i], to }));

export function generateAgentGraph(seed: number, o: GeneratorOptions = {}): WorkflowGraph {
  const d = new Dice(seed), H = o.hidden ?? 2048;
  const llm = (id: string, m: Range): Block => ({ id, kind: "task", task: { op: "gemm", m, n: H, k: H } });
  const arms: Block[] = [];
  const kinds = ["tool", "search", "code", "sub-llm"];
  const nArms = d.int(2, 4);
  for (let i = 0; i < nArms; i++) {
    const kind = kinds[d.int(0, kinds.length - 1)], id = `act-${i}-${kind}`;
    if (kind === "tool") arms.push({ id, kind: "task", task: { op: "sampled", medianNs: d.int(2, 40) * 1000, sigma: 0.6 } });
    else if (kind === "search") arms.push({ id, kind: "task", task: { op: "sampled", medianNs: d.int(10, 60) * 1000, sigma: 0.5, pieces: 8 } });
    else if (kind === "code") arms.push({ id, kind: "task", task: { op: "sampled", medianNs: d.int(5, 20) * 1000, sigma: 0.8, pieces: 2 } });
    else arms.push(llm(id, d.range(16, 128)));
  }
  const probs = d.split(nArms);
  const body: WorkflowGraph["blocks"] = [
    llm("plan", d.range(8, 64)),
    { id: "plan-attn", kind: "task", task: { op: "attention", rows: d.range(8, 64), context: d.range(512, 2048) } },
    { id: "act", kind: "branch", probs: Object.fromEntries(arms.map((a, i) => [a.id, probs[i]])) },
    ...arms,
    llm("observe", d.range(16, 128)),
  ];
  const graph: WorkflowGraph = {
    name: `agent-${seed}`,
    description: `agent loop: plan -> act (${arms.map((a) => a.id).join(" | ")}) -> observe, repeated; seed ${seed}`,
    blocks: [
      llm("prompt", d.range(128, 512)),
      { id: "prompt-attn", kind: "task", task: { op: "attention", rows: d.range(128, 512) } },
      {
        id: "steps", kind: "loop", continueProb: d.prob(0.55, 0.85), maxTrips: d.int(4, 10),
        body: { blocks: body, flows: [...chain("plan", "plan-attn", "act"), ...arms.flatMap((a) => [{ from: "act", to: a.id }, { from: a.id, to: "observe" }])] },
      },
      llm("answer", d.range(32, 256)),
      { id: "answer-attn", kind: "task", task: { op: "attention", rows: d.range(32, 256), context: d.range(1024, 4096) } },
    ],
    flows: chain("prompt", "prompt-attn", "steps", "answer", "answer-attn"),
  };
  return parseWorkflowGraph(graph, `generated agent graph (seed ${seed})`);
}

export function generateRagGraph(seed: number, o: GeneratorOptions = {}): WorkflowGraph {
  const d = new Dice(seed), H = o.hidden ?? 2048;
  const sparse = d.chance(0.5), refine = d.chance(0.5);
  const pRerank = d.prob(0.4, 0.8);
  const retrieval: Block[] = [
    { id: "embed", kind: "task", task: { op: "gemm", m: d.range(16, 128), n: 1024, k: H } },
    { id: "retrieve-dense", kind: "task", task: { op: "sampled", medianNs: d.int(10, 40) * 1000, sigma: 0.5, pieces: 8 } },
    ...(sparse ? [{ id: "retrieve-sparse", kind: "task", task: { op: "sampled", medianNs: d.int(5, 20) * 1000, sigma: 0.5, pieces: 4 } } as Block] : []),
    { id: "rerank?", kind: "branch", probs: { rerank: pRerank, assemble: Math.round((1 - pRerank) * 100) / 100 } },
    { id: "rerank", kind: "task", task: { op: "gemm", m: d.range(32, 256), n: 1024, k: H } },
    { id: "assemble", kind: "task", task: { op: "sampled", medianNs: d.int(1, 4) * 1000, sigma: 0.3 } },
  ];
  const retrievalFlows: Flow[] = [
    ...chain("embed", "retrieve-dense", "rerank?"),
    ...(sparse ? chain("embed", "retrieve-sparse", "rerank?") : []),
    { from: "rerank?", to: "rerank" }, { from: "rerank?", to: "assemble" }, { from: "rerank", to: "assemble" },
  ];
  const front: Block[] = refine
    ? [{ id: "refine", kind: "loop", continueProb: d.prob(0.2, 0.5), maxTrips: 3, body: { blocks: retrieval, flows: retrievalFlows } }]
    : retrieval;
  const frontFlows = refine ? [] : retrievalFlows;
  const last = refine ? "refine" : "assemble";
  const graph: WorkflowGraph = {
    name: `rag-${seed}`,
    description: `RAG: ${refine ? "up to 3 rounds of " : ""}embed -> retrieve (dense${sparse ? " + sparse" : ""}) -> rerank? -> assemble -> prefill -> decode loop; seed ${seed}`,
    blocks: [
      ...front,
      { id: "prefill", kind: "task", task: { op: "gemm", m: d.range(256, 1024), n: H, k: H } },
      { id: "prefill-attn", kind: "task", task: { op: "attention", rows: d.range(256, 1024) } },
      {
        id: "decode", kind: "loop", continueProb: d.prob(0.85, 0.95), maxTrips: d.int(8, 24),
        body: {
          blocks: [
            { id: "decode-step", kind: "task", task: { op: "gemm", m: d.range(1, 8), n: H, k: H } },
            { id: "decode-attn", kind: "task", task: { op: "attention", rows: 1, context: d.range(256, 2048), pipeline: 2 } },
          ],
          flows: chain("decode-step", "decode-attn"),
        },
      },
    ],
    flows: [...frontFlows, ...chain(last, "prefill", "prefill-attn", "decode")],
  };
  return parseWorkflowGraph(graph, `generated rag graph (seed ${seed})`);
}

export function generateGraph(kind: GeneratedGraphKind, seed: number, o: GeneratorOptions = {}): WorkflowGraph {
  return kind === "agent" ? generateAgentGraph(seed, o) : generateRagGraph(seed, o);
}
