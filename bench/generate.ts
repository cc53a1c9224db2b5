import { Scenario, type ScenarioInput } from "../src/domain/scenario.js";

/**
 * Synthetic production networks for the benchmark: deterministic (seeded), valid `Scenario`s whose shape
 * resembles a large multi-brand group — plants on several continents with platform subsets and conversion
 * costs, programs with platforms and life cycles, regional demand, duties between trade blocs, some idle and
 * candidate plants. Every number is invented; the generated scenario says so in its description.
 */

export interface NetworkSize {
  /** label used in tables and file names */
  name: string;
  brands: number;
  programs: number;
  plants: number;
  markets: number;
  years: number;
  platforms: number;
  /** share of plant → market lanes that are allowed (the rest are closed lanes) */
  laneDensity: number;
  /** share of all markets each program is sold in */
  marketReach: number;
  /** share of the platforms a plant lacks that it can be converted to */
  conversionShare: number;
  seed?: number;
}

/** Sizes of the benchmark, smallest first; `columns` in the report come from the built model, not from here. */
export const SIZES: readonly NetworkSize[] = [
  // small enough to solve to proven optimality: the cross-check of PuLP, CBC and HiGHS
  {
    name: "check",
    brands: 3,
    programs: 8,
    plants: 6,
    markets: 10,
    years: 8,
    platforms: 3,
    ...density(0.9, 0.6),
  },
  {
    name: "3k",
    brands: 4,
    programs: 12,
    plants: 8,
    markets: 14,
    years: 10,
    platforms: 4,
    ...density(0.9, 0.5),
  },
  {
    name: "10k",
    brands: 6,
    programs: 24,
    plants: 12,
    markets: 20,
    years: 10,
    platforms: 5,
    ...density(0.9, 0.5),
  },
  {
    name: "100k",
    brands: 10,
    programs: 60,
    plants: 24,
    markets: 36,
    years: 12,
    platforms: 7,
    ...density(0.9, 0.5),
  },
  {
    name: "300k",
    brands: 12,
    programs: 90,
    plants: 32,
    markets: 50,
    years: 12,
    platforms: 8,
    ...density(0.9, 0.6),
  },
  // the Stellantis-like shape of the issue: ~15 brands, ~100 programs, ~40 plants, ~60 markets, 12 years
  {
    name: "1m",
    brands: 15,
    programs: 100,
    plants: 40,
    markets: 60,
    years: 12,
    platforms: 9,
    ...density(1, 1, 0.8),
  },
  {
    name: "2m",
    brands: 20,
    programs: 160,
    plants: 50,
    markets: 64,
    years: 12,
    platforms: 10,
    ...density(1, 1, 0.6),
  },
];

function density(laneDensity: number, marketReach: number, conversionShare = 0.5) {
  return { laneDensity, marketReach, conversionShare };
}

