import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  bestOf,
  runSensitivity,
  withDemandScaled,
  withDutyRate,
  withOpenCostScaled,
} from "../src/analysis/sensitivity.js";
import { listBuiltinScenarios, loadScenario } from "../src/domain/load.js";
import type { Scenario } from "../src/domain/scenario.js";
import { solveScenario } from "../src/plan/solve.js";

const ALFA = listBuiltinScenarios().filter((name) => name.startsWith("alfa/"));
const fileOf = (name: string) => new URL(`../data/scenarios/${name}.yaml`, import.meta.url);

/** Scenario-level fields that are settings, not data, and need no citation. */
const SETTINGS = new Set(["portello", "solver", "objective", "currency", "extends"]);
const ENTITY_LISTS = ["plants", "programs", "markets", "demand", "lanes", "duties"] as const;

function hasNumber(value: unknown): boolean {
  if (typeof value === "number") return true;
  if (value && typeof value === "object") return Object.values(value).some(hasNumber);
  return false;
}

/** The entity of the resolved scenario that a raw file entry describes (by id, program+market or from+to). */
function resolvedEntity(
  scenario: Scenario,
  list: (typeof ENTITY_LISTS)[number],
  raw: Record<string, unknown>,
) {
  const entries = scenario[list] as unknown as Record<string, unknown>[];
  return entries.find((e) =>
    list === "demand"
      ? e.program === raw.program && e.market === raw.market
      : list === "lanes"
        ? e.from === raw.from && e.to === raw.to
        : e.id === raw.id,
  );
}

function cited(cite: Record<string, unknown> | undefined, field: string): boolean {
  return Object.keys(cite ?? {}).some((key) => key === field || key.startsWith(`${field}.`));
}

