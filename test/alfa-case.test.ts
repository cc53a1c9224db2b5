import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyParameter, baselineValue, currencyOf, withHorizonEnd } from "../src/analysis/parameters.js";
import { SensitivityProbe, bestOf } from "../src/analysis/sensitivity.js";
import { listBuiltinScenarios, loadScenario } from "../src/domain/load.js";
import type { ParameterChange } from "../src/domain/question.js";
import type { Scenario } from "../src/domain/scenario.js";
import { solveScenario } from "../src/plan/solve.js";

const ALFA = listBuiltinScenarios().filter((name) => name.startsWith("alfa/"));
const fileOf = (name: string) => new URL(`../data/scenarios/${name}.yaml`, import.meta.url);

/** Scenario-level fields that are settings, not data, and need no citation. */
const SETTINGS = new Set(["portello", "solver", "objective", "currency", "extends"]);
const ENTITY_LISTS = ["plants", "programs", "markets", "demand", "lanes", "duties", "partsDuties"] as const;

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
        "alfa/reopen-belvidere-multi-source",
        "alfa/toluca-usmca-multi-source",
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
    expect(await plantOf("alfa/reopen-belvidere-multi-source")).toBe("belvidere");
  });

  it("lets the multi-source variants build the next Giulia and Stelvio in two plants, never worse than one", async () => {
    for (const [single, multi] of [
      ["alfa/reopen-belvidere", "alfa/reopen-belvidere-multi-source"],
      ["alfa/toluca-usmca", "alfa/toluca-usmca-multi-source"],
    ] as const) {
      const a = await solveScenario(await loadScenario(`builtin:${single}`), { explain: false });
      const b = await solveScenario(await loadScenario(`builtin:${multi}`), { explain: false });
      // a relaxation: every single-sourced plan is a dual-sourced plan too (up to the MIP gap)
      expect(b.npv).toBeGreaterThanOrEqual(a.npv - 1e-4 * Math.abs(a.npv));
      for (const program of ["giulia-next", "stelvio-next"]) {
        const plants = new Set(b.allocations.filter((x) => x.program === program).map((x) => x.plant));
        expect(plants.size).toBeGreaterThanOrEqual(1);
        expect(plants.size).toBeLessThanOrEqual(2);
      }
    }
  });

  it("gives Belvidere's Alfa line its own crew: a shift cost paid in every operating year", async () => {
    const scenario = await loadScenario("builtin:alfa/reopen-belvidere");
    const belvidere = scenario.plants.find((p) => p.id === "belvidere")!;
    expect(belvidere.shiftCost).toBeGreaterThan(0);
    expect(belvidere.reservedVolume).toEqual({});
    const plan = await solveScenario(scenario, { explain: false });
    const years = plan.plantYears.filter((py) => py.plant === "belvidere" && py.volume > 0);
    expect(years.length).toBeGreaterThan(0);
    for (const py of years) expect(py.shifts).toBeGreaterThanOrEqual(1);
  });
});

