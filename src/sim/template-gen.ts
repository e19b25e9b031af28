/**
 * The code of shared instances (template.ts plans them): one function per class and phase, of the
 * instance number i, and loops over the instances in the phase functions of compiled.ts.
 *
 * In a class function an instance's own values are at `S[b<area><store> + k]`, with the bases
 * computed from i at the top of each chunk; values from outside at `S[X<c>[x + j]]` (X holds their
 * indices, instance after instance); its memories in the class's array of that store at
 * `m<store> + offset`.
 *
 * Combinational phases (settleIn, settle0, settleRest) hold only some of an instance's nodes; the
 * instances of a class are grouped by which, and each group has a function of its own. The phase
 * is ordered over units (an instance, or one node of the top's own logic): a unit runs once every
 * unit it reads has (template.ts rules out cycles), and the ready instances of a class run in one
 * loop.
 */
import type { MemReadExpr } from "../hdl/expr.js";
import { FunctionBuilder, type SlotMap } from "./function-builder.js";
import type { InPlacePlan } from "./inplace.js";
import type { Layout } from "./layout.js";
import { STORE_F, STORE_I, STORE_NAMES, STORE_U, storeArray, storeOf } from "./layout.js";
import type { Levelized } from "./levelize.js";
import type { Netlist, NetNode } from "./netlist.js";
import { areaOf, isConstNode, type TemplateClass, type TemplatePlan } from "./template.js";
import { memoriesRead } from "./memreaders.js";
import { partitionInstances } from "./partition.js";

/** With threads, the worker's share of the shared instances' work (partition.ts; TESSERA_WORKER_SHARE). */
const WORKER_SHARE = Number(process.env.TESSERA_WORKER_SHARE ?? 0.5);

/** One loop of a phase: chunk functions of a class called for each of these instances. */
interface ClassLoop {
  readonly cls: number;
  readonly insts: number[];
  readonly calls: string[];
}

/** Typed arrays that hold every instance's memories of one class and store. */
export type ClassMemories = (Int32Array | Uint32Array | Float64Array | undefined)[];

interface ClassLayout {
  /** base[area][store] and stride[area][store] of the instances' values. */
  readonly base: number[][];
  readonly stride: number[][];
  /** Per store: words of memory per instance; per memory ordinal of an instance: its offset in its store's words. */
  readonly memStride: number[];
  readonly memOffset: number[];
  /** Per instance: external node id -> its position in the X table row. */
  readonly extIndex: Map<number, number>[];
}

const isComputed = (n: NetNode) => n.kind === "comb" || n.kind === "temp";
const rootOf = (n: NetNode) => n.aliasOf ?? n;

export class TemplateCode {
  /** Function definitions and tables, to be put before the phase functions. */
  readonly defs: string[] = [];
  /** Per class: its X table, and its memory arrays by store (filled by the engine). */
  readonly xTables: Int32Array[] = [];
  readonly memArrays: ClassMemories[] = [];
  /** With threads: the worker's half of each parallel region (function bodies; threads.ts). */
  readonly regions: string[] = [];
  /**
   * With threads, per class and instance: 1 when the worker runs it, in every phase, so that each
   * instance's values stay in one core's cache (partition.ts).
   */
  readonly onWorker: Uint8Array[];
  private readonly cls: ClassLayout[] = [];
  private groups = 0;

  /** `threads`: split loops between the main thread and a worker (memories then on SharedArrayBuffers). */
  constructor(
    private readonly net: Netlist,
    private readonly lv: Levelized,
    private readonly lay: Layout,
    private readonly inPlace: InPlacePlan,
    readonly plan: TemplatePlan,
    private readonly threads = false,
  ) {
    for (const c of plan.classes) this.cls.push(this.classLayout(c));
    this.onWorker = threads ? partitionInstances(plan, WORKER_SHARE) : plan.classes.map((c) => new Uint8Array(c.units.length));
  }

  /** Add a parallel region whose main part is `main`; returns the statement that runs it. */
  private region(main: string, worker: string): string {
    this.regions.push(worker);
    return `parGo(${this.regions.length - 1}); ${main} parJoin();`;
  }

