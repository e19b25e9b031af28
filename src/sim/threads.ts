/**
 * A second thread for the compiled engine (SimOptions.threads = 2), as Verilator's --threads: the
 * loops over shared instances (template-gen.ts) are split between the main thread and one worker,
 * which run their halves of a loop at the same time on the same stores (SharedArrayBuffer).
 *
 * The generated main code brackets each parallel region with parGo(k) ... parJoin() (mainGlue):
 * parGo publishes the region's number and a new generation in CTL; the worker, spinning on the
 * generation, runs its half (W[k]) and stores the generation back as done; parJoin spins until it
 * sees that. Atomics.store/load are sequentially consistent, so the plain typed-array writes each
 * side made before its store are visible to the other after its load. A region costs about
 * 0.4 µs of handshake (a round trip measured on a 2-core Xeon), plus the cache lines that cross:
 * which instances the worker runs is chosen to keep those few (partition.ts).
 *
 * The worker spins while the main thread runs the testbench between steps, and sleeps in
 * Atomics.wait after SPIN_LIMIT idle spins (parGo wakes it when its SLEEPING flag is set). It is
 * unref'd: a sleeping worker never keeps the process alive. An exception in the worker's code is
 * sent back through CTL and the message buffer and thrown by parJoin on the main thread.
 */
import { Worker } from "node:worker_threads";
import { H } from "./helpers.js";
import { sharedArray } from "./layout.js";

/** Slots of the control array shared with the worker. */
export const CTL_GEN = 0, CTL_REGION = 1, CTL_DONE = 2, CTL_SLEEPING = 3, CTL_ERROR = 4, CTL_READY = 5, CTL_MSG_LEN = 6;
const CTL_WORDS = 16, MSG_BYTES = 4096;
/** Spins of the worker with nothing to do before it sleeps (about half a millisecond). */
const SPIN_LIMIT = 200_000;
/** How long the constructor waits for the worker to compile its code and answer. */
const START_TIMEOUT_MS = 60_000;

/** What the worker's code reads: the stores, and each class's X table and memory arrays. */
export interface ThreadData {
  S: { I: Int32Array; U: Uint32Array; F: Float64Array };
  TPL: { X: Int32Array[]; M: (Int32Array | Uint32Array | Float64Array | undefined)[][] };
}

/**
 * Source of H (helpers.ts) for the worker, which cannot import our TypeScript modules (under
 * vitest or tsx a worker gets no loader). The helpers are pure functions of their arguments and of
 * TWO32, P2 and par32, which the prelude defines again.
 */
function helperSource(): string {
  const members = Object.entries(H)
    .filter(([k, v]) => typeof v === "function" && k !== "par32")
    .map(([k, v]) => {
      const src = (v as (...a: never[]) => unknown).toString();
      return src.startsWith(`${k}(`) ? src : `${k}: ${src}`;
    });
  return [
    "const TWO32 = 4294967296;",
    "const P2 = Array.from({ length: 1100 }, (_, k) => 2 ** k);",
    `const par32 = ${H.par32.toString()};`,
    `const H = { P2, par32, ${members.join(",\n")} };`,
  ].join("\n");
}

/** The worker's program: compile the region functions, then serve regions until terminated. */
const WORKER_MAIN = `
const { workerData } = require("node:worker_threads");
const { CTL, MSG, body, data, spinLimit } = workerData;
const report = (e) => {
  const bytes = new TextEncoder().encode(String(e && e.stack || e)).subarray(0, MSG.length);
  MSG.set(bytes);
  CTL[${CTL_MSG_LEN}] = bytes.length;
  Atomics.store(CTL, ${CTL_ERROR}, 1);
};
let W;
try {
  W = new Function("S", "TPL", body)(data.S, data.TPL);
} catch (e) {
  report(e);
}
Atomics.store(CTL, ${CTL_READY}, 1);
Atomics.notify(CTL, ${CTL_READY});
let last = 0;
for (;;) {
  let g, n = 0;
  while ((g = Atomics.load(CTL, ${CTL_GEN})) === last) {
    if (++n > spinLimit) {
      Atomics.store(CTL, ${CTL_SLEEPING}, 1);
      Atomics.wait(CTL, ${CTL_GEN}, last);
      Atomics.store(CTL, ${CTL_SLEEPING}, 0);
      n = 0;
    }
  }
  last = g;
  try {
    W[CTL[${CTL_REGION}]]();
  } catch (e) {
    report(e);
  }
  Atomics.store(CTL, ${CTL_DONE}, g);
}
`;

