import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Scenario, type ScenarioInput } from "../../src/domain/scenario.js";
import { deriveInputs } from "../../src/model/inputs.js";
import { buildFromInputs } from "../../src/model/build.js";
import { economicsOf } from "../../src/plan/economics.js";
import { interpretSolution } from "../../src/plan/interpret.js";
import { HighsSolver } from "../../src/solver/highs.js";
import { checkInvariants, recomputeNpv } from "../../src/plan/invariants.js";
import { solveScenario } from "../../src/plan/solve.js";
import type { Plan } from "../../src/plan/types.js";
import { keepInItaly, npvAtBelvidere, scenario } from "./scenarios.js";

type PolicyInput = NonNullable<ScenarioInput["policies"]>[number];

/** The solved two-plant plan (under the given policies), and a checker over a tampered copy of it. */
async function solvedPlan(policies: PolicyInput[] = [], changes: (s: ScenarioInput) => void = () => {}) {
  const s = scenario((input) => {
    input.policies = policies;
    changes(input);
  });
  const plan = await solveScenario(s, { mipRelGap: 1e-9, explain: false });
  const check = (tamper: (copy: Plan) => void) => {
    const copy = structuredClone(plan);
    tamper(copy);
    return Object.fromEntries(checkInvariants(copy, s).map((r) => [r.name, r]));
  };
  return { plan, s, check };
}

describe("invariants on a plan", () => {
  it("recompute the NPV from the plan's own volumes and decisions", async () => {
    const { plan, s } = await solvedPlan();
    expect(Math.abs(recomputeNpv(plan, s) - npvAtBelvidere)).toBeLessThan(1e-6 * npvAtBelvidere);
  });

  it("catch a flow that over-serves demand, and the NPV it would add", async () => {
    const { check } = await solvedPlan();
    const result = check((p) => {
      p.flows.find((f) => f.market === "us" && f.year === 2027)!.volume += 1000;
    });
    expect(result["demand balance"]!.ok).toBe(false);
    expect(result["demand balance"]!.detail).toContain("giulia in us 2027");
    expect(result["NPV recomputed"]!.ok).toBe(false);
    expect(result.capacity!.ok).toBe(true);
  });

  it("catch a plant that builds more than its shifts allow", async () => {
    const { check } = await solvedPlan();
    const result = check((p) => {
      p.plantYears.find((py) => py.plant === "belvidere" && py.year === 2026)!.shifts = 1;
    });
    expect(result.capacity!.ok).toBe(false);
    expect(result.capacity!.detail).toContain("belvidere 2026: 130,000 built");
  });

  it("catch shifts beyond the maximum and flow from a plant that does not operate", async () => {
    const { check } = await solvedPlan();
    const result = check((p) => {
      const py = p.plantYears.find((r) => r.plant === "belvidere" && r.year === 2027)!;
      py.operating = false;
      py.shifts = 3;
    });
    expect(result.shifts!.ok).toBe(false);
    expect(result["no flow from a closed plant"]!.ok).toBe(false);
    expect(result["no flow from a closed plant"]!.detail).toContain("from belvidere to us in 2027");
  });

  it("catch production where the program is not allocated", async () => {
    const { check } = await solvedPlan();
    const result = check((p) => {
      p.flows.push({ program: "giulia", plant: "cassino", market: "eu", year: 2026, volume: 10 });
    });
    expect(result["built only where allocated"]!.ok).toBe(false);
    expect(result["built only where allocated"]!.detail).toContain("giulia built at cassino in 2026");
  });
});

const forbidUs = { id: "no-us", kind: "forbid-allocation", program: "giulia", plant: "belvidere" } as const;
const italyOnly: PolicyInput = {
  id: "italy",
  kind: "restrict-to-countries",
  program: "giulia",
  countries: ["IT"],
};
const keepBelvidere = { id: "keep", kind: "keep-open", plant: "belvidere", from: 2026, to: 2027 } as const;
const budget = (maxInvestment: number, window: { from?: number; to?: number } = {}) =>
  ({ id: "budget", kind: "budget-cap", maxInvestment, ...window }) as const;
