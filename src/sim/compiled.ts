/**
 * The compiled engine: the netlist becomes JavaScript source (straight-line code over typed
 * arrays), compiled once with `new Function` (Amaranth pysim's approach). Code is split into
 * chunks of a few hundred statements because V8 stops optimising very large functions.
 * Set TESSERA_SIM_DUMP=<dir> to write the generated source there for debugging.
 */
import fs from "node:fs";
import path from "node:path";
import type { BehaviouralBlock, BehaviouralIO } from "../hdl/behavioural.js";
import { MAX_THREADS, type Engine } from "./engine.js";
import { H } from "./helpers.js";
import { freshFunction } from "./fresh-function.js";
import { FunctionBuilder, absoluteSlots } from "./function-builder.js";
import { makeBehaviouralIO } from "./behavio.js";
import { Layout, STORE_B, STORE_F, STORE_I, STORE_NAMES, STORE_U, layout, storeArray, storeOf } from "./layout.js";
import { Levelized, fanout, levelize } from "./levelize.js";
import { memoryReaders } from "./memreaders.js";
import { InPlacePlan, planInPlace } from "./inplace.js";
import { PhaseTimer, phaseTimer } from "./timing.js";
import { planActivity } from "./activity.js";
import { generateActivity } from "./activity-gen.js";
import type { Netlist, NetNode } from "./netlist.js";
import { describeSharing, findUnits, inPlaceAllowed, planTemplates, templateMode, type SharedCodeMode } from "./template.js";
import { TemplateCode, fusedTickAllowed } from "./template-gen.js";
import { SimThread, mainGlue } from "./threads.js";

interface Stores {
  I: Int32Array;
  U: Uint32Array;
  F: Float64Array;
  B: bigint[];
}

type MemArray = Int32Array | Uint32Array | Float64Array | bigint[];

/**
 * Activity-driven evaluation (activity.ts): "on" always, "off" never, "auto" (the default) decides
 * as the design runs. It samples, in full mode, the share of registers an edge changes (SAMPLES
 * edges spread over FIRST_PROBE_EDGES, later REPROBE_EDGES); only when that is below
 * REG_CHANGE_LIMIT does it compile the activity code and probe it for PROBE_EDGES edges, staying
 * in activity mode while it evaluates less than ACTIVE_LIMIT of the design per edge. Each time the
 * design is found busy the next look comes twice as late. Both modes work on the same stores, so
 * a switch costs flagging everything once (and the JIT's warm-up of the other mode's code).
 * Designs with more than one clock domain always run full. TESSERA_ACTIVITY_DEBUG=1 prints every
 * look and probe to stderr.
 *
 * Measured on the 8x8 mesh (bench/speed/case.ts mesh-engine, after 300k cycles): idle, activity
 * mode runs 10x the full evaluation's cycles/s (1.06M against 100k); with one packet every 10
 * cycles in the whole mesh 1.9x (198k against 106k); at 0.1 flits/node/cycle every router's
 * allocator changes most cycles and the full evaluation wins. The JIT's warm-up of the activity
 * code is paid once per process, and FIRST_PROBE_EDGES waits until a run is long enough to repay
 * it (activity-gen.ts FlaggedBlocks says how that code was made to warm up in seconds rather than
 * tens of them).
 */
export const ACTIVITY_MODES = ["auto", "on", "off"] as const;
export type ActivityMode = (typeof ACTIVITY_MODES)[number];
/**
 * The first look waits FIRST_PROBE_EDGES full edges, as one rents skis until their price is spent:
 * activity mode costs its code generation and the JIT's warm-up of that code (2.8 MB on the 8x8
 * mesh), more the more of it traffic reaches. With the first look after 4096 edges, 100k-cycle
 * NoC testbench runs at 0.0001 and 0.001 flits/node/cycle went at 51k and 29k cycles/s, against
 * 71k and 73k in full mode. Waiting 2^18 edges, 100k-cycle runs stay full; 400k-cycle runs (bench
 * case mesh-tb): idle 269k against 98k, 0.0001 106k against 87k, 0.001 83k against 89k.
 */