describe("tested parameters on the Alfa Romeo case", () => {
  const slack = (npv: number) => 1e-4 * Math.abs(npv) + 1; // the MIP gap

  it("holds demand flat after the old horizon when the horizon is extended", async () => {
    const base = await loadScenario("builtin:alfa/base");
    const longer = withHorizonEnd(base, base.horizon.end + 3);
    expect(base.horizon.end).toBe(2037); // the extension below reads the file's own last year
    const plan = await solveScenario(longer, { explain: false });
    const demandIn = (year: number) =>
      plan.flows
        .filter((f) => f.program === "e-segment" && f.year === year)
        .reduce((s, f) => s + f.volume, 0) +
      plan.unmet
        .filter((u) => u.program === "e-segment" && u.year === year)
        .reduce((s, u) => s + u.volume, 0);
    const last = base.horizon.end;
    expect(demandIn(last)).toBeGreaterThan(0);
    expect(demandIn(last + 3)).toBeCloseTo(demandIn(last), 6);
    expect(plan.plantYears.some((py) => py.year === last + 3)).toBe(true);
    // the original scenario is untouched
    expect(base.horizon.end).toBe(last);
  });

  it("sets a plant's overtime and the salvage life, the two features the case tests", async () => {
    const scenario = await loadScenario("builtin:alfa/reopen-belvidere");
    const overtime: ParameterChange = { kind: "plant-overtime", plant: "cassino", field: "maxShare" };
    const life: ParameterChange = { kind: "salvage-life" };
    const overtimeAt = (plan: Awaited<ReturnType<typeof solveScenario>>) =>
      plan.plantYears.filter((py) => py.plant === "cassino").reduce((s, py) => s + (py.overtime ?? 0), 0);
    const base = await solveScenario(scenario, { explain: false });
    const noOvertime = await solveScenario(applyParameter(overtime, 0)(scenario), { explain: false });
    expect(overtimeAt(noOvertime)).toBe(0);
    expect(noOvertime.npv).toBeLessThanOrEqual(base.npv + slack(base.npv));
    // a line that serves only its nine years to 2037 is worth nothing after it
    expect(base.npvBreakdown.terminalValue).toBeGreaterThan(0);
    const noSalvage = await solveScenario(applyParameter(life, 9)(scenario), { explain: false });
    expect(noSalvage.npvBreakdown.terminalValue).toBeCloseTo(0, 0);
  });

  it("prices Belvidere in dollars and its EU parts at the parts duty, the two changes the case tests", async () => {
    const scenario = await loadScenario("builtin:alfa/reopen-belvidere");
    const dollar: ParameterChange = { kind: "fx-rate", currency: "USD" };
    const partsDuty: ParameterChange = { kind: "parts-duty-rate", duties: ["us-on-eu-parts"] };
    expect(baselineValue(dollar, scenario)).toBe(0.87);
    expect(currencyOf({ kind: "plant-field", plant: "belvidere", field: "openCost" }, scenario)).toBe("USD");
    expect(currencyOf({ kind: "plant-field", plant: "cassino", field: "openCost" }, scenario)).toBe("EUR");
    const usCar = (plan: Awaited<ReturnType<typeof solveScenario>>) =>
      plan.landedCost.find((c) => c.program === "e-segment" && c.plant === "belvidere" && c.market === "us")!;
    const eSegment = scenario.programs.find((p) => p.id === "e-segment")!;
    // a weaker dollar makes the same dollar cost fewer euros
    const weak = await solveScenario(applyParameter(dollar, 0.76)(scenario), { explain: false });
    expect(usCar(weak).variable).toBeCloseTo(eSegment.variableCostByPlant.belvidere! * 0.76, 6);
    // a US-built car sold in the US pays no vehicle duty, only the duty on its EU parts
    const base = await solveScenario(scenario, { explain: false });
    const euShare = eSegment.contentByPlant.belvidere!.eu!;
    expect(usCar(base).duty).toBeCloseTo(euShare * 0.15 * eSegment.customsValueByPlant.belvidere! * 0.87, 6);
    const free = await solveScenario(applyParameter(partsDuty, 0)(scenario), { explain: false });
    expect(usCar(free).duty).toBe(0);
    expect(free.npv).toBeGreaterThan(base.npv);
  });

  it("charges a lane duty on cars from the given origin only", async () => {
    const scenario = await loadScenario("builtin:alfa/reopen-belvidere");
    const change: ParameterChange = { kind: "lane-duty", from: ["US"], to: ["china"] };
    const plan = await solveScenario(applyParameter(change, 0.16)(scenario), { explain: false });
    // Belvidere's money is in dollars; its cars also carry the US duty on their EU parts
    const eSegment = scenario.programs.find((p) => p.id === "e-segment")!;
    const dollars = scenario.fx.USD as number;
    const customsValue = eSegment.customsValueByPlant.belvidere! * dollars;
    const partsDuty = eSegment.contentByPlant.belvidere!.eu! * scenario.partsDuties[0]!.rate;
    const toChina = plan.landedCost.find((c) => c.program === "e-segment" && c.market === "china");
    expect(toChina?.plant).toBe("belvidere");
    expect(toChina!.duty).toBeCloseTo((0.16 + partsDuty) * customsValue, 6);
    // an Italian-built car to China still pays the scenario's own rate
    const fromItaly = plan.landedCost.find((c) => c.plant === "cassino" && c.market === "china");
    const mfn = scenario.duties.find((d) => d.id === "china-mfn")!.rate;
    const program = scenario.programs.find((p) => p.id === fromItaly!.program)!;
    expect(fromItaly!.duty).toBeCloseTo(mfn * program.customsValue!, 6);
  });

  it("brackets the Belvidere line cost's break-even where the economics put it", async () => {
    const load = async (name: string, answer: string) => {
      const scenario = await loadScenario(`builtin:${name}`);
      const plan = await solveScenario(scenario, { explain: false });
      return { id: name, answer, scenario, npv: plan.npv, plan };
    };
    const italy = await load("alfa/italy-more-shifts", "no");
    const us = await load("alfa/reopen-belvidere-multi-source", "yes");
    const probe = new SensitivityProbe([italy, us]);
    const change: ParameterChange = { kind: "plant-field", plant: "belvidere", field: "openCost" };
    const baseline = us.scenario.plants.find((p) => p.id === "belvidere")!.openCost!;
    const tolerance = 5e6;
    const study = await probe.study((v) => applyParameter(change, v), baseline, [], {
      from: 0,
      to: 2 * baseline,
      tolerance,
    });
    // the opening is forced (the E-segment is fixed at Belvidere) and nothing else depends on its cost, so
    // the NPV is linear in it (its phased payments and its salvage): two solves give the slope, and the
    // break-even is where that slope closes the gap between the two options
    const atZero = await solveScenario(applyParameter(change, 0)(us.scenario), { explain: false });
    const factor = (atZero.npv - us.npv) / baseline;
    const gap = us.npv - italy.npv; // negative where Italy leads
    const expected = baseline + gap / factor;
    if (expected < 0 || expected > 2 * baseline) {
      expect(study.breakEvens).toEqual([]);
      return;
    }
    expect(study.breakEvens).toHaveLength(1);
    const [found] = study.breakEvens;
    expect(Math.abs(found!.flips - found!.holds)).toBeLessThanOrEqual(tolerance);
    const width = (slack(italy.npv) + slack(us.npv)) / factor;
    expect(Math.min(found!.holds, found!.flips) - width).toBeLessThanOrEqual(expected);
    expect(Math.max(found!.holds, found!.flips) + width).toBeGreaterThanOrEqual(expected);
    expect(found!.winner).toBe(gap < 0 ? us.id : italy.id);
    // only the Belvidere option was re-solved: Italy has no Belvidere
    expect(study.evaluations.every((e) => e.resolved.join() === us.id)).toBe(true);
  });

  it("moves the US plant's lead the way economics predicts", async () => {
    const load = async (name: string, answer: string) => {
      const scenario = await loadScenario(`builtin:${name}`);
      return { id: name, answer, scenario, npv: (await solveScenario(scenario, { explain: false })).npv };
    };
    const options = [await load("alfa/italy-more-shifts", "no"), await load("alfa/reopen-belvidere", "yes")];
    const probe = new SensitivityProbe(options);
    const usLead = (npv: Record<string, number>) =>
      npv["alfa/reopen-belvidere"]! - npv["alfa/italy-more-shifts"]!;
    const baseline = usLead(Object.fromEntries(options.map((o) => [o.id, o.npv])));
    const duty: ParameterChange = { kind: "duty-rate", duties: ["us-eu-deal-2025"] };
    const demand: ParameterChange = { kind: "demand-scale", program: "e-segment", markets: ["us"] };
    const lead = async (change: ParameterChange, value: number) =>
      usLead((await probe.evaluate(value, applyParameter(change, value))).npv);
    const gap = slack(options[0]!.npv) + slack(options[1]!.npv);
    // dropping the duty on EU-built cars cannot make a US plant more attractive; raising it cannot make it less
    expect(await lead(duty, 0)).toBeLessThanOrEqual(baseline + gap);
    expect(await lead(duty, 0.275)).toBeGreaterThanOrEqual(baseline - gap);
    // more US buyers favour the plant that sells to them without a duty
    expect(await lead(demand, 1.3)).toBeGreaterThanOrEqual(baseline - gap);
  });

  it("keeps baseline NPVs for options a value does not touch, and ranks ties by listing order", async () => {
    const scenario = { id: "x" } as unknown as Scenario;
    let solves = 0;
    const probe = new SensitivityProbe(
      [
        { id: "a", answer: "no", scenario, npv: 10 },
        { id: "b", answer: "yes", scenario: { id: "y" } as unknown as Scenario, npv: 8 },
      ],
      async () => {
        solves++;
        return 12;
      },
    );
    const result = await probe.evaluate(1, (s) => (s.id === "y" ? ({ id: "y2" } as unknown as Scenario) : s));
    expect(solves).toBe(1);
    expect(result).toMatchObject({ winner: "b", flips: true, lead: 2, resolved: ["b"], runnerUp: "a" });
    expect(bestOf({ a: 1, b: 1 }).winner).toBe("a");
  });
});