const minAtBelvidere = {
  id: "min",
  kind: "min-volume",
  plant: "belvidere",
  program: "giulia",
  volume: 100_000,
} as const;
/** Belvidere must first gain the Giorgio platform, for €30m paid at the start of the horizon. */
const belvidereNeedsConversion = (s: ScenarioInput) => {
  const belvidere = s.plants.find((p) => p.id === "belvidere")!;
  belvidere.platforms = [];
  belvidere.platformConversion = { giorgio: 30e6 };
};

describe("policies hold", () => {
  it.each([
    ["fix-allocation", [keepInItaly], "cassino"],
    ["forbid-allocation", [forbidUs], "cassino"],
    ["restrict-to-countries", [italyOnly], "cassino"],
    ["keep-open", [keepInItaly, keepBelvidere], "cassino"],
    ["budget-cap", [budget(60e6)], "cassino"],
    ["budget-cap outside its window", [budget(0, { from: 2027 })], "belvidere"],
    ["min-volume", [minAtBelvidere], "belvidere"],
  ] as [string, PolicyInput[], string][])("on a real solve under %s", async (_kind, policies, plant) => {
    const { plan } = await solvedPlan(policies);
    expect(plan.status).toBe("optimal");
    expect(plan.allocations.map((a) => a.plant)).toEqual([plant]);
    const check = plan.invariants.find((i) => i.name === "policies hold")!;
    expect(check).toMatchObject({ ok: true, detail: `${policies.length} policies respected` });
    expect(plan.invariants.every((i) => i.ok)).toBe(true);
  });

  it("catch a fixed allocation moved elsewhere", async () => {
    const { check } = await solvedPlan([keepInItaly]);
    const result = check((p) => (p.allocations[0]!.plant = "belvidere"))["policies hold"]!;
    expect(result.ok).toBe(false);
    expect(result.detail).toContain("policy 'keep Giulia in Italy': giulia is not allocated at cassino");
  });

  it("catch a forbidden allocation and one outside the allowed countries", async () => {
    const forbidden = await solvedPlan([forbidUs]);
    const atBelvidere = (p: Plan) => p.allocations.push({ ...p.allocations[0]!, plant: "belvidere" });
    expect(forbidden.check(atBelvidere)["policies hold"]!.detail).toContain(
      "policy 'no-us': giulia is allocated at belvidere",
    );
    const restricted = await solvedPlan([italyOnly]);
    const moved = restricted.check((p) => (p.allocations[0]!.plant = "belvidere"))["policies hold"]!;
    expect(moved.ok).toBe(false);
    expect(moved.detail).toContain("giulia is allocated at belvidere in US");
  });

  it("catch a kept-open plant that does not operate", async () => {
    const { check } = await solvedPlan([keepInItaly, keepBelvidere]);
    const result = check((p) => {
      const py = p.plantYears.find((r) => r.plant === "belvidere" && r.year === 2027)!;
      py.operating = false;
    })["policies hold"]!;
    expect(result.ok).toBe(false);
    expect(result.detail).toContain("policy 'keep': belvidere does not operate in 2027");
  });

  it("catch an investment above the budget cap, counting only what is paid in its window", async () => {
    const { check } = await solvedPlan([budget(60e6)]);
    const reopened = (p: Plan) =>
      p.plantEvents.push({ plant: "belvidere", year: 2026, event: "reopen", cost: 0 });
    // €20m tooling at Cassino + €50m reopening Belvidere, both in 2026
    expect(check(reopened)["policies hold"]!.detail).toContain(
      "70,000,000 invested in 2026–2027, above the cap of 60,000,000",
    );
    const later = await solvedPlan([budget(60e6, { from: 2027 })]);
    expect(later.check(reopened)["policies hold"]!.ok).toBe(true);
  });

  it("count platform conversions only where the cap's window holds the start of the horizon", async () => {
    // tooling €20m + reopening €50m + conversion €30m = €100m, all in 2026
    const { plan, s } = await solvedPlan([budget(100e6)], belvidereNeedsConversion);
    expect(plan.plantEvents.map((e) => e.event).sort()).toEqual(["platform", "reopen"]);
    expect(plan.invariants.every((i) => i.ok)).toBe(true);
    const under = (policy: PolicyInput) => {
      return checkInvariants(plan, { ...s, policies: [policy] }).find((r) => r.name === "policies hold")!;
    };
    expect(under(budget(99e6)).detail).toContain("100,000,000 invested in 2026–2027");
    expect(under(budget(0, { from: 2027 })).ok).toBe(true);
  });

  it("catch an allocated program built below the minimum volume, also in a year without any flow", async () => {
    const { check } = await solvedPlan([minAtBelvidere]);
    const short = check((p) => {
      p.flows = p.flows.filter((f) => !(f.market === "eu" && f.year === 2027));
    })["policies hold"]!;
    expect(short.ok).toBe(false);
    expect(short.detail).toContain("policy 'min': giulia builds 80,000 at belvidere in 2027, below 100,000");
    const none = check((p) => (p.flows = p.flows.filter((f) => f.year !== 2026)))["policies hold"]!;
    expect(none.detail).toContain("giulia builds 0 at belvidere in 2026");
  });
});

