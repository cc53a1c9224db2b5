import { describe, expect, it } from "vitest";
import { CbcBounds } from "../src/solver/cbc.js";
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

/** a solution with a plan: one column, so that it is not empty */
const planned = (status: Solution["status"], objective: number): Solution => ({
  ...solution(status, objective),
  x: new Float64Array(1),
});

describe("CBC's bound, read from its log", () => {
  it("is the plan itself when the search completed", () => {
    const log = new CbcBounds(1);
    log.read(
      "Cbc0001I Search completed - best objective 932615.75, took 157 iterations and 0 nodes (0.09 seconds)",
    );
    expect(log.boundOf(planned("optimal", 932_615.75))).toBe(932_615.75);
  });

  it("lies the gap its ratio stopped at beyond the plan (a minimisation)", () => {
    const log = new CbcBounds(1);
    log.read("Cbc0011I Exiting as integer gap of 4369.45 less than 1e-10 or 2%");
    log.read(
      "Cbc0001I Search completed - best objective 946606.825, took 2107 iterations and 38 nodes (0.25 seconds)",
    );
    const bound = log.boundOf(planned("optimal", 946_606.825))!;
    // widened by the printing's rounding (six significant digits), never narrowed
    expect(bound).toBeLessThanOrEqual(946_606.825 - 4369.45);
    expect(bound).toBeGreaterThan(946_606.825 - 4369.45 * 1.001);
  });

  it("is the last best possible printed when its time limit stops it, in the model's sense when it maximises", () => {
    const log = new CbcBounds(-1);
    log.read(
      "Cbc0010I After 100 nodes, 61 on tree, -1.8534691e+10 best solution, best possible -2.1458e+10 (3.1 seconds)",
    );
    log.read(
      "Cbc0005I Partial search - best objective -1.8534691e+10 (best possible -2.1437639e+10), took 0 iterations and 0 nodes (5.12 seconds)",
    );
    const bound = log.boundOf(planned("time-limit", 18_534_690_736.65))!;
    expect(bound).toBeGreaterThanOrEqual(2.1437639e10);
    expect(bound).toBeLessThan(2.1437639e10 * 1.001);
  });

  it("is unknown when it stopped without a plan or without printing one", () => {
    const log = new CbcBounds(-1);
    expect(log.boundOf(planned("time-limit", 1e9))).toBeUndefined();
    log.read("Cbc0005I Partial search - best objective 1e+50 (best possible -2.1e+10), took 0 iterations");
    expect(log.boundOf(solution("time-limit", Number.NaN))).toBeUndefined();
  });
});