/** Deterministic 32-bit PRNG (mulberry32): same seed, same network, on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Bloc = "eu" | "nafta" | "mercosur" | "china" | "india" | "asia" | "mea" | "oceania";
interface Country {
  code: string;
  bloc: Bloc;
  lat: number;
  lon: number;
}

/** Rough centroids (or main industrial area) of 64 car markets; accuracy does not matter for a benchmark. */
const COUNTRIES: readonly Country[] = [
  ["IT", "eu", 42.5, 12.5],
  ["FR", "eu", 46.6, 2.4],
  ["DE", "eu", 51.1, 10.4],
  ["ES", "eu", 40.4, -3.7],
  ["PT", "eu", 39.6, -8.0],
  ["PL", "eu", 52.1, 19.4],
  ["CZ", "eu", 49.8, 15.5],
  ["SK", "eu", 48.7, 19.7],
  ["HU", "eu", 47.2, 19.5],
  ["RO", "eu", 45.9, 24.9],
  ["AT", "eu", 47.6, 14.1],
  ["BE", "eu", 50.6, 4.6],
  ["NL", "eu", 52.2, 5.3],
  ["SE", "eu", 60.1, 18.6],
  ["DK", "eu", 56.0, 10.0],
  ["FI", "eu", 61.9, 25.7],
  ["IE", "eu", 53.4, -8.2],
  ["GR", "eu", 39.1, 21.8],
  ["SI", "eu", 46.1, 14.8],
  ["HR", "eu", 45.1, 15.2],
  ["GB", "eu", 52.4, -1.5],
  ["NO", "eu", 60.5, 8.5],
  ["CH", "eu", 46.8, 8.2],
  ["RS", "eu", 44.0, 20.9],
  ["US", "nafta", 39.8, -86.1],
  ["CA", "nafta", 43.7, -79.4],
  ["MX", "nafta", 21.9, -102.3],
  ["BR", "mercosur", -23.5, -46.6],
  ["AR", "mercosur", -34.6, -58.4],
  ["UY", "mercosur", -34.9, -56.2],
  ["PY", "mercosur", -25.3, -57.6],
  ["CL", "mercosur", -33.4, -70.6],
  ["CO", "mercosur", 4.7, -74.1],
  ["PE", "mercosur", -12.0, -77.0],
  ["CN", "china", 31.2, 121.5],
  ["IN", "india", 19.1, 72.9],
  ["JP", "asia", 35.7, 139.7],
  ["KR", "asia", 37.6, 127.0],
  ["TH", "asia", 13.8, 100.5],
  ["ID", "asia", -6.2, 106.8],
  ["MY", "asia", 3.1, 101.7],
  ["VN", "asia", 21.0, 105.8],
  ["PH", "asia", 14.6, 121.0],
  ["TW", "asia", 25.0, 121.5],
  ["SG", "asia", 1.35, 103.8],
  ["TR", "mea", 41.0, 29.0],
  ["MA", "mea", 33.6, -7.6],
  ["DZ", "mea", 36.8, 3.1],
  ["EG", "mea", 30.0, 31.2],
  ["ZA", "mea", -26.2, 28.0],
  ["SA", "mea", 24.7, 46.7],
  ["AE", "mea", 25.2, 55.3],
  ["IL", "mea", 32.1, 34.8],
  ["NG", "mea", 6.5, 3.4],
  ["KE", "mea", -1.3, 36.8],
  ["TN", "mea", 36.8, 10.2],
  ["IR", "mea", 35.7, 51.4],
  ["KZ", "mea", 43.2, 76.9],
  ["AU", "oceania", -33.9, 151.2],
  ["NZ", "oceania", -36.8, 174.8],
  ["UA", "eu", 50.4, 30.5],
  ["BG", "eu", 42.7, 23.3],
  ["LT", "eu", 54.7, 25.3],
  ["EE", "eu", 59.4, 24.8],
].map(([code, bloc, lat, lon]) => ({ code, bloc, lat, lon }) as Country);

/** Where plants are: weighted toward the blocs where the big groups build (Europe, Americas, China, Morocco…). */
const PLANT_COUNTRIES = [
  "IT",
  "IT",
  "FR",
  "FR",
  "DE",
  "ES",
  "ES",
  "PL",
  "CZ",
  "SK",
  "PT",
  "RS",
  "GB",
  "TR",
  "MA",
  "US",
  "US",
  "US",
  "CA",
  "MX",
  "MX",
  "BR",
  "BR",
  "AR",
  "CN",
  "CN",
  "IN",
  "TH",
  "JP",
  "DZ",
];

const SEGMENTS = ["A", "B", "C", "D", "E"] as const;
const BODIES = ["hatchback", "sedan", "SUV", "van", "pickup"] as const;
const POWERTRAINS = ["BEV", "multi-energy", "hybrid", "ICE"] as const;

/** A stable integer in [lo, hi]. */
function int(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}
function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}
/** k distinct items, in a deterministic shuffled order. */
function sample<T>(r: () => number, items: readonly T[], k: number): T[] {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, Math.max(0, Math.min(k, copy.length)));
}
const round = (v: number, step: number) => Math.round(v / step) * step;
const pad = (i: number) => String(i + 1).padStart(3, "0");

const BASE_YEAR = 2026;
const M = 1e6;

/** The synthetic scenario of one size, validated with `Scenario.parse`. */
export function generateScenario(size: NetworkSize): Scenario {
  const r = rng(size.seed ?? 20261122);
  const start = BASE_YEAR;
  const end = BASE_YEAR + size.years - 1;
  const platforms = Array.from({ length: size.platforms }, (_, i) => `pf-${pad(i)}`);
  const markets = marketsOf(size.markets);
  const regions = regionsOf();

  const plants = Array.from({ length: size.plants }, (_, i) =>
    plantOf(r, i, platforms, start, size.conversionShare),
  );
  const programs = Array.from({ length: size.programs }, (_, i) =>
    programOf(r, i, size, platforms, plants, start, end),
  );
  const demand = programs.flatMap((p) => demandOf(r, p, markets, size.marketReach));
  const lanes = lanesOf(r, plants, markets, size.laneDensity);

  const input: ScenarioInput = {
    portello: 1,
    id: `bench-${size.name}`,
    name: `Synthetic network ${size.name}`,
    description:
      `Synthetic benchmark network (bench/generate.ts, seed ${size.seed ?? 20261122}): ${size.brands} brands, ` +
      `${size.programs} programs, ${size.plants} plants, ${size.markets} markets, ${size.years} years, ` +
      `${size.platforms} platforms. Every number is invented.`,
    horizon: { start, end },
    discountRate: 0.08,
    currency: "EUR",
    objective: { mode: "profit" },
    regions,
    plants,
    programs: programs.map(({ demandBase: _d, ...p }) => p),
    markets: markets.map((c) => ({
      id: `mk-${c.code.toLowerCase()}`,
      name: `Market ${c.code}`,
      countries: [c.code],
      lat: c.lat,
      lon: c.lon,
    })),
    demand,
    logistics: {
      defaultMode: "sea",
      modes: {
        sea: { fixedPerVehicle: 350, perKm: 0.04 },
        road: { fixedPerVehicle: 120, perKm: 0.3 },
      },
    },
    lanes,
    duties: dutiesOf(markets),
    policies: policiesOf(r, plants, programs),
    cite: {
      discountRate: { assumption: "synthetic benchmark data: a typical real discount rate for the industry" },
    },
  };
  return Scenario.parse(input);
}

