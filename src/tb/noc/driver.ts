/**
 * The mesh testbench's engine: traffic sources with unbounded queues (time spent there counts in
 * packet latency), sinks that reassemble and check every packet, statistics over a measurement
 * window, and the end-of-run checks against the golden model.
 *
 * Phases: warmup (traffic flows, nothing measured) -> measurement window (packets created in it
 * are measured; flits ejected in it count as throughput; link counters are read at its ends) ->
 * cooldown (traffic keeps flowing until every measured packet is delivered, at most
 * `cooldownLimit` cycles; a run that hits the limit is reported unstable, i.e. saturated) -> drain
 * (no new packets; every packet must arrive, else the watchdog reports a deadlock).
 *
 * The window is either fixed (`warmup`, `measure`) or, with `sampling`, found as BookSim2 finds
 * it (sampling.ts): warm-up periods, then sample periods until the average latency and accepted
 * throughput settle; the run is unstable when the average age of measured packets and flits in
 * flight passes the latency threshold, checked after every period and every 1000 cycles of the
 * cooldown.
 *
 * Checks: each flit arrives at its destination, on a VC carrying one packet at a time, with the
 * data its source put in; every packet arrives exactly once, with its size; packets of one
 * (source, destination) pair and one priority class arrive in order (vcPolicy "flow"); the flits
 * counted on every router output equal the golden path counts exactly; no deadlock (the network
 * drains).
 *
 * Priority classes (p.priorityClasses = 2): trace entries with priority 1 are low-priority
 * packets, offered through the interface's low queue (inj_lo_*). Each source keeps one FIFO per
 * class and offers its oldest low packet only when it has no high packet waiting (none created
 * and not yet accepted), as the interface itself does between its two queues. Bernoulli traffic
 * is all high priority.
 *
 * Timing convention: cycle t is the t-th simulator step of the run. A packet created in cycle t is
 * offered to its network interface in cycle t (if its queue is empty and the interface is ready);
 * a flit in the ejection register after step t is seen in cycle t + 1. Latency = seen - created.
 */
import type { Simulator } from "../../sim/index.js";
import { meshNames, linkCounterName } from "../../hw/noc/mesh.js";
import { MAX_PACKET_FLITS, NocParams } from "../../hw/noc/params.js";
import { DATA_LO, bodyMix, descriptorEncoder, flitLayout, headDecoder } from "../../hw/noc/flit.js";
import { Dir, DIR_NAMES, presentDirs } from "../../hw/noc/topology.js";
import { OutDir, hops, linkIndex, linkLoads, zeroLoadLatency } from "../../golden/noc.js";
import { Checker, rng } from "../harness.js";
import { ConvergenceMonitor, DRAIN_CHECK_CYCLES, SampleRecord, SamplingOptions } from "./sampling.js";
import { NumList, mean, percentile, round } from "./stats.js";
import { PacketTable, PairLists, PairNumbers, type PacketRecord } from "./packets.js";
import { Priority, TraceEntry, TrafficError, TrafficSpec, destinationPicker, geometricGap } from "./traffic.js";

export interface NocRunOptions {
  readonly traffic: TrafficSpec;
  /** Offered load, flits per node per cycle (Bernoulli traffic). */
  readonly rate: number;
  /** Flits per packet (Bernoulli traffic; a trace gives its own sizes). */
  readonly packetSize: number;
  /** Fixed window: cycles of warm-up and of measurement (unused with `sampling`). */
  readonly warmup: number;
  readonly measure: number;
  /** Find the window the way BookSim2 does (sampling.ts) instead of `warmup`/`measure`. */
  readonly sampling?: SamplingOptions;
  readonly seed: number;
  /** Cycles after the window that traffic keeps flowing while measured packets are in flight. */
  readonly cooldownLimit?: number;
  /** Cycles without any flit delivered (while packets are outstanding) that count as a deadlock. */
  readonly stallLimit?: number;
  /** Stop generating traffic at the end of the window (no cooldown): for drain tests. */
  readonly noCooldown?: boolean;
  /**
   * Give up draining after this many cycles without traffic (default: never; the watchdog still
   * catches deadlocks). A run cut short skips the end-of-run checks and reports drained = false:
   * for load sweeps far past saturation, where the backlog takes very long to drain.
   */
  readonly drainLimit?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Keep the first few failures (default 10). */
  readonly keepFailures?: number;
}

