/**
 * The discrete-event engine (src/system/des) on its own: the stated event order, time never
 * moving backwards, processes and their values, and resources that never exceed their capacity
 * and grant in arrival order, against an independent FIFO multi-server queue.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { EventSim, Resource, URGENT, hold, holdAll } from "../../src/system/des/index.js";
import type { ProcessBody } from "../../src/system/des/index.js";

describe("event order", () => {
  test.prop([fc.array(fc.record({ delay: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: 0, max: 3 }) }), { maxLength: 200 })], { numRuns: 200 })(
    "by time, then priority, then scheduling order",
    (events) => {
      const sim = new EventSim();
      const ran: number[] = [];
      events.forEach((e, i) => sim.schedule(e.delay, () => ran.push(i), e.priority));
      sim.run();
      const want = events.map((e, i) => ({ ...e, i })).sort((a, b) => a.delay - b.delay || a.priority - b.priority || a.i - b.i).map((e) => e.i);
      expect(ran).toEqual(want);
    },
  );

  test.prop([fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 8 }), { maxLength: 20 }), fc.integer({ min: 1, max: 60 })], { numRuns: 200 })(
    "time only moves forward, also with events scheduled from events and a stop time",
    (plans, until) => {
      const sim = new EventSim();
      const seen: number[] = [];
      for (const plan of plans) {
        sim.process((function* (): ProcessBody<void> {
          for (const d of plan) {
            yield sim.timeout(d);
            seen.push(sim.now);
            sim.schedule(d % 3, () => seen.push(sim.now));
          }
        })());
      }
      sim.run(until);
      expect(sim.now).toBe(until);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
      for (const t of seen) expect(t).toBeLessThanOrEqual(until);
      sim.run();
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    },
  );

  it("waiters resume in the order they started waiting; a process start is urgent", () => {
    const sim = new EventSim();
    const log: string[] = [];
    const go = sim.event<number>("go");
    for (const name of ["a", "b", "c"]) sim.process((function* (): ProcessBody<void> { const v = yield go; log.push(`${name}${v}`); })(), name);
    sim.schedule(0, () => log.push("normal at 0"));
    sim.schedule(0, () => log.push("urgent at 0"), URGENT);
    sim.schedule(4, () => go.succeed(7));
    sim.run();
    expect(log).toEqual(["urgent at 0", "normal at 0", "a7", "b7", "c7"]);
    expect(sim.now).toBe(4);
  });
});

describe("processes", () => {
  it("return values, waiting on other processes and on all of several events", () => {
    const sim = new EventSim();
    const child = (d: number) => sim.process((function* (): ProcessBody<number> { yield sim.timeout(d); return d * 10; })(), `child${d}`);
    let got: number[] = [];
    const parent = sim.process((function* (): ProcessBody<string> {
      got = (yield sim.allOf([child(3), child(1), child(2)])) as number[];
      const late = yield sim.timeout(5, "done");
      return `${late} at ${sim.now}`;
    })());
    sim.run();
    expect(got).toEqual([30, 10, 20]);
    expect(parent.value).toBe("done at 8");
    const none = sim.allOf([]);
    expect(none.triggered).toBe(false);
    sim.run();
    expect(none.value).toEqual([]);
  });

  it("errors name what is wrong", () => {
    const sim = new EventSim();
    expect(() => sim.schedule(-1, () => {})).toThrow(/delay -1 ns must be a finite number >= 0/);
    expect(() => sim.timeout(NaN)).toThrow(/timeout: delay NaN/);
    const ev = sim.event("e").succeed(undefined);
    expect(() => ev.succeed(undefined)).toThrow(/e was triggered twice/);
    sim.process((function* (): ProcessBody<void> { yield 5 as never; })(), "bad");
    expect(() => sim.run()).toThrow(/bad yielded 5; a process yields events/);
    const sim2 = new EventSim();
    sim2.process((function* (): ProcessBody<void> { yield sim2.timeout(2); throw new Error("boom"); })(), "worker");
    expect(() => sim2.run()).toThrow(/worker at t = 2 ns: boom/);
    expect(() => new Resource(sim, 0, "link")).toThrow(/resource link: capacity 0/);
    expect(() => new Resource(sim, 1, "link").release()).toThrow(/released more units than were granted/);
    expect(() => sim.run(-1)).toThrow(/before now/);
  });

  it("the same program gives the same event order", () => {
    const once = () => {
      const sim = new EventSim();
      const r = new Resource(sim, 2, "r");
      const log: string[] = [];
      for (let i = 0; i < 30; i++) {
        sim.process((function* (): ProcessBody<void> {
          yield sim.timeout((i * 7) % 5);
          yield* hold(sim, r, (i * 3) % 4);
          log.push(`${i}@${sim.now}`);
        })());
      }
      sim.run();
      return log;
    };
    expect(once()).toEqual(once());
  });
});

describe("resources", () => {
  const job = fc.record({ arrive: fc.integer({ min: 0, max: 40 }), duration: fc.integer({ min: 0, max: 15 }) });
  test.prop([fc.integer({ min: 1, max: 4 }), fc.array(job, { maxLength: 60 })], { numRuns: 300 })(
    "never over capacity, FIFO grants, and the start times of an independent FIFO multi-server queue",
    (capacity, jobs) => {
      const sim = new EventSim();
      const r = new Resource(sim, capacity, "r");
      const start = new Array<number>(jobs.length).fill(-1);
      const grantOrder: number[] = [];
      jobs.forEach((j, i) => {
        sim.process((function* (): ProcessBody<void> {
          yield sim.timeout(j.arrive);
          yield r.request();
          expect(r.busy).toBeLessThanOrEqual(capacity);
          start[i] = sim.now;
          grantOrder.push(i);
          yield sim.timeout(j.duration);
          r.release();
        })());
      });
      sim.run();
      // Reference: jobs in arrival order (ties: creation order); each starts when it has arrived
      // and a server is free, servers taken earliest-free first.
      const order = jobs.map((j, i) => ({ ...j, i })).sort((a, b) => a.arrive - b.arrive || a.i - b.i);
      const free = new Array<number>(capacity).fill(0);
      const want = new Array<number>(jobs.length);
      for (const j of order) {
        let k = 0;
        for (let s = 1; s < capacity; s++) if (free[s] < free[k]) k = s;
        want[j.i] = Math.max(j.arrive, free[k]);
        free[k] = want[j.i] + j.duration;
      }
      expect(start).toEqual(want);
      expect(grantOrder).toEqual(order.map((j) => j.i));
      expect(r.grants).toBe(jobs.length);
      expect(r.busy).toBe(0);
      expect(r.busyTime()).toBe(jobs.reduce((s, j) => s + j.duration, 0));
      const end = sim.now;
      if (end > 0) expect(r.utilization()).toBeCloseTo(r.busyTime() / (capacity * end), 12);
    },
  );

  it("two transfers on one link take twice as long as one; holdAll takes a path at once", () => {
    const sim = new EventSim();
    const link = new Resource(sim, 1, "link");
    const done: number[] = [];
    for (let i = 0; i < 2; i++) sim.process((function* (): ProcessBody<void> { yield* hold(sim, link, 10); done.push(sim.now); })());
    sim.run();
    expect(done).toEqual([10, 20]);
    expect(link.maxQueued).toBe(1);
    expect(link.utilization()).toBe(1);

    const sim2 = new EventSim();
    const [a, b, c] = [0, 1, 2].map((i) => new Resource(sim2, 1, `l${i}`));
    const ends: number[] = [];
    sim2.process((function* (): ProcessBody<void> { yield* holdAll(sim2, [a, b], 4); ends.push(sim2.now); })());
    sim2.process((function* (): ProcessBody<void> { yield* holdAll(sim2, [b, c], 4); ends.push(sim2.now); })());
    sim2.process((function* (): ProcessBody<void> { yield* holdAll(sim2, [c], 4); ends.push(sim2.now); })());
    sim2.run();
    // All three start at 0: the first takes a, the second b, the third c (each resumes through
    // the queue before asking for its next link). The third holds c until 4; the second then
    // gets c and holds b and c until 8; the first gets b at 8 and ends at 12.
    expect(ends).toEqual([4, 8, 12]);
  });
});
