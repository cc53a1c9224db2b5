import { describe, expect, it } from "vitest";
import { deriveInputs } from "../../src/model/inputs.js";
import { economicsOf } from "../../src/plan/economics.js";
import { checkInvariants, recomputeNpv } from "../../src/plan/invariants.js";
import { solveScenario } from "../../src/plan/solve.js";
import type { Plan } from "../../src/plan/types.js";
import { npvAtBelvidere, scenario } from "./scenarios.js";

/** The solved two-plant plan, and a checker over a tampered copy of it. */
async function solvedPlan() {
  const s = scenario();
  const plan = await solveScenario(s, { mipRelGap: 1e-9, explain: false });
  const econ = economicsOf(deriveInputs(s));
  const check = (tamper: (copy: Plan) => void) => {
    const copy = structuredClone(plan);
    tamper(copy);
    return Object.fromEntries(checkInvariants(copy, s, econ).map((r) => [r.name, r]));
  };
  return { plan, s, econ, check };
}

describe("invariants on a plan", () => {
  it("recompute the NPV from the plan's own volumes and decisions", async () => {
    const { plan, s, econ } = await solvedPlan();
    expect(Math.abs(recomputeNpv(plan, s, econ) - npvAtBelvidere)).toBeLessThan(1e-6 * npvAtBelvidere);
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
