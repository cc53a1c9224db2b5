import { describe, expect, it } from "vitest";
import type { SolverRun } from "../bench/external.js";
import { gapOf, timeToGap } from "../bench/report.js";

// How the benchmark reads "time to a proven gap" from a solver's reports of incumbent and bound.
const run = (over: Partial<SolverRun>): SolverRun => ({
  solver: "x",
  status: "time-limit",
  seconds: 60,
  trajectory: [],
  ...over,
});

describe("benchmark gap times", () => {
  it("measures the gap as HiGHS does, in either sense", () => {
    expect(gapOf(100, 102)).toBeCloseTo(0.02, 12);
    expect(gapOf(-100, -102)).toBeCloseTo(0.02, 12);
    expect(gapOf(100, null)).toBeUndefined();
    expect(gapOf(0, 0)).toBe(0);
  });

  it("takes the first report within the gap, not a later one", () => {
    const r = run({
      trajectory: [
        [1, null, 120],
        [2, 90, 120],
        [5, 99.6, 100.4],
        [9, 99.9, 100],
      ],
    });
    expect(timeToGap(r, 0.01)).toBe(5);
    expect(timeToGap(r, 0.005)).toBe(9);
    expect(timeToGap(r, 1e-4)).toBeUndefined();
  });

  it("counts a proven optimum at its end when no report showed the gap", () => {
    expect(timeToGap(run({ status: "optimal", seconds: 12 }), 0.01)).toBe(12);
    expect(timeToGap(run({ objective: 99.9, bound: 100 }), 0.01)).toBe(60);
    expect(timeToGap(run({ objective: 90, bound: 100 }), 0.01)).toBeUndefined();
  });
});
