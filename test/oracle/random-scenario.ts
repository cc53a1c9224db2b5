import { Scenario, type ScenarioInput } from "../../src/domain/scenario.js";
import { Rng } from "./rng.js";

/**
 * Tiny random scenarios for the brute-force oracle: 1-3 plants, 1-2 programs, 1-2 markets, 1-3 years, with
 * every feature of the planning model switched on now and then (statuses, lead times, closures, platforms and
 * conversions, reserved volume, lane overrides and repeated lanes, demand by shares, growth or repeated rows,
 * duties with regions and validity, both objective modes and each kind of policy). Money is scaled so that decisions are genuinely contested: a year's margin on a program is of
 * the same order as opening a plant or tooling it. Never contradictory in ways the loader rejects (a fixed or
 * existing allocation that cannot exist), so every scenario reaches the solver.
 */

const START = 2030;
const PLATFORMS = ["stla-large", "giorgio"] as const;

const SITES = [
  { country: "IT", lat: 41.49, lon: 13.83 },
  { country: "US", lat: 42.26, lon: -88.84 },
  { country: "MX", lat: 19.04, lon: -98.21 },
  { country: "DE", lat: 48.78, lon: 9.18 },
  { country: "CN", lat: 31.23, lon: 121.47 },
] as const;

const MARKETS = [
  { id: "europe", countries: ["IT", "DE"], lat: 45.46, lon: 9.19 },
  { id: "north-america", countries: ["US"], lat: 40.71, lon: -74.01 },
  { id: "china", countries: ["CN"], lat: 31.23, lon: 121.47 },
] as const;

type PlantInput = ScenarioInput["plants"][number];
type ProgramInput = ScenarioInput["programs"][number];
type PolicyInput = NonNullable<ScenarioInput["policies"]>[number];

export interface ScenarioProfile {
  /** the largest sizes (3 years, 3 plants, 2 programs, 2 markets) and more multi-sourcing: the hardest cases */
  dense?: boolean;
  /**
   * larger than the oracle can enumerate (3-5 plants, 3-5 programs, every market, 3-5 years, 2-4 policies):
   * for comparing two solvers with each other (test/benders.test.ts), not with the oracle
   */
  mid?: boolean;
}

/** The scenario of a seed, validated by the schema. */
export function randomScenario(seed: number, profile: ScenarioProfile = {}): Scenario {
  const rng = new Rng(seed);
  const dense = profile.dense ?? false;
  const mid = profile.mid ?? false;
  // draw even when dense, so that a seed's other choices do not depend on the profile
  const size = (lo: number, hi: number, midLo: number, midHi: number) => {
    const drawn = rng.int(lo, hi);
    if (mid) return rng.int(midLo, midHi);
    return dense ? hi : drawn;
  };
  const end = START + size(0, 2, 2, 4);
  const years = range(START, end);
  const plants = range(1, size(1, 3, 3, 5)).map((i) => randomPlant(rng, i, years));
  const programs = range(1, size(1, 2, 3, 5)).map((i) => randomProgram(rng, i, end, plants, dense));
  const markets = rng.subset(MARKETS, 0.6).slice(0, mid ? 3 : 2);
  if (markets.length === 0) markets.push(rng.pick(MARKETS));
  for (const market of MARKETS)
    if (dense && markets.length < 2 && !markets.includes(market)) markets.push(market);
  const serveAll = rng.chance(0.3);

  const input: ScenarioInput = {
    portello: 1,
    id: `oracle-${mid ? "mid-" : dense ? "dense-" : ""}${seed}`,
    name: `Oracle scenario ${mid ? "mid " : dense ? "dense " : ""}${seed}`,
    horizon: { start: START, end },
    discountRate: rng.pick([0, 0.05, 0.08, 0.12]),
    objective: serveAll
      ? rng.chance(0.5)
        ? { mode: "serve-all", unmetPenalty: rng.step(20_000, 80_000, 5_000) }
        : { mode: "serve-all" }
      : { mode: "profit" },
    regions: { eu: ["IT", "DE"] },
    plants,
    programs,
    markets: markets.map((m) => ({
      id: m.id,
      name: m.id,
      countries: [...m.countries],
      ...(rng.chance(0.9) ? { lat: m.lat, lon: m.lon } : {}),
    })),
    demand: programs.flatMap((p) => randomDemand(rng, p.id, markets, end)),
    logistics: {
      defaultMode: rng.pick(["sea", "road", "rail"] as const),
      modes: {
        sea: { fixedPerVehicle: rng.step(200, 600, 50), perKm: rng.pick([0.05, 0.08, 0.1]) },
        road: { fixedPerVehicle: rng.step(100, 300, 50), perKm: rng.pick([0.2, 0.25, 0.3]) },
      },
    },
    lanes: randomLanes(rng, plants, markets),
    duties: randomDuties(rng, markets, end),
  };
  input.policies = randomPolicies(rng, input, end, mid ? 4 : 2);
  // rarely, a program entirely before or after the horizon (drawn last, so other seeds are unchanged)
  if (rng.chance(0.05)) {
    const program = rng.pick(programs);
    [program.sop, program.eop] = rng.chance(0.5) ? [START - 2, START - 1] : [end + 1, end + 2];
  }
  addHorizonFeatures(rng, input);
  addCurrencies(rng, input);
  addOrigins(rng, input);
  return Scenario.parse(input);
}

