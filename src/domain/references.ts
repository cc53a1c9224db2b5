import type { z } from "zod";
import type { ValidationIssue } from "./issues.js";
import { Demand, Duty, Lane, Logistics, Market, PartsDuty, Plant, Program, Scenario } from "./scenario.js";
import { allowedKeys } from "./schema-path.js";
import { didYouMean } from "./suggest.js";
import { formatPath, position, type Locate, type PathKey } from "./zod-issues.js";

/**
 * Checks a schema-valid scenario for what a schema cannot see: references between entities, years
 * against the horizon and program lives, shares that add up, citations of known sources.
 * Every problem is collected; nothing stops at the first.
 */

const SHARE_TOLERANCE = 1e-6;
const ISO_CODE = /^[A-Z]{2}$/;

class Findings {
  readonly issues: ValidationIssue[] = [];
  constructor(private readonly locate: Locate) {}

  add(path: PathKey[], expected: string, found: string, message: string, target: "key" | "value" = "value") {
    this.issues.push({
      ...position(this.locate(path, target)),
      path: formatPath(path),
      expected,
      found,
      message,
    });
  }

  /** `id` must be one of `known` (a Set of ids); reports "unknown <what> 'x' — did you mean 'y'?" */
  reference(
    path: PathKey[],
    id: string,
    known: Set<string>,
    what: string,
    target: "key" | "value" = "value",
  ) {
    if (known.has(id)) return;
    const hint = didYouMean(id, known);
    const list = known.size
      ? ` (known: ${[...known].slice(0, 8).join(", ")}${known.size > 8 ? ", …" : ""})`
      : "";
    this.add(
      path,
      `the id of a ${what} in this scenario`,
      `'${id}'`,
      `unknown ${what} '${id}'${hint || list}`,
      target,
    );
  }

  yearWithin(
    path: PathKey[],
    year: number,
    from: number,
    to: number,
    what: string,
    target: "key" | "value" = "value",
  ) {
    if (year >= from && year <= to) return;
    this.add(
      path,
      `a year from ${from} to ${to}`,
      String(year),
      `year ${year} lies outside ${what} (${from}–${to})`,
      target,
    );
  }
}

export function checkReferences(scenario: Scenario, locate: Locate): ValidationIssue[] {
  const f = new Findings(locate);
  const { start, end } = scenario.horizon;
  if (start > end)
    f.add(
      ["horizon", "end"],
      `a year ≥ start (${start})`,
      String(end),
      `the horizon ends (${end}) before it starts (${start})`,
    );

  const ids = {
    plants: uniqueIds(f, "plants", scenario.plants),
    programs: uniqueIds(f, "programs", scenario.programs),
    markets: uniqueIds(f, "markets", scenario.markets),
    sources: uniqueIds(f, "sources", scenario.sources),
    regions: new Set(Object.keys(scenario.regions)),
  };
  uniqueIds(f, "duties", scenario.duties);
  uniqueIds(f, "partsDuties", scenario.partsDuties);
  uniqueIds(f, "policies", scenario.policies);

  checkPlants(f, scenario, start, end);
  checkTerminalValue(f, scenario);
  checkCurrencies(f, scenario);
  checkPrograms(f, scenario, ids.plants);
  checkContent(f, scenario, ids.plants, ids.regions);
  checkMarkets(f, scenario, ids.regions);
  checkDemand(f, scenario, ids.programs, ids.markets);
  checkLanes(f, scenario, ids.plants, ids.markets);
  checkDuties(f, scenario, ids.markets, ids.regions);
  checkPartsDuties(f, scenario, ids.regions);
  checkPolicies(f, scenario, ids.plants, ids.programs);
  checkCitations(f, scenario, ids.sources);
  // contradictions are read through the references: only meaningful once those hold
  if (f.issues.length === 0) findContradictions(f, scenario);
  return f.issues;
}

/**
 * Decisions the scenario both forces and rules out: an allocation fixed (by policy or `builtAt`) where it
 * cannot exist, a plant kept open in a year it cannot operate. The model builder runs this too (without file
 * positions), for scenarios made in code.
 */
export function checkContradictions(
  scenario: Scenario,
  locate: Locate = () => ({ file: "<scenario>" }),
): ValidationIssue[] {
  const f = new Findings(locate);
  findContradictions(f, scenario);
  return f.issues;
}

