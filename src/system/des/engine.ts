/**
 * A small discrete-event engine (the role SimPy plays in PALM): simulated time in nanoseconds,
 * one queue of timestamped callbacks, processes written as generators that yield the events they
 * wait for, and resources with a capacity and a FIFO queue (resource.ts).
 *
 * Ordering, stated once: events run in order of time, then priority (lower first; default
 * NORMAL, URGENT for the start of a process), then the order they were scheduled. Time never
 * moves backwards, and a run with the same program gives the same order every time.
 *
 *   const sim = new EventSim();
 *   sim.process(function* () { yield sim.timeout(5); log(sim.now); }());
 *   sim.run();
 */
import { EventQueue } from "./queue.js";
import { SimEvent } from "./event.js";

export const URGENT = 0;
export const NORMAL = 1;

/**
 * What a process generator yields: an event to wait for. It resumes with the event's value, typed
 * `unknown` (one generator yields events of many value types): `const v = (yield ev) as number`.
 */
export type ProcessBody<R> = Generator<SimEvent<unknown>, R, unknown>;

/** A running process; as an event it triggers with the generator's return value when it ends. */
export class Process<R = unknown> extends SimEvent<R> {}

export class EventSim {
  private readonly queue = new EventQueue();
  private time = 0;
  private processed = 0;

  /** The current simulated time (ns). */
  get now(): number {
    return this.time;
  }

  /** Events run so far (for events-per-second figures). */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Events waiting in the queue. */
  get pending(): number {
    return this.queue.size;
  }

  /** Run `fn` after `delay` ns (0: later at the current time, after what is already queued for it). */
  schedule(delay: number, fn: () => void, priority = NORMAL): void {
    if (!(delay >= 0) || !Number.isFinite(delay)) throw new RangeError(`schedule: delay ${delay} ns must be a finite number >= 0`);
    this.queue.push(this.time + delay, priority, fn);
  }

  /** An event that triggers `delay` ns from now, with `value`. */
  timeout<T = undefined>(delay: number, value?: T): SimEvent<T> {
    if (!(delay >= 0) || !Number.isFinite(delay)) throw new RangeError(`timeout: delay ${delay} ns must be a finite number >= 0`);
    const ev = new SimEvent<T>(this, `timeout(${delay})`);
    this.schedule(delay, () => ev.succeed(value as T));
    return ev;
  }

  /** A new untriggered event, for processes that signal each other. */
  event<T = undefined>(name?: string): SimEvent<T> {
    return new SimEvent<T>(this, name);
  }

  /** An event that triggers when all of `events` have, with their values in order. */
  allOf<T>(events: readonly SimEvent<T>[], name = "allOf"): SimEvent<T[]> {
    const all = new SimEvent<T[]>(this, name);
    const values = new Array<T>(events.length);
    let left = events.length;
    if (left === 0) this.schedule(0, () => all.succeed(values));
    events.forEach((e, i) =>
      e.then((v) => {
        values[i] = v;
        if (--left === 0) all.succeed(values);
      }),
    );
    return all;
  }

  /** Start a process now (it runs its first step after the events already queued at this time with higher urgency). */
  process<R>(body: ProcessBody<R>, name = "process"): Process<R> {
    const proc = new Process<R>(this, name);
    this.schedule(0, () => this.resume(proc, body, undefined), URGENT);
    return proc;
  }

  private resume<R>(proc: Process<R>, body: ProcessBody<R>, input: unknown): void {
    let r: IteratorResult<SimEvent<unknown>, R>;
    try {
      r = body.next(input);
    } catch (e) {
      if (e instanceof Error) e.message = `${proc.name} at t = ${this.time} ns: ${e.message}`;
      throw e;
    }
    if (r.done) {
      proc.succeed(r.value);
      return;
    }
    const ev = r.value;
    if (!(ev instanceof SimEvent)) throw new TypeError(`${proc.name} yielded ${String(ev)}; a process yields events (sim.timeout(), resource.request(), another process, sim.allOf())`);
    ev.then((v) => this.resume(proc, body, v));
  }

  /** Run one event; false when the queue is empty. */
  step(): boolean {
    const e = this.queue.pop();
    if (!e) return false;
    if (e.time < this.time) throw new Error(`internal: event at ${e.time} ns after time reached ${this.time} ns`);
    this.time = e.time;
    this.processed++;
    e.run();
    return true;
  }

  /**
   * Run until the queue is empty, or until time `until` (events at exactly `until` run; the clock
   * then stands at `until`). Returns the time reached.
   */
  run(until = Infinity): number {
    if (Number.isNaN(until) || until < this.time) throw new RangeError(`run: until = ${until} ns is before now (${this.time} ns)`);
    for (;;) {
      const next = this.queue.peek();
      if (!next || next.time > until) break;
      this.step();
    }
    if (until !== Infinity) this.time = until;
    return this.time;
  }
}
