/**
 * A resource with a capacity and a FIFO queue (SimPy's Resource): a NoC link is one of capacity 1,
 * so transfers that share it serialize; a DRAM channel or a tile group may have more. Requests
 * are granted strictly in arrival order, and it keeps the numbers a utilization report needs.
 */
import type { EventSim, ProcessBody } from "./engine.js";
import { SimEvent } from "./event.js";

export class Resource {
  private inUse = 0;
  private readonly waiting: SimEvent<undefined>[] = [];
  /** Integral of units in use over time (unit x ns), up to `since`. */
  private busyArea = 0;
  private since = 0;
  private grantsCount = 0;
  private maxWaitingCount = 0;

  constructor(
    private readonly sim: EventSim,
    readonly capacity = 1,
    readonly name = "resource",
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`resource ${name}: capacity ${capacity} must be a whole number >= 1`);
  }

  /** Units in use now. */
  get busy(): number {
    return this.inUse;
  }

  /** Requests waiting now. */
  get queued(): number {
    return this.waiting.length;
  }

  get grants(): number {
    return this.grantsCount;
  }

  /** The longest the queue has been. */
  get maxQueued(): number {
    return this.maxWaitingCount;
  }

  /** Share of capacity x time in use from time 0 to now (0 at time 0). */
  utilization(): number {
    this.account();
    return this.sim.now > 0 ? this.busyArea / (this.capacity * this.sim.now) : 0;
  }

  /** Total busy unit-time (unit x ns) so far. */
  busyTime(): number {
    this.account();
    return this.busyArea;
  }

  private account(): void {
    const now = this.sim.now;
    this.busyArea += this.inUse * (now - this.since);
    this.since = now;
  }

  /** An event granted when a unit is free; hold it until release(). */
  request(): SimEvent<undefined> {
    const ev = new SimEvent<undefined>(this.sim, `request(${this.name})`);
    if (this.inUse < this.capacity && this.waiting.length === 0) this.grant(ev);
    else {
      this.waiting.push(ev);
      if (this.waiting.length > this.maxWaitingCount) this.maxWaitingCount = this.waiting.length;
    }
    return ev;
  }

  /** Give back one unit; the longest-waiting request gets it. */
  release(): void {
    if (this.inUse === 0) throw new Error(`resource ${this.name}: released more units than were granted`);
    this.account();
    this.inUse--;
    const next = this.waiting.shift();
    if (next) this.grant(next);
  }

  private grant(ev: SimEvent<undefined>): void {
    this.account();
    this.inUse++;
    if (this.inUse > this.capacity) throw new Error(`internal: resource ${this.name} has ${this.inUse} units in use, capacity ${this.capacity}`);
    this.grantsCount++;
    ev.succeed(undefined);
  }
}

/** Hold one unit of `res` for `duration` ns (wait for it first): `yield* hold(sim, link, t)`. */
export function* hold(sim: EventSim, res: Resource, duration: number): ProcessBody<void> {
  yield res.request();
  yield sim.timeout(duration);
  res.release();
}

/**
 * Hold one unit of every resource in `resources` for `duration` ns, taking them in the given
 * order (a transfer that occupies every link of its path at once). Callers that take several
 * resources must all take them in one global order (e.g. by link index) so none deadlock.
 */
export function* holdAll(sim: EventSim, resources: readonly Resource[], duration: number): ProcessBody<void> {
  for (const r of resources) yield r.request();
  yield sim.timeout(duration);
  for (const r of resources) r.release();
}