describe("the built-in Alfa Romeo case", () => {
  it("ships a base case and the four variants", () => {
    expect(ALFA).toEqual(
      expect.arrayContaining([
        "alfa/base",
        "alfa/reopen-belvidere",
        "alfa/greenfield-us",
        "alfa/toluca-usmca",
        "alfa/italy-more-shifts",
      ]),
    );
  });

  it.each(ALFA)("%s loads, validates and spans at least ten years", async (name) => {
    const scenario = await loadScenario(`builtin:${name}`);
    expect(scenario.horizon.end - scenario.horizon.start + 1).toBeGreaterThanOrEqual(10);
    expect(scenario.markets.map((m) => m.id)).toEqual(["italy", "europe", "us", "china", "row"]);
  });

  it.each(ALFA)("%s cites every number it writes, from known sources", async (name) => {
    const scenario = await loadScenario(`builtin:${name}`);
    const raw = parse(readFileSync(fileOf(name), "utf8")) as Record<string, unknown>;
    const missing: string[] = [];
    for (const [field, value] of Object.entries(raw)) {
      if (SETTINGS.has(field) || ENTITY_LISTS.includes(field as never) || !hasNumber(value)) continue;
      if (field === "logistics") {
        const modes = (value as { modes?: Record<string, unknown> }).modes ?? {};
        for (const mode of Object.keys(modes))
          if (!cited(scenario.logistics.cite, `modes.${mode}`)) missing.push(`logistics.modes.${mode}`);
        continue;
      }
      if (!cited(scenario.cite, field)) missing.push(field);
    }
    for (const list of ENTITY_LISTS) {
      for (const entry of (raw[list] ?? []) as Record<string, unknown>[]) {
        const entity = resolvedEntity(scenario, list, entry);
        expect(entity, `${list} entry ${JSON.stringify(entry).slice(0, 60)}`).toBeDefined();
        for (const [field, value] of Object.entries(entry)) {
          if (field === "cite" || !hasNumber(value)) continue;
          if (!cited(entity!.cite as Record<string, unknown>, field))
            missing.push(`${list}/${entry.id ?? entry.program ?? entry.from}.${field}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // the loader rejects unknown source ids; check again here so this test stands on its own
    const known = new Set(scenario.sources.map((s) => s.id));
    const citations = [
      scenario.cite,
      scenario.logistics.cite,
      ...ENTITY_LISTS.flatMap((list) => (scenario[list] as { cite: Scenario["cite"] }[]).map((e) => e.cite)),
    ].flatMap((cite) => Object.values(cite));
    for (const citation of citations) for (const id of citation.sources ?? []) expect(known).toContain(id);
  });

  it("points plants at the atlas ids", async () => {
    const scenarios = await Promise.all(ALFA.map((name) => loadScenario(`builtin:${name}`)));
    const atlasIds = new Set(scenarios.flatMap((s) => s.plants.map((p) => p.atlasId).filter(Boolean)));
    for (const id of atlasIds)
      expect(["cassino", "pomigliano", "tychy", "melfi", "belvidere", "toluca", "mirafiori"]).toContain(id);
  });

  it.each(ALFA)("%s solves to a proven optimum whose invariants hold", async (name) => {
    const plan = await solveScenario(await loadScenario(`builtin:${name}`), { explain: false });
    expect(plan.status).toBe("optimal");
    expect(plan.invariants.length).toBeGreaterThan(0);
    expect(plan.invariants.filter((i) => !i.ok)).toEqual([]);
    expect(plan.allocations.some((a) => a.program === "e-segment")).toBe(true);
  });

  it("builds the E-segment car where each variant says", async () => {
    const plantOf = async (name: string) => {
      const plan = await solveScenario(await loadScenario(`builtin:${name}`), { explain: false });
      return plan.allocations.find((a) => a.program === "e-segment")?.plant;
    };
    expect(await plantOf("alfa/reopen-belvidere")).toBe("belvidere");
    expect(await plantOf("alfa/toluca-usmca")).toBe("toluca");
    expect(await plantOf("alfa/greenfield-us")).toBe("us-greenfield");
  });
});

describe("sensitivity of the US-plant question", () => {
  const optionsOf = async () => {
    const load = async (name: string) => {
      const scenario = await loadScenario(`builtin:${name}`);
      const plan = await solveScenario(scenario, { explain: false });
      return { id: name, name, scenario, npv: plan.npv };
    };
    return [await load("alfa/italy-more-shifts"), await load("alfa/reopen-belvidere")];
  };
  /** Belvidere's NPV minus Italy's: positive where the US plant is more attractive. */
  const usLead = (npv: Record<string, number>) =>
    npv["alfa/reopen-belvidere"]! - npv["alfa/italy-more-shifts"]!;

  it("moves the US plant's lead the way economics predicts", async () => {
    const options = await optionsOf();
    const baseline = usLead(Object.fromEntries(options.map((o) => [o.id, o.npv])));
    const report = await runSensitivity(options, [
      {
        id: "no-us-duty",
        parameter: "US duty on EU cars",
        value: "0%",
        apply: withDutyRate(["us-eu-deal-2025"], 0),
      },
      {
        id: "high-us-duty",
        parameter: "US duty on EU cars",
        value: "27.5%",
        apply: withDutyRate(["us-eu-deal-2025"], 0.275),
      },
      {
        id: "dear-reopen",
        parameter: "reopen cost",
        value: "+50%",
        apply: withOpenCostScaled("belvidere", 1.5),
      },
      {
        id: "more-us-cars",
        parameter: "US demand",
        value: "+30%",
        apply: withDemandScaled("e-segment", ["us"], 1.3),
      },
    ]);
    const lead = (id: string) => usLead(report.runs.find((r) => r.variation.id === id)!.npv);
    const slack = 1e-3 * Math.abs(options[0]!.npv); // the MIP gap
    // dropping the duty on EU-built cars cannot make a US plant more attractive; raising it cannot make it less
    expect(lead("no-us-duty")).toBeLessThanOrEqual(baseline + slack);
    expect(lead("high-us-duty")).toBeGreaterThanOrEqual(baseline - slack);
    // a dearer reopening lowers only Belvidere's NPV; Italy is not even re-solved
    expect(lead("dear-reopen")).toBeLessThan(baseline);
    expect(report.runs.find((r) => r.variation.id === "dear-reopen")!.resolved).toEqual([
      "alfa/reopen-belvidere",
    ]);
    // more US buyers favour the plant that sells to them without a duty
    expect(lead("more-us-cars")).toBeGreaterThanOrEqual(baseline - slack);
  });

  it("reuses baseline NPVs for options a change does not touch, and ranks ties by listing order", async () => {
    const scenario = { id: "x" } as unknown as Scenario;
    let solves = 0;
    const report = await runSensitivity(
      [
        { id: "a", name: "A", scenario, npv: 10 },
        { id: "b", name: "B", scenario: { id: "y" } as unknown as Scenario, npv: 8 },
      ],
      [
        {
          id: "v",
          parameter: "p",
          value: "v",
          apply: (s) => (s.id === "y" ? ({ id: "y2" } as unknown as Scenario) : s),
        },
      ],
      async () => {
        solves++;
        return 12;
      },
    );
    expect(solves).toBe(1);
    expect(report.runs[0]).toMatchObject({ winner: "b", flips: true, margin: 2, resolved: ["b"] });
    expect(report.robust).toBe(false);
    expect(bestOf({ a: 1, b: 1 }).winner).toBe("a");
  });
});