const PROBE_EDGES = 256, FIRST_PROBE_EDGES = 1 << 18, REPROBE_EDGES = 16384, MAX_REPROBE_EDGES = 1 << 22;
/**
 * Register-change samples before a probe, and the share of registers changing per edge above
 * which auto does not probe. On the 8x8 mesh a share of 0.01 goes with about 0.04 of the design
 * evaluated per edge (0.003 flits/node/cycle), about where activity mode stops paying. With a
 * limit of 0.1, 0.01 flits/node/cycle (share 0.04, evaluated 0.14) was probed again and again,
 * each probe running activity code the JIT had not warmed: 100k cycles at 45k cycles/s against
 * 81k in full mode.
 */
const SAMPLES = 8, REG_CHANGE_LIMIT = 0.01;
// Where activity mode pays, measured on the 8x8 mesh (bench/speed/case.ts mesh-engine): evaluating
// 3% of the design per edge it ran 2.3x the full evaluation, 7% 1.1x, 19% 0.6x.
const ACTIVE_LIMIT = Number(process.env.TESSERA_ACTIVE_LIMIT ?? 0.05);

interface ActivityFns {
  asettle(): void;
  ain(): void;
  amark(): void;
  atick0(): void;
  EV: Float64Array;
}

interface Compiled {
  settleAll(): void;
  settleIn(): void;
  settle: (() => void)[];
  /** Every register's next value, per domain; only designs with several domains have them. */
  next: (() => void)[];
  memw: (() => void)[];
  tick: (() => void)[];
  /** Copy every buffered next value of a domain into place. */
  commit: (() => void)[];
  /** With a worker thread: run its share of each region on the main thread from now on. */
  parLocal?: () => void;
}

export class CompiledEngine implements Engine {
  readonly stores: Stores;
  /**
   * Threads the engine runs on (SimOptions.threads; also TESSERA_THREADS), and why not the number
   * asked for when it is not. With 2 the loops over shared instances run on the main thread and a
   * worker (threads.ts); that needs shared code, one clock domain, no behavioural blocks, fused
   * edges and no bigint values in shared instances.
   */
  threads: number;
  threadsNote: string | undefined;
  private thread: SimThread | undefined;
  /**
   * Whether an edge runs one function per shared instance for its register and memory updates
   * (template-gen.ts emitTick): single-domain designs without behavioural blocks, whose edges
   * always come alone, and fusedTickAllowed. TESSERA_FUSED=0 keeps the three phases apart (for
   * comparing the two). Threads need it.
   */
  private readonly fused: boolean;
  readonly layout: Layout;
  private readonly lv: Levelized;
  private readonly plan: InPlacePlan;
  /** Shared code of identical instances, when the design has any (template.ts). */
  readonly templates: TemplateCode | undefined;
  private readonly fns: Compiled;
  private readonly resetSnapshot: Stores;
  private readonly mems: MemArray[];
  /** Behavioural blocks of each domain with their IO. */
  private readonly behavIO: { block: BehaviouralBlock; io: BehaviouralIO; copy: () => void }[][];
  private readonly resetSlot: { store: number; index: number }[];
  /** Whether edges and settles go through the activity-driven functions now. */
  private active = false;
  private readonly activityMode: ActivityMode;
  /** Edges left in the current probe (auto) or until the next one. */
  private probeLeft = 0;
  private weight = 1;
  private afns: ActivityFns | undefined;
  private readonly regSnap: (Int32Array | Uint32Array | Float64Array | undefined)[] = [undefined, undefined, undefined];
  private regChanges = 0;
  private samples = 0;
  /** Full edges before the next probe after a busy one (doubles up to MAX_REPROBE_EDGES). */
  private reprobe = REPROBE_EDGES / 2;

