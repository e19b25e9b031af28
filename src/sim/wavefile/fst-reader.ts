/**
 * readFst: a WaveReader over an FST file (GTKWave's format; what our FstWriter, GTKWave's vcd2fst
 * and Verilator's --trace-fst write). Opening walks the block heads and reads the header,
 * geometry and hierarchy (fst-file.ts); each `steps()` then reads one value-change block at a time
 * (fst-block.ts), so memory is one block whatever the file's length.
 *
 * A file gzip-wrapped whole (`vcd2fst -c`, block type 254) is first expanded to a temporary file,
 * as fstapi does; close() removes it.
 *
 * A value-change block that runs past the end of the file (a copy cut short) is an error raised by
 * steps() after the blocks before it; a block still marked "skip" (its writer was killed while
 * writing it, see src/sim/fst/writer.ts) simply ends the file.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { WaveCutShortError, WaveFileError } from "./errors.js";
import { decodeBlock, type StepSink } from "./fst-block.js";
import { BL_ZWRAPPER } from "../fst/hierarchy.js";
import { readAt, readLayout, type FstLayout } from "./fst-file.js";
import type { WaveReader, WaveStep, WaveTimescale, WaveVarInfo } from "./types.js";
import { StepBuilder } from "./values.js";
import { openFile } from "./vcd-reader.js";
import { wantedIds } from "./wanted.js";

export async function readFst(path: string): Promise<WaveReader> {
  let fh = await openFile(path);
  let temp: string | undefined;
  try {
    const first = await readAt(fh, path, 0, 1);
    if (first[0] === BL_ZWRAPPER) {
      await fh.close();
      temp = await unwrap(path);
      fh = await openFile(join(temp, "unwrapped.fst"));
    }
    return new FstReader(path, fh, await readLayout(fh, path), temp);
  } catch (e) {
    await fh.close();
    if (temp) await rm(temp, { recursive: true, force: true });
    throw e;
  }
}

/** Expands a gzip-wrapped FST (type 254: u64 length, u64 expanded length, gzip) into a temp dir. */
async function unwrap(path: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tessera-fst-"));
  try {
    await pipeline(createReadStream(path, { start: 17 }), createGunzip(), createWriteStream(join(dir, "unwrapped.fst")));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw new WaveFileError(path, `a gzip-wrapped FST (vcd2fst -c) whose gzip data cannot be read (${(e as Error).message}); the file is damaged or cut short`);
  }
  return dir;
}

/** Steps gathered from the blocks: values at one time merged, across blocks too. */
class Sink implements StepSink {
  ready: WaveStep[] = [];
  private time = -1n;
  private readonly builder: StepBuilder;

  constructor(ids: number) {
    this.builder = new StepBuilder(ids);
  }

  at(time: bigint): void {
    if (time === this.time) return;
    if (time < this.time) throw new Error(`time goes back from ${this.time} to ${time}`);
    this.flush();
    this.time = time;
  }

  set(id: number, value: string): void {
    this.builder.set(id, value);
  }

  flush(): void {
    if (!this.builder.empty) this.ready.push({ time: this.time, changes: this.builder.take() });
  }
}

class FstReader implements WaveReader {
  readonly format = "fst" as const;
  readonly timescale: WaveTimescale;
  readonly vars: readonly WaveVarInfo[];
  readonly idCount: number;
  /** Header strings, for tools that show them. */
  readonly version: string;
  readonly date: string;
  private closed = false;

  constructor(readonly path: string, private readonly fh: FileHandle, private readonly layout: FstLayout, private readonly temp?: string) {
    this.timescale = layout.timescale;
    this.vars = layout.hierarchy.vars;
    this.idCount = layout.signals.lengths.length;
    this.version = layout.version;
    this.date = layout.date;
  }

  steps(ids?: readonly number[]): AsyncIterable<WaveStep> {
    return this.iterate(wantedIds(this, ids));
  }

  private async *iterate(wanted: Uint8Array): AsyncGenerator<WaveStep> {
    if (this.closed) throw new Error(`${this.path}: steps() after close()`);
    const { blocks, signals, cutAt, size } = this.layout;
    const sink = new Sink(this.idCount);
    for (let k = 0; k < blocks.length; k++) {
      const b = blocks[k];
      const bytes = await readAt(this.fh, this.path, b.at, 1 + b.length);
      if (bytes.length < 1 + b.length) throw new WaveFileError(this.path, `the file shrank while being read (block at byte ${b.at})`);
      const decoding = decodeBlock(bytes, b.type, signals, wanted, k === 0, sink);
      for (;;) {
        let done: boolean | undefined;
        try {
          done = decoding.next().done;
        } catch (e) {
          throw new WaveFileError(this.path, `value-change block ${k + 1} (at byte ${b.at}) cannot be read: ${(e as Error).message}; the file is damaged`);
        }
        const ready = sink.ready;
        sink.ready = [];
        for (const s of ready) yield s;
        if (done) break;
      }
    }
    sink.flush();
    yield* sink.ready;
    if (cutAt !== undefined) {
      throw new WaveCutShortError(this.path, `cut short: the block at byte ${cutAt} runs past the end of the file (${size} bytes); the values up to there were read`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
    if (this.temp) await rm(this.temp, { recursive: true, force: true });
  }
}