/**
 * Terminal value, capex phasing and overtime (issue 8), drawn after everything else so that the rest of each
 * seed's scenario stays as it was before they existed.
 */
function addHorizonFeatures(rng: Rng, input: ScenarioInput): void {
  if (rng.chance(0.35)) {
    const r = input.discountRate;
    input.terminalValue = rng.chance(0.5)
      ? { method: "perpetuity", growth: r > 0.02 ? rng.pick([-0.02, 0, 0.01]) : -0.02 }
      : { method: "salvage", openingLife: rng.int(2, 12), conversionLife: rng.int(2, 12) };
  }
  const phasing = (): Record<string, number> =>
    rng.pick<Record<string, number>>([
      { "-1": 0.4, "0": 0.6 },
      { "-2": 0.2, "-1": 0.3, "0": 0.5 },
      { "-1": 1 },
    ]);
  for (const plant of input.plants) {
    if (rng.chance(0.3))
      plant.overtime = { maxShare: rng.pick([0.1, 0.25, 0.5]), costPerVehicle: rng.step(0, 3_000, 500) };
    if (plant.status !== "active" && rng.chance(0.3)) plant.openCostPhasing = phasing();
  }
  for (const program of input.programs) if (rng.chance(0.3)) program.toolingPhasing = phasing();
}

/** Plants and markets in dollars now and then, at one rate or a path per year; drawn last, like the above. */
function addCurrencies(rng: Rng, input: ScenarioInput): void {
  if (!rng.chance(0.35)) return;
  const { start, end } = input.horizon;
  if (rng.chance(0.5)) input.fx = { USD: rng.pick([0.8, 0.92, 1.1]) };
  else
    input.fx = {
      USD: Object.fromEntries(range(start, end).map((y) => [String(y), rng.step(80, 120, 5) / 100])),
    };
  for (const plant of input.plants) if (rng.chance(0.5)) plant.currency = "USD";
  for (const market of input.markets) if (rng.chance(0.5)) market.currency = "USD";
}

/** Content by plant, duties under a rule of origin and parts duties, now and then; drawn last, like the above. */
function addOrigins(rng: Rng, input: ScenarioInput): void {
  if (!rng.chance(0.35)) return;
  input.regions = { ...input.regions, usmca: ["US", "MX", "CA"] };
  const origins = ["eu", "US", "MX", "CN", "DE", "usmca"];
  for (const program of input.programs) {
    const content: Record<string, Record<string, number>> = {};
    for (const plant of input.plants) {
      if (!rng.chance(0.6)) continue;
      const first = rng.pick(origins);
      const second = rng.pick(origins.filter((o) => o !== first));
      content[plant.id] = {
        [first]: rng.step(10, 60, 10) / 100,
        ...(rng.chance(0.5) ? { [second]: rng.step(10, 40, 10) / 100 } : {}),
      };
    }
    program.contentByPlant = content;
  }
  const markets = input.markets.map((m) => m.id);
  input.duties = [
    ...(input.duties ?? []),
    {
      id: "rule-of-origin",
      from: rng.pick([["usmca"], ["MX", "US"], ["eu"]]),
      to: [rng.pick(markets)],
      rate: rng.step(0, 25, 2.5) / 100,
      ruleOfOrigin: {
        region: [rng.pick(["usmca", "eu"])],
        minContent: rng.pick([0.5, 0.75]),
        applies: rng.pick(["met", "not-met"] as const),
      },
    },
  ];
  input.partsDuties = [
    {
      id: "parts",
      from: [rng.pick(["CN", "eu", "MX", "DE"])],
      to: [rng.pick(["US", "IT", "MX", "usmca"])],
      rate: rng.step(0, 25, 5) / 100,
    },
  ];
}

