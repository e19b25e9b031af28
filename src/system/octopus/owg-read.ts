/**
 * Reading an orchestrated workflow graph from untrusted data (a user's JSON file): every field
 * checked, the first fault reported as a UserError that names the file, the block (and the loop it
 * sits in) and the field, says what was found and how to mend it. Unknown fields are faults, so a
 * typo'd optional field ("maxPiece") is not dropped silently. The generators' graphs pass through
 * the same check, so everything the simulator runs has been checked once.
 *
 * The file format is the data of owg.ts:
 *   { "name": "rag", "blocks": [ { "id": "embed", "kind": "task", "task": { "op": "gemm", "m": [16, 128], "n": 1024, "k": 1024 } },
 *                               { "id": "rerank?", "kind": "branch", "probs": { "rerank": 0.6, "generate": 0.4 } },
 *                               { "id": "agent", "kind": "loop", "continueProb": 0.7, "maxTrips": 6, "body": { "blocks": [...], "flows": [...] } } ],
 *     "flows": [ { "from": "embed", "to": "retrieve" }, ... ] }
 */
import { parseJsonFile, readTextFile } from "../../io/input-file.js";
import { UserError } from "../../io/user-error.js";
import { topologicalOrder, type Block, type Flow, type Range, type Region, type TaskOp, type WorkflowGraph } from "./owg.js";

/** Largest GEMM dimension, attention rows or keys: far past any real operator, so reaching it is a slip. */
const MAX_DIM = 1 << 20;
const MAX_PIECES = 4096;
/** Probabilities of a branch must sum to 1 within this. */
const PROB_SLACK = 1e-6;

type Obj = Record<string, unknown>;

class Reader {
  private readonly ids = new Set<string>();
  constructor(private readonly source: string) {}

  fail(at: string, msg: string): never {
    throw new UserError(msg, { file: this.source, field: at || "(top)" });
  }