export type { PacketRecord } from "./packets.js";

export interface NocRunResult {
  readonly passed: boolean;
  readonly checker: Checker;
  readonly cycles: number;
  readonly metrics: Record<string, number | string | boolean>;
  /** Flits counted on every router output over the whole run, by golden linkIndex(node, dir). */
  readonly linkFlits: Float64Array;
  /** The golden counts for the same links. */
  readonly goldenFlits: Float64Array;
  /** Flits on every router output during the measurement window. */
  readonly windowLinkFlits: Float64Array;
  /** Every packet, in creation order, with its class, creation, acceptance and delivery cycles. */
  readonly packets: readonly PacketRecord[];
  /** Cycles of the measurement window (throughput and link utilization are per cycle of it). */
  readonly windowCycles: number;
  /** With `sampling`: every sample period's averages and changes, in order. */
  readonly samples?: readonly SampleRecord[];
}

const OUT_OF: Record<number, OutDir> = { [Dir.L]: "L", [Dir.E]: "E", [Dir.W]: "W", [Dir.N]: "N", [Dir.S]: "S" };

/** Read every router output's flit counter into a golden-indexed array. */
function readCounters(sim: Simulator, p: NocParams): Float64Array {
  const out = new Float64Array(p.w * p.h * 5);
  for (let y = 0; y < p.h; y++) {
    for (let x = 0; x < p.w; x++) {
      for (const d of presentDirs(p.w, p.h, x, y)) out[linkIndex(y * p.w + x, OUT_OF[d])] = sim.peekNumber(linkCounterName(x, y, d));
    }
  }
  return out;
}

/**
 * The trace in creation order (stable: entries of one cycle keep their order), checked against the
 * mesh's priority classes: a low-priority entry needs priorityClasses 2.
 */
function sortedTrace(trace: readonly TraceEntry[], classes: number): TraceEntry[] {
  trace.forEach((e, i) => {
    const pr = e.priority ?? 0;
    if (pr !== 0 && pr !== 1) throw new TrafficError(`noc: trace entry ${i} (cycle ${e.cycle}, ${e.src} -> ${e.dst}): priority ${String(pr)} must be 0 (high) or 1 (low)`);
    if (pr === 1 && classes !== 2) {
      throw new TrafficError(`noc: trace entry ${i} (cycle ${e.cycle}, ${e.src} -> ${e.dst}) has priority 1 (low), but the mesh has priorityClasses 1: build it with priorityClasses 2, or give the entry priority 0`);
    }
  });
  return [...trace].sort((a, b) => a.cycle - b.cycle);
}