function randomPlant(rng: Rng, i: number, years: number[]): PlantInput {
  const site = rng.pick(SITES);
  const status = rng.chance(0.05) ? "closed" : rng.pick(["active", "active", "idle", "candidate"] as const);
  const platforms = rng.subset(PLATFORMS, 0.5);
  const conversion: Record<string, number> = {};
  for (const l of PLATFORMS) {
    if (!platforms.includes(l) && rng.chance(0.6)) conversion[l] = rng.step(20e6, 150e6, 10e6);
  }
  const reserved: Record<string, number> = {};
  if (rng.chance(0.2))
    for (const y of rng.subset(years, 0.7)) reserved[String(y)] = rng.step(1_000, 12_000, 1_000);
  const opens = status !== "active";
  return {
    id: `plant-${i}`,
    name: `Plant ${i}`,
    country: site.country,
    ...(rng.chance(0.9) ? { lat: site.lat, lon: site.lon } : {}),
    status,
    capacityPerShift: rng.step(5_000, 30_000, 1_000),
    maxShifts: rng.int(1, 2),
    fixedCost: rng.step(0, 80e6, 5e6),
    shiftCost: rng.step(5e6, 50e6, 5e6),
    ...(opens ? { openCost: rng.step(20e6, 300e6, 10e6) } : {}),
    ...(opens && rng.chance(0.5) ? { earliestYear: START + rng.int(0, years.length) } : {}),
    ...(!opens || rng.chance(0.3) ? { closeCost: rng.step(0, 150e6, 10e6) } : {}),
    canClose: rng.chance(0.4),
    platforms,
    platformConversion: conversion,
    costIndex: Number((rng.step(80, 125, 5) / 100).toFixed(2)),
    reservedVolume: reserved,
  };
}

function randomProgram(rng: Rng, i: number, end: number, plants: PlantInput[], dense: boolean): ProgramInput {
  const platform = rng.pick(PLATFORMS);
  const sop = rng.int(START - 1, end);
  const eop = rng.int(Math.max(sop, START), end + 1);
  const program: ProgramInput = {
    id: `program-${i}`,
    name: `Program ${i}`,
    brand: "Alfa Romeo",
    segment: rng.pick(["D", "E"]),
    platform,
    sop,
    eop,
    maxPlants: rng.chance(dense ? 0.3 : 0.7) ? 1 : 2,
    mustBuild: rng.chance(0.5),
    variableCost: rng.step(18_000, 34_000, 500),
    tooling: rng.step(0, 300e6, 10e6),
  };
  if (rng.chance(0.2)) program.customsValue = rng.step(15_000, 40_000, 1_000);
  const plant = rng.pick(plants);
  if (rng.chance(0.3)) program.variableCostByPlant = { [plant.id]: rng.step(15_000, 34_000, 500) };
  if (rng.chance(0.3)) program.toolingByPlant = { [rng.pick(plants).id]: rng.step(0, 300e6, 10e6) };
  if (rng.chance(0.2))
    program.customsValueByPlant = { [rng.pick(plants).id]: rng.step(15_000, 40_000, 1_000) };
  const active = plants.filter((p) => p.status === "active");
  if (active.length > 0 && rng.chance(0.25)) program.builtAt = [rng.pick(active).id];
  return program;
}

function randomDemand(
  rng: Rng,
  program: string,
  markets: readonly (typeof MARKETS)[number][],
  end: number,
): NonNullable<ScenarioInput["demand"]> {
  const price = rng.step(32_000, 60_000, 1_000);
  if (markets.length > 1 && rng.chance(0.2)) {
    const first = rng.pick([0.3, 0.5, 0.7]);
    return [
      {
        program,
        shares: { [markets[0]!.id]: first, [markets[1]!.id]: Number((1 - first).toFixed(2)) },
        volume: {
          from: rng.int(START - 1, end),
          volume: rng.step(5_000, 50_000, 1_000),
          growth: rng.pick([-0.1, 0, 0.1]),
          ...(rng.chance(0.4) ? { to: rng.int(START, end) } : {}),
        },
        price,
        priceByMarket: { [markets[1]!.id]: price + rng.step(-5_000, 5_000, 1_000) },
      },
    ];
  }
  // a second row on the same market now and then: volumes add up, prices are volume-weighted
  return markets
    .filter(() => rng.chance(0.85))
    .flatMap((market) => (rng.chance(0.1) ? [market, market] : [market]))
    .map((market) => {
      const volume: Record<string, number> = {};
      // Years just outside the horizon test that the model ignores them.
      for (const y of range(START - 1, end + 1))
        if (rng.chance(0.9)) volume[String(y)] = rng.step(2_000, 40_000, 500);
      return { program, market: market.id, volume, price: price + rng.step(-4_000, 4_000, 1_000) };
    });
}

