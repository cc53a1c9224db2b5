import { mulberry32 } from "../src/domain/random.js";
import { Scenario, type ScenarioInput } from "../src/domain/scenario.js";

/**
 * Synthetic production networks for the benchmark, shaped like a real car group: deterministic (seeded), valid
 * scenarios (they pass `portello validate`) whose every number is invented — the generated scenario says so in
 * its description. What they contain, and the knob of `NetworkSize` that sets it:
 *
 * - **Plants** (`plants`) on several continents, weighted toward where the big groups build. Each active or idle
 *   plant builds 1–3 platforms today (`platformsPerPlant`) and can be converted to a few more at a one-off cost
 *   (`conversionsPerPlant`, €80–350m each). Every platform has at least one active plant. A share of the plants
 *   is idle (`idleShare`: can be reopened after a year or two) or a greenfield candidate (`candidateShare`: no
 *   platform yet, built in 3–4 years at €0.7–1.3bn). Some active plants may close (at a cost).
 * - **Shifts**: one shift builds 60–130k vehicles a year; a plant runs up to 1–3 shifts at a cost per shift and
 *   year; about a third may add 10–20 % overtime at a premium per vehicle.
 * - **Reserved volume of other brands** (`reservedShare` of the active plants): capacity taken by a partner's
 *   cars for the first years of the horizon (contract manufacturing, joint ventures).
 * - **Programs** (`programs`, spread over `brands`) on one platform each, single-sourced by default; a share
 *   (`dualSourcedShare`) may be built at two plants. Running programs are already tooled at a plant that has
 *   their platform; new ones pay tooling phased over the years before their start of production.
 * - **Life cycles** are staggered (starts spread from five years before the horizon to three before its end,
 *   6–8 years each) and shaped: ramp-up (45 %, 85 %), plateau (slowly easing), run-out (75 %, 50 %).
 * - **Markets** (`markets`, at most 64 countries) in eight trade blocs, each with a size (the US and China
 *   large, a long tail) and a price level; a program is sold in a share of them (`marketReach`), its home bloc
 *   first. `laneDensity` is the share of plant → market lanes that are open; road within a bloc, sea beyond.
 * - **Duties** (the last matching row wins): an MFN rate into each bloc; free trade inside each bloc;
 *   bilateral agreements (EU–Turkey, EU–Morocco, EU–Japan/Korea, EU–Mexico, Mexico–Mercosur, China–ASEAN);
 *   punitive rates (US Section 232-like 25 % on cars from outside North America, 15 % from the EU under a
 *   framework deal, 100 % on Chinese-built cars; an EU countervailing 30 % on Chinese-built cars; a
 *   retaliation window of China on North American cars). The rates are of the order of published ones but
 *   invented for the benchmark.
 * - **Policies**: keep-open for a share of the active plants (`keepOpenShare`; some only until a year,
 *   as in a labour agreement), `budgetCaps` capex windows of four years each (set so that the programs that
 *   must be built fit, but not everything else), a few forbidden allocations and programs restricted to
 *   their home bloc's countries.
 *
 * `columns` in the benchmark's tables come from the built model, not from here: size names are targets.
 */

export interface NetworkSize {
  /** label used in tables, file names and `--size`; it names the target column count (or the shape, `oem`) */
  name: string;
  /** brands; programs are spread over them in turn */
  brands: number;
  programs: number;
  plants: number;
  /** at most 64 */
  markets: number;
  years: number;
  platforms: number;
  /** share of plant → market lanes that are allowed (the rest are closed lanes) */
  laneDensity: number;
  /** share of all markets each program is sold in, its home bloc first */
  marketReach: number;
  /** platforms an active or idle plant builds today, [least, most]; default [1, 3] */
  platformsPerPlant?: readonly [number, number];
  /** platforms a plant can be converted to at a one-off cost, [least, most]; default [1, 2] */
  conversionsPerPlant?: readonly [number, number];
  /** share of programs that may be built at two plants (maxPlants 2); the rest single-sourced; default 0.2 */
  dualSourcedShare?: number;
  /** share of plants that are idle (can reopen); default 0.1 */
  idleShare?: number;
  /** share of plants that are greenfield candidates; default 0.1 */
  candidateShare?: number;
  /** share of active plants with capacity reserved for other brands' cars; default 0.15 */
  reservedShare?: number;
  /** share of active plants under a keep-open policy; default 0.15 */
  keepOpenShare?: number;
  /** budget-cap windows of four years from the horizon's start; default 2 */
  budgetCaps?: number;
  seed?: number;
}

