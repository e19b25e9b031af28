/**
 * Memories with read and write ports.
 *
 * Read-during-write, defined (and tested) rather than left open:
 *  - A comb read port shows the current contents: a write at an edge is visible right after it.
 *  - A sync read port registers `mem[addr]` at its domain's edge when `en` is 1. By default it is
 *    read-first: it gets the contents from before that edge's writes. With `transparent: true` it
 *    gets the data being written to the same address at the same edge by a write port of the same
 *    domain (the highest-numbered such port wins, as it does for the memory itself).
 *  - Two write ports writing one address at one edge: the higher-numbered port wins.
 *  - Reads outside 0..depth-1 give 0; writes there are ignored. (A transparent sync read of an
 *    out-of-range address that a write port targets at the same edge returns the write data; the
 *    emitted Verilog does the same.)
 */
import { HdlError, record } from "./errors.js";
import type { Signal } from "./expr.js";
import type { Module } from "./module.js";
import { addDriver } from "./module.js";
import { Shape, bitsFor, fits, shapeToString, u } from "./shape.js";

export interface MemoryOptions {
  name: string;
  shape: Shape;
  depth: number;
  /** Initial contents (the rest are 0). */
  init?: readonly (number | bigint)[];
}

export interface ReadPort {
  readonly kind: "read";
  readonly memory: Memory;
  readonly index: number;
  /** "comb" for an asynchronous read, or the clock domain of a synchronous one. */
  readonly domain: string;
  readonly transparent: boolean;
  readonly addr: Signal;
  readonly data: Signal;
  /** Sync ports only: read enable (1 by default). */
  readonly en: Signal;
}

export interface WritePort {
  readonly kind: "write";
  readonly memory: Memory;
  readonly index: number;
  readonly domain: string;
  readonly addr: Signal;
  readonly data: Signal;
  /** Write enable (0 by default: drive it to write). */
  readonly en: Signal;
}

export class Memory {
  readonly name: string;
  readonly shape: Shape;
  readonly depth: number;
  readonly init: readonly bigint[];
  readonly addrWidth: number;
  readonly readPorts: ReadPort[] = [];
  readonly writePorts: WritePort[] = [];

  constructor(readonly owner: Module, opts: MemoryOptions) {
    this.name = opts.name;
    this.shape = opts.shape;
    if (!Number.isInteger(opts.depth) || opts.depth < 1 || opts.depth > 1 << 24) {
      throw new HdlError(`memory '${opts.name}': depth must be a whole number 1..${1 << 24}, got ${opts.depth}`);
    }
    this.depth = opts.depth;
    this.addrWidth = bitsFor(opts.depth);
    const init = (opts.init ?? []).map((v) => BigInt(v));
    if (init.length > opts.depth) throw new HdlError(`memory '${opts.name}': ${init.length} init values for depth ${opts.depth}`);
    init.forEach((v, i) => {
      if (!fits(v, opts.shape)) throw new HdlError(`memory '${opts.name}': init[${i}] = ${v} does not fit in ${shapeToString(opts.shape)}`);
    });
    this.init = init;
  }

  readPort(opts: { domain?: string; transparent?: boolean } = {}): ReadPort {
    const domain = opts.domain ?? "comb";
    const i = this.readPorts.length;
    const m = this.owner;
    const base = `${this.name}_r${i}`;
    // One location for the port's three signals: the user's readPort() call.
    const loc = record(Memory.prototype.readPort);
    const addr = m.makeSignal(m.freshName(base + "_addr"), u(this.addrWidth), 0n, "internal", loc);
    const data = m.makeSignal(m.freshName(base + "_data"), this.shape, 0n, "internal", loc);
    const en = m.makeSignal(m.freshName(base + "_en"), u(1), 1n, "internal", loc);
    // The memory drives the data signal; nobody else may.
    addDriver(data, 0, data.width - 1, domain, m, m.loc);
    if (domain === "comb" && opts.transparent) throw new HdlError(`memory '${this.name}': transparency applies to sync read ports only`);
    const port: ReadPort = { kind: "read", memory: this, index: i, domain, transparent: !!opts.transparent, addr, data, en };
    this.readPorts.push(port);
    return port;
  }

  writePort(opts: { domain?: string } = {}): WritePort {
    const domain = opts.domain ?? "sync";
    if (domain === "comb") throw new HdlError(`memory '${this.name}': write ports are clocked; give a clock domain`);
    const i = this.writePorts.length;
    const m = this.owner;
    const base = `${this.name}_w${i}`;
    const loc = record(Memory.prototype.writePort);
    const addr = m.makeSignal(m.freshName(base + "_addr"), u(this.addrWidth), 0n, "internal", loc);
    const data = m.makeSignal(m.freshName(base + "_data"), this.shape, 0n, "internal", loc);
    const en = m.makeSignal(m.freshName(base + "_en"), u(1), 0n, "internal", loc);
    const port: WritePort = { kind: "write", memory: this, index: i, domain, addr, data, en };
    this.writePorts.push(port);
    return port;
  }
}
