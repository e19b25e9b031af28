/**
 * A schedule in time on the GPU platform, with the system layer's event engine (src/system/des):
 * the GPU is a resource that runs one kernel at a time (one stream, batch-1 decoding), the PCIe
 * link is a resource with a FIFO transfer queue. Compute and transfers overlap: an expert is
 * computed as soon as it is in GPU memory and the GPU is free, so a layer takes about
 * max(compute, fetch of its missing experts) plus whatever cannot overlap (papers.md 3(b)).
 *
 * Costs, all from the full model shapes (sizes.ts) and the platform (presets.ts):
 *  - a kernel (attention block, router, one expert, the shared experts together, a dense FFN, the
 *    LM head) takes the roofline of its GEMV, max(2 x weights / peak ops, weight bytes / memory
 *    bandwidth) (src/system/compute.ts rooflineTime; at batch 1 it is the bytes), plus one launch;
 *  - a transfer of one expert holds the link for the per-transfer latency plus bytes / bandwidth
 *    (the copy engine runs one copy at a time, set-up included).
 * Per step (one token at one layer):
 *    attention + router -> demand fetches queued (rank order) -> shared experts -> the routed
 *    experts, each as soon as it is in GPU memory, the little pass's first (MoBiLE) -> once the
 *    little pass is done, MoBiLE runs the next layer's router on its output and queues the
 *    prefetches -> the step ends with its last expert.
 * After a token's last layer, the LM head. Not modelled: the KV cache's reads (short contexts),
 * norms, the top-k and the host's bookkeeping, and transfers overlapping in the link's latency.
 */
import { rooflineTime } from "../compute.js";
import { EventSim, Resource, hold, type ProcessBody, type SimEvent } from "../des/index.js";
import type { ExpertUse, ScheduleRun, Step } from "./plan.js";
import type { GpuPlatform, MobileModelPreset } from "./presets.js";
import type { ModelBytes } from "./sizes.js";

/** Nanoseconds of each kind of work. */
export interface StepCosts {
  readonly attention: number;
  readonly router: number;
  readonly expert: number;
  /** All shared experts of a layer (0 when there are none). */
  readonly shared: number;
  readonly denseFfn: number;
  readonly lmHead: number;
  /** One expert over PCIe. */
  readonly transfer: number;
}

export function stepCosts(m: MobileModelPreset, bytes: ModelBytes, gpu: GpuPlatform): StepCosts {
  const launch = gpu.launchUs * 1e3;
  const gemv = (weights: number, b: number) => (weights === 0 ? 0 : rooflineTime(2 * weights, gpu.peakOps, b, gpu.memoryGBps).ns + launch);
  const h = m.hidden, f = m.moe.expertFfn;
  return {
    attention: gemv(m.attentionParams, bytes.attention),
    router: gemv(m.moe.experts * h, bytes.router),
    expert: gemv(3 * h * f, bytes.expert),
    shared: gemv(3 * h * f * m.moe.sharedExperts, bytes.shared),
    denseFfn: gemv(3 * h * m.denseFfn, bytes.denseFfn),
    lmHead: gemv(m.vocab * h, bytes.lmHead),
    transfer: gpu.pcieLatencyUs * 1e3 + bytes.expert / gpu.pcieGBps,
  };
}

export interface RunTiming {
  /** From the first token's start to the last token's end (a prefetch the run never used may still be in flight). */
  readonly totalNs: number;
  /** Each token's decode time. */
  readonly perTokenNs: readonly number[];
  /** Time the link was moving experts. */
  readonly linkBusyNs: number;
  /** Time the GPU ran kernels; the rest of totalNs it waited for PCIe. */
  readonly gpuBusyNs: number;
  /** Events the engine ran. */
  readonly events: number;
}

export function timeRun(run: ScheduleRun, costs: StepCosts): RunTiming {
  const sim = new EventSim();
  const gpu = new Resource(sim, 1, "gpu");
  const link = new Resource(sim, 1, "pcie");
  const arrived: SimEvent<undefined>[] = [];
  const perTokenNs: number[] = [];

  const issue = (id: number): void => {
    if (id !== arrived.length) throw new Error(`internal: transfer ${id} queued out of order (expected ${arrived.length})`);
    const done = sim.event<undefined>(`transfer ${id}`);
    arrived.push(done);
    sim.process((function* (): ProcessBody<void> {
      yield* hold(sim, link, costs.transfer);
      done.succeed(undefined);
    })(), `transfer ${id}`);
  };

  /**
   * A step's routed experts: the GPU never waits while an expert is in GPU memory; among those
   * that are, the little pass's go first (rank order), and when its last one is done MoBiLE runs
   * the next layer's router and queues its prefetches. With nothing in memory it waits for the
   * transfer that arrives first (the lowest-numbered: the link is FIFO).
   */
  function* compute(s: Step): ProcessBody<void> {
    const ready = (u: ExpertUse) => u.transfer < 0 || arrived[u.transfer].triggered;
    const pending = s.uses.map((u, i) => ({ u, little: i < s.littlePass }));
    let littleLeft = s.littlePass;
    while (pending.length > 0) {
      const now = pending.filter((p) => ready(p.u));
      if (now.length === 0) {
        yield arrived[Math.min(...pending.map((p) => p.u.transfer))];
        continue;
      }
      const pick = now.find((p) => p.little) ?? now[0];
      pending.splice(pending.indexOf(pick), 1);
      yield* hold(sim, gpu, costs.expert);
      if (pick.little && --littleLeft === 0 && s.predicts) {
        yield* hold(sim, gpu, costs.router);
        s.prefetch.forEach(issue);
      }
    }
  }

  const steps = run.steps;
  let endNs = 0;
  sim.process((function* (): ProcessBody<void> {
    let tokenStart = 0;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (s.mode === "dense") yield* hold(sim, gpu, costs.attention + costs.denseFfn);
      else {
        yield* hold(sim, gpu, costs.attention + costs.router);
        s.demand.forEach(issue);
        if (costs.shared > 0) yield* hold(sim, gpu, costs.shared);
        yield* compute(s);
      }
      if (i + 1 === steps.length || steps[i + 1].token !== s.token) {
        yield* hold(sim, gpu, costs.lmHead);
        perTokenNs.push(sim.now - tokenStart);
        tokenStart = sim.now;
      }
    }
    endNs = sim.now;
  })(), "decode");
  sim.run();
  if (arrived.length !== run.transfers.length) throw new Error(`internal: ${arrived.length} of ${run.transfers.length} transfers were queued`);
  return { totalNs: endNs, perTokenNs, linkBusyNs: link.busyTime(), gpuBusyNs: gpu.busyTime(), events: sim.eventsProcessed };
}