/** Sizes of the benchmark, smallest first. */
export const SIZES: readonly NetworkSize[] = [
  // small enough to solve to proven optimality: the cross-check of the solvers
  {
    name: "check",
    brands: 3,
    programs: 8,
    plants: 6,
    markets: 10,
    years: 6,
    platforms: 3,
    ...density(0.9, 0.6),
  },
  {
    name: "3k",
    brands: 4,
    programs: 14,
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
    markets: 48,
    years: 12,
    platforms: 8,
    ...density(0.9, 0.65),
  },
  // the shape of a group like Stellantis: ~15 brands, 100 programs, 40 plants, 60 markets, 12 years
  {
    name: "oem",
    brands: 15,
    programs: 100,
    plants: 40,
    markets: 60,
    years: 12,
    platforms: 12,
    ...density(0.9, 0.35),
  },
  {
    name: "300k",
    brands: 15,
    programs: 120,
    plants: 40,
    markets: 60,
    years: 12,
    platforms: 10,
    ...density(0.9, 0.6),
  },
  {
    name: "1m",
    brands: 20,
    programs: 200,
    plants: 60,
    markets: 64,
    years: 12,
    platforms: 10,
    ...density(1, 0.65),
  },
  {
    name: "2m",
    brands: 25,
    programs: 300,
    plants: 70,
    markets: 64,
    years: 14,
    platforms: 10,
    ...density(1, 0.75),
  },
];

function density(laneDensity: number, marketReach: number) {
  return { laneDensity, marketReach };
}

/** Deterministic 32-bit PRNG (mulberry32): same seed, same network, on every machine. */
export const rng = mulberry32;

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

/** Relative market size (new-car sales, rough orders of magnitude); unlisted markets are 0.4. */
const MARKET_SIZE: Record<string, number> = {
  CN: 8,
  US: 6,
  IN: 3,
  JP: 3,
  DE: 2.5,
  BR: 2,
  FR: 1.6,
  GB: 1.8,
  IT: 1.5,
  KR: 1.4,
  CA: 1.3,
  MX: 1.1,
  ES: 1,
  TR: 1,
  ID: 0.9,
  AU: 1,
  RU: 1,
  PL: 0.6,
  TH: 0.7,
  SA: 0.6,
  AR: 0.5,
  BE: 0.5,
  NL: 0.4,
  ZA: 0.5,
  MY: 0.6,
};
/** Net price level per bloc, relative to Europe. */
const PRICE_LEVEL: Record<Bloc, number> = {
  eu: 1,
  nafta: 1.1,
  mercosur: 0.9,
  china: 0.85,
  india: 0.75,
  asia: 0.95,
  mea: 0.9,
  oceania: 1.05,
};
/** Net price to the maker (after dealer margin) of a segment's car in Europe, and its peak yearly volume. */
const SEGMENT: Record<(typeof SEGMENTS)[number], { price: number; peak: number }> = {
  A: { price: 14_000, peak: 140_000 },
  B: { price: 19_000, peak: 170_000 },
  C: { price: 27_000, peak: 160_000 },
  D: { price: 38_000, peak: 90_000 },
  E: { price: 55_000, peak: 45_000 },
};

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
const between = (r: () => number, lo: number, hi: number) => lo + r() * (hi - lo);
const round = (v: number, step: number) => Math.round(v / step) * step;
const pad = (i: number) => String(i + 1).padStart(3, "0");
const marketId = (c: Country) => `mk-${c.code.toLowerCase()}`;

const BASE_YEAR = 2026;
const DEFAULT_SEED = 20261122;
const M = 1e6;

/** The synthetic scenario of one size, validated with `Scenario.parse`. */
export function generateScenario(size: NetworkSize): Scenario {
  return Scenario.parse(generateScenarioInput(size));
}

