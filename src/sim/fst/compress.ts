/**
 * Compressing a block's chains (each signal's changes, zlib'd one by one as FST stores them), on
 * the calling thread or on a worker thread while the simulation goes on.
 *
 * The worker is collected synchronously (Atomics.wait on a shared flag, then receiveMessageOnPort),
 * so a testbench that never yields to the event loop still gets its blocks back, and close() (in a
 * `finally` or a process 'exit' handler) can finish a file at once. The writer keeps the job's
 * bytes until the result is back: if the worker is gone or slow at close, the job is compressed
 * again on the calling thread.
 */
import { deflateSync } from "node:zlib";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";

/** Chains at most this long are stored raw (fstapi: 32). */
export const RAW_CHAIN_BYTES = 32;

export interface ChainJob {
  /** The chains, one after another. */
  data: Uint8Array;
  /** Where each chain ends in `data`. */
  ends: Int32Array;
  level: number;
}

export interface ChainResult {
  /** The stored chains, one after another. */
  data: Uint8Array;
  /** Per chain: its stored length, and its length before compression (0: stored raw). */
  stored: Int32Array;
  expanded: Int32Array;
}

/** Each chain zlib'd when longer than RAW_CHAIN_BYTES and smaller so, else as it is. */
export function compressChains(job: ChainJob): ChainResult {
  const n = job.ends.length;
  const stored = new Int32Array(n), expanded = new Int32Array(n);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0, start = 0; i < n; i++) {
    const chain = job.data.subarray(start, job.ends[i]);
    start = job.ends[i];
    const z = chain.length > RAW_CHAIN_BYTES ? deflateSync(chain, { level: job.level }) : undefined;
    const keep = z && z.length < chain.length ? z : chain;
    if (keep === z) expanded[i] = chain.length;
    stored[i] = keep.length;
    parts.push(keep);
    total += keep.length;
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { data, stored, expanded };
}

/** How long take() waits for the worker at least (1 ms per kB beyond), and at close. */
const WAIT_MS = 60_000;
const CLOSE_WAIT_MS = 10_000;

/**
 * One worker thread compressing one job at a time. `submit` hands a job over; `take` returns its
 * result, waiting if needed. Falls back to the calling thread when the worker cannot start.
 */
export class ChainCompressor {
  private worker?: Worker;
  private port?: MessagePort;
  private flag?: Int32Array;
  private pending?: ChainJob;
  private failed = false;

  /** Hands `job` over (the previous one must have been taken). */
  submit(job: ChainJob): void {
    if (this.pending) throw new Error("ChainCompressor: take() the previous job first");
    this.pending = job;
    if (!this.start()) return;
    try {
      Atomics.store(this.flag!, 0, 0);
      this.port!.postMessage(job); // copied: the job's bytes stay here for a fallback
    } catch {
      this.stop();
    }
  }

  /**
   * The result of the job submitted last, waiting for the worker if needed: at most `timeoutMs`
   * (by default far longer than zlib takes for the job), after which, or if the worker failed, the
   * job is compressed on this thread and the worker is not used again.
   */
  take(timeoutMs = Math.max(WAIT_MS, (this.pending?.data.length ?? 0) / 1000)): ChainResult {
    const job = this.pending;
    if (!job) throw new Error("ChainCompressor: nothing submitted");
    this.pending = undefined;
    if (this.worker && this.port && this.flag) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const msg = receiveMessageOnPort(this.port);
        if (msg && !(msg.message as { error?: string }).error) return msg.message as ChainResult;
        if (msg) break;
        const left = deadline - performance.now();
        if (left <= 0) break;
        Atomics.wait(this.flag, 0, 0, Math.min(left, 1000));
      }
      this.stop();
    }
    return compressChains(job);
  }

  /** take() at close: a shorter wait, then the job is compressed on this thread. */
  takeAtClose(): ChainResult {
    return this.take(CLOSE_WAIT_MS);
  }

  /** Starts the worker thread now (it takes a moment to come up), if it is not running. */
  warm(): void {
    this.start();
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Ends the worker thread (any pending job must have been taken). */
  stop(): void {
    this.failed = true;
    const w = this.worker;
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
    if (w) void w.terminate().catch(() => {});
  }

  private start(): boolean {
    if (this.worker) return true;
    if (this.failed) return false;
    try {
      const { port1, port2 } = new MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const w = new Worker(new URL("./compress-worker.mjs", import.meta.url), { workerData: { port: port2, flag, rawChainBytes: RAW_CHAIN_BYTES }, transferList: [port2] });
      w.unref();
      port1.unref();
      w.on("error", () => this.stop());
      this.worker = w;
      this.port = port1;
      this.flag = flag;
      return true;
    } catch {
      this.failed = true;
      return false;
    }
  }
}
