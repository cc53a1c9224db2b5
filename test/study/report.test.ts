import { describe, expect, it } from "vitest";
import { breakEvenSearch, type Verdict } from "../../src/analysis/sensitivity.js";
import {
  leadBetween,
  type Proven,
  quantileOf,
  regretsOf,
  statsOf,
  wilson,
  winnerOf,
} from "../../src/study/report.js";

/** Samples whose solves closed their gaps: each bound is its plan. */
const exact = (samples: Record<string, number>[]): Proven[] => samples.map((plan) => ({ plan, bound: plan }));

describe("regret", () => {
  it("is the sample's best NPV minus the option's, averaged and maximised, by hand", () => {
    // A is steady, B wins big or loses big, C is always second
    const samples = [
      { a: 100, b: 160, c: 120 },
      { a: 100, b: 20, c: 90 },
      { a: 100, b: 130, c: 110 },
      { a: 100, b: 40, c: 95 },
    ];
    const r = regretsOf(["a", "b", "c"], exact(samples));
    expect(r.probabilityBest).toEqual([0.5, 0.5, 0]);
    // a: 60, 0, 30, 0 → mean 22.5, max 60; b: 0, 80, 0, 60 → 35, 80; c: 40, 10, 20, 5 → 18.75, 40
    expect(r.expectedRegret).toEqual([22.5, 35, 18.75]);
    expect(r.maxRegret).toEqual([60, 80, 40]);
    expect(r.minMaxRegret).toBe("c");
  });

  it("breaks a tie of maximum regrets by expected regret", () => {
    // x and y both lose at most 10; x loses it twice, y once
    const r = regretsOf(
      ["x", "y", "z"],
      exact([
        { x: 0, y: 10, z: 10 },
        { x: 10, y: 0, z: 0 },
        { x: 0, y: 10, z: -20 },
      ]),
    );
    expect(r.maxRegret).toEqual([10, 10, 30]);
    expect(r.expectedRegret.map((v) => v * 3)).toEqual([20, 10, 40]);
    expect(r.minMaxRegret).toBe("y");
  });

  it("breaks ties to the option listed first, also within what the solves can tell apart", () => {
    expect(regretsOf(["x", "y"], exact([{ x: 5, y: 5 }])).probabilityBest).toEqual([1, 0]);
    // 1e-9 relative: the noise of two solves of the same optimum, not a difference
    const r = regretsOf(["x", "y"], exact([{ x: 1e10, y: 1e10 + 10 }]));
    expect(r.probabilityBest).toEqual([1, 0]);
    expect(r.probabilityBestRange).toEqual([
      [1, 1],
      [0, 0],
    ]);
    expect(r.maxRegret).toEqual([0, 0]);
    expect(winnerOf(["y", "x"], { x: 1e10, y: 1e10 + 10 })).toBe("y");
  });

  it("gives single values where the solves closed their gaps", () => {
    const r = regretsOf(
      ["a", "b"],
      exact([
        { a: 3, b: 1 },
        { a: 0, b: 2 },
      ]),
    );
    expect(r.probabilityBestRange).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expect(r.expectedRegretRange).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(r.maxRegretRange).toEqual([
      [2, 2],
      [2, 2],
    ]);
  });

  it("gives the interval the solves prove where their gaps leave the order open", () => {
    // sample 1: a's plan 100 (optimum ≤ 101), b's plan 99.5 (≤ 100.5): b may beat a
    // sample 2: a 100 (≤ 100.2), b 90 (≤ 95): a proven best
    const samples: Proven[] = [
      { plan: { a: 100, b: 99.5 }, bound: { a: 101, b: 100.5 } },
      { plan: { a: 100, b: 90 }, bound: { a: 100.2, b: 95 } },
    ];
    const r = regretsOf(["a", "b"], samples);
    expect(r.probabilityBest).toEqual([1, 0]);
    expect(r.probabilityBestRange).toEqual([
      [0.5, 1],
      [0, 0.5],
    ]);
    // a: regret 0 by the plans; at most 101 − 100 = 1 in sample 1 and 100.2 − 100 = 0.2 in sample 2
    expect(r.expectedRegret[0]).toBe(0);
    expect(r.expectedRegretRange[0]![0]).toBe(0);
    expect(r.expectedRegretRange[0]![1]).toBeCloseTo(0.6, 12);
    expect(r.maxRegretRange[0]).toEqual([0, 1]);
    // b: 0.5 and 10 by the plans; at least 0 (its bound 100.5 ≥ 100) and 5; at most 1.5 and 10.2
    expect(r.expectedRegret[1]).toBeCloseTo(5.25, 12);
    expect(r.expectedRegretRange[1]![0]).toBeCloseTo(2.5, 12);
    expect(r.expectedRegretRange[1]![1]).toBeCloseTo(5.85, 12);
    expect(r.maxRegretRange[1]![0]).toBeCloseTo(5, 12);
    expect(r.maxRegretRange[1]![1]).toBeCloseTo(10.2, 12);
    for (const [i, [lo, hi]] of r.probabilityBestRange.entries()) {
      expect(lo).toBeLessThanOrEqual(r.probabilityBest[i]!);
      expect(hi).toBeGreaterThanOrEqual(r.probabilityBest[i]!);
    }
  });
});

