import { describe, expect, it } from "vitest";
import { isProvenOptimum, type Solution } from "../src/solver/types.js";

const solution = (status: Solution["status"], objective: number, bound?: number): Solution => ({
  status,
  objective,
  x: new Float64Array(0),
  solver: "test",
  seconds: 0,
  ...(bound !== undefined ? { bound } : {}),
});

describe("a proven optimum", () => {
  it("is an optimal status whose bound meets its objective", () => {
    expect(isProvenOptimum(solution("optimal", 6e9, 6e9))).toBe(true);
    expect(isProvenOptimum(solution("optimal", 6e9, 6e9 + 1))).toBe(true);
    expect(isProvenOptimum(solution("optimal", -6e9, -6e9 - 1))).toBe(true);
  });

  it("is not a plan optimal only within its relative gap", () => {
    // HiGHS' default gap of 1e-4 on a €6bn NPV leaves up to €0.6m between plan and bound
    expect(isProvenOptimum(solution("optimal", 6e9, 6e9 + 120_000))).toBe(false);
    expect(isProvenOptimum(solution("optimal", 932_615, 932_000))).toBe(false);
    expect(isProvenOptimum(solution("optimal", 6e9, Number.NaN))).toBe(false);
  });

  it("is an LP's optimum, which reports no bound", () => {
    expect(isProvenOptimum(solution("optimal", 42))).toBe(true);
  });

  it("is never a solve that stopped", () => {
    expect(isProvenOptimum(solution("time-limit", 6e9, 6e9))).toBe(false);
    expect(isProvenOptimum(solution("infeasible", Number.NaN))).toBe(false);
  });
});