  private classLayout(c: TemplateClass): ClassLayout {
    const lay = this.lay;
    const base = [0, 1, 2].map(() => [0, 0, 0, 0]), stride = [0, 1, 2].map(() => [0, 0, 0, 0]);
    const first = [0, 1, 2].map(() => [-1, -1, -1, -1]);
    const lists = (i: number) => [...c.buffered[i], ...c.inPlace[i], ...c.comb[i]];
    for (const n of lists(0)) {
      const a = areaOf(n, this.inPlace), s = lay.store[n.id];
      if (first[a][s] < 0) first[a][s] = lay.index[n.id];
      stride[a][s]++;
    }
    for (let a = 0; a < 3; a++) for (let s = 0; s < 4; s++) base[a][s] = Math.max(0, first[a][s]);
    // Every instance must sit at base + i * stride with the same offsets (the layout order makes it so).
    const offsets0 = lists(0).map((n) => lay.index[n.id] - base[areaOf(n, this.inPlace)][lay.store[n.id]]);
    c.units.forEach((_, i) => {
      lists(i).forEach((n, k) => {
        const a = areaOf(n, this.inPlace), s = lay.store[n.id];
        if (lay.index[n.id] - base[a][s] - i * stride[a][s] !== offsets0[k]) throw new Error(`internal: shared instance ${i} of class ${c.id} is not at its stride (${n.name})`);
      });
    });
    // Memories: per store, one array of all instances' memories at a stride (the j-th memory of
    // every instance has the same shape and depth, as the class key says).
    const memStride = [0, 0, 0, 0];
    const memOffset = c.memories[0].map((m) => {
      const s = storeOf(m.shape), at = memStride[s];
      memStride[s] += m.depth;
      return at;
    });
    // External positions: instance 0's order of first use stands for every instance's.
    const extIndex = c.externals.map((xs) => new Map(xs.map((n, j) => [n.id, j])));
    const nx = c.externals[0].length;
    const X = new Int32Array(Math.max(1, c.units.length * nx));
    c.externals.forEach((xs, i) => {
      if (xs.length !== nx) throw new Error(`internal: shared instance ${i} of class ${c.id} reads ${xs.length} values from outside, instance 0 ${nx}`);
      xs.forEach((n, j) => (X[i * nx + j] = lay.index[n.id]));
    });
    this.xTables.push(X);
    // (No bigint store: template.ts keeps instances with bigint memories out of classes.)
    this.memArrays.push([STORE_I, STORE_U, STORE_F].map((s) => (memStride[s] === 0 ? undefined : (storeArray(s, memStride[s] * c.units.length, this.threads) as Int32Array | Uint32Array | Float64Array))));
    return { base, stride, memStride, memOffset, extIndex };
  }

  /** The view of memory `id` in its class's array, or undefined when it has an array of its own. */
  memoryView(id: number): Int32Array | Uint32Array | Float64Array | undefined {
    const c = this.plan.memClassOf[id];
    if (c < 0) return undefined;
    const i = this.plan.memInstOf[id], m = this.net.memories[id], s = storeOf(m.shape);
    const cl = this.cls[c];
    const start = i * cl.memStride[s] + cl.memOffset[this.plan.classes[c].memories[i].indexOf(m)];
    return this.memArrays[c][s]!.subarray(start, start + m.depth);
  }

  /** Slots of class c's code, as instance `rep` sees them. */
  private slots(c: number, rep: number): SlotMap {
    const cl = this.cls[c], cls = this.plan.classes[c], lay = this.lay;
    const mine = (n: NetNode) => this.plan.classOf[n.id] === c && this.plan.instOf[n.id] === rep;
    const own = (n: NetNode, next: boolean) => {
      const a = areaOf(n, this.inPlace), s = lay.store[n.id];
      const k = lay.index[n.id] - cl.base[a][s] - rep * cl.stride[a][s] + (next ? lay.regCount[s] : 0);
      return `${STORE_NAMES[s]}[b${a}${STORE_NAMES[s]} + ${k}]`;
    };
    const slot = (n0: NetNode) => {
      const n = rootOf(n0);
      if (mine(n)) return own(n, false);
      const j = cl.extIndex[rep].get(n.id);
      if (j === undefined) throw new Error(`internal: ${n.name} is read by shared class ${c} but is not among its external values`);
      return `${STORE_NAMES[lay.store[n.id]]}[X${c}[x + ${j}]]`;
    };
    const memId = (e: MemReadExpr) => this.net.memoryIndex.get(e.memory as never)!.id;
    const memOff = (id: number) => cl.memOffset[cls.memories[rep].findIndex((m) => m.id === id)];
    return {
      slot,
      nextSlot: (n) => own(rootOf(n), true),
      memory: (e) => `MT${c}${STORE_NAMES[storeOf(this.net.memories[memId(e)].shape)]}`,
      memoryOffset: (e) => {
        const id = memId(e);
        return `m${STORE_NAMES[storeOf(this.net.memories[id].shape)]} + ${memOff(id)}`;
      },
    };
  }