function findContradictions(f: Findings, s: Scenario) {
  const { start, end } = s.horizon;
  const plants = new Map(s.plants.map((plant) => [plant.id, plant]));
  const firstYear = (plant: Scenario["plants"][number]) =>
    plant.status === "closed"
      ? Number.POSITIVE_INFINITY
      : plant.status === "active"
        ? start
        : Math.max(start, plant.earliestYear ?? start);
  s.policies.forEach((policy, i) => {
    if (policy.kind !== "keep-open") return;
    const plant = plants.get(policy.plant);
    const from = Math.max(start, policy.from ?? start);
    const to = Math.min(end, policy.to ?? end);
    if (!plant || from > to || from >= firstYear(plant)) return;
    f.add(
      ["policies", i],
      "years in which the plant can operate",
      String(from),
      `keep-open asks ${plant.id} to operate in ${from}, but it is ${plant.status === "closed" ? "closed" : `not available before ${plant.earliestYear}`}`,
    );
  });
  s.programs.forEach((program, p) => {
    const forced: { plant: string; by: string; path: PathKey[]; fixed: boolean }[] = [];
    program.builtAt.forEach((plant, k) => {
      forced.push({ plant, by: "builtAt", path: ["programs", p, "builtAt", k], fixed: false });
    });
    s.policies.forEach((policy, i) => {
      if (policy.kind === "fix-allocation" && policy.program === program.id)
        forced.push({
          plant: policy.plant,
          by: "a fix-allocation policy",
          path: ["policies", i],
          fixed: true,
        });
    });
    for (const { plant: id, by, path, fixed } of forced) {
      const plant = plants.get(id);
      if (!plant) continue;
      const why = whyImpossible(s, program, plant, fixed, firstYear(plant));
      if (why)
        f.add(
          path,
          "an allocation that can exist",
          `${program.id} at ${plant.id}`,
          `${by} puts ${program.id} at ${plant.id}, but ${why}`,
        );
    }
  });
}

/** Why program p cannot be built at the plant (docs/model.md, allocation[p,s]); undefined when it can. */
function whyImpossible(
  s: Scenario,
  program: Scenario["programs"][number],
  plant: Scenario["plants"][number],
  fixed: boolean,
  firstYear: number,
): string | undefined {
  const existing = program.builtAt.includes(plant.id);
  const policies = s.policies;
  if (
    policies.some((q) => q.kind === "forbid-allocation" && q.program === program.id && q.plant === plant.id)
  )
    return "a forbid-allocation policy excludes it";
  if (
    policies.some(
      (q) =>
        q.kind === "restrict-to-countries" &&
        q.program === program.id &&
        !q.countries.includes(plant.country),
    )
  )
    return "a restrict-to-countries policy excludes the plant's country";
  // a closed plant in builtAt is reported by the program checks
  if (plant.status === "closed") return existing ? undefined : "the plant is closed";
  const platformOk =
    existing ||
    plant.platforms.includes(program.platform) ||
    program.platform in plant.platformConversion ||
    s.programs.some((q) => q.platform === program.platform && q.builtAt.includes(plant.id));
  if (!platformOk) return "the plant neither has nor can add the program's platform";
  // a program built at a plant beyond its life inside the horizon is history, not a contradiction
  const lifeFrom = Math.max(program.sop, s.horizon.start, firstYear);
  const lifeTo = Math.min(program.eop, s.horizon.end);
  if (fixed && lifeFrom > lifeTo)
    return "the program's life and the plant's operating years do not overlap in the horizon";
  return undefined;
}

function uniqueIds(f: Findings, list: string, entries: readonly { id: string }[]): Set<string> {
  const first = new Map<string, number>();
  entries.forEach((entry, i) => {
    const earlier = first.get(entry.id);
    if (earlier === undefined) first.set(entry.id, i);
    else
      f.add(
        [list, i, "id"],
        `an id not used by another entry of ${list}`,
        `'${entry.id}'`,
        `duplicate id '${entry.id}': ${list}[${earlier}] has it too`,
      );
  });
  return new Set(first.keys());
}

function checkPlants(f: Findings, s: Scenario, start: number, end: number) {
  s.plants.forEach((plant, i) => {
    const at: PathKey[] = ["plants", i];
    if ((plant.status === "idle" || plant.status === "candidate") && plant.openCost === undefined)
      f.add(
        [...at, "openCost"],
        "openCost: the one-off cost to reopen or build it",
        "nothing",
        `an ${plant.status} plant needs openCost (the cost to ${plant.status === "idle" ? "reopen" : "build"} it)`,
      );
    if (plant.earliestYear !== undefined)
      f.yearWithin([...at, "earliestYear"], plant.earliestYear, start, end, "the horizon");
    for (const year of Object.keys(plant.reservedVolume))
      f.yearWithin([...at, "reservedVolume", year], Number(year), start, end, "the horizon", "key");
    sharesAddUp(f, [...at, "openCostPhasing"], plant.openCostPhasing);
  });
}

