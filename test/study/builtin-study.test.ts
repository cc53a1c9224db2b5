import { describe, expect, it } from "vitest";
import { numbersAt } from "../../src/domain/scenario-path.js";
import { loadStudySpec } from "../../src/domain/study-spec.js";
import { baselineValue } from "../../src/study/run.js";
import { quantile } from "../../src/study/sampling.js";

describe("the built-in seed-question study", () => {
  it("loads, and each parameter reaches what it says in the options that have it", async () => {
    const { spec, scenarios } = await loadStudySpec("builtin:alfa-belvidere");
    const reached = (id: string) =>
      scenarios.map((s) => numbersAt(s, spec.parameters.find((p) => p.id === id)!.path).length);
    // options: italy, belvidere, belvidere-dual, toluca, greenfield
    expect(reached("belvidere-line-cost")).toEqual([0, 1, 1, 0, 0]);
    expect(reached("cassino-capacity")).toEqual([1, 1, 1, 1, 1]);
    expect(reached("e-segment-demand")).toEqual(new Array(5).fill(18)); // US and China, nine years each
    expect(reached("china-duty-us-cars")).toEqual([1, 1, 1, 1, 1]);
    expect(reached("dollar-rate")).toEqual([1, 1, 1, 1, 1]);
    expect(reached("us-duty-eu-parts")).toEqual([1, 1, 1, 1, 1]);
    // every range contains the value the scenarios hold today
    for (const p of spec.parameters) {
      const today = baselineValue(p, scenarios)!;
      expect(quantile(p.distribution, 1e-9), p.id).toBeLessThanOrEqual(today);
      expect(quantile(p.distribution, 1 - 1e-9), p.id).toBeGreaterThanOrEqual(today);
    }
    // Cassino's two capacity figures are the two sources' (300,000 and 250,000 a year over three shifts)
    const capacity = spec.parameters.find((p) => p.id === "cassino-capacity")!.distribution;
    expect(capacity).toMatchObject({ kind: "discrete", values: [100000, 83333] });
    expect(
      spec.parameters.every((p) =>
        "assumption" in p.cite ? p.cite.assumption.length > 40 : p.cite.sources.length > 0,
      ),
    ).toBe(true);
  });
});