/** Run traffic through a mesh simulator built from `p` (makeMesh(p)); resets it first. */
export function runNoc(sim: Simulator, p: NocParams, o: NocRunOptions): NocRunResult {
  const { w, h } = p;
  const N = w * h;
  const L = flitLayout(w, h);
  const descriptor = descriptorEncoder(L), decodeHead = headDecoder(L);
  const check = new Checker(o.keepFailures ?? 10);
  const r = rng(o.seed);
  const seqMod = 2 ** L.seqBits;
  const monitor = o.sampling ? new ConvergenceMonitor(o.sampling) : undefined;
  // With sampling the window opens and closes when the monitor says so (Infinity: not yet).
  let windowStart = monitor ? Infinity : o.warmup, windowEnd = monitor ? Infinity : o.warmup + o.measure;
  const cooldownLimit = o.noCooldown ? 0 : o.cooldownLimit ?? (monitor ? Infinity : Math.max(5000, 3 * (o.warmup + o.measure)));
  const stallLimit = o.stallLimit ?? 2000 + 50 * (w + h) * p.linkLatency;
  const size = o.packetSize;
  if (o.traffic.kind !== "trace" && !(Number.isInteger(size) && size >= 1 && size <= MAX_PACKET_FLITS)) {
    throw new Error(`noc: packetSize = ${size} must be a whole number 1..${MAX_PACKET_FLITS}`);
  }
  if (!(o.rate >= 0 && o.rate <= 1)) throw new Error(`noc: rate = ${o.rate} must be 0..1 flits per node per cycle`);

  const classes = p.priorityClasses === 2 ? 2 : 1;
  const trace = o.traffic.kind === "trace" ? sortedTrace(o.traffic.trace ?? [], classes) : [];

  // --- simulator access ------------------------------------------------------------------------
  // Per class c (0 high, 1 low): the injection ports of every node.
  const ports = (valid: (i: number) => string, pkt: (i: number) => string, ready: (i: number) => string) => ({
    valid: Array.from({ length: N }, (_, i) => sim.accessor(valid(i))),
    pkt: Array.from({ length: N }, (_, i) => sim.accessor(pkt(i))),
    ready: Array.from({ length: N }, (_, i) => ready(i)),
  });
  const inj = [ports(meshNames.injValid, meshNames.injPkt, meshNames.injReady)];
  if (classes === 2) inj.push(ports(meshNames.injLoValid, meshNames.injLoPkt, meshNames.injLoReady));
  const ej = Array.from({ length: N }, (_, i) => sim.accessor(meshNames.ej(i)));
  // Read with one call per cycle each: every interface's ready (class c of node i at c*N + i),
  // after the step that decides them and before the offers of the next cycle; the per-row masks
  // of ejection registers holding a flit.
  const readyBank = sim.outputBank(inj.flatMap((port) => port.ready));
  const ejBank = sim.outputBank(Array.from({ length: h }, (_, y) => meshNames.ejValidRow(y)));
  const hasCounters = p.linkCounters;

  // --- packets, sources ------------------------------------------------------------------------
  const pickDst = o.traffic.kind === "trace" ? undefined : destinationPicker(o.traffic, w, h);
  const perCycle = o.rate / size; // packet creation probability per node per cycle
  // Room for the packets the run is expected to create (growing a 640k-packet table by doubling
  // cost as much as a tenth of the driver's time), capped: the table still grows past it.
  const expectedCycles = Number.isFinite(windowEnd) ? windowEnd * 1.05 + 1000 : (o.sampling?.maxSamples ?? 10) * (o.sampling?.samplePeriod ?? 1000);
  const expectedPackets = pickDst ? perCycle * N * expectedCycles : trace.length;
  const packets = new PacketTable(Math.min(expectedPackets, 1 << 24));
  const nextArrival = new Float64Array(N);
  const sentCount = new Float64Array(N); // packets created per source (for alltoall phases)
  for (let i = 0; i < N; i++) nextArrival[i] = pickDst ? geometricGap(perCycle, r) - 1 : Infinity;
  let traceNext = 0;
  // Per class: each source's FIFO of waiting packets (ids), its read position, and inj_valid as set.
  const queues: number[][][] = inj.map(() => Array.from({ length: N }, () => []));
  const queueHead = inj.map(() => new Int32Array(N));
  const validSet = inj.map(() => new Uint8Array(N));
  const pairSeq = new PairNumbers(N * N);
  const inFlight = new PairLists(N * N, packets.src.length); // per pair: packet ids created and not yet delivered, oldest first
  // Over the packets in flight: their flits, and their flits times their creation cycles (the age
  // of every flit in flight at cycle t is t * flits - this; integers, exact below 2^53).
  let inFlightFlitsTotal = 0, inFlightFlitCycles = 0;
  const pairOf = (src: number, dst: number) => src * N + dst;

  // The sources with a packet waiting or inj_valid set, each once: only they have an offer to
  // make or withdraw (at 0.1 load about 13 of 64 a cycle; visiting every source each cycle was a
  // tenth of the driver's time).
  const busy = new Uint8Array(N), busyList = new Int32Array(N);
  let busyCount = 0;
  const create = (src: number, dst: number, sz: number, t: number, priority: Priority = 0) => {
    const id = packets.push(src, dst, sz, priority, t, nextSeq(src, dst));
    queues[priority][src].push(id);
    if (!busy[src]) {
      busy[src] = 1;
      busyList[busyCount++] = src;
    }
    registerOutstanding(id);
  };
  const stillBusy = (i: number) => {
    for (let c = 0; c < classes; c++) if (validSet[c][i] || queueHead[c][i] < queues[c][i].length) return true;
    return false;
  };

  // --- sinks: per (node, vc) reassembly --------------------------------------------------------
  const ctxPkt = new Int32Array(N * 8).fill(-1);
  const ctxK = new Int32Array(N * 8);
  const ctxHead = new Float64Array(N * 8);
  const flowOrder = p.vcPolicy === "flow";
  let outstandingCount = 0, measuredLeft = 0, lastProgress = 0;
  let windowFlits = 0, windowOffered = 0;
  // Sampling statistics since their last clear (sampling.ts SampleStats).
  let statLatSum = 0, statLatCount = 0, statAccepted = 0, statResetAt = 0;
  let rateStart = NaN; // start of the throughput window when it is not the measurement window
  const measuredGuess = Math.min(Number.isFinite(o.measure) && !monitor ? perCycle * N * o.measure * 1.05 + 16 : 1024, 1 << 24);
  const lat = new NumList(measuredGuess), netLat = new NumList(measuredGuess), hopList = new NumList(measuredGuess), zl = new NumList(measuredGuess);
  const classLat = [new NumList(), new NumList()]; // measured latency per priority class

  const fail = (msg: string) => check.fail(msg);
  const onFlit = (node: number, word: number, t: number) => {
    check.checks++;
    lastProgress = t;
    if (t > windowStart && t <= windowEnd) windowFlits++;
    statAccepted++;
    const vc = (word >>> 1) & 7;
    const ctx = node * 8 + vc;
    const data = word >>> DATA_LO; // link words stay below 2^31 (flit.ts)
    const isHead = (word & 16) !== 0, isTail = (word & 32) !== 0;
    if (vc >= p.vcs) return fail(`cycle ${t}: node ${node} ejected a flit on VC ${vc}, but there are ${p.vcs} VCs (word 0x${word.toString(16)})`);
    if (isHead) {
      if (ctxPkt[ctx] >= 0) return fail(`cycle ${t}: node ${node} VC ${vc}: a head flit arrived while packet #${ctxPkt[ctx]} was still arriving (flits of two packets interleaved on one VC)`);
      const hd = decodeHead(data);
      if (hd.dst !== node) return fail(`cycle ${t}: node ${node} received a packet for node ${hd.dst} (from ${hd.src}): misrouted`);
      if (hd.src >= N) return fail(`cycle ${t}: node ${node}: head names source ${hd.src}, not a node`);
      const first = inFlight.first(pairOf(hd.src, node));
      let id = -1;
      if (first >= 0) {
        if (flowOrder) {
          if (packets.accepted[first] >= 0 && seqOf(first) === hd.seq) id = first;
          else {
            // Packets of the other class may be overtaken (priority); packets of its own class not.
            let q = first;
            while (q >= 0 && seqOf(q) !== hd.seq) q = inFlight.after(q);
            let before = 0;
            if (q >= 0 && q !== first) {
              const cls = packets.priority[q];
              for (let e = first; e !== q; e = inFlight.after(e)) if (packets.priority[e] === cls) before++;
            }
            if (q >= 0 && q !== first && before === 0 && packets.accepted[q] >= 0) id = q;
            else {
              return fail(`cycle ${t}: node ${node}: packet seq ${hd.seq} from node ${hd.src} arrived ` +
                (before > 0 ? `before ${before} earlier packet(s) of the same pair${classes === 2 ? " and class" : ""} (out of order)` : `but no such packet is in flight (duplicate or corrupt head)`));
            }
          }
        } else {
          let q = first;
          while (q >= 0 && !(packets.accepted[q] >= 0 && seqOf(q) === hd.seq)) q = inFlight.after(q);
          id = q;
        }
      }
      if (id < 0) return fail(`cycle ${t}: node ${node}: unexpected packet seq ${hd.seq} from node ${hd.src} (not in flight: duplicate or corrupt)`);
      ctxPkt[ctx] = id;
      ctxK[ctx] = 0;
      ctxHead[ctx] = data;
    } else if (ctxPkt[ctx] < 0) {
      return fail(`cycle ${t}: node ${node} VC ${vc}: a body flit arrived with no packet open on that VC`);
    } else {
      const k = ++ctxK[ctx];
      const want = (ctxHead[ctx] ^ bodyMix(k)) >>> 0;
      if (data !== want) {
        const id = ctxPkt[ctx];
        return fail(`cycle ${t}: node ${node}: flit ${k} of packet from ${packets.src[id]} (seq ${seqOf(id)}) has data 0x${data.toString(16)}, expected 0x${want.toString(16)}`);
      }
    }
    const id = ctxPkt[ctx];
    const k = ctxK[ctx];
    const size = packets.size[id], src = packets.src[id], created = packets.created[id];
    if (isTail || k + 1 === size) {
      ctxPkt[ctx] = -1;
      if (!isTail) return fail(`cycle ${t}: node ${node}: packet from ${src} has ${size} flits but flit ${k} is not marked tail`);
      if (k + 1 !== size) return fail(`cycle ${t}: node ${node}: packet from ${src} ended after ${k + 1} flits, expected ${size}`);
      if (packets.delivered[id] >= 0) return fail(`cycle ${t}: packet #${id} delivered twice`);
      packets.delivered[id] = t;
      inFlight.remove(pairOf(src, packets.dst[id]), id);
      outstandingCount--;
      inFlightFlitsTotal -= size;
      inFlightFlitCycles -= size * created;
      const measured = created >= windowStart && created < windowEnd;
      if (measured || monitor?.phase === "warm-up") {
        statLatSum += t - created;
        statLatCount++;
      }
      if (measured) {
        measuredLeft--;
        lat.push(t - created);
        if (classes === 2) classLat[packets.priority[id]].push(t - created);
        netLat.push(t - packets.accepted[id]);
        const hp = hops(w, src, packets.dst[id]);
        hopList.push(hp);
        zl.push(zeroLoadLatency(p, hp, size));
      }
    }
  };
  const seqOf = (id: number) => packets.seq[id] % seqMod;

  // --- the run ---------------------------------------------------------------------------------
  sim.reset();
  for (const port of inj) for (let i = 0; i < N; i++) port.valid[i].set(0);
  let counterStart: Float64Array = new Float64Array(N * 5), counterEnd: Float64Array = counterStart, counterAtReset = counterStart;
  let generating = true, genStoppedAt = -1, stable = true, deadlock = false, drained = true;
  const progressTotal = monitor ? monitor.o.maxSamples * monitor.o.samplePeriod : windowEnd;
  let t = 0;
  for (; ; t++) {
    if (monitor && monitor.phase !== "done") samplingStep(monitor, t);
    if (t === windowStart && hasCounters) counterStart = readCounters(sim, p);
    if (t === windowEnd && hasCounters) counterEnd = readCounters(sim, p);
    if (generating && pickDst && t >= windowEnd) {
      if (monitor && t > windowEnd && (t - windowEnd) % DRAIN_CHECK_CYCLES === 0 && measuredLeft > 0) {
        if (monitor.duringDrain(sampleStats(t), t - windowEnd) === "unstable") stable = false;
      }
      if (measuredLeft === 0 || t - windowEnd >= cooldownLimit || !stable) {
        generating = false;
        genStoppedAt = t;
        if (measuredLeft > 0) stable = false;
      }
    }
    if (generating) {
      if (pickDst) {
        for (let i = 0; i < N; i++) {
          while (nextArrival[i] <= t) {
            create(i, pickDst(i, sentCount[i]++, r), size, t);
            if (t >= windowStart && t < windowEnd) windowOffered += size;
            nextArrival[i] += geometricGap(perCycle, r);
          }
        }
      } else {
        while (traceNext < trace.length && trace[traceNext].cycle <= t) {
          const e = trace[traceNext++];
          create(e.src, e.dst, e.size, t, e.priority ?? 0);
          if (t >= windowStart && t < windowEnd) windowOffered += e.size;
        }
        if (traceNext >= trace.length && t >= windowEnd) {
          generating = false;
          genStoppedAt = t;
        }
      }
    } else if (outstandingCount === 0) {
      break;
    } else if (o.drainLimit !== undefined && t - genStoppedAt > o.drainLimit) {
      drained = false;
      break;
    } else if (t - lastProgress > stallLimit) {
      deadlock = true;
      fail(`deadlock: no flit delivered for ${stallLimit} cycles (cycle ${t}) with ${outstandingCount} packets outstanding after traffic stopped at cycle ${genStoppedAt}`);
      break;
    }
    // Offer each source's oldest waiting packet of each class to its network interface; a low
    // packet only when no high packet of that source is waiting.
    const ready = readyBank.read();
    let kept = 0;
    for (let k = 0; k < busyCount; k++) {
      const i = busyList[k];
      offer(0, i, t, true, ready[i]);
      if (classes === 2) offer(1, i, t, queueHead[0][i] >= queues[0][i].length, ready[N + i]);
      if (stillBusy(i)) busyList[kept++] = i;
      else busy[i] = 0;
    }
    busyCount = kept;
    sim.step();
    // Read only the ejection registers that hold a flit (the per-row valid masks say which).
    const ejRows = ejBank.read();
    for (let y = 0; y < h; y++) {
      let mask = ejRows[y];
      while (mask !== 0) {
        const x = 31 - Math.clz32(mask & -mask);
        mask &= mask - 1; // the lowest set bit cleared (int32 from here on: bit 31 of a 32-wide row too)
        const i = y * w + x;
        onFlit(i, ej[i].get(), t + 1);
      }
    }
    if ((t & 1023) === 1023) o.onProgress?.(Math.min(t + 1, progressTotal), progressTotal);
  }
  o.onProgress?.(progressTotal, progressTotal);

  function offer(c: number, i: number, t: number, allowed: boolean, ready: number): void {
    const q = queues[c][i], head = queueHead[c], port = inj[c];
    if (allowed && head[i] < q.length && ready !== 0) {
      const id = q[head[i]++];
      port.pkt[i].set(descriptor(packets.dst[id], packets.seq[id], packets.size[id]));
      if (!validSet[c][i]) port.valid[i].set(1);
      validSet[c][i] = 1;
      packets.accepted[id] = t;
      lastProgress = t;
      if (head[i] > 1024 && head[i] * 2 > q.length) {
        q.splice(0, head[i]);
        head[i] = 0;
      }
    } else if (validSet[c][i]) {
      port.valid[i].set(0);
      validSet[c][i] = 0;
    }
  }
  /**
   * At the top of cycle t (steps 0..t-1 done, flits seen up to t counted): end a sample period
   * when one is due, open or close the window as the monitor decides, clear the statistics before
   * the next period when it says so.
   */
  function samplingStep(m: ConvergenceMonitor, t: number): void {
    const period = m.o.samplePeriod;
    if (t > 0 && t % period === 0) {
      const d = m.endOfPeriod(sampleStats(t));
      if (d === "start-measuring") windowStart = t;
      else if (d === "stop-measuring") windowEnd = t;
      else if (d === "unstable") {
        stable = false;
        if (generating) {
          generating = false;
          genStoppedAt = t;
        }
        // Unstable before measuring: throughput and link loads are those of the last statistics
        // interval (no packet is measured: the window stays closed).
        if (windowStart === Infinity) {
          rateStart = statResetAt;
          windowFlits = statAccepted;
          counterStart = counterAtReset;
        }
        windowEnd = t;
      }
    }
    if (t % period === 0 && m.phase !== "done" && m.clearsBeforePeriod()) {
      statLatSum = statLatCount = statAccepted = 0;
      statResetAt = t;
      if (hasCounters) counterAtReset = readCounters(sim, p);
    }
  }
  /** The statistics since the last clear, with every undelivered flit's age at cycle t. */
  function sampleStats(t: number) {
    let inFlightFlits = inFlightFlitsTotal, inFlightAgeSum = t * inFlightFlitsTotal - inFlightFlitCycles;
    for (let c = 0; c < ctxPkt.length; c++) {
      if (ctxPkt[c] < 0) continue;
      const arrived = ctxK[c] + 1; // flits of this open packet already delivered
      inFlightFlits -= arrived;
      inFlightAgeSum -= arrived * (t - packets.created[ctxPkt[c]]);
    }
    return { latencySum: statLatSum, latencyCount: statLatCount, acceptedFlits: statAccepted, cycles: t - statResetAt, nodes: N, inFlightFlits, inFlightAgeSum };
  }
  function nextSeq(src: number, dst: number): number {
    const k = pairOf(src, dst);
    const s = pairSeq.get(k);
    pairSeq.add(k, 1);
    return s;
  }
  function registerOutstanding(id: number): void {
    inFlight.append(pairOf(packets.src[id], packets.dst[id]), id);
    outstandingCount++;
    inFlightFlitsTotal += packets.size[id];
    inFlightFlitCycles += packets.size[id] * packets.created[id];
    if (packets.created[id] >= windowStart && packets.created[id] < windowEnd) measuredLeft++;
  }

  // --- end of run: golden link counts, every packet delivered ----------------------------------
  const linkFlits = hasCounters ? readCounters(sim, p) : new Float64Array(N * 5);
  // One path walk per (src, dst) pair, not per packet.
  const pairFlits = new PairNumbers(N * N);
  for (let id = 0; id < packets.length; id++) pairFlits.add(pairOf(packets.src[id], packets.dst[id]), packets.size[id]);
  const golden = linkLoads(p.routing, w, h, pairFlits.entries().map(([pair, flits]) => ({ src: Math.floor(pair / N), dst: pair % N, flits })));
  if (!deadlock && drained) {
    if (hasCounters) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          for (const d of presentDirs(w, h, x, y)) {
            const li = linkIndex(y * w + x, OUT_OF[d]);
            check.equal(`flits out of router (${x},${y}) port ${DIR_NAMES[d]} over the run`, linkFlits[li], golden[li]);
          }
        }
      }
    }
    let undelivered = 0;
    for (let id = 0; id < packets.length; id++) if (packets.delivered[id] < 0) undelivered++;
    check.equal("packets never delivered", undelivered, 0);
  }

  // --- metrics ---------------------------------------------------------------------------------
  const from = Number.isFinite(windowStart) ? windowStart : rateStart;
  const windowCycles = Number.isFinite(from) ? Math.max(1, windowEnd - from) : 1;
  const windowLinkFlits = new Float64Array(N * 5);
  for (let i = 0; i < windowLinkFlits.length; i++) windowLinkFlits[i] = counterEnd[i] - counterStart[i];
  const util: number[] = [];
  let ejUtil = 0;
  let maxUtil = 0, maxLink = "";
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (const d of presentDirs(w, h, x, y)) {
        const u = windowLinkFlits[linkIndex(y * w + x, OUT_OF[d])] / windowCycles;
        if (d === Dir.L) {
          ejUtil += u / N;
          continue;
        }
        util.push(u);
        if (u > maxUtil) {
          maxUtil = u;
          maxLink = `(${x},${y})->${DIR_NAMES[d].toUpperCase()}`;
        }
      }
    }
  }
  const sorted = lat.sorted();
  const metrics: Record<string, number | string | boolean> = {
    avgLatency: round(mean(sorted)),
    p50Latency: percentile(sorted, 50),
    p99Latency: percentile(sorted, 99),
    maxLatency: sorted.length ? sorted[sorted.length - 1] : NaN,
    avgNetworkLatency: round(mean(netLat.view())),
    zeroLoadLatency: round(mean(zl.view())),
    throughput: round(windowFlits / (N * windowCycles), 6),
    offered: round(windowOffered / (N * windowCycles), 6),
    avgHops: round(mean(hopList.view())),
    linkUtilMean: hasCounters ? round(mean(util)) : NaN,
    linkUtilMax: hasCounters ? round(maxUtil) : NaN,
    linkUtilMaxAt: hasCounters ? maxLink : "",
    ejectUtilMean: hasCounters ? round(ejUtil) : NaN,
    measuredPackets: lat.length,
    packets: packets.length,
    stable,
    drained,
    measureCycles: windowCycles,
  };
  if (monitor) {
    metrics.samples = monitor.measuredPeriods;
    metrics.converged = monitor.converged;
    metrics.instability = monitor.instability;
  }
  if (classes === 2) {
    // Per class (High = priority 0, Low = priority 1), over the measured packets.
    (["High", "Low"] as const).forEach((name, c) => {
      const s = classLat[c].sorted();
      metrics[`avgLatency${name}`] = round(mean(s));
      metrics[`p99Latency${name}`] = percentile(s, 99);
      metrics[`maxLatency${name}`] = s.length ? s[s.length - 1] : NaN;
      metrics[`measuredPackets${name}`] = s.length;
    });
  }
  let records: PacketRecord[] | undefined;
  return {
    passed: check.passed, checker: check, cycles: t, metrics, linkFlits, goldenFlits: golden, windowLinkFlits, windowCycles, samples: monitor?.samples,
    // Built on first use: most callers read only the metrics.
    get packets() {
      return (records ??= packets.records());
    },
  };
}