/** A phasing's shares add up to 1, like demand shares. */
function sharesAddUp(f: Findings, path: PathKey[], shares: Record<string, number> | undefined) {
  if (shares === undefined) return;
  const total = Object.values(shares).reduce((sum, share) => sum + share, 0);
  if (Math.abs(total - 1) > SHARE_TOLERANCE)
    f.add(path, "shares adding up to 1", String(round(total)), `shares add up to ${round(total)}, not 1`);
}

/** Every currency used has a rate for every year; the scenario's own currency is worth 1. */
function checkCurrencies(f: Findings, s: Scenario) {
  const { start, end } = s.horizon;
  const used: [PathKey[], string | undefined][] = [
    ...s.plants.map((plant, i): [PathKey[], string | undefined] => [
      ["plants", i, "currency"],
      plant.currency,
    ]),
    ...s.markets.map((market, i): [PathKey[], string | undefined] => [
      ["markets", i, "currency"],
      market.currency,
    ]),
  ];
  for (const [path, currency] of used) {
    if (currency === undefined || currency === s.currency || currency in s.fx) continue;
    f.add(
      path,
      `a currency with an exchange rate in fx (known: ${[s.currency, ...Object.keys(s.fx)].join(", ")})`,
      `'${currency}'`,
      `no exchange rate for ${currency}: give fx.${currency} (${s.currency} per ${currency})`,
    );
  }
  for (const [currency, rate] of Object.entries(s.fx)) {
    const at: PathKey[] = ["fx", currency];
    if (currency === s.currency) {
      if (typeof rate !== "number" || rate !== 1)
        f.add(
          at,
          "1 (or no entry)",
          JSON.stringify(rate),
          `${currency} is the scenario currency: its rate is 1`,
        );
      continue;
    }
    if (typeof rate === "number") continue;
    for (const year of Object.keys(rate))
      f.yearWithin([...at, year], Number(year), start, end, "the horizon", "key");
    const missing: number[] = [];
    for (let year = start; year <= end; year++) if (!(String(year) in rate)) missing.push(year);
    if (missing.length > 0)
      f.add(
        at,
        `a rate for every year from ${start} to ${end}`,
        `no rate for ${missing.join(", ")}`,
        `fx.${currency} gives no rate for ${missing.join(", ")}: give one rate, or one for every year of the horizon`,
      );
  }
}

function checkTerminalValue(f: Findings, s: Scenario) {
  const tv = s.terminalValue;
  if (tv.method === "perpetuity" && tv.growth >= s.discountRate)
    f.add(
      ["terminalValue", "growth"],
      `a growth rate below the discount rate (${s.discountRate})`,
      String(tv.growth),
      `a perpetuity growing at ${tv.growth} a year is worth nothing finite at a discount rate of ${s.discountRate}: growth must be below the discount rate`,
    );
}

function checkPrograms(f: Findings, s: Scenario, plants: Set<string>) {
  const closed = new Set(s.plants.filter((p) => p.status === "closed").map((p) => p.id));
  s.programs.forEach((program, i) => {
    const at: PathKey[] = ["programs", i];
    if (program.sop > program.eop)
      f.add(
        [...at, "eop"],
        `a year ≥ sop (${program.sop})`,
        String(program.eop),
        `end of production ${program.eop} comes before start of production ${program.sop}`,
      );
    program.builtAt.forEach((plant, k) => {
      f.reference([...at, "builtAt", k], plant, plants, "plant");
      if (closed.has(plant))
        f.add(
          [...at, "builtAt", k],
          "a plant that is not closed",
          `'${plant}' (closed)`,
          `plant '${plant}' is closed and cannot be building '${program.id}'`,
        );
    });
    for (const plant of Object.keys(program.variableCostByPlant))
      f.reference([...at, "variableCostByPlant", plant], plant, plants, "plant", "key");
    for (const plant of Object.keys(program.toolingByPlant))
      f.reference([...at, "toolingByPlant", plant], plant, plants, "plant", "key");
    for (const plant of Object.keys(program.customsValueByPlant))
      f.reference([...at, "customsValueByPlant", plant], plant, plants, "plant", "key");
    sharesAddUp(f, [...at, "toolingPhasing"], program.toolingPhasing);
  });
}