/** The scenario as written to a file (defaults left out): `bench/instance.ts` writes it as YAML or JSON. */
export function generateScenarioInput(size: NetworkSize): ScenarioInput {
  const r = rng(size.seed ?? DEFAULT_SEED);
  const start = BASE_YEAR;
  const end = BASE_YEAR + size.years - 1;
  const platforms = Array.from({ length: size.platforms }, (_, i) => `pf-${pad(i)}`);
  const markets = marketsOf(size.markets);

  const plants = plantsOf(r, size, platforms, start, end);
  const programs = Array.from({ length: size.programs }, (_, i) =>
    programOf(r, i, size, platforms, plants, start, end),
  );
  const demand = programs.flatMap((p) => demandOf(r, p, markets, size.marketReach, start, end));
  const seed = size.seed ?? DEFAULT_SEED;
  return {
    portello: 1,
    id: `bench-${size.name}`,
    name: `Synthetic network ${size.name}`,
    description:
      `Synthetic benchmark network (bench/generate.ts, size ${size.name}, seed ${seed}): ${size.brands} brands, ` +
      `${size.programs} programs, ${size.plants} plants, ${size.markets} markets, ${size.years} years, ` +
      `${size.platforms} platforms. Every number is invented; duty rates are of the order of published ones.`,
    horizon: { start, end },
    discountRate: 0.08,
    currency: "EUR",
    objective: { mode: "profit" },
    regions: regionsOf(),
    plants,
    programs: programs.map(({ home: _h, ...p }) => p),
    markets: markets.map((c) => ({
      id: marketId(c),
      name: `Market ${c.code}`,
      countries: [c.code],
      lat: c.lat,
      lon: c.lon,
    })),
    demand,
    logistics: {
      defaultMode: "sea",
      modes: {
        sea: { fixedPerVehicle: 400, perKm: 0.03 },
        road: { fixedPerVehicle: 150, perKm: 0.25 },
      },
      cite: {
        modes: { assumption: "synthetic benchmark data: invented, of the order of car-carrier rates" },
      },
    },
    lanes: lanesOf(r, plants, markets, size.laneDensity),
    duties: dutiesOf(markets, start),
    policies: policiesOf(r, size, plants, programs, start, end),
    cite: {
      discountRate: { assumption: "synthetic benchmark data: a typical real discount rate for the industry" },
    },
  };
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
type ProgramInput = ScenarioInput["programs"][number] & { home: Bloc };

function plantsOf(
  r: () => number,
  size: NetworkSize,
  platforms: string[],
  start: number,
  end: number,
): PlantInput[] {
  const [fewest, most] = size.platformsPerPlant ?? [1, 3];
  const idle = size.idleShare ?? 0.1;
  const candidate = size.candidateShare ?? 0.1;
  const plants = Array.from({ length: size.plants }, (_, i) => {
    const roll = r();
    // the first plant is always active, so that every platform can have an active home
    const status = i === 0 || roll >= idle + candidate ? "active" : roll < idle ? "idle" : "candidate";
    return plantOf(r, i, status, status === "candidate" ? [] : sample(r, platforms, int(r, fewest, most)));
  });
  // Every platform is built today by at least one active plant (programs on it have a home).
  const active = plants.filter((s) => s.status === "active");
  for (const l of platforms) {
    if (active.some((s) => s.platforms!.includes(l))) continue;
    const least = active.reduce((a, b) => (b.platforms!.length < a.platforms!.length ? b : a));
    least.platforms!.push(l);
  }
  const [fewestConversions, mostConversions] = size.conversionsPerPlant ?? [1, 2];
  const reserved = size.reservedShare ?? 0.15;
  for (const s of plants) {
    // a greenfield plant is designed for two or three platforms; others can add one or two
    const count = s.status === "candidate" ? int(r, 2, 3) : int(r, fewestConversions, mostConversions);
    const options = platforms.filter((l) => !s.platforms!.includes(l));
    s.platformConversion = Object.fromEntries(
      sample(r, options, count).map((l) => [l, round(between(r, 80, 350) * M, M)]),
    );
    if (s.status === "active" && r() < reserved) {
      const last = int(r, start + 2, end);
      const volume = round(s.capacityPerShift * between(r, 0.2, 0.6), 1000);
      s.reservedVolume = {};
      for (let y = start; y <= last; y++) s.reservedVolume[String(y)] = volume;
    }
  }
  return plants;
}

function plantOf(
  r: () => number,
  i: number,
  status: "active" | "idle" | "candidate",
  own: string[],
): PlantInput {
  const country = countryOf(PLANT_COUNTRIES[i % PLANT_COUNTRIES.length]!);
  const capacityPerShift = round(between(r, 60_000, 130_000), 1000);
  const maxShifts = int(r, 1, 3);
  const western = country.bloc === "eu" || country.bloc === "nafta";
  const plant: PlantInput = {
    id: `pl-${pad(i)}`,
    name: `Plant ${pad(i)} (${country.code})`,
    country: country.code,
    lat: +(country.lat + (r() - 0.5) * 4).toFixed(3),
    lon: +(country.lon + (r() - 0.5) * 4).toFixed(3),
    status,
    capacityPerShift,
    maxShifts,
    // overheads scale with the plant's size: €300–700 a year per vehicle of capacity, €400–800 per shift
    fixedCost: round(capacityPerShift * maxShifts * between(r, 300, 700), M),
    shiftCost: round(capacityPerShift * between(r, 400, 800), M),
    platforms: own,
    costIndex: +(western ? between(r, 0.95, 1.12) : between(r, 0.75, 0.92)).toFixed(3),
  };
  if (r() < 0.3)
    plant.overtime = {
      maxShare: +between(r, 0.1, 0.2).toFixed(2),
      costPerVehicle: round(between(r, 300, 900), 10),
    };
  if (status === "idle") {
    plant.openCost = round(between(r, 150, 400) * M, M);
    plant.earliestYear = BASE_YEAR + int(r, 1, 2);
  } else if (status === "candidate") {
    plant.openCost = round(between(r, 700, 1300) * M, M);
    plant.earliestYear = BASE_YEAR + int(r, 3, 4);
    plant.openCostPhasing = { "-2": 0.3, "-1": 0.5, "0": 0.2 };
  } else if (r() < 0.35) {
    plant.canClose = true;
    plant.closeCost = round(between(r, 150, 600) * M, M);
  }
  return plant;
}

/** Active plants that build a platform today: where a program on it can always be built. */
function homesOf(plants: PlantInput[], platform: string): PlantInput[] {
  return plants.filter((s) => s.status === "active" && s.platforms!.includes(platform));
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
  const homes = homesOf(plants, platform);
  const home = pick(r, homes);
  // Staggered life cycles: some programs run out early in the horizon, others start late in it.
  const life = int(r, 6, 8);
  const sop = int(r, start - 5, end - 3);
  const price = SEGMENT[segment].price;
  const dual = r() < (size.dualSourcedShare ?? 0.2);
  const program: ProgramInput = {
    id: `pg-${pad(i)}`,
    name: `Program ${pad(i)}`,
    brand: `brand-${pad(i % size.brands)}`,
    segment,
    body: pick(r, BODIES),
    powertrain: pick(r, POWERTRAINS),
    platform,
    sop,
    eop: sop + life - 1,
    maxPlants: dual ? 2 : 1,
    // a new program is a committed launch more often than not; a running one is built where it is
    mustBuild: sop < start || r() < 0.6,
    variableCost: round(price * between(r, 0.7, 0.8), 100),
    tooling: round(price * between(r, 8_000, 16_000), M),
    toolingPhasing: { "-2": 0.3, "-1": 0.5, "0": 0.2 },
    home: countryOf(home.country).bloc,
  };
  if (sop < start) {
    const second = homes.filter((s) => s !== home);
    program.builtAt = dual && second.length > 0 && r() < 0.5 ? [home.id, pick(r, second).id] : [home.id];
  }
  return program;
}

type DemandInput = ScenarioInput["demand"] extends (infer D)[] | undefined ? D : never;

/** Share of the plateau volume in year k of a life of n years: ramp-up, plateau easing 2 % a year, run-out. */
export function lifeCycleShare(k: number, n: number): number {
  if (k === n - 1) return 0.5;
  if (k === n - 2) return 0.75;
  if (k === 0) return 0.45;
  if (k === 1) return 0.85;
  return 1 - 0.02 * (k - 2);
}

function demandOf(
  r: () => number,
  p: ProgramInput,
  markets: Country[],
  reach: number,
  start: number,
  end: number,
): DemandInput[] {
  const count = Math.max(1, Math.round(markets.length * reach));
  // home bloc first, then the rest, each in a seeded order
  const order = markets
    .map((m) => ({ m, key: (m.bloc === p.home ? 0 : 1) + r() }))
    .sort((a, b) => a.key - b.key)
    .map(({ m }) => m);
  const sold = order.slice(0, count);
  const peak = SEGMENT[p.segment as keyof typeof SEGMENT].peak * between(r, 0.5, 1.5);
  const weights = sold.map(
    (m) => (MARKET_SIZE[m.code] ?? 0.4) * (m.bloc === p.home ? 3 : 1) * between(r, 0.5, 1.5),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const life = p.eop - p.sop + 1;
  const basePrice = SEGMENT[p.segment as keyof typeof SEGMENT].price;
  return sold.map((m, k) => {
    const volume: Record<string, number> = {};
    const plateau = (peak * weights[k]!) / total;
    for (let y = Math.max(start, p.sop); y <= Math.min(end, p.eop); y++)
      volume[String(y)] = Math.max(50, round(plateau * lifeCycleShare(y - p.sop, life), 10));
    return {
      program: p.id,
      market: marketId(m),
      volume,
      price: round(basePrice * PRICE_LEVEL[m.bloc] * between(r, 0.92, 1.08), 10),
    };
  });
}

type LaneInput = ScenarioInput["lanes"] extends (infer L)[] | undefined ? L : never;

/** Closed lanes at the given density; road within a bloc; everything else is derived (sea, great-circle). */
function lanesOf(r: () => number, plants: PlantInput[], markets: Country[], density: number): LaneInput[] {
  const lanes: LaneInput[] = [];
  for (const s of plants) {
    const from = countryOf(s.country);
    for (const m of markets) {
      if (r() >= density) lanes.push({ from: s.id, to: marketId(m), allowed: false });
      else if (from.bloc === m.bloc) lanes.push({ from: s.id, to: marketId(m), mode: "road" });
    }
  }
  return lanes;
}

type DutyInput = ScenarioInput["duties"] extends (infer D)[] | undefined ? D : never;

const BLOCS: Bloc[] = ["eu", "nafta", "mercosur", "china", "india", "asia", "mea", "oceania"];
/** MFN-like rate on cars into each bloc (invented, of the order of the published ones). */
const MFN: Record<Bloc, number> = {
  eu: 0.1,
  nafta: 0.025,
  mercosur: 0.35,
  china: 0.15,
  india: 0.7,
  asia: 0.08,
  mea: 0.2,
  oceania: 0.05,
};

/** Import duties by trade bloc; where several match a lane and year the last one wins, so order matters. */
function dutiesOf(markets: Country[], start: number): DutyInput[] {
  const into = (codes: string[]) =>
    markets.filter((m) => codes.includes(m.code) || codes.includes(m.bloc)).map(marketId);
  const duties: DutyInput[] = [];
  const add = (duty: DutyInput) => {
    if (duty.to.length > 0) duties.push(duty);
  };
  for (const bloc of BLOCS)
    add({ id: `mfn-${bloc}`, from: BLOCS, to: into([bloc]), rate: MFN[bloc], agreement: "MFN" });
  for (const bloc of BLOCS)
    add({ id: `fta-${bloc}`, from: [bloc], to: into([bloc]), rate: 0, agreement: `${bloc} free-trade area` });
  const bilateral: [string, string[], string[]][] = [
    ["eu-tr", ["eu", "TR"], ["eu", "TR"]],
    ["eu-ma", ["eu", "MA", "TN"], ["eu", "MA", "TN"]],
    ["eu-jp-kr", ["eu", "JP", "KR"], ["eu", "JP", "KR"]],
    ["eu-mx", ["eu", "MX"], ["eu", "MX"]],
    ["mx-mercosur", ["MX", "mercosur"], ["MX", "BR", "AR", "UY", "PY"]],
    ["cn-asean", ["china", "TH", "ID", "MY", "VN", "PH", "SG"], ["CN", "TH", "ID", "MY", "VN", "PH", "SG"]],
  ];
  for (const [id, from, to] of bilateral)
    add({ id: `fta-${id}`, from, to: into(to), rate: 0, agreement: id });
  const us = into(["US"]);
  const nonNafta = BLOCS.filter((b) => b !== "nafta");
  add({ id: "us-232", from: nonNafta, to: us, rate: 0.25, agreement: "Section 232-like" });
  add({ id: "us-eu-deal", from: ["eu"], to: us, rate: 0.15, agreement: "framework deal" });
  add({ id: "us-cn-301", from: ["china"], to: into(["nafta"]), rate: 1, agreement: "punitive" });
  add({ id: "eu-cn-cvd", from: ["china"], to: into(["eu"]), rate: 0.3, agreement: "countervailing" });
  add({
    id: "cn-retaliation",
    from: ["nafta"],
    to: into(["china"]),
    rate: 0.4,
    validFrom: start + 2,
    validTo: start + 5,
    agreement: "retaliation window",
  });
  return duties;
}

type PolicyInput = ScenarioInput["policies"] extends (infer P)[] | undefined ? P : never;

/**
 * Keep-open (some until a year), budget caps that leave room for every must-build program, a few forbidden
 * allocations and home-bloc restrictions — each only where the program still has an active home, so the
 * scenario stays feasible.
 */
function policiesOf(
  r: () => number,
  size: NetworkSize,
  plants: PlantInput[],
  programs: ProgramInput[],
  start: number,
  end: number,
): PolicyInput[] {
  const active = plants.filter((s) => s.status === "active");
  const policies: PolicyInput[] = [];
  for (const s of sample(r, active, Math.ceil(active.length * (size.keepOpenShare ?? 0.15)))) {
    const until = r() < 0.5 ? { to: Math.min(end, start + int(r, 2, 5)) } : {};
    policies.push({ id: `keep-${s.id}`, kind: "keep-open", plant: s.id, ...until });
  }
  for (let w = 0; w < (size.budgetCaps ?? 2); w++) {
    const from = start + 4 * w;
    const to = Math.min(end, from + 3);
    if (from > end) break;
    const paid = (p: ProgramInput) =>
      Object.entries(p.toolingPhasing ?? { "0": 1 }).reduce((sum, [offset, share]) => {
        const year = Math.max(start, p.sop + Number(offset));
        return year >= from && year <= to ? sum + share * p.tooling! : sum;
      }, 0);
    const fresh = programs.filter((p) => !(p.builtAt ?? []).length);
    const must = fresh.filter((p) => p.mustBuild).reduce((sum, p) => sum + paid(p), 0);
    const all = fresh.reduce((sum, p) => sum + paid(p), 0);
    const cap = round(Math.max(1.15 * must, 0.75 * all), M);
    if (cap > 0)
      policies.push({ id: `budget-${from}-${to}`, kind: "budget-cap", maxInvestment: cap, from, to });
  }
  const countries = (bloc: Bloc) => [
    ...new Set(plants.filter((s) => countryOf(s.country).bloc === bloc).map((s) => s.country)),
  ];
  for (const p of sample(r, programs, Math.ceil(programs.length / 20))) {
    const homes = homesOf(plants, p.platform).filter((s) => countryOf(s.country).bloc === p.home);
    if (homes.length === 0 || (p.builtAt ?? []).length > 0) continue;
    policies.push({
      id: `local-${p.id}`,
      kind: "restrict-to-countries",
      program: p.id,
      countries: countries(p.home),
    });
  }
  for (const p of sample(r, programs, Math.ceil(programs.length / 10))) {
    const s = pick(r, plants);
    const homes = homesOf(plants, p.platform).filter((h) => h !== s);
    if ((p.builtAt ?? []).includes(s.id) || homes.length === 0) continue;
    if (policies.some((q) => q.kind === "restrict-to-countries" && q.program === p.id)) continue;
    policies.push({ id: `forbid-${p.id}-${s.id}`, kind: "forbid-allocation", program: p.id, plant: s.id });
  }
  return policies;
}