  constructor(
    readonly net: Netlist,
    activity: ActivityMode = (process.env.TESSERA_ACTIVITY as ActivityMode | undefined) ?? "auto",
    sharedCode: SharedCodeMode = (process.env.TESSERA_SHARED_CODE as SharedCodeMode | undefined) ?? "auto",
    threads: number = Number(process.env.TESSERA_THREADS ?? 1),
  ) {
    if (!(ACTIVITY_MODES as readonly string[]).includes(activity)) throw new Error(`activity = '${activity}': use ${ACTIVITY_MODES.join(", ")} (TESSERA_ACTIVITY)`);
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new Error(`threads = ${threads}: use 1 or ${MAX_THREADS} (TESSERA_THREADS)`);
    this.activityMode = net.domains.length === 1 ? activity : "off";
    const timer = phaseTimer("compiled");
    this.lv = levelize(net);
    timer.lap("levelize");
    // Shared code for identical instances (template.ts): their registers are updated in place only
    // where every reader is in the same instance.
    const tmode = templateMode(net, sharedCode, threads > 1);
    const units = tmode === "off" ? undefined : findUnits(net, this.lv, tmode);
    timer.lap("units");
    this.plan = process.env.TESSERA_INPLACE === "0" ? { buffered: new Set(net.nodes.map((n) => n.id)), order: net.domains.map(() => []) } : planInPlace(net, units && inPlaceAllowed(units), this.lv.deps);
    timer.lap("inplace");
    const tplan = units ? planTemplates(net, this.lv, units, this.plan) : undefined;
    timer.lap("shared-code classes");
    this.layout = layout(net, (n) => this.plan.buffered.has(n.id), tplan?.layoutOrder);
    this.fused = process.env.TESSERA_FUSED !== "0" && tplan !== undefined && tplan.classes.length > 0 && net.domains.length === 1 && net.behavs.length === 0 && fusedTickAllowed(net, tplan);
    this.threadsNote = threads === 1 ? undefined : this.whyOneThread(tplan);
    this.threads = threads > 1 && this.threadsNote === undefined ? threads : 1;
    const par = this.threads > 1;
    this.templates = tplan && tplan.classes.length ? new TemplateCode(net, this.lv, this.layout, this.plan, tplan, par) : undefined;
    if (process.env.TESSERA_SHARED_CODE_DEBUG) console.error(describeSharing(net, tmode, tplan));
    timer.lap("layout");
    // At least 64 words per store: V8 keeps typed arrays of 64 bytes or less on the JS heap, where
    // every access must reload their base address (measured 1.5x slower on a 16x16 grid).
    const sz = this.layout.sizes.map((n) => Math.max(n, 64));
    // With threads on SharedArrayBuffers, which the worker reads and writes too.
    this.stores = { I: storeArray(STORE_I, sz[0], par) as Int32Array, U: storeArray(STORE_U, sz[1], par) as Uint32Array, F: storeArray(STORE_F, sz[2], par) as Float64Array, B: new Array<bigint>(sz[3]).fill(0n) };
    this.resetSnapshot = { I: new Int32Array(sz[0]), U: new Uint32Array(sz[1]), F: new Float64Array(sz[2]), B: new Array<bigint>(sz[3]).fill(0n) };
    for (const n of net.nodes) {
      if (n.kind === "alias") continue; // shares its root's slot
      this.write(this.stores, n, n.reset);
      if (n.kind === "reg" || n.kind === "behav") {
        this.write(this.resetSnapshot, n, n.reset);
        this.writeNext(this.resetSnapshot, n, n.reset);
      }
    }
    this.mems = net.memories.map((m) => {
      const st = storeOf(m.shape);
      const arr: MemArray = this.templates?.memoryView(m.id) ?? storeArray(st, m.depth);
      m.init.forEach((v, i) => {
        if (st === STORE_B) (arr as bigint[])[i] = v;
        else (arr as Float64Array)[i] = Number(v);
      });
      return arr;
    });
    this.resetSlot = net.resets.map((r) => ({ store: this.layout.store[r.id], index: this.layout.index[r.id] }));
    timer.lap("stores");
    this.fns = this.compile(timer);
    if (par && !this.thread) {
      this.threads = 1;
      this.threadsNote = "the worker's share of the shared instances came out empty";
    }
    this.behavIO = net.domains.map((_, d) => net.behavs.filter((b) => b.domain === d).map((b) => ({ block: b.block, ...this.makeBehavIO(b) })));
    this.fns.settleAll();
    timer.lap("settleAll");
    if (this.activityMode === "on") this.enterActivity(Infinity);
    else if (this.activityMode === "auto") this.probeLeft = Math.floor(FIRST_PROBE_EDGES / SAMPLES);
  }