/** Content shares by plant: known plants and origins, adding up to at most 1 (the rest is the plant's country). */
function checkContent(f: Findings, s: Scenario, plants: Set<string>, regions: Set<string>) {
  s.programs.forEach((program, i) => {
    for (const [plant, shares] of Object.entries(program.contentByPlant)) {
      const at: PathKey[] = ["programs", i, "contentByPlant", plant];
      f.reference(at, plant, plants, "plant", "key");
      for (const origin of Object.keys(shares)) countryOrRegion(f, [...at, origin], origin, regions);
      const total = Object.values(shares).reduce((sum, share) => sum + share, 0);
      if (total > 1 + SHARE_TOLERANCE)
        f.add(
          at,
          "shares adding up to at most 1",
          String(round(total)),
          `content shares add up to ${round(total)}, more than 1`,
        );
    }
  });
}

function checkMarkets(f: Findings, s: Scenario, regions: Set<string>) {
  s.markets.forEach((market, i) => {
    market.countries.forEach((code, k) => {
      countryOrRegion(f, ["markets", i, "countries", k], code, regions);
    });
  });
}

function countryOrRegion(f: Findings, path: PathKey[], code: string, regions: Set<string>) {
  if (ISO_CODE.test(code) || regions.has(code)) return;
  const hint =
    didYouMean(code, regions) ||
    (ISO_CODE.test(code.toUpperCase()) ? ` — did you mean '${code.toUpperCase()}'?` : "");
  f.add(
    path,
    "an ISO 3166-1 alpha-2 code (e.g. IT) or a region id from `regions`",
    `'${code}'`,
    `'${code}' is neither a country code nor a region${hint}`,
  );
}

function checkDemand(f: Findings, s: Scenario, programs: Set<string>, markets: Set<string>) {
  const seen = new Map<string, number>();
  const lives = new Map(s.programs.map((p) => [p.id, p] as const));
  const { start, end } = s.horizon;
  s.demand.forEach((demand, i) => {
    const at: PathKey[] = ["demand", i];
    f.reference([...at, "program"], demand.program, programs, "program");
    const key = `${demand.program}|${demand.market ?? "*"}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      f.add(
        at,
        "one demand entry per program and market",
        "a repeated entry",
        `demand for '${demand.program}'${demand.market ? ` in '${demand.market}'` : ""} is given twice (also demand[${earlier}])`,
      );
    else seen.set(key, i);

    if (demand.market !== undefined && demand.shares !== undefined)
      f.add(
        [...at, "shares"],
        "either `market` or `shares`, not both",
        "both",
        "give either market or shares, not both",
      );
    else if (demand.market === undefined && demand.shares === undefined)
      f.add(
        at,
        "either `market` or `shares`",
        "neither",
        "demand needs a market, or shares splitting it across markets",
      );
    if (demand.market !== undefined) f.reference([...at, "market"], demand.market, markets, "market");
    if (demand.shares !== undefined) {
      for (const market of Object.keys(demand.shares))
        f.reference([...at, "shares", market], market, markets, "market", "key");
      const total = Object.values(demand.shares).reduce((sum, share) => sum + share, 0);
      if (Math.abs(total - 1) > SHARE_TOLERANCE)
        f.add(
          [...at, "shares"],
          "shares adding up to 1",
          String(round(total)),
          `shares add up to ${round(total)}, not 1`,
        );
    }
    for (const market of Object.keys(demand.priceByMarket ?? {}))
      f.reference([...at, "priceByMarket", market], market, markets, "market", "key");

    const program = lives.get(demand.program);
    const lifeFrom = program?.sop ?? start;
    const lifeTo = program?.eop ?? end;
    const life = program ? `the life of '${program.id}'` : "the program's life";
    const within = (path: PathKey[], year: number, target: "key" | "value") => {
      const before = f.issues.length;
      f.yearWithin(path, year, start, end, "the horizon", target);
      if (f.issues.length === before) f.yearWithin(path, year, lifeFrom, lifeTo, life, target);
    };
    const volume = demand.volume;
    if ("growth" in volume && typeof volume.growth === "number") {
      within([...at, "volume", "from"], volume.from, "value");
      if (volume.to !== undefined) {
        within([...at, "volume", "to"], volume.to, "value");
        if (volume.to < volume.from)
          f.add(
            [...at, "volume", "to"],
            `a year ≥ from (${volume.from})`,
            String(volume.to),
            `volume.to ${volume.to} comes before volume.from ${volume.from}`,
          );
      }
    } else {
      for (const year of Object.keys(volume)) within([...at, "volume", year], Number(year), "key");
    }
  });
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function checkLanes(f: Findings, s: Scenario, plants: Set<string>, markets: Set<string>) {
  const seen = new Map<string, number>();
  s.lanes.forEach((lane, i) => {
    f.reference(["lanes", i, "from"], lane.from, plants, "plant");
    f.reference(["lanes", i, "to"], lane.to, markets, "market");
    const key = `${lane.from}|${lane.to}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      f.add(
        ["lanes", i],
        "one lane per plant and market",
        "a repeated lane",
        `the lane ${lane.from} → ${lane.to} is given twice (also lanes[${earlier}])`,
      );
    else seen.set(key, i);
  });
}