describe("policies hold, on the oracle's min-volume fixture", () => {
  it("would have caught the dropped min-volume row: the plan of the scenario without it fails the check", async () => {
    const file = new URL("../fixtures/oracle-failures/min-volume-without-demand.yaml", import.meta.url);
    const withPolicy = Scenario.parse(parse(readFileSync(file, "utf8")));
    // what the buggy builder solved: the policy had no row in 2031, the year without demand
    const dropped = await solveScenario({ ...withPolicy, policies: [] }, { mipRelGap: 1e-9, explain: false });
    expect(dropped.status).toBe("optimal");
    const result = checkInvariants(dropped, withPolicy).find((r) => r.name === "policies hold")!;
    expect(result.ok).toBe(false);
    expect(result.detail).toContain("policy 'least': p builds 0 at s in 2031, below 2,000");
  });
});

describe("the NPV check is independent of the model's tables", () => {
  /** Solves the scenario with one of the model's derived tables tampered, as a builder bug would. */
  async function planWithWrongTable(tamper: (inputs: ReturnType<typeof deriveInputs>) => void) {
    const s = scenario(() => {});
    const inputs = deriveInputs(s);
    tamper(inputs);
    const built = buildFromInputs(inputs);
    const solution = await new HighsSolver().solve(built.program, { mipRelGap: 1e-9 });
    const plan = interpretSolution(s, built, solution, economicsOf(inputs));
    return Object.fromEntries(checkInvariants(plan, s).map((r) => [r.name, r]));
  }

  it("fails a plan solved with a wrong duty table", async () => {
    // a 30 % duty on every lane, where the scenario has one only from Italy to the US
    const result = await planWithWrongTable((inputs) => inputs.dutyRate.fill(0.3));
    expect(result["NPV recomputed"]!.ok).toBe(false);
  });

  it("fails a plan solved with a wrong lane cost", async () => {
    const result = await planWithWrongTable((inputs) => {
      for (let i = 0; i < inputs.laneCost.length; i++) inputs.laneCost[i]! += 500;
    });
    expect(result["NPV recomputed"]!.ok).toBe(false);
  });

  it("passes the same plan solved with the true tables", async () => {
    const result = await planWithWrongTable(() => {});
    expect(result["NPV recomputed"]!.ok).toBe(true);
  });
});
