import { describe, expect, it } from "vitest";
import { formatPlanReport } from "../../src/cli/commands/plan-report.js";
import type { ScenarioInput } from "../../src/domain/scenario.js";
import { buildModel } from "../../src/model/build.js";
import { economicsOf } from "../../src/plan/economics.js";
import { explainPlan, heldBySolver } from "../../src/plan/explain.js";
import { solveScenario } from "../../src/plan/solve.js";
import { HighsSolver } from "../../src/solver/highs.js";
import type { Solution } from "../../src/solver/types.js";
import { keepInItaly, plant, scenario } from "./scenarios.js";

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

/**
 * Giulia's explanation when each re-solve finds the true optimum but reports it as `status` with its bound `above`
 * the plan (as a solve stopped early, or optimal only within its gap, would).
 */
async function giuliaAgainst(status: Solution["status"], above: number) {
  const s = scenario();
  const plan = await solveScenario(s, { ...exact, explain: false });
  const built = buildModel(s);
  const held = heldBySolver(built, new HighsSolver(), exact);
  const reported = async (columns: number[]): Promise<Solution> => {
    const solution = await held(columns);
    return { ...solution, status, bound: solution.objective + above };
  };
  const explanations = await explainPlan(plan, {
    scenario: s,
    built,
    econ: economicsOf(built.inputs),
    solveHeld: reported,
  });
  return explanations.find((e) => e.subject === "Giulia")!;
}

describe("explanations against a re-solve that was not proven optimal", () => {
  it("report the proven interval of the advantage, never a difference", async () => {
    const why = await giuliaAgainst("time-limit", 10e6);
    expect(why.npvAdvantage).toBeUndefined();
    const [low, high] = why.npvAdvantageBetween!;
    expect(high - low).toBeCloseTo(10e6, 3);
    expect(why.text).toMatch(
      /^Giulia → Belvidere: between €732\.3m and €742\.3m better NPV \(the alternative was not proven optimal\) than Cassino/,
    );
  });
});

describe("explanations against a re-solve optimal only within its gap", () => {
  it("report the interval up to the re-solve's bound, not a difference", async () => {
    // as HiGHS reports a MIP stopped by its relative gap: optimal, its bound €0.5m above its plan
    const why = await giuliaAgainst("optimal", 0.5e6);
    expect(why.npvAdvantage).toBeUndefined();
    const [low, high] = why.npvAdvantageBetween!;
    expect(high - low).toBeCloseTo(0.5e6, 3);
    expect(why.text).toMatch(
      /^Giulia → Belvidere: between €741\.8m and €742\.3m better NPV \(the alternative is proven optimal only within the solve's gap\) than Cassino/,
    );
  });
});

describe("the report of a plan not proven within its gap", () => {
  it("says why it has no explanations instead of leaving them out", async () => {
    const plan = await solveScenario(scenario(), exact);
    expect(formatPlanReport(plan)).toContain("Why\n  - Giulia → Belvidere");
    // as a solve stopped by its time limit returns it: a plan, no explanations (plan/solve.ts)
    const stopped = { ...plan, status: "time-limit" as const, explanations: [] };
    expect(formatPlanReport(stopped)).toContain(
      "Why: not explained — the plan is not proven within the gap asked",
    );
  });
});

/** Citations on the two-plant case: some assumed, some sourced, some on things no decision touches. */
function cited(s: ScenarioInput): void {
  const assumed = (why: string) => ({ assumption: `${why}, for the test` });
  plant(s, "belvidere").cite = { openCost: assumed("a new line"), lat: assumed("the town") };
  plant(s, "cassino").cite = {
    fixedCost: { sources: ["annual-report"] },
    shiftCost: assumed("Italian labour"),
  };
  s.programs[0]!.cite = { tooling: assumed("dies and fixtures"), sop: { sources: ["press"] } };
  s.demand![1]!.cite = { volume: assumed("US growth plan") };
  s.lanes![3]!.cite = { costPerVehicle: assumed("rail to the coasts") };
  s.markets[0]!.cite = { lat: assumed("Frankfurt") };
  s.duties![0]!.cite = { rate: assumed("today's deal") };
  // a later duty outside the horizon: it never prices a flow
  s.duties!.push({
    id: "later",
    from: ["IT"],
    to: ["us"],
    rate: 0.3,
    validFrom: 2030,
    cite: { rate: assumed("no deal") },
  });
}

describe("what a decision hinges on", () => {
  it("lists the assumed figures of the program, both plants weighed, and the demand, lanes and duties of their flows", async () => {
    const plan = await solveScenario(scenario(cited), exact);
    const why = plan.explanations.find((e) => e.subject === "Giulia")!;
    expect(why.hingesOn).toEqual([
      "Belvidere openCost (assumption)",
      "Cassino shiftCost (assumption)",
      "Giulia tooling (assumption)",
      "Giulia demand volume (assumption)",
      "Belvidere → United States lane costPerVehicle (assumption)",
      "duty us-on-eu rate (assumption)",
    ]);
    const reopening = plan.explanations.find((e) => e.subject === "Belvidere")!;
    expect(reopening.hingesOn).toEqual(["Belvidere openCost (assumption)"]);
  });

  it("names the plant's location where a lane cost is derived from it, and the mode's rates", async () => {
    const plan = await solveScenario(
      scenario((s) => {
        cited(s);
        s.lanes = s.lanes!.filter((l) => !(l.from === "belvidere" && l.to === "eu"));
        plant(s, "belvidere").lat = 42.26;
        plant(s, "belvidere").lon = -88.84;
        Object.assign(s.markets[0]!, { lat: 50.11, lon: 8.68 });
        s.logistics = {
          modes: { sea: { fixedPerVehicle: 350, perKm: 0.09 } },
          cite: { "modes.sea": { assumption: "Ro-Ro rates, for the test" } },
        };
      }),
      exact,
    );
    const why = plan.explanations.find((e) => e.subject === "Giulia")!;
    expect(why.hingesOn).toEqual(
      expect.arrayContaining([
        "logistics modes.sea (assumption)",
        "Belvidere location (assumption)",
        "Europe location (assumption)",
      ]),
    );
    expect(new Set(why.hingesOn).size).toBe(why.hingesOn!.length);
  });

  it("leaves it out where a policy decided, and groups it by entity in the report", async () => {
    const fixed = await solveScenario(
      scenario((s) => {
        cited(s);
        s.policies = [keepInItaly];
      }),
      exact,
    );
    expect(fixed.explanations.find((e) => e.subject === "Giulia")!.hingesOn).toBeUndefined();

    const report = formatPlanReport(await solveScenario(scenario(cited), exact));
    expect(report).toContain(
      "    hinges on assumptions: Belvidere openCost; Cassino shiftCost; Giulia tooling; Giulia demand volume;",
    );
  });
});
