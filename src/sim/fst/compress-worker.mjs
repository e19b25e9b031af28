// Worker thread of ChainCompressor (compress.ts): compresses the chains of each job it receives
// and posts the result back, then raises the shared flag so the writer, waiting on it with
// Atomics.wait, picks the result up with receiveMessageOnPort. Plain JavaScript on purpose (no
// TypeScript loader to start in this thread, from src/ or dist/): compressChains in compress.ts
// does the same (each chain zlib'd when longer than RAW_CHAIN_BYTES and smaller so), and the
// tests hold the two to the same bytes.
import { deflateSync } from "node:zlib";
import { workerData } from "node:worker_threads";

const { port, flag, rawChainBytes } = workerData;

function compressChains(job) {
  const n = job.ends.length;
  const stored = new Int32Array(n), expanded = new Int32Array(n);
  const parts = [];
  let total = 0;
  for (let i = 0, start = 0; i < n; i++) {
    const chain = job.data.subarray(start, job.ends[i]);
    start = job.ends[i];
    const z = chain.length > rawChainBytes ? deflateSync(chain, { level: job.level }) : undefined;
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

port.on("message", (job) => {
  try {
    const result = compressChains(job);
    port.postMessage(result, [result.data.buffer, result.stored.buffer, result.expanded.buffer]);
  } catch (e) {
    port.postMessage({ error: String(e) }); // the writer compresses the job itself
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