/** The worker's half of each region as functions W<k>, and the array W of them. */
function regionFunctions(regions: readonly string[]): string[] {
  return [...regions.map((r, k) => `function W${k}() {\n${r}\n}`), `const W = [${regions.map((_, k) => `W${k}`).join(", ")}];`];
}

/**
 * The lines the main code's header gets: CTL, and parGo/parJoin around each parallel region.
 * After parLocal() (the simulator was closed and its worker stopped) the main thread runs the
 * worker's halves itself, so a closed simulator still steps correctly.
 */
export function mainGlue(regions: readonly string[]): string[] {
  return [
    "const CTL = PAR.ctl;",
    "let GEN = 0, LOCAL = false;",
    ...regionFunctions(regions),
    `function parGo(k) { if (LOCAL) { W[k](); return; } CTL[${CTL_REGION}] = k; Atomics.store(CTL, ${CTL_GEN}, ++GEN); if (Atomics.load(CTL, ${CTL_SLEEPING}) !== 0) Atomics.notify(CTL, ${CTL_GEN}); }`,
    `function parJoin() { if (LOCAL) return; let n = 0; while (Atomics.load(CTL, ${CTL_DONE}) !== GEN) { if ((++n & 0xfffff) === 0) PAR.waiting(n); } if (CTL[${CTL_ERROR}] !== 0) PAR.failed(); }`,
    "function parLocal() { LOCAL = true; }",
  ];
}

export class SimThread {
  readonly ctl = sharedArray(Int32Array, CTL_WORDS);
  private readonly msg = new Uint8Array(new SharedArrayBuffer(MSG_BYTES));
  private readonly worker: Worker;
  private readonly started = Date.now();
  private waitingSince = 0;

  /**
   * `header` binds the worker's names (I, U, F, X<c>, MT<c><s>) from S and TPL; `defs` are the
   * class functions; `regions` the worker's half of each parallel region, as function bodies.
   */
  constructor(header: string[], defs: string[], regions: string[], data: ThreadData) {
    const body = [
      `"use strict";`,
      helperSource(),
      ...header,
      ...defs,
      ...regionFunctions(regions),
      "return W;",
    ].join("\n");
    // No loaders (tsx, vitest): the generated code needs none, and they would slow the worker's
    // start. V8 flags (--interrupt-budget) are the process's and apply to the worker anyway.
    this.worker = new Worker(WORKER_MAIN, { eval: true, execArgv: [], workerData: { CTL: this.ctl, MSG: this.msg, body, data, spinLimit: SPIN_LIMIT } });
    this.worker.unref();
    // Errors are reported through CTL; this keeps an uncaught one from reaching the process.
    this.worker.on("error", () => undefined);
    if (Atomics.wait(this.ctl, CTL_READY, 0, START_TIMEOUT_MS) === "timed-out") {
      void this.worker.terminate();
      throw new Error(`simulator worker thread did not start within ${START_TIMEOUT_MS / 1000} s (threads: 2); run with threads: 1`);
    }
    if (this.ctl[CTL_ERROR] !== 0) this.failed();
  }

  /** The worker's exception, thrown on the main thread. */
  failed(): never {
    const text = new TextDecoder().decode(this.msg.slice(0, this.ctl[CTL_MSG_LEN]));
    void this.worker.terminate();
    throw new Error(`simulator worker thread failed (threads: 2): ${text}`);
  }

  /** Called by parJoin every 2^20 spins: a worker gone for good (killed, out of memory) must not hang the run. */
  waiting(n: number): void {
    if (n === 0x100000) this.waitingSince = Date.now();
    else if (Date.now() - this.waitingSince > START_TIMEOUT_MS) {
      void this.worker.terminate();
      throw new Error(`simulator worker thread has not answered for ${START_TIMEOUT_MS / 1000} s (threads: 2, started ${((Date.now() - this.started) / 1000).toFixed(0)} s ago); run with threads: 1`);
    }
  }

  close(): void {
    void this.worker.terminate();
  }
}
