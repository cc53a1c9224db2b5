import { describe, expect, it } from "vitest";
import { solveScenario } from "../../src/plan/solve.js";
import { keepInItaly, scenario } from "./scenarios.js";

const exact = { mipRelGap: 1e-9 };

describe("explanations", () => {
  it("give each allocation's NPV advantage over the best alternative, equal to the two optima's difference", async () => {
    const plan = await solveScenario(scenario(), exact);
    const forbidBelvidere = {
      id: "no-us",
      kind: "forbid-allocation",
      program: "giulia",
      plant: "belvidere",
    } as const;
    const alternative = await solveScenario(
      scenario((s) => (s.policies = [forbidBelvidere])),
      { ...exact, explain: false },
    );

    const why = plan.explanations.find((e) => e.subject === "Giulia")!;
    expect(why.alternative).toBe("Cassino");
    expect(Math.abs(why.npvAdvantage! - (plan.npv - alternative.npv))).toBeLessThan(1e-6 * plan.npv);
    expect(why.text).toMatch(/^Giulia → Belvidere: €742\.3m better NPV than Cassino/);
    const duty = why.drivers.find((d) => d.label === "duty per vehicle")!;
    // at Cassino, the 80,000 US cars of 130,000 pay 15% of 30,000
    expect(duty.chosen).toBe(0);
    expect(duty.alternative).toBeCloseTo((80_000 * 4500) / 130_000, 6);
    const openings = why.drivers.find((d) => d.label === "openings")!;
    expect(openings).toMatchObject({ chosen: 50e6, alternative: 0 });
  });

  it("explain a reopening against keeping the plant idle", async () => {
    const plan = await solveScenario(scenario(), exact);
    const why = plan.explanations.find((e) => e.subject === "Belvidere")!;
    expect(why.decision).toBe("reopened in 2026");
    expect(why.alternative).toBe("keeping it idle");
    expect(why.npvAdvantage).toBeGreaterThan(0);
    expect(why.text).toContain("it builds Giulia");
  });

  it("say when a policy leaves no alternative", async () => {
    const plan = await solveScenario(
      scenario((s) => (s.policies = [keepInItaly])),
      exact,
    );
    const why = plan.explanations.find((e) => e.subject === "Giulia")!;
    expect(why.npvAdvantage).toBeUndefined();
    expect(why.text).toBe(
      "Giulia → Cassino: fixed by policy 'keep Giulia in Italy', so no alternative was weighed",
    );
  });

  it("say when forbidding the choice leaves no feasible plan", async () => {
    // serve-all without unmet demand, and only Belvidere has two shifts for the 130,000 a year
    const plan = await solveScenario(
      scenario((s) => {
        s.objective = { mode: "serve-all" };
        s.plants[0]!.maxShifts = 1;
      }),
      exact,
    );
    const why = plan.explanations.find((e) => e.subject === "Giulia")!;
    expect(why.text).toBe("Giulia → Belvidere: no feasible alternative");
  });

  it("name the policy that requires a reopening instead of weighing an alternative", async () => {
    const atBelvidere = {
      id: "us",
      kind: "fix-allocation",
      name: "build Giulia in the US",
      program: "giulia",
      plant: "belvidere",
    } as const;
    const plan = await solveScenario(
      scenario((s) => (s.policies = [atBelvidere])),
      exact,
    );
    const why = plan.explanations.find((e) => e.subject === "Belvidere")!;
    expect(why.text).toBe(
      "Belvidere reopened in 2026: required by policy 'build Giulia in the US', so no alternative was weighed",
    );
  });
});