function randomLanes(
  rng: Rng,
  plants: PlantInput[],
  markets: readonly (typeof MARKETS)[number][],
): NonNullable<ScenarioInput["lanes"]> {
  const lanes: NonNullable<ScenarioInput["lanes"]> = [];
  for (const plant of plants) {
    for (const market of markets) {
      if (!rng.chance(0.25)) continue;
      // now and then the same lane twice: the last one listed wins
      for (let copy = rng.chance(0.15) ? 2 : 1; copy > 0; copy--) {
        const kind = rng.int(0, 3);
        const lane = { from: plant.id, to: market.id };
        if (kind === 0) lanes.push({ ...lane, costPerVehicle: rng.step(0, 3_000, 100) });
        else if (kind === 1) lanes.push({ ...lane, mode: rng.pick(["sea", "road", "rail"] as const) });
        else if (kind === 2) lanes.push({ ...lane, distanceKm: rng.step(0, 12_000, 500) });
        else lanes.push({ ...lane, allowed: false });
      }
    }
  }
  return lanes;
}

function randomDuties(
  rng: Rng,
  markets: readonly (typeof MARKETS)[number][],
  end: number,
): NonNullable<ScenarioInput["duties"]> {
  return range(1, rng.int(0, 2)).map((i) => ({
    id: `duty-${i}`,
    from: rng.chance(0.3)
      ? ["eu"]
      : [rng.pick(SITES).country, ...(rng.chance(0.3) ? [rng.pick(SITES).country] : [])],
    to: [rng.pick(markets).id],
    rate: rng.step(0, 25, 2.5) / 100,
    ...(rng.chance(0.3) ? { validFrom: rng.int(START, end) } : {}),
    ...(rng.chance(0.3) ? { validTo: rng.int(START, end) } : {}),
  }));
}

/** 0-2 policies (2 to `most` when more than 2), dropping any that would contradict builtAt or each other (the loader rejects those). */
function randomPolicies(rng: Rng, input: ScenarioInput, end: number, most: number): PolicyInput[] {
  const policies: PolicyInput[] = [];
  const count = most > 2 ? rng.int(2, most) : rng.chance(0.4) ? rng.int(1, most) : 0;
  for (let k = 1; k <= count; k++) {
    const policy = randomPolicy(rng, input, end, `policy-${k}`);
    if (policy && !contradicts(input, [...policies, policy])) policies.push(policy);
  }
  return policies;
}

function randomPolicy(rng: Rng, input: ScenarioInput, end: number, id: string): PolicyInput | undefined {
  const program = rng.pick(input.programs);
  const plant = rng.pick(input.plants);
  const window = () => ({
    ...(rng.chance(0.3) ? { from: rng.int(START, end) } : {}),
    ...(rng.chance(0.3) ? { to: rng.int(START, end) } : {}),
  });
  switch (rng.int(0, 5)) {
    case 0:
      return { id, kind: "fix-allocation", program: program.id, plant: plant.id };
    case 1:
      return { id, kind: "forbid-allocation", program: program.id, plant: plant.id };
    case 2: {
      const countries = [...new Set(rng.subset(input.plants, 0.5).map((p) => p.country))];
      return countries.length > 0
        ? { id, kind: "restrict-to-countries", program: program.id, countries }
        : undefined;
    }
    case 3:
      return { id, kind: "keep-open", plant: plant.id, ...window() };
    case 4:
      return {
        id,
        kind: "min-volume",
        plant: plant.id,
        ...(rng.chance(0.5) ? { program: program.id } : {}),
        volume: rng.step(1_000, 10_000, 500),
      };
    default:
      return { id, kind: "budget-cap", maxInvestment: rng.step(50e6, 600e6, 50e6), ...window() };
  }
}

/** True where a fixed or existing allocation would be blocked by a policy or a missing platform. */
function contradicts(input: ScenarioInput, policies: PolicyInput[]): boolean {
  const forced = input.programs.flatMap((p) => (p.builtAt ?? []).map((plant) => ({ program: p.id, plant })));
  for (const policy of policies) {
    if (policy.kind === "fix-allocation") forced.push({ program: policy.program, plant: policy.plant });
  }
  return forced.some(({ program, plant }) => {
    const prog = input.programs.find((p) => p.id === program)!;
    const site = input.plants.find((s) => s.id === plant)!;
    const existing = (prog.builtAt ?? []).includes(plant);
    const platformOk =
      existing ||
      (site.platforms ?? []).includes(prog.platform) ||
      prog.platform in (site.platformConversion ?? {});
    return (
      !platformOk ||
      site.status === "closed" ||
      policies.some(
        (q) =>
          (q.kind === "forbid-allocation" && q.program === program && q.plant === plant) ||
          (q.kind === "restrict-to-countries" &&
            q.program === program &&
            !q.countries.includes(site.country)),
      )
    );
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
