import { describe, expect, it } from "vitest";
import { breakEvenSearch, type Verdict } from "../../src/analysis/sensitivity.js";
import { quantileOf, regretsOf, statsOf, wilson } from "../../src/study/report.js";

describe("regret", () => {
  it("is the sample's best NPV minus the option's, averaged and maximised, by hand", () => {
    // A is steady, B wins big or loses big, C is always second
    const samples = [
      { a: 100, b: 160, c: 120 },
      { a: 100, b: 20, c: 90 },
      { a: 100, b: 130, c: 110 },
      { a: 100, b: 40, c: 95 },
    ];
    const r = regretsOf(["a", "b", "c"], samples);
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
      [
        { x: 0, y: 10, z: 10 },
        { x: 10, y: 0, z: 0 },
        { x: 0, y: 10, z: -20 },
      ],
    );
    expect(r.maxRegret).toEqual([10, 10, 30]);
    expect(r.expectedRegret.map((v) => v * 3)).toEqual([20, 10, 40]);
    expect(r.minMaxRegret).toBe("y");
  });

  it("breaks ties to the option listed first", () => {
    expect(regretsOf(["x", "y"], [{ x: 5, y: 5 }]).probabilityBest).toEqual([1, 0]);
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
