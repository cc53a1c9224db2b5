import { describe, expect, it } from "vitest";
import { comparePlans } from "../../src/analysis/compare.js";
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
});