  /** Declarations at the top of a class function's chunk: its bases for instance i. */
  private prologue(c: number): string {
    const cl = this.cls[c], out: string[] = [];
    // The instance index clamped to its range: V8 then knows every base + offset below fits an
    // int32 and drops an overflow check from each of the hundreds of store accesses of a router
    // (measured 10-15% less time per instance on the 8x8 mesh's routers).
    out.push(`i = Math.max(0, Math.min(i | 0, ${this.plan.classes[c].units.length - 1}));`);
    for (let a = 0; a < 3; a++) for (let s = 0; s < 4; s++) if (cl.stride[a][s] > 0) out.push(`const b${a}${STORE_NAMES[s]} = ${cl.base[a][s]} + i * ${cl.stride[a][s]};`);
    const nx = this.plan.classes[c].externals[0].length;
    if (nx > 0) out.push(`const x = i * ${nx};`);
    for (let s = 0; s < 4; s++) if (cl.memStride[s] > 0) out.push(`const m${STORE_NAMES[s]} = i * ${cl.memStride[s]};`);
    return out.join(" ");
  }

  /** Emit class c's function for one phase (built by `fill` as instance `rep`); returns the chunk names. */
  private classFunction(c: number, rep: number, tag: string, fill: (fb: FunctionBuilder) => void): string[] {
    const fb = new FunctionBuilder(`T${c}_${tag}`, this.net, this.slots(c, rep));
    fill(fb);
    const names: string[] = [];
    const pro = this.prologue(c);
    fb.chunks.forEach((lines, k) => {
      if (lines.length === 0) return;
      const name = `T${c}_${tag}_${k}`;
      names.push(name);
      this.defs.push(`function ${name}(i) {\n${pro}\n${lines.join("\n")}\n}`);
    });
    return names;
  }

  /** A loop over the given instances of a class calling its chunk functions. */
  private loop(instances: number[], calls: string[]): string {
    if (calls.length === 0) return "";
    const body = calls.map((f) => `${f}(i);`).join(" ");
    const contiguous = instances.every((v, k) => v === instances[0] + k);
    if (contiguous) return `for (let i = ${instances[0]}; i < ${instances[0] + instances.length}; i++) { ${body} }`;
    const g = `G${this.groups++}`;
    this.defs.push(`const ${g} = Int32Array.of(${instances.join(", ")});`);
    return `for (let q = 0; q < ${instances.length}; q++) { const i = ${g}[q]; ${body} }`;
  }

  /**
   * Loops that may run in any order and at the same time (no instance of one reads what another
   * writes in this phase). With threads, when the worker runs some of their instances (onWorker),
   * they form a parallel region: the main thread runs the rest meanwhile (threads.ts).
   */
  private emitLoops(fb: FunctionBuilder, loops0: ClassLoop[]): void {
    const loops = loops0.filter((l) => l.calls.length > 0);
    const main: string[] = [], worker: string[] = [];
    for (const l of loops) {
      const w = this.onWorker[l.cls];
      const mine = l.insts.filter((i) => !w[i]), theirs = l.insts.filter((i) => w[i]);
      if (mine.length) main.push(this.loop(mine, l.calls));
      if (theirs.length) worker.push(this.loop(theirs, l.calls));
    }
    if (worker.length === 0) for (const l of loops) fb.raw(this.loop(l.insts, l.calls));
    else fb.raw(this.region(main.join(" "), worker.join("\n")));
  }