  /** Why the engine cannot split its loops between threads, or undefined when it can. */
  private whyOneThread(tplan: ReturnType<typeof planTemplates> | undefined): string | undefined {
    const net = this.net, lay = this.layout;
    if (!tplan || tplan.classes.length === 0) return "the design has no shared code to split (no classes of identical submodule instances; see sharedCode)";
    if (net.domains.length > 1) return "the design has more than one clock domain";
    if (net.behavs.length > 0) return "the design has behavioural blocks";
    if (!this.fused) return "the shared instances' edges cannot run as one function each (a register outside an instance reads its memories, or TESSERA_FUSED=0)";
    // The worker has no bigint store: it is a plain array, which threads cannot share.
    for (const c of tplan.classes) {
      const own = [...c.buffered[0], ...c.inPlace[0], ...c.comb[0]];
      if (own.concat(c.externals[0]).some((n) => lay.store[(n.aliasOf ?? n).id] === STORE_B)) return "shared instances hold or read values wider than 52 bits (bigint values cannot be shared between threads)";
    }
    return undefined;
  }

  /** Stop the worker thread, if any (Simulator.close calls it); the main thread then does its work. */
  close(): void {
    if (!this.thread) return;
    this.fns.parLocal!();
    this.thread.close();
    this.thread = undefined;
  }

  /**
   * The activity-driven functions, compiled on first use into a script of their own: the full
   * evaluation's code stays exactly as it was (sharing one script with them halved a dense grid's
   * speed), and a design that never probes never pays for them.
   */
  private activityFns(): ActivityFns {
    if (this.afns) return this.afns;
    const net = this.net, lay = this.layout;
    const plan = planActivity(net, this.lv);
    this.weight = Math.max(1, plan.weight);
    const r = net.resets[0];
    const body = generateActivity(net, lay, plan, this.plan, `${STORE_NAMES[lay.store[r.id]]}[${lay.index[r.id]}]`);
    const src = [
      `"use strict";`,
      `const I = S.I, U = S.U, F = S.F, B = S.B;`,
      ...net.memories.map((m) => `const M${m.id} = MEM[${m.id}];`),
      `const tick0 = FULL.tick[0];`,
      ...body,
      `return { asettle, ain, amark, atick0, EV };`,
    ].join("\n");
    const dumpDir = process.env.TESSERA_SIM_DUMP;
    if (dumpDir) fs.writeFileSync(path.join(dumpDir, `${net.design.top.name}.activity.js`), src);
    const factory = freshFunction(["S", "MEM", "H", "HOOKS", "FULL"], src) as unknown as (s: Stores, mem: MemArray[], h: typeof H, hooks: unknown, full: Compiled) => ActivityFns;
    return (this.afns = factory(this.stores, this.mems, H, { behav: (d: number) => this.tickBehavioural(d) }, this.fns));
  }

  /**
   * Auto mode's cheap look before a probe: the share of registers one full edge changes, sampled
   * SAMPLES times REPROBE_EDGES / SAMPLES apart. Activity mode is compiled and probed only when it
   * is low (a dense grid never pays for the activity code, its compilation or a probe).
   */
  private snapshotRegs(): void {
    const lay = this.layout, r = lay.regRange[0];
    for (let s = 0; s < 3; s++) {
      const arr = this.stores[STORE_NAMES[s]] as Float64Array;
      this.regSnap[s] = arr.slice(r[s].lo, r[s].hi);
    }
  }

