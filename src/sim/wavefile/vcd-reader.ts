/**
 * readVcd: a WaveReader over a VCD file. Opening reads the header (vars, timescale); each
 * `steps()` streams the value changes from where the header ends, one chunk (1 MiB by default) at
 * a time, so memory does not grow with the file.
 */
import { open, type FileHandle } from "node:fs/promises";
import { ChunkReader, DEFAULT_CHUNK } from "./chunks.js";
import { fsError } from "./errors.js";
import type { WaveReader, WaveStep, WaveTimescale, WaveVarInfo } from "./types.js";
import { VcdBody } from "./vcd-body.js";
import { readVcdHeader, type VcdHeader } from "./vcd-header.js";
import { wantedIds } from "./wanted.js";

export interface VcdReadOptions {
  /** Bytes read at a time (1 MiB by default); tests use tiny chunks to cut tokens anywhere. */
  chunkSize?: number;
}

export async function readVcd(path: string, opts: VcdReadOptions = {}): Promise<WaveReader> {
  const chunk = opts.chunkSize ?? DEFAULT_CHUNK;
  const fh = await openFile(path);
  try {
    return new VcdReader(path, await readVcdHeader(fh, path, chunk), chunk);
  } finally {
    await fh.close();
  }
}

export async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (e) {
    throw fsError(path, e);
  }
}

class VcdReader implements WaveReader {
  readonly format = "vcd" as const;
  readonly timescale: WaveTimescale;
  readonly vars: readonly WaveVarInfo[];
  readonly idCount: number;
  private readonly handles = new Set<FileHandle>();
  private closed = false;

  constructor(readonly path: string, private readonly header: VcdHeader, private readonly chunk: number) {
    this.timescale = header.timescale;
    this.vars = header.vars;
    this.idCount = header.ids.count;
  }

  steps(ids?: readonly number[]): AsyncIterable<WaveStep> {
    return this.iterate(wantedIds(this, ids));
  }

  private async *iterate(wanted: Uint8Array): AsyncGenerator<WaveStep> {
    if (this.closed) throw new Error(`${this.path}: steps() after close()`);
    const h = this.header;
    const fh = await openFile(this.path);
    this.handles.add(fh);
    try {
      const src = new ChunkReader(fh, this.path, h.dataOffset, this.chunk);
      const body = new VcdBody(this.path, h.ids, h.widths, wanted, h.dataLine);
      let keep = 0;
      do {
        await src.refill(keep);
        keep = body.parse(src.buf, 0, src.limit(), src.eof);
        if (src.eof) body.finish();
        const ready = body.ready;
        body.ready = [];
        for (const s of ready) yield s;
      } while (!src.eof);
    } finally {
      this.handles.delete(fh);
      await fh.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const fh of [...this.handles]) {
      this.handles.delete(fh);
      await fh.close();
    }
  }
}