function marketsOf(count: number): Country[] {
  if (count > COUNTRIES.length) throw new Error(`at most ${COUNTRIES.length} markets (got ${count})`);
  // Interleave blocs so that a small network still spans several continents.
  const byBloc = new Map<Bloc, Country[]>();
  for (const c of COUNTRIES) byBloc.set(c.bloc, [...(byBloc.get(c.bloc) ?? []), c]);
  const order: Country[] = [];
  for (let i = 0; order.length < COUNTRIES.length; i++) {
    for (const list of byBloc.values()) if (list[i]) order.push(list[i]!);
  }
  return order.slice(0, count);
}

function regionsOf(): Record<string, string[]> {
  const regions: Record<string, string[]> = {};
  for (const c of COUNTRIES) regions[c.bloc] = [...(regions[c.bloc] ?? []), c.code];
  return regions;
}

function countryOf(code: string): Country {
  return COUNTRIES.find((c) => c.code === code)!;
}

type PlantInput = ScenarioInput["plants"][number];
type ProgramInput = ScenarioInput["programs"][number] & { demandBase: number };

function plantOf(
  r: () => number,
  i: number,
  platforms: string[],
  start: number,
  conversionShare: number,
): PlantInput {
  const country = countryOf(PLANT_COUNTRIES[i % PLANT_COUNTRIES.length]!);
  const roll = r();
  // Mostly active plants; about one in eight idle (can reopen) and one in eight a greenfield candidate.
  const status = roll < 0.75 ? "active" : roll < 0.875 ? "idle" : "candidate";
  const own = status === "candidate" ? [] : sample(r, platforms, int(r, 1, Math.min(3, platforms.length)));
  const conversion: Record<string, number> = {};
  for (const l of platforms) {
    if (!own.includes(l) && r() < conversionShare) conversion[l] = round(40 * M + r() * 260 * M, M);
  }
  const plant: PlantInput = {
    id: `pl-${pad(i)}`,
    name: `Plant ${pad(i)} (${country.code})`,
    country: country.code,
    lat: +(country.lat + (r() - 0.5) * 4).toFixed(3),
    lon: +(country.lon + (r() - 0.5) * 4).toFixed(3),
    status,
    capacityPerShift: round(40_000 + r() * 80_000, 1000),
    maxShifts: int(r, 2, 3),
    fixedCost: round(40 * M + r() * 160 * M, M),
    shiftCost: round(20 * M + r() * 60 * M, M),
    platforms: own,
    platformConversion: conversion,
    costIndex: +(
      country.bloc === "eu" || country.bloc === "nafta" ? 0.95 + r() * 0.2 : 0.7 + r() * 0.2
    ).toFixed(3),
  };
  if (status !== "active") {
    plant.openCost = round((status === "idle" ? 150 : 900) * M * (0.7 + r() * 0.6), M);
    plant.earliestYear = start + int(r, 1, status === "idle" ? 2 : 4);
  } else if (r() < 0.3) {
    plant.canClose = true;
    plant.closeCost = round(100 * M + r() * 400 * M, M);
  }
  return plant;
}

