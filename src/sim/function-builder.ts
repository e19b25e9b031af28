/**
 * One phase function of the compiled engine's source (settle, next values, ...) as a list of chunk
 * functions of a few hundred statements each: V8 optimises small functions well and gives up on
 * huge ones. Reads of stored values are cached in chunk-local constants. Where the code finds
 * values is a SlotMap: absolute positions for a design's own code, positions relative to an
 * instance for shared code (template-gen.ts).
 */
import type { Expr, MemReadExpr } from "../hdl/expr.js";
import { JsExprGen } from "./jsexpr.js";
import { STORE_NAMES, type Layout } from "./layout.js";
import type { Netlist, NetNode } from "./netlist.js";

const CHUNK_STATEMENTS = Number(process.env.TESSERA_CHUNK ?? 256);
const CHUNK_CHARS = Number(process.env.TESSERA_CHUNK_CHARS ?? 16000);

/** Where the code of a FunctionBuilder finds values and memories (absolute, or relative in shared code). */
export interface SlotMap {
  slot(node: NetNode): string;
  nextSlot(node: NetNode): string;
  memory(e: MemReadExpr): string;
  memoryOffset?(e: MemReadExpr): string | undefined;
}

/** Slots at their layout positions: the code of one design, one instance at a time. */
export function absoluteSlots(lay: Layout, net: Netlist): SlotMap {
  return {
    slot: (node) => `${STORE_NAMES[lay.store[node.id]]}[${lay.index[node.id]}]`,
    nextSlot: (node) => {
      const s = lay.store[node.id];
      return `${STORE_NAMES[s]}[${lay.index[node.id] + lay.regCount[s]}]`;
    },
    memory: (e) => `M${net.memoryIndex.get(e.memory as never)!.id}`,
  };
}

/** Builds the source of one phase function as a list of chunk functions. */
export class FunctionBuilder {
  readonly chunks: string[][] = [];
  private lines: string[] = [];
  private locals = new Map<number, string>();
  private count = 0;
  private chars = 0;

  constructor(private readonly name: string, private readonly net: Netlist, private readonly slots: SlotMap) {
    this.newChunk();
  }

  private push(...lines: string[]): void {
    for (const l of lines) {
      this.lines.push(l);
      this.chars += l.length;
    }
  }

  /** Start a new chunk when this one is full (by statements or by generated code size). */
  private roomFor(): void {
    if (this.count >= CHUNK_STATEMENTS || this.chars >= CHUNK_CHARS) this.newChunk();
  }

  private newChunk(): void {
    this.lines = [];
    this.chunks.push(this.lines);
    this.locals = new Map();
    this.count = 0;
    this.chars = 0;
  }

  slot(node: NetNode): string {
    return this.slots.slot(node);
  }

  nextSlot(node: NetNode): string {
    return this.slots.nextSlot(node);
  }

  /** Read a stored node, through a chunk-local constant. */
  ref(node: NetNode): string {
    let l = this.locals.get(node.id);
    if (!l) {
      l = `v${node.id}`;
      this.push(`const ${l} = ${this.slot(node)};`);
      this.locals.set(node.id, l);
    }
    return l;
  }

  gen(self?: NetNode): JsExprGen {
    return new JsExprGen({
      ref: (e: Expr, root?: boolean) => {
        const n = this.net.materialized.get(e);
        if (n === undefined || (root && n === self)) return undefined;
        return this.ref(n);
      },
      memory: (e: MemReadExpr) => this.slots.memory(e),
      memoryOffset: (e: MemReadExpr) => this.slots.memoryOffset?.(e),
    });
  }

  /** A statement of its own (a loop over shared code): it reads and writes no chunk-local value. */
  raw(line: string): void {
    this.roomFor();
    this.push(line);
    this.count++;
  }

  /** Compute a comb/temp node and store it. */
  compute(node: NetNode): void {
    this.roomFor();
    const code = this.gen(node).gen(node.expr!, true);
    const l = `v${node.id}`;
    this.push(`const ${l} = ${code};`, `${this.slot(node)} = ${l};`);
    this.locals.set(node.id, l);
    this.count++;
  }

  /** Compute a register's next value into its next slot. */
  computeNext(node: NetNode): void {
    this.roomFor();
    this.push(`${this.nextSlot(node)} = ${this.gen().gen(node.expr!)};`);
    this.count++;
  }

  /** Compute a register's next value straight into its current slot (see inplace.ts). */
  computeInPlace(node: NetNode): void {
    this.roomFor();
    this.push(`${this.slot(node)} = ${this.gen().gen(node.expr!)};`);
    this.count++;
  }

  /** A statement built from expressions: the chunk is chosen before its operands are loaded. */
  statement(build: (g: JsExprGen) => string): void {
    this.roomFor();
    this.push(build(this.gen()));
    this.count++;
  }

  emit(out: string[]): void {
    const names = this.chunks.map((_, i) => `${this.name}_${i}`);
    this.chunks.forEach((lines, i) => out.push(`function ${names[i]}() {\n${lines.join("\n")}\n}`));
    // Call the chunks through an array: a direct call per chunk lets TurboFan inline them all
    // back into one huge function, which it then refuses to optimize (a 64x64 grid ran 40x slower).
    if (names.length <= 4) out.push(`function ${this.name}() { ${names.map((n) => `${n}();`).join(" ")} }`);
    else out.push(`const ${this.name}_all = [${names.join(", ")}];\nfunction ${this.name}() { for (let i = 0; i < ${names.length}; i++) ${this.name}_all[i](); }`);
  }
}