  private sampleRegs(): void {
    const lay = this.layout, r = lay.regRange[0];
    let changed = 0, total = 0;
    for (let s = 0; s < 3; s++) {
      const arr = this.stores[STORE_NAMES[s]] as Float64Array, snap = this.regSnap[s]!;
      for (let i = r[s].lo, j = 0; i < r[s].hi; i++, j++) if (arr[i] !== snap[j]) changed++;
      total += r[s].hi - r[s].lo;
    }
    this.regChanges += total > 0 ? changed / total : 1;
    if (++this.samples < SAMPLES) {
      this.probeLeft = Math.max(2, Math.floor(this.reprobe / SAMPLES));
      return;
    }
    const share = this.regChanges / SAMPLES;
    if (process.env.TESSERA_ACTIVITY_DEBUG) console.error(`activity: register share ${share.toFixed(4)}`);
    this.regChanges = this.samples = 0;
    if (share < REG_CHANGE_LIMIT) this.enterActivity(PROBE_EDGES);
    else {
      this.reprobe = Math.min(this.reprobe * 2, MAX_REPROBE_EDGES);
      this.probeLeft = Math.max(2, Math.floor(this.reprobe / SAMPLES));
    }
  }

  /** Switch to activity mode (everything flagged once) for `edges` edges before the next decision. */
  private enterActivity(edges: number): void {
    const a = this.activityFns();
    a.amark();
    a.EV[0] = 0;
    this.active = true;
    this.probeLeft = edges;
  }

  /** End of a probe: stay in activity mode while it pays, else run full until the next probe. */
  private decide(): void {
    const a = this.afns!;
    const fraction = a.EV[0] / (PROBE_EDGES * this.weight);
    if (process.env.TESSERA_ACTIVITY_DEBUG) console.error(`activity: evaluated share ${fraction.toFixed(4)}`);
    if (fraction < ACTIVE_LIMIT) {
      this.reprobe = REPROBE_EDGES / 2;
      a.EV[0] = 0;
      this.probeLeft = PROBE_EDGES;
    } else {
      // Busy: run full, and look again later, each time twice as late (a switch costs more than
      // its edges: the JIT's feedback for the other mode's code goes cold).
      this.active = false;
      this.reprobe = Math.min(this.reprobe * 2, MAX_REPROBE_EDGES);
      this.probeLeft = Math.max(2, Math.floor(this.reprobe / SAMPLES));
    }
  }

  /** Which mode runs and how busy activity mode found the design (for benches and tests). */
  activityState(): { mode: ActivityMode; active: boolean; lastFraction: number } {
    const a = this.afns;
    return { mode: this.activityMode, active: this.active, lastFraction: a ? a.EV[0] / (PROBE_EDGES * this.weight) : 1 };
  }

  private write(st: Stores, n: NetNode, v: bigint): void {
    const s = this.layout.store[n.id], i = this.layout.index[n.id];
    if (s === STORE_B) st.B[i] = v;
    else (st[STORE_NAMES[s]] as Float64Array)[i] = Number(v);
  }

  private writeNext(st: Stores, n: NetNode, v: bigint): void {
    const s = this.layout.store[n.id], i = this.layout.index[n.id] + this.layout.regCount[s];
    if (s === STORE_B) st.B[i] = v;
    else (st[STORE_NAMES[s]] as Float64Array)[i] = Number(v);
  }