  /**
   * A combinational phase over `nodes` (in evaluation order): the top's own nodes as code of their
   * own in `fb`, the shared instances as loops.
   */
  emitComb(fb: FunctionBuilder, nodes: NetNode[], tag: string): void {
    const plan = this.plan, U = plan.units.names.length;
    const inSet = new Uint8Array(this.net.nodes.length);
    for (const n of nodes) inSet[n.id] = 1;
    const shared = (n: NetNode) => plan.classOf[n.id] >= 0;
    const vert = (n: NetNode) => (shared(n) ? plan.units.unitOf[n.id] : U + n.id);
    const succ = new Map<number, Set<number>>();
    const indeg = new Map<number, number>();
    for (const n of nodes) {
      const to = vert(n);
      if (!indeg.has(to)) indeg.set(to, 0);
      for (const d0 of this.lv.deps[n.id]) {
        const d = rootOf(d0);
        if (!isComputed(d) || !inSet[d.id]) continue;
        const from = vert(d);
        if (from === to) continue;
        let s = succ.get(from);
        if (!s) succ.set(from, (s = new Set()));
        if (!s.has(to)) {
          s.add(to);
          indeg.set(to, (indeg.get(to) ?? 0) + 1);
        }
      }
    }
    // Nodes of each instance in this phase.
    const unitNodes = new Map<number, NetNode[]>();
    for (const n of nodes) {
      if (!shared(n)) continue;
      const u = plan.units.unitOf[n.id];
      let l = unitNodes.get(u);
      if (!l) unitNodes.set(u, (l = []));
      l.push(n);
    }
    const readyGlue: NetNode[] = [];
    let readyUnits: number[] = [];
    const nodeOf = new Map<number, NetNode>();
    for (const n of nodes) if (!shared(n)) nodeOf.set(U + n.id, n);
    for (const [v, d] of indeg) if (d === 0) (v >= U ? readyGlue.push(nodeOf.get(v)!) : readyUnits.push(v));
    const done = (v: number) => {
      for (const w of succ.get(v) ?? []) {
        const d = indeg.get(w)! - 1;
        indeg.set(w, d);
        if (d === 0) (w >= U ? readyGlue.push(nodeOf.get(w)!) : readyUnits.push(w));
      }
    };
    // Constants of shared instances first: each instance's own value, read by the shared code.
    let emitted = 0;
    for (const n of nodes) {
      if (shared(n) && isConstNode(n)) {
        fb.compute(n);
        emitted++;
      }
    }
    // readyGlue is a queue read from `head` (shift() would make a large design's phase quadratic).
    let head = 0;
    while (head < readyGlue.length || readyUnits.length) {
      while (head < readyGlue.length) {
        const n = readyGlue[head++];
        fb.compute(n);
        emitted++;
        done(U + n.id);
      }
      if (!readyUnits.length) continue;
      // The ready instances of the first ready unit's class (with threads: of every class, to run
      // them in one parallel region; none of them reads another), grouped by class and by which
      // nodes they have here.
      const classOfUnit = (u: number) => plan.classOf[unitNodes.get(u)![0].id];
      const c0 = classOfUnit(readyUnits[0]);
      const take: number[] = [], rest: number[] = [];
      for (const u of readyUnits) (this.threads || classOfUnit(u) === c0 ? take : rest).push(u);
      readyUnits = rest;
      const bySubset = new Map<string, { c: number; insts: number[] }>();
      for (const u of take) {
        const c = classOfUnit(u), i = plan.instOf[unitNodes.get(u)![0].id];
        const key = `${c}:${this.subsetKey(c, i, inSet)}`;
        const l = bySubset.get(key);
        if (l) l.insts.push(i);
        else bySubset.set(key, { c, insts: [i] });
      }
      const loops: ClassLoop[] = [];
      for (const [, { c, insts }] of bySubset) {
        insts.sort((a, b) => a - b);
        const rep = insts[0];
        const list = this.plan.classes[c].comb[rep].filter((n) => inSet[n.id] && !isConstNode(n));
        const calls = this.classFunction(c, rep, `${tag}_g${this.groups++}`, (cfb) => list.forEach((n) => cfb.compute(n)));
        loops.push({ cls: c, insts, calls });
        emitted += list.length * insts.length;
      }
      this.emitLoops(fb, loops);
      for (const u of take) done(u);
    }
    if (emitted !== nodes.length) throw new Error(`internal: shared code for ${tag} computes ${emitted} of ${nodes.length} nodes (a cycle between instances?)`);
  }

  private subsetKey(c: number, i: number, inSet: Uint8Array): string {
    const comb = this.plan.classes[c].comb[i];
    let key = "";
    for (let k = 0; k < comb.length; k++) if (inSet[comb[k].id]) key += `${k},`;
    return key;
  }

