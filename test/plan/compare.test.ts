import { describe, expect, it } from "vitest";
import { comparePlans } from "../../src/analysis/compare.js";
import { formatComparison, formatPlanReport } from "../../src/cli/commands/plan-report.js";
import { loadScenario } from "../../src/domain/load.js";
import { solveScenario } from "../../src/plan/solve.js";
import { keepInItaly, npvAtBelvidere, npvAtCassino, scenario } from "./scenarios.js";

describe("comparing plans", () => {
  it("puts KPIs side by side and lists only the decisions that differ", async () => {
    const options = { mipRelGap: 1e-9, explain: false };
    const free = await solveScenario(scenario(), options);
    const italy = await solveScenario(
      scenario((s) => (s.policies = [keepInItaly])),
      options,
    );
    const comparison = comparePlans([free, italy]);

    expect(comparison.plans.map((p) => p.id)).toEqual(["two-plants", "two-plants"]);
    const kpi = (key: string) => comparison.kpis.find((k) => k.key === key)!.values;
    expect(kpi("npv")[0]).toBeCloseTo(npvAtBelvidere, 0);
    expect(kpi("npv")[1]).toBeCloseTo(npvAtCassino, 0);
    expect(kpi("investment")).toEqual([70e6, 20e6]);
    expect(kpi("volume")).toEqual([260_000, 260_000]);
    expect(kpi("unmet")).toEqual([0, 0]);

    expect(comparison.differences).toEqual([
      { kind: "allocation", subject: "giulia", values: ["belvidere 2026–2027", "cassino 2026–2027"] },
      { kind: "opening", subject: "belvidere", values: ["reopen 2026", "—"] },
      { kind: "shifts", subject: "belvidere", values: ["2026–2027: 2", "—"] },
      { kind: "shifts", subject: "cassino", values: ["—", "2026–2027: 2"] },
    ]);
  });

  it("finds no differences between a plan and itself", async () => {
    const plan = await solveScenario(scenario(), { explain: false });
    expect(comparePlans([plan, plan]).differences).toEqual([]);
  });

  it("gives the NPV change exactly between proven optima, else the interval the solves prove", async () => {
    const italy = await loadScenario("builtin:alfa/italy-more-shifts");
    const belvidere = await loadScenario("builtin:alfa/reopen-belvidere-multi-source");
    const solve = (s: typeof italy, mipRelGap: number) => solveScenario(s, { explain: false, mipRelGap });
    const exact = comparePlans([await solve(italy, 1e-9), await solve(belvidere, 1e-9)]);
    expect(exact.plans.map((p) => p.proven)).toEqual([true, true]);
    const [truth] = exact.npvChanges;
    expect(truth).toMatchObject({ plan: "alfa-reopen-belvidere-multi-source", proven: true });
    expect(truth!.least).toBeCloseTo(truth!.value, 0);
    expect(truth!.most).toBeCloseTo(truth!.value, 0);

    // within 5 %, HiGHS stops at the root with bounds above its plans: the optima lie between
    const gappedItaly = await solve(italy, 0.05);
    expect(formatPlanReport(gappedItaly)).toMatch(/\(status optimal, .*, the optimum at most €[\d,.]+m\)/);
    expect(formatPlanReport(await solve(italy, 1e-9))).not.toContain("the optimum at most");
    const gapped = comparePlans([gappedItaly, await solve(belvidere, 0.05)]);
    expect(gapped.plans.map((p) => p.proven)).toEqual([false, false]);
    const [open] = gapped.npvChanges;
    expect(open!.proven).toBe(false);
    expect(open!.least!).toBeLessThan(truth!.value);
    expect(open!.most!).toBeGreaterThan(truth!.value);
    expect(formatComparison(gapped)).toMatch(
      /alfa-reopen-belvidere-multi-source: -€[\d,.]+m between the plans; between the optima -€[\d,.]+m to -€[\d,.]+m \(not both proven optimal/,
    );
    expect(formatComparison(exact)).toContain("(both proven optimal)");
  });
});