  private compile(timer: PhaseTimer): Compiled {
    const net = this.net, lay = this.layout, lv = this.lv;
    const out: string[] = [];
    const build = (name: string, fill: (fb: FunctionBuilder) => void) => {
      const fb = new FunctionBuilder(name, net, absoluteSlots(lay, net));
      fill(fb);
      fb.emit(out);
    };
    const tpl = this.templates;
    const shared = (n: NetNode) => tpl !== undefined && tpl.plan.classOf[n.id] >= 0;
    const computeAll = (nodes: NetNode[], tag: string) => (fb: FunctionBuilder) => (tpl ? tpl.emitComb(fb, nodes, tag) : nodes.forEach((n) => fb.compute(n)));

    // settleAll is not code of its own (that would double the generated code of a large design
    // and its compile time): it runs the nodes no input or register reaches, then settleIn, then
    // every domain's settle. A node's last evaluation in that sequence is in the last function
    // that holds it, and everything it reads is final by then: a read node in a later function
    // would put the reader there too, since each function holds all of its sources' fan-out.
    const covered = new Uint8Array(net.nodes.length);
    const settleIn = fanout(lv, net.inputs, net.nodes.length);
    for (const n of settleIn) covered[n.id] = 1;
    build("settleIn", computeAll(settleIn, "settleIn"));
    const memReaders = memoryReaders(net, lv);
    const fused = this.fused && tpl !== undefined;
    net.domains.forEach((_, d) => {
      const sources: NetNode[] = net.nodes.filter((n) => (n.kind === "reg" || n.kind === "behav") && n.domain === d);
      const written = net.memories.filter((m) => m.writes.some((w) => w.domain === d));
      const direct = written.flatMap((m) => memReaders.get(m.id) ?? []);
      const downstream = fanout(lv, sources.concat(direct), net.nodes.length);
      const set = new Set(downstream.concat(direct));
      for (const n of set) covered[n.id] = 1;
      build(`settle${d}`, computeAll(lv.order.filter((n) => set.has(n)), `settle${d}`));
      // Every register's next value in one function, for edges of several domains at once (edge()).
      if (net.domains.length > 1) build(`next${d}`, (fb) => {
        for (const n of net.nodes) if (n.kind === "reg" && n.domain === d) fb.computeNext(n);
      });
      build(`nextq${d}`, (fb) => {
        for (const n of net.nodes) if (n.kind === "reg" && n.domain === d && this.plan.buffered.has(n.id) && !shared(n)) fb.computeNext(n);
        if (fused) tpl.emitTick(fb);
        else tpl?.emitNextq(fb);
      });
      build(`inplace${d}`, (fb) => {
        for (const n of this.plan.order[d]) if (!shared(n)) fb.computeInPlace(n);
        if (!fused) tpl?.emitInPlace(fb);
      });
      const ownMemWrites = (fb: FunctionBuilder) => {
        for (const m of net.memories) {
          if (tpl && tpl.plan.memClassOf[m.id] >= 0) continue;
          m.writes.forEach((w) => {
            if (w.domain !== d) return;
            fb.statement((g) => {
              const en = g.gen(w.en), addr = g.gen(w.addr), data = g.gen(w.data);
              return `if (${en} !== 0) { const a = ${addr}; if (a < ${m.depth}) M${m.id}[a] = ${data}; }`;
            });
          });
        }
      };
      // Under reset only the memory writes run, shared instances' included; after the fused
      // updates only the top's own remain.
      build(`memw${d}`, (fb) => {
        ownMemWrites(fb);
        tpl?.emitMemWrites(fb);
      });
      if (fused) build(`memwOwn${d}`, ownMemWrites);
    });
    // One fused function per domain for the common case of a single domain rising alone:
    // buffered registers first (pre-edge values), behavioural blocks, in-place registers
    // (readers first), memory writes, then commit the buffered ones.
    net.domains.forEach((_, d) => {
      const r = net.resets[d];
      const rs = `${STORE_NAMES[lay.store[r.id]]}[${lay.index[r.id]}]`;
      const hasBehav = net.behavs.some((b) => b.domain === d);
      const commit = (upto: "mid" | "hi") => {
        const lines: string[] = [];
        for (let s = 0; s < 4; s++) {
          const lo = lay.regRange[d][s].lo, hi = lay.regRange[d][s][upto];
          if (hi === lo) continue;
          const off = lay.regCount[s];
          if (s === STORE_B) lines.push(`for (let i = ${lo}; i < ${hi}; i++) B[i] = B[i + ${off}];`);
          else lines.push(`${STORE_NAMES[s]}.copyWithin(${lo}, ${lo + off}, ${hi + off});`);
        }
        return lines.join("\n");
      };
      out.push(`function commit${d}() {\n${commit("hi")}\n}`);
      out.push(
        `function tick${d}() {\n` +
          `if (${rs} !== 0) { HOOKS.reset(${d}); memw${d}(); commit${d}(); }\n` +
          `else { nextq${d}();${hasBehav ? ` HOOKS.behav(${d});` : ""} inplace${d}(); ${fused ? `memwOwn${d}` : `memw${d}`}();\n${commit("mid")}\n}\n` +
          `settle${d}();\n}`,
      );
    });
    build("settleRest", computeAll(lv.order.filter((n) => !covered[n.id]), "settleRest"));
    const d = net.domains.map((_, i) => i);
    out.push(`function settleAll() { settleRest(); settleIn(); ${d.map((i) => `settle${i}();`).join(" ")} }`);
    const parallel = tpl !== undefined && tpl.regions.length > 0;
    const header = [
      `"use strict";`,
      `const I = S.I, U = S.U, F = S.F, B = S.B;`,
      ...net.memories.map((m) => `const M${m.id} = MEM[${m.id}];`),
      ...(tpl ? [...tpl.header(), ...tpl.defs] : []),
      ...(parallel ? mainGlue(tpl.regions) : []),
    ];
    const footer = `return { settleAll, settleIn, settle: [${d.map((i) => `settle${i}`).join(", ")}], next: [${d.length > 1 ? d.map((i) => `next${i}`).join(", ") : ""}], memw: [${d.map((i) => `memw${i}`).join(", ")}], tick: [${d.map((i) => `tick${i}`).join(", ")}], commit: [${d.map((i) => `commit${i}`).join(", ")}]${parallel ? ", parLocal" : ""} };`;
    const src = [...header, ...out, footer].join("\n");
    timer.lap(`codegen (${(src.length / 1e6).toFixed(1)} MB)`);
    const dumpDir = process.env.TESSERA_SIM_DUMP;
    if (dumpDir) {
      fs.mkdirSync(dumpDir, { recursive: true });
      fs.writeFileSync(path.join(dumpDir, `${net.design.top.name}.js`), src);
    }
    const factory = freshFunction(["S", "MEM", "H", "HOOKS", "TPL", "PAR"], src) as unknown as (s: Stores, mem: MemArray[], h: typeof H, hooks: unknown, tpl: unknown, par: unknown) => Compiled;
    const hooks = { reset: (d: number) => this.resetDomain(d), behav: (d: number) => this.tickBehavioural(d) };
    timer.lap("new Function");
    const tables = tpl ? { X: tpl.xTables, M: tpl.memArrays } : undefined;
    let par: unknown;
    if (parallel) {
      const { I, U, F } = this.stores;
      const thread = (this.thread = new SimThread([`const I = S.I, U = S.U, F = S.F;`, ...tpl.header()], tpl.defs, tpl.regions, { S: { I, U, F }, TPL: tables! }));
      par = { ctl: thread.ctl, waiting: (n: number) => thread.waiting(n), failed: () => thread.failed() };
      timer.lap(`worker thread (${tpl.regions.length} parallel regions)`);
    }
    return factory(this.stores, this.mems, H, hooks, tables, par);
  }

