/** The BehaviouralIO a block's tick() sees, over any engine's read and next-value write. */
import type { BehaviouralIO } from "../hdl/behavioural.js";
import type { NetBehav, NetNode } from "./netlist.js";

export function makeBehaviouralIO(
  b: NetBehav,
  read: (n: NetNode) => bigint,
  writeNext: (n: NetNode, v: bigint) => void,
): BehaviouralIO {
  const inputs = new Map(b.inputs.map((p) => [p.port, p.node]));
  const outputs = new Map(b.outputs.map((p) => [p.port, p.node]));
  const port = (name: string) => {
    const n = inputs.get(name) ?? outputs.get(name);
    if (!n) throw new Error(`behavioural block '${b.name}' has no port '${name}'; ports: ${[...inputs.keys(), ...outputs.keys()].join(", ")}`);
    return n;
  };
  return {
    get: (name) => read(port(name)),
    getNumber: (name) => {
      const n = port(name);
      if (n.shape.width > 52) throw new Error(`behavioural block '${b.name}': port '${name}' is ${n.shape.width} bits; use get() for a bigint`);
      return Number(read(n));
    },
    set: (name, v) => {
      const n = outputs.get(name);
      if (!n) throw new Error(`behavioural block '${b.name}' has no output '${name}'; outputs: ${[...outputs.keys()].join(", ")}`);
      const big = BigInt(v);
      const sh = n.shape;
      const norm = sh.signed ? BigInt.asIntN(sh.width, big) : BigInt.asUintN(sh.width, big);
      if (norm !== big) throw new Error(`behavioural block '${b.name}': value ${big} does not fit output '${name}' (${sh.signed ? "s" : "u"}(${sh.width})); wrap it first`);
      writeNext(n, norm);
    },
  };
}