describe("lead", () => {
  it("is positive by the plans, proven positive only beyond the rivals' bounds", () => {
    const p: Proven = { plan: { a: 100, b: 99, c: 90 }, bound: { a: 100, b: 101, c: 90 } };
    const lead = leadBetween(p, ["a"], ["b", "c"])!;
    expect(lead.value).toBe(1);
    expect(lead.range).toEqual([-1, 1]);
    expect(lead.beats).toEqual({ proven: false, found: true, possible: true });
    const exactLead = leadBetween({ plan: p.plan, bound: p.plan }, ["a"], ["b"])!;
    expect(exactLead.range).toEqual([1, 1]);
    expect(exactLead.beats).toEqual({ proven: true, found: true, possible: true });
    expect(leadBetween(p, ["a"], [])).toBeNull();
  });
});

describe("statistics", () => {
  it("gives quantiles by linear interpolation and a Wilson interval", () => {
    expect(quantileOf([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileOf([0, 10], 0.05)).toBeCloseTo(0.5, 12);
    const s = statsOf([4, 1, 3, 2])!;
    expect(s).toMatchObject({ count: 4, mean: 2.5, min: 1, p50: 2.5, max: 4 });
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    const [lo, hi] = wilson(50, 100);
    expect(lo).toBeCloseTo(0.4038, 3);
    expect(hi).toBeCloseTo(0.5962, 3);
    expect(wilson(0, 20)[0]).toBe(0);
  });
});

describe("break-even search", () => {
  /** Runs the search against a rule: the answer flips where `flipsAt(value)`. */
  function search(
    baseline: number,
    end: number,
    tolerance: number,
    flipsAt: (v: number) => boolean,
    integer = false,
  ) {
    const known = new Map<number, Verdict>([[baseline, { flips: false, winner: "base" }]]);
    const asked: number[] = [];
    const run = breakEvenSearch({ baseline, end, tolerance, integer }, known);
    let step = run.next();
    while (!step.done) {
      asked.push(step.value);
      step = run.next({ flips: flipsAt(step.value), winner: flipsAt(step.value) ? "other" : "base" });
    }
    return { result: step.value, asked };
  }

  it("brackets the flip within the tolerance, on either side of the baseline", () => {
    const up = search(0.15, 0.4, 0.001, (v) => v > 0.2371).result!;
    expect(up.holds).toBeLessThanOrEqual(0.2371);
    expect(up.flips).toBeGreaterThan(0.2371);
    expect(up.flips - up.holds).toBeLessThanOrEqual(0.001);
    expect(up.winner).toBe("other");
    const down = search(0.15, 0, 0.001, (v) => v < 0.0432).result!;
    expect(down.holds).toBeGreaterThanOrEqual(0.0432);
    expect(down.flips).toBeLessThan(0.0432);
    expect(down.holds - down.flips).toBeLessThanOrEqual(0.001);
  });

  it("reports no flip when the range's end holds, after one evaluation", () => {
    const { result, asked } = search(1, 3, 0.01, () => false);
    expect(result).toBeUndefined();
    expect(asked).toEqual([3]);
  });

  it("keeps integer parameters whole", () => {
    const { result, asked } = search(2037, 2050, 1, (v) => v >= 2044, true);
    expect(result).toEqual({ holds: 2043, flips: 2044, winner: "other" });
    expect(asked.every(Number.isInteger)).toBe(true);
  });
});