function checkDuties(f: Findings, s: Scenario, markets: Set<string>, regions: Set<string>) {
  s.duties.forEach((duty, i) => {
    duty.from.forEach((code, k) => {
      countryOrRegion(f, ["duties", i, "from", k], code, regions);
    });
    duty.to.forEach((market, k) => {
      f.reference(["duties", i, "to", k], market, markets, "market");
    });
    duty.ruleOfOrigin?.region.forEach((code, k) => {
      countryOrRegion(f, ["duties", i, "ruleOfOrigin", "region", k], code, regions);
    });
    if (duty.validFrom !== undefined && duty.validTo !== undefined && duty.validFrom > duty.validTo)
      f.add(
        ["duties", i, "validTo"],
        `a year ≥ validFrom (${duty.validFrom})`,
        String(duty.validTo),
        `the duty ends (${duty.validTo}) before it starts (${duty.validFrom})`,
      );
  });
}

function checkPartsDuties(f: Findings, s: Scenario, regions: Set<string>) {
  s.partsDuties.forEach((duty, i) => {
    for (const side of ["from", "to"] as const)
      duty[side].forEach((code, k) => {
        countryOrRegion(f, ["partsDuties", i, side, k], code, regions);
      });
    if (duty.validFrom !== undefined && duty.validTo !== undefined && duty.validFrom > duty.validTo)
      f.add(
        ["partsDuties", i, "validTo"],
        `a year ≥ validFrom (${duty.validFrom})`,
        String(duty.validTo),
        `the duty ends (${duty.validTo}) before it starts (${duty.validFrom})`,
      );
  });
}

function checkPolicies(f: Findings, s: Scenario, plants: Set<string>, programs: Set<string>) {
  const { start, end } = s.horizon;
  s.policies.forEach((policy, i) => {
    const at: PathKey[] = ["policies", i];
    if ("program" in policy && policy.program !== undefined)
      f.reference([...at, "program"], policy.program, programs, "program");
    if ("plant" in policy) f.reference([...at, "plant"], policy.plant, plants, "plant");
    if ("from" in policy && policy.from !== undefined)
      f.yearWithin([...at, "from"], policy.from, start, end, "the horizon");
    if ("to" in policy && policy.to !== undefined)
      f.yearWithin([...at, "to"], policy.to, start, end, "the horizon");
  });
}

/** Entities that carry `cite`, with the schema whose fields the citation keys must name. */
function citingEntities(
  s: Scenario,
): { path: PathKey[]; cite: Scenario["cite"]; schema: z.core.$ZodType; data: unknown }[] {
  const lists = [
    ["plants", s.plants, Plant],
    ["programs", s.programs, Program],
    ["markets", s.markets, Market],
    ["demand", s.demand, Demand],
    ["lanes", s.lanes, Lane],
    ["duties", s.duties, Duty],
    ["partsDuties", s.partsDuties, PartsDuty],
  ] as const;
  return [
    { path: [], cite: s.cite, schema: Scenario, data: s },
    { path: ["logistics"], cite: s.logistics.cite, schema: Logistics, data: s.logistics },
    ...lists.flatMap(([list, entries, schema]) =>
      entries.map((entry, i) => ({
        path: [list, i] as PathKey[],
        cite: entry.cite,
        schema: schema as z.core.$ZodType,
        data: entry,
      })),
    ),
  ];
}

function checkCitations(f: Findings, s: Scenario, sources: Set<string>) {
  for (const { path, cite, schema, data } of citingEntities(s)) {
    const fields = allowedKeys(schema, data).filter((k) => k !== "cite");
    for (const [field, citation] of Object.entries(cite)) {
      const citePath = [...path, "cite", field];
      // "modes.sea" or "volume.2030" cite part of a field: the part before the first dot must be a field
      const head = field.split(".")[0]!;
      if (!fields.includes(head))
        f.add(
          citePath,
          `the name of a field of this entry (${fields.join(", ")})`,
          `'${field}'`,
          `cite names '${field}', which is not a field of this entry${didYouMean(head, fields)}`,
          "key",
        );
      (citation.sources ?? []).forEach((source, k) => {
        f.reference([...citePath, "sources", k], source, sources, "source");
      });
    }
  }
}