  private makeBehavIO(b: Netlist["behavs"][number]): { io: BehaviouralIO; copy: () => void } {
    const lay = this.layout, st = this.stores;
    const io = makeBehaviouralIO(b, (n) => this.get(n), (n, v) => this.writeNext(st, n, v));
    const outs = b.outputs.map((p) => p.node);
    // Outputs keep their value unless tick() sets them: start each edge from the current value.
    const copy = () => {
      for (const n of outs) {
        const s = lay.store[n.id], i = lay.index[n.id], j = i + lay.regCount[s];
        if (s === STORE_B) st.B[j] = st.B[i];
        else (st[STORE_NAMES[s]] as Float64Array)[j] = (st[STORE_NAMES[s]] as Float64Array)[i];
      }
    };
    return { io, copy };
  }

  settleInputs(): void {
    if (this.active) this.afns!.ain();
    else this.fns.settleIn();
  }

  settleAll(): void {
    this.fns.settleAll();
    if (this.active) this.afns!.amark();
  }

  private inReset(d: number): boolean {
    const r = this.resetSlot[d];
    return (r.store === STORE_U ? this.stores.U[r.index] : this.stores.I[r.index]) !== 0;
  }

  /** Next values of domain d's registers under reset, and behavioural resets. */
  private resetDomain(d: number): void {
    const lay = this.layout, st = this.stores;
    const ranges = lay.regRange[d];
    for (let s = 0; s < 4; s++) {
      const { lo, hi } = ranges[s];
      if (hi === lo) continue;
      const off = lay.regCount[s];
      if (s === STORE_B) for (let i = lo; i < hi; i++) st.B[i + off] = this.resetSnapshot.B[i];
      else (st[STORE_NAMES[s]] as Float64Array).set((this.resetSnapshot[STORE_NAMES[s]] as Float64Array).subarray(lo, hi), lo + off);
    }
    for (const h of this.behavIO[d]) h.block.reset?.(h.io);
  }