  object(v: unknown, at: string, allowed: readonly string[], what: string): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(at, `${what} must be a JSON object with ${allowed.map((a) => a.replace("?", " (optional)")).join(", ")}, got ${JSON.stringify(v)}`);
    const o = v as Obj;
    const names = allowed.map((a) => a.replace("?", ""));
    for (const k of Object.keys(o)) if (!names.includes(k)) this.fail(join(at, k), `unknown field; ${what} has ${names.join(", ")}`);
    for (const a of allowed) if (!a.endsWith("?") && !(a in o)) this.fail(join(at, a), `missing; ${what} needs ${names.filter((n) => !allowed.includes(n + "?")).join(", ")}`);
    return o;
  }

  whole(v: unknown, at: string, min: number, max: number): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) this.fail(at, `must be a whole number ${min}..${max}, got ${JSON.stringify(v)}`);
    return v;
  }

  number(v: unknown, at: string, min: number, max: number, openMin = false): number {
    if (typeof v !== "number" || !Number.isFinite(v) || (openMin ? v <= min : v < min) || v > max) {
      this.fail(at, `must be a number ${openMin ? `> ${min}` : `>= ${min}`}${max === Infinity ? "" : ` and <= ${max}`}, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  range(v: unknown, at: string, min: number, max: number): Range {
    if (Array.isArray(v)) {
      if (v.length !== 2) this.fail(at, `a range is [lo, hi] (two whole numbers, drawn uniformly per execution), got ${JSON.stringify(v)}`);
      const lo = this.whole(v[0], `${at}[0]`, min, max), hi = this.whole(v[1], `${at}[1]`, min, max);
      if (lo > hi) this.fail(at, `range [${lo}, ${hi}] runs backwards; write [${hi}, ${lo}]`);
      return [lo, hi];
    }
    if (typeof v !== "number") this.fail(at, `must be a whole number ${min}..${max} or a range [lo, hi], got ${JSON.stringify(v)}`);
    return this.whole(v, at, min, max);
  }

  op(v: unknown, at: string): TaskOp {
    const kinds = ["gemm", "attention", "sampled"];
    const opName = typeof v === "object" && v !== null ? (v as Obj).op : undefined;
    if (typeof opName !== "string" || !kinds.includes(opName)) this.fail(join(at, "op"), `must be one of ${kinds.join(", ")} (gemm and attention are timed by the unit cycle models; sampled draws a log-normal duration), got ${JSON.stringify(opName)}`);
    if (opName === "gemm") {
      const o = this.object(v, at, ["op", "m", "n", "k", "maxPieces?"], "a gemm task");
      return {
        op: "gemm", m: this.range(o.m, join(at, "m"), 1, MAX_DIM), n: this.whole(o.n, join(at, "n"), 1, MAX_DIM), k: this.whole(o.k, join(at, "k"), 1, MAX_DIM),
        ...(o.maxPieces !== undefined && { maxPieces: this.whole(o.maxPieces, join(at, "maxPieces"), 1, MAX_PIECES) }),
      };
    }
    if (opName === "attention") {
      const o = this.object(v, at, ["op", "rows", "context?", "pipeline?", "tileRows?"], "an attention task");
      if (o.pipeline !== undefined && ![2, 3, 4].includes(o.pipeline as number)) this.fail(join(at, "pipeline"), `must be 2, 3 or 4 (the meta-attention pipelines), got ${JSON.stringify(o.pipeline)}`);
      return {
        op: "attention", rows: this.range(o.rows, join(at, "rows"), 1, MAX_DIM),
        ...(o.context !== undefined && { context: this.range(o.context, join(at, "context"), 0, MAX_DIM) }),
        ...(o.pipeline !== undefined && { pipeline: o.pipeline as 2 | 3 | 4 }),
        ...(o.tileRows !== undefined && { tileRows: this.whole(o.tileRows, join(at, "tileRows"), 1, 4096) }),
      };
    }
    const o = this.object(v, at, ["op", "medianNs", "sigma?", "pieces?"], "a sampled task");
    return {
      op: "sampled", medianNs: this.number(o.medianNs, join(at, "medianNs"), 0, 1e12, true),
      ...(o.sigma !== undefined && { sigma: this.number(o.sigma, join(at, "sigma"), 0, 5) }),
      ...(o.pieces !== undefined && { pieces: this.whole(o.pieces, join(at, "pieces"), 1, MAX_PIECES) }),
    };
  }

  block(v: unknown, where: string, i: number): Block {
    const kinds = ["task", "branch", "loop"];
    const raw = typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
    const idText = raw && typeof raw.id === "string" ? raw.id : undefined;
    const at = `${where}block ${idText !== undefined ? JSON.stringify(idText) : `#${i + 1}`}`;
    if (!raw) this.fail(at, `a block is a JSON object with id, kind (${kinds.join(", ")}) and its fields, got ${JSON.stringify(v)}`);
    if (idText === undefined || idText.trim() === "") this.fail(join(at, "id"), `every block needs a non-empty string id (flows and branch targets name it), got ${JSON.stringify(raw.id)}`);
    if (this.ids.has(idText)) this.fail(join(at, "id"), `the id is used twice; ids are unique across the whole graph, loop bodies included (rename one)`);
    this.ids.add(idText);
    if (typeof raw.kind !== "string" || !kinds.includes(raw.kind)) this.fail(join(at, "kind"), `must be one of ${kinds.join(", ")}, got ${JSON.stringify(raw.kind)}`);
    if (raw.kind === "task") {
      const o = this.object(raw, at, ["id", "kind", "task", "outBytes?"], "a task block");
      return {
        id: idText, kind: "task", task: this.op(o.task, join(at, "task")),
        ...(o.outBytes !== undefined && { outBytes: this.number(o.outBytes, join(at, "outBytes"), 0, 1e15) }),
      };
    }
    if (raw.kind === "branch") {
      const o = this.object(raw, at, ["id", "kind", "probs"], "a branch block");
      const p = o.probs;
      if (typeof p !== "object" || p === null || Array.isArray(p)) this.fail(join(at, "probs"), `must be an object of target id -> probability, e.g. {"a": 0.7, "b": 0.3}, got ${JSON.stringify(p)}`);
      const probs: Record<string, number> = {};
      for (const [t, x] of Object.entries(p as Obj)) probs[t] = this.number(x, join(at, `probs.${t}`), 0, 1);
      const n = Object.keys(probs).length;
      if (n < 2) this.fail(join(at, "probs"), `a branch picks one of two or more targets, got ${n}; for a single successor use a plain flow`);
      const sum = Object.values(probs).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > PROB_SLACK) this.fail(join(at, "probs"), `the probabilities sum to ${sum}; they must sum to 1 (scale them by ${(1 / sum).toPrecision(6)})`);
      return { id: idText, kind: "branch", probs };
    }
    const o = this.object(raw, at, ["id", "kind", "continueProb", "maxTrips", "body"], "a loop block");
    return {
      id: idText, kind: "loop", continueProb: this.number(o.continueProb, join(at, "continueProb"), 0, 1),
      maxTrips: this.whole(o.maxTrips, join(at, "maxTrips"), 1, 1 << 16), body: this.region(o.body, `${at} body: `, `the body of loop ${JSON.stringify(idText)}`),
    };
  }

  region(v: unknown, where: string, what: string): Region {
    const o = this.object(v, where.replace(/: $/, ""), ["blocks", "flows", ...(where === "" ? ["name", "description?"] : [])], what);
    if (!Array.isArray(o.blocks) || o.blocks.length === 0) this.fail(`${where}blocks`, `${what} needs a non-empty array of blocks`);
    const blocks = o.blocks.map((b, i) => this.block(b, where, i));
    if (!Array.isArray(o.flows)) this.fail(`${where}flows`, `must be an array of {"from": id, "to": id} (an empty array when the blocks are independent)`);
    const here = new Map(blocks.map((b) => [b.id, b]));
    const seen = new Set<string>();
    const flows: Flow[] = o.flows.map((f, i) => {
      const at = `${where}flows[${i}]`;
      const r = this.object(f, at, ["from", "to"], "a flow");
      for (const end of ["from", "to"] as const) {
        const id = r[end];
        if (typeof id !== "string" || !here.has(id)) {
          this.fail(`${at}.${end}`, `${JSON.stringify(id)} is not a block of ${what}; flows join blocks of the same region (its blocks: ${[...here.keys()].join(", ")})`);
        }
      }
      const from = r.from as string, to = r.to as string;
      if (from === to) this.fail(at, `block ${JSON.stringify(from)} flows to itself; for repetition wrap it in a loop block`);
      if (seen.has(`${from}\n${to}`)) this.fail(at, `the flow ${from} -> ${to} is listed twice; remove one`);
      seen.add(`${from}\n${to}`);
      return { from, to };
    });
    const ids = blocks.map((b) => b.id);
    const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
    const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const f of flows) {
      succs.get(f.from)!.push(f.to);
      preds.get(f.to)!.push(f.from);
    }
    if (!topologicalOrder(ids, preds, succs)) {
      const cyc = findCycle(ids, succs);
      this.fail(`${where}flows`, `the flows go round in a cycle (${cyc.join(" -> ")}); a region is acyclic: for repetition put the blocks in a loop block's body`);
    }
    for (const b of blocks) {
      if (b.kind !== "branch") continue;
      const targets = Object.keys(b.probs).sort(), out = [...succs.get(b.id)!].sort();
      if (targets.join("\n") !== out.join("\n")) {
        this.fail(`${where}block ${JSON.stringify(b.id)}: probs`, `the branch's targets (${targets.join(", ")}) must be exactly the blocks its flows lead to (${out.join(", ") || "none"}); add the missing flows or probabilities`);
      }
    }
    return { blocks, flows };
  }
}

