import { describe, expect, it } from "vitest";
import { solveScenario } from "../../src/plan/solve.js";
import { keepInItaly, plant, scenario } from "./scenarios.js";

describe("infeasibility in domain words", () => {
  it("names the plant, its max shifts, the volume and the policy that cannot all hold", async () => {
    const plan = await solveScenario(
      scenario((s) => {
        s.objective = { mode: "serve-all" };
        s.policies = [keepInItaly];
        plant(s, "cassino").maxShifts = 1;
      }),
    );
    expect(plan.status).toBe("infeasible");
    expect(plan.infeasibility!.reasons).toEqual([
      "Cassino (1 shift max, 100,000 vehicles a year) cannot build the 130,000 Giulia a year that policy " +
        "'keep Giulia in Italy' requires in 2026–2027: 30,000 short",
    ]);
    expect(plan.invariants).toEqual([]);
  });

  it("names a budget cap and the investment the plan needs", async () => {
    // Cassino's one shift cannot carry Giulia, so Belvidere must reopen (50m) and tool up (20m)
    const plan = await solveScenario(
      scenario((s) => {
        s.objective = { mode: "serve-all" };
        plant(s, "cassino").maxShifts = 1;
        s.policies = [{ id: "cap", kind: "budget-cap", name: "capex freeze", maxInvestment: 30e6 }];
      }),
    );
    expect(plan.status).toBe("infeasible");
    expect(plan.infeasibility!.reasons).toEqual([
      "policy 'capex freeze' allows €30m of investment, but the cheapest plan that meets the other requirements needs €70m",
    ]);
  });

  it("names a minimum-volume policy that the demand cannot fill", async () => {
    const plan = await solveScenario(
      scenario((s) => {
        s.policies = [
          keepInItaly,
          { id: "busy", kind: "min-volume", name: "keep Cassino busy", plant: "cassino", volume: 150_000 },
        ];
      }),
    );
    expect(plan.status).toBe("infeasible");
    expect(plan.infeasibility!.reasons).toEqual([
      "policy 'keep Cassino busy' requires 150,000 Giulia at Cassino a year, but at most 130,000 can be built and sold there in 2026–2027",
    ]);
  });
});
