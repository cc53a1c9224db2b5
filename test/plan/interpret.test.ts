import { describe, expect, it } from "vitest";
import { solveScenario } from "../../src/plan/solve.js";
import type { NpvBreakdown, Plan } from "../../src/plan/types.js";
import { bothYears, keepInItaly, npvAtBelvidere, npvAtCassino, plant, scenario } from "./scenarios.js";

const exact = { mipRelGap: 1e-9, explain: false };

function breakdownTotal(b: NpvBreakdown): number {
  return Object.values(b).reduce((sum, v) => sum + v, 0);
}

function expectClose(actual: number, expected: number, relative = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe("interpreting a solved plan", () => {
  it("reads the hand-checked optimum: Giulia moves to a reopened Belvidere", async () => {
    const plan = await solveScenario(scenario(), exact);
    expect(plan.status).toBe("optimal");
    expectClose(plan.npv, npvAtBelvidere);
    expect(plan.allocations).toEqual([
      {
        program: "giulia",
        plant: "belvidere",
        fromYear: 2026,
        toYear: 2027,
        newTooling: true,
        toolingCost: 20e6,
        volume: 260_000,
      },
    ]);
    expect(plan.plantEvents).toEqual([{ plant: "belvidere", year: 2026, event: "reopen", cost: 50e6 }]);
    const belvidere2027 = plan.plantYears.find((py) => py.plant === "belvidere" && py.year === 2027)!;
    expect(belvidere2027).toMatchObject({ operating: true, shifts: 2, volume: 130_000, capacity: 200_000 });
    expectClose(belvidere2027.utilisation, 0.65);
    const cassino2026 = plan.plantYears.find((py) => py.plant === "cassino" && py.year === 2026)!;
    expect(cassino2026).toMatchObject({ operating: true, shifts: 0, volume: 0 });
    expect(plan.unmet).toEqual([]);
  });

  it("splits the NPV into a breakdown that sums to it, each part priced by hand", async () => {
    const plan = await solveScenario(scenario(), exact);
    const b = plan.npvBreakdown;
    expectClose(breakdownTotal(b), plan.npv);
    expectClose(b.revenue, (50_000 * 45_000 + 80_000 * 50_000) * bothYears);
    expectClose(b.logistics, -(50_000 * 2000 + 80_000 * 300) * bothYears);
    expectClose(b.fixed, -(10e6 + 8e6) * bothYears);
    expectClose(b.shifts, -2 * 4e6 * bothYears);
    expect(b.openings).toBeCloseTo(-50e6, 3);
    expect(b.tooling).toBeCloseTo(-20e6, 3);
    expect(b.duties).toBe(0);
  });

  it("prices landed cost and duties per lane when a policy keeps the program in Italy", async () => {
    const plan = await solveScenario(
      scenario((s) => (s.policies = [keepInItaly])),
      exact,
    );
    expectClose(plan.npv, npvAtCassino);
    expectClose(breakdownTotal(plan.npvBreakdown), plan.npv);
    const toUs = plan.landedCost.find((c) => c.plant === "cassino" && c.market === "us")!;
    expect(toUs).toMatchObject({
      variable: 30_000,
      logistics: 2000,
      duty: 4500,
      total: 36_500,
      price: 50_000,
    });
    const lane = plan.dutiesByLane.find((d) => d.plant === "cassino" && d.market === "us")!;
    expectClose(lane.total, 2 * 80_000 * 4500);
    expectClose(lane.discounted, 80_000 * 4500 * bothYears);
    expect(plan.plantEvents).toEqual([]);
  });

  it("in serve-all mode reports minus the discounted cost, with the unmet penalty in the breakdown", async () => {
    // one shift at Cassino only, Belvidere forbidden: 30,000 Giulia a year go unmet at 100,000 each (dearer than building)
    const plan = await solveScenario(
      scenario((s) => {
        s.objective = { mode: "serve-all", unmetPenalty: 100_000 };
        s.policies = [{ id: "not-us", kind: "forbid-allocation", program: "giulia", plant: "belvidere" }];
        plant(s, "cassino").maxShifts = 1;
      }),
      exact,
    );
    expect(plan.status).toBe("optimal");
    expect(plan.npvBreakdown.revenue).toBe(0);
    expectClose(breakdownTotal(plan.npvBreakdown), plan.npv);
    const unmet = plan.unmet.reduce((sum, u) => sum + u.volume, 0);
    expectClose(unmet, 60_000);
    expectClose(plan.npvBreakdown.unmetPenalty, -30_000 * 100_000 * bothYears);
    expect(plan.invariants.every((i) => i.ok)).toBe(true);
  });

  it("carries the scenario's coordinates for the map, null where the scenario gives none", async () => {
    const plan = await solveScenario(
      scenario((s) => {
        Object.assign(plant(s, "cassino"), { lat: 41.5, lon: 13.733 });
        Object.assign(s.markets.find((m) => m.id === "us")!, { lat: 39.8, lon: -98.6 });
      }),
      exact,
    );
    expect(plan.places).toEqual({
      plants: { cassino: { lat: 41.5, lon: 13.733 }, belvidere: null },
      markets: { eu: null, us: { lat: 39.8, lon: -98.6 } },
    });
  });

  it("passes every invariant on the plans it builds", async () => {
    const plans: Plan[] = [
      await solveScenario(scenario(), exact),
      await solveScenario(
        scenario((s) => (s.policies = [keepInItaly])),
        exact,
      ),
    ];
    for (const plan of plans) {
      expect(plan.invariants.map((i) => i.name)).toEqual([
        "demand balance",
        "capacity",
        "shifts",
        "no flow from a closed plant",
        "built only where allocated",
        "policies hold",
        "NPV recomputed",
      ]);
      for (const check of plan.invariants) expect(check, check.detail).toMatchObject({ ok: true });
    }
  });
});
