/**
 * The global-memory (DRAM) port's bandwidth, as a credit bucket: the port takes one request per
 * cycle while it has credit, each request spends its bytes, and the credit grows by the bandwidth
 * every cycle up to one cycle's worth. Over a long run the port moves `bytesPerCycle` bytes per
 * cycle; a request larger than the bandwidth makes the next one wait. Bandwidth 0 means unlimited
 * (every request is taken in the cycle it is offered).
 *
 * Cycle by cycle: the port is ready in cycle t when credit(t) > 0; at the end of t, an accepted
 * request of b bytes spends b, then credit(t+1) = min(bw, credit(t) - spent + bw). Credit starts
 * at bw. The memory model of the testbench (src/tb/pe/gmem-model.ts) is this rule in hardware
 * terms; this file is the oracle its cycles are checked against.
 */

export class DramPort {
  /** The cycle `credit` belongs to: nothing has been decided about cycles >= t yet. */
  private t = 0;
  private credit: number;

  constructor(readonly bytesPerCycle: number) {
    if (!(Number.isInteger(bytesPerCycle) && bytesPerCycle >= 0)) throw new RangeError(`DramPort: bytesPerCycle ${bytesPerCycle} must be a whole number >= 0 (0: unlimited)`);
    this.credit = bytesPerCycle;
  }

  /**
   * The cycle a request of `bytes` offered from cycle `from` on (and not before the cycle after the
   * previous accept) is accepted in. Requests must be offered in order.
   */
  accept(bytes: number, from: number): number {
    const bw = this.bytesPerCycle;
    let t = Math.max(from, this.t);
    if (bw === 0) {
      this.t = t + 1;
      return t;
    }
    let c = Math.min(bw, this.credit + (t - this.t) * bw); // idle cycles refill the credit
    if (c <= 0) {
      const wait = Math.floor(-c / bw) + 1;
      t += wait;
      c += wait * bw;
    }
    this.credit = Math.min(bw, c - bytes + bw);
    this.t = t + 1;
    return t;
  }
}