function join(at: string, k: string): string {
  return at ? (at.endsWith(": ") ? at + k : `${at}: ${k}`) : k;
}

/** A cycle through the flows, as the ids along it (first repeated at the end). */
function findCycle(ids: readonly string[], succs: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const dfs = (id: string): string[] | undefined => {
    state.set(id, 1);
    stack.push(id);
    for (const s of succs.get(id)!) {
      if (state.get(s) === 1) return [...stack.slice(stack.indexOf(s)), s];
      if (!state.has(s)) {
        const c = dfs(s);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const id of ids) if (!state.has(id)) { const c = dfs(id); if (c) return c; }
  return [];
}

/** A checked copy of `value` as a workflow graph; `source` names it in messages (a file name). */
export function parseWorkflowGraph(value: unknown, source = "workflow graph"): WorkflowGraph {
  const r = new Reader(source);
  const top = r.object(value, "", ["name", "description?", "blocks", "flows"], "a workflow graph");
  if (typeof top.name !== "string" || top.name.trim() === "") r.fail("name", `must name the graph (a non-empty string), got ${JSON.stringify(top.name)}`);
  if (top.description !== undefined && typeof top.description !== "string") r.fail("description", `must be a string, got ${JSON.stringify(top.description)}`);
  const name = top.name as string;
  const region = r.region(value, "", "the graph");
  return { name, ...(typeof top.description === "string" && { description: top.description }), ...region };
}

/** A workflow graph from a JSON file; faults name the file (and the line of a JSON syntax error). */
export function readWorkflowGraphFile(file: string, argument = "--graph"): WorkflowGraph {
  return parseWorkflowGraph(parseJsonFile(readTextFile(file, argument), file, argument), file);
}
