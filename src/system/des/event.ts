/**
 * A one-shot event of the discrete-event engine (SimPy's Event): it is triggered once, with a
 * value, and everything waiting on it resumes through the engine's queue at the time it was
 * triggered, never synchronously, so the order of resumption is the queue's stated order.
 */
import type { EventSim } from "./engine.js";

/** A waiter, as a method so SimEvent<T> is usable where SimEvent<unknown> is expected. */
interface Waiter<T> {
  resume(value: T): void;
}

export class SimEvent<T = unknown> {
  private waiters: Waiter<T>[] | undefined = [];
  private result: { value: T } | undefined;

  constructor(protected readonly sim: EventSim, readonly name = "event") {}

  /** Whether succeed() has been called. */
  get triggered(): boolean {
    return this.result !== undefined;
  }

  /** The value it was triggered with. */
  get value(): T {
    if (!this.result) throw new Error(`${this.name}: read its value before it was triggered`);
    return this.result.value;
  }

  /** Trigger it now; each waiter resumes in the order it started waiting. */
  succeed(value: T): this {
    if (this.result) throw new Error(`${this.name} was triggered twice; an event happens once (make a new one)`);
    this.result = { value };
    const waiters = this.waiters!;
    this.waiters = undefined;
    for (const w of waiters) this.sim.schedule(0, () => w.resume(value));
    return this;
  }

  /** Call `fn` with the value once triggered (through the queue, also when it already was). */
  then(fn: (value: T) => void): void {
    if (this.waiters) this.waiters.push({ resume: fn });
    else {
      const { value } = this.result!;
      this.sim.schedule(0, () => fn(value));
    }
  }
}