  private tickBehavioural(d: number): void {
    for (const h of this.behavIO[d]) {
      h.copy();
      h.block.tick(h.io);
    }
  }

  edge(domains: readonly number[]): void {
    const fns = this.fns;
    if (this.active) {
      this.afns!.atick0();
      if (--this.probeLeft === 0) this.decide();
      return;
    }
    if (domains.length === 1) {
      if (this.activityMode === "auto" && --this.probeLeft <= 1) {
        if (this.probeLeft === 1) this.snapshotRegs();
        fns.tick[domains[0]]();
        if (this.probeLeft === 0) this.sampleRegs();
        return;
      }
      fns.tick[domains[0]]();
      return;
    }
    for (const d of domains) {
      if (this.inReset(d)) this.resetDomain(d);
      else {
        fns.next[d]();
        this.tickBehavioural(d);
      }
    }
    for (const d of domains) fns.memw[d]();
    for (const d of domains) fns.commit[d]();
    for (const d of domains) fns.settle[d]();
  }

  get(node: NetNode): bigint {
    const s = this.layout.store[node.id], i = this.layout.index[node.id];
    if (s === STORE_B) return this.stores.B[i];
    return BigInt((this.stores[STORE_NAMES[s]] as Float64Array)[i]);
  }

  getNumber(node: NetNode): number {
    const s = this.layout.store[node.id], i = this.layout.index[node.id];
    if (s === STORE_B) return Number(this.stores.B[i]);
    return (this.stores[STORE_NAMES[s]] as Float64Array)[i];
  }

  set(node: NetNode, v: bigint): void {
    this.write(this.stores, node, v);
  }

  setNumber(node: NetNode, v: number): void {
    const s = this.layout.store[node.id], i = this.layout.index[node.id];
    if (s === STORE_B) this.stores.B[i] = BigInt(v);
    else (this.stores[STORE_NAMES[s]] as Float64Array)[i] = v;
  }

  readMemory(memId: number, addr: number): bigint {
    const v = this.mems[memId][addr];
    return typeof v === "bigint" ? v : BigInt(v);
  }

  writeMemory(memId: number, addr: number, v: bigint): void {
    const arr = this.mems[memId];
    if (Array.isArray(arr)) arr[addr] = v;
    else arr[addr] = Number(v);
  }
}