function programOf(
  r: () => number,
  i: number,
  size: NetworkSize,
  platforms: string[],
  plants: PlantInput[],
  start: number,
  end: number,
): ProgramInput {
  const segment = pick(r, SEGMENTS);
  const platform = pick(r, platforms);
  // Life cycles are staggered: some programs run out early in the horizon, others start late.
  const life = int(r, 6, 9);
  const sop = int(r, start - 4, Math.max(start - 4, end - 3));
  const eop = sop + life - 1;
  const variableCost = round(12_000 + SEGMENTS.indexOf(segment) * 6_000 + r() * 6_000, 100);
  const program: ProgramInput = {
    id: `pg-${pad(i)}`,
    name: `Program ${pad(i)}`,
    brand: `brand-${pad(i % size.brands)}`,
    segment,
    body: pick(r, BODIES),
    powertrain: pick(r, POWERTRAINS),
    platform,
    sop,
    eop,
    maxPlants: r() < 0.8 ? 1 : 2,
    // Only where some plant has (or can convert to) the platform; otherwise the scenario is infeasible.
    mustBuild: sop >= start && r() < 0.5 && plants.some((s) => canBuild(s, platform)),
    variableCost,
    tooling: round(80 * M + r() * 420 * M, M),
    demandBase: round(20_000 + r() * 120_000, 100),
  };
  if (sop < start) {
    // Running programs are already tooled at an active plant that has their platform.
    const home = plants.find((s) => s.status === "active" && (s.platforms ?? []).includes(platform));
    if (home) program.builtAt = [home.id];
    else program.sop = start;
  }
  return program;
}

function canBuild(s: PlantInput, platform: string): boolean {
  return (s.platforms ?? []).includes(platform) || platform in (s.platformConversion ?? {});
}

type DemandInput = ScenarioInput["demand"] extends (infer D)[] | undefined ? D : never;

function demandOf(r: () => number, p: ProgramInput, markets: Country[], reach: number): DemandInput[] {
  const count = Math.max(1, Math.round(markets.length * reach));
  const sold = sample(r, markets, count);
  const price = round(p.variableCost * (1.2 + r() * 0.4), 100);
  // Uneven split: a few big markets, a long tail.
  const weights = sold.map(() => r() ** 2 + 0.02);
  const total = weights.reduce((a, b) => a + b, 0);
  return sold.map((m, k) => ({
    program: p.id,
    market: `mk-${m.code.toLowerCase()}`,
    volume: {
      from: p.sop,
      volume: Math.max(100, round((p.demandBase * weights[k]!) / total, 10)),
      growth: +(r() * 0.08 - 0.02).toFixed(3),
      to: p.eop,
    },
    price: round(price * (0.9 + r() * 0.25), 10),
  }));
}

type LaneInput = ScenarioInput["lanes"] extends (infer L)[] | undefined ? L : never;

/** Closed lanes at the given density; road within a bloc; everything else is derived (sea, great-circle). */
function lanesOf(r: () => number, plants: PlantInput[], markets: Country[], density: number): LaneInput[] {
  const lanes: LaneInput[] = [];
  for (const s of plants) {
    const from = countryOf(s.country);
    for (const m of markets) {
      const to = `mk-${m.code.toLowerCase()}`;
      if (r() >= density) lanes.push({ from: s.id, to, allowed: false });
      else if (from.bloc === m.bloc) lanes.push({ from: s.id, to, mode: "road" });
    }
  }
  return lanes;
}

type DutyInput = ScenarioInput["duties"] extends (infer D)[] | undefined ? D : never;

/** Import duties by bloc: a general rate into each bloc, then a free-trade exemption inside it (last wins). */
function dutiesOf(markets: Country[]): DutyInput[] {
  const allBlocs: Bloc[] = ["eu", "nafta", "mercosur", "china", "india", "asia", "mea", "oceania"];
  const rates: Record<Bloc, number> = {
    eu: 0.1,
    nafta: 0.25,
    mercosur: 0.35,
    china: 0.15,
    india: 0.7,
    asia: 0.08,
    mea: 0.2,
    oceania: 0.05,
  };
  const duties: DutyInput[] = [];
  for (const bloc of allBlocs) {
    const to = markets.filter((m) => m.bloc === bloc).map((m) => `mk-${m.code.toLowerCase()}`);
    if (to.length === 0) continue;
    duties.push({ id: `into-${bloc}`, from: allBlocs, to, rate: rates[bloc] });
    duties.push({ id: `within-${bloc}`, from: [bloc], to, rate: 0, agreement: `${bloc} free trade` });
  }
  return duties;
}

type PolicyInput = ScenarioInput["policies"] extends (infer P)[] | undefined ? P : never;

/** A few policies of the usual kinds: politically protected plants and forbidden allocations. */
function policiesOf(r: () => number, plants: PlantInput[], programs: ProgramInput[]): PolicyInput[] {
  const active = plants.filter((s) => s.status === "active");
  const policies: PolicyInput[] = sample(r, active, Math.ceil(active.length / 10)).map((s) => ({
    id: `keep-${s.id}`,
    kind: "keep-open",
    plant: s.id,
  }));
  for (const p of sample(r, programs, Math.ceil(programs.length / 10))) {
    const s = pick(r, plants);
    if (!(p.builtAt ?? []).includes(s.id))
      policies.push({ id: `forbid-${p.id}-${s.id}`, kind: "forbid-allocation", program: p.id, plant: s.id });
  }
  return policies;
}