  /** Buffered registers' next values of the shared instances. */
  emitNextq(fb: FunctionBuilder): void {
    this.plan.classes.forEach((cl, c) => {
      if (cl.buffered[0].length === 0) return;
      fb.raw(this.loop(cl.units.map((_, i) => i), this.classFunction(c, 0, "nextq", (cfb) => cl.buffered[0].forEach((n) => cfb.computeNext(n)))));
    });
  }

  /** In-place registers of the shared instances (each instance's only read inside it). */
  emitInPlace(fb: FunctionBuilder): void {
    this.plan.classes.forEach((cl, c) => {
      if (cl.inPlace[0].length === 0) return;
      fb.raw(this.loop(cl.units.map((_, i) => i), this.classFunction(c, 0, "inplace", (cfb) => cl.inPlace[0].forEach((n) => cfb.computeInPlace(n)))));
    });
  }

  /** Memory writes of the shared instances' memories. */
  emitMemWrites(fb: FunctionBuilder): void {
    this.plan.classes.forEach((cl, c) => {
      if (!cl.memories[0].some((m) => m.writes.length)) return;
      fb.raw(this.loop(cl.units.map((_, i) => i), this.classFunction(c, 0, "memw", (cfb) => this.memWrites(c, cfb))));
    });
  }

  private memWrites(c: number, cfb: FunctionBuilder): void {
    this.plan.classes[c].memories[0].forEach((m, j) => {
      const s = STORE_NAMES[storeOf(m.shape)];
      const off = this.cls[c].memOffset[j];
      for (const w of m.writes) {
        cfb.statement((g) => {
          const en = g.gen(w.en), addr = g.gen(w.addr), data = g.gen(w.data);
          return `if (${en} !== 0) { const a = ${addr}; if (a < ${m.depth}) MT${c}${s}[m${s} + ${off} + a] = ${data}; }`;
        });
      }
    });
  }

  /**
   * An edge's work for the shared instances (see fusedTickAllowed), one function per class called
   * once per instance: a third of the calls and prologues, and values loaded once for all three.
   * Loads are cached across the parts: in-place registers are read only before they are written
   * (readers first), and memory writes read none of them.
   */
  emitTick(fb: FunctionBuilder): void {
    const loops: ClassLoop[] = [];
    this.plan.classes.forEach((cl, c) => {
      const hasWrites = cl.memories[0].some((m) => m.writes.length);
      if (cl.buffered[0].length === 0 && cl.inPlace[0].length === 0 && !hasWrites) return;
      const calls = this.classFunction(c, 0, "tick", (cfb) => {
        cl.buffered[0].forEach((n) => cfb.computeNext(n));
        cl.inPlace[0].forEach((n) => cfb.computeInPlace(n));
        this.memWrites(c, cfb);
      });
      loops.push({ cls: c, insts: cl.units.map((_, i) => i), calls });
    });
    // Every instance's updates touch only its own state and buffered next values (fusedTickAllowed).
    this.emitLoops(fb, loops);
  }

  /** Header lines binding the tables (the factory gets TPL = { X, M }). */
  header(): string[] {
    const out: string[] = [];
    this.plan.classes.forEach((_, c) => {
      out.push(`const X${c} = TPL.X[${c}];`);
      this.memArrays[c].forEach((arr, s) => {
        if (arr) out.push(`const MT${c}${STORE_NAMES[s]} = TPL.M[${c}][${s}];`);
      });
    });
    return out;
  }
}

/**
 * Whether an edge may run each instance's buffered registers, in-place registers and memory
 * writes together, one instance after another (emitTick), rather than each of the three for
 * every instance in turn. Within an instance the order stays: buffered next values, in-place
 * updates, memory writes. Across instances it is safe when nothing outside an instance reads what
 * that changes during the edge: its in-place registers are read only inside it (planInPlace),
 * its buffered registers change only at the commit, and its memories must be read by no register
 * of another instance or of the top (comb readers recompute after the edge anyway).
 */
export function fusedTickAllowed(net: Netlist, plan: TemplatePlan): boolean {
  const { units, memClassOf } = plan;
  // Without shared memories there is nothing to check (and no register expression to walk).
  if (!memClassOf.some((c) => c >= 0)) return true;
  for (const n of net.nodes) {
    if (n.kind !== "reg" || !n.expr) continue;
    for (const id of memoriesRead(net, n)) if (memClassOf[id] >= 0 && units.memUnitOf[id] !== units.unitOf[n.id]) return false;
  }
  return true;
}

