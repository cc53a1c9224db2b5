import { ValidationError } from "../domain/issues.js";
import { checkContradictions } from "../domain/references.js";
import type {
  CapexPhasing,
  Demand,
  Plant,
  Policy,
  Program,
  Scenario,
  TerminalValue,
} from "../domain/scenario.js";

/**
 * The data tables of the planning model (docs/model.md), derived once from a validated scenario.
 * Every table is a flat typed array indexed by positions in the scenario's lists, in the layouts below,
 * so the builder reads numbers, never ids:
 *   program×plant        [p * S + s]
 *   plant×market         [s * M + m]
 *   plant×year           [s * T + t]
 *   program×market×year  [(p * M + m) * T + t]
 *   plant×market×year    [(s * M + m) * T + t]
 * where t is the position of a year in `years` (0 = horizon start).
 */
export interface ModelInputs {
  /** ids by position, for names and reports */
  programIds: string[];
  plantIds: string[];
  marketIds: string[];
  /** profit: maximise NPV, unmet demand loses its margin; serve-all: minimise discounted cost */
  mode: "profit" | "serve-all";
  /** serve-all: penalty per unmet vehicle; undefined = unmet demand forbidden */
  unmetPenalty: number | undefined;
  numPrograms: number;
  numPlants: number;
  numMarkets: number;
  numYears: number;
  /** calendar years of the horizon, start..end */
  years: Int32Array;
  /** d_t = (1 + r)^-(t - start) */
  discount: Float64Array;
  /** r: the annual discount rate */
  discountRate: number;
  /** how the years after the horizon are valued */
  terminalValue: TerminalValue;
  /** per program: sop and eop, calendar years (tooling phasing and salvage are measured from them) */
  sop: Int32Array;
  eop: Int32Array;
  /** per program: (year offset from sop, share) of its tooling; [[0, 1]] when not phased */
  toolingPhasing: Phasing[];
  /**
   * Exchange rates into the scenario currency, by year: [s * T + t] for a plant's currency (its costs, and
   * programs' variable cost, tooling and customs value there), [m * T + t] for a market's (its prices). 1 where
   * the amounts are in the scenario currency.
   */
  plantFx: Float64Array;
  marketFx: Float64Array;
  /** platform ids (programs' platforms, plants' platforms and conversion targets), in first-seen order */
  platforms: string[];
  /** program → index into `platforms` */
  programPlatform: Int32Array;
  /** first and last year index of each program's life inside the horizon; -1 when it lies outside */
  lifeFirst: Int32Array;
  lifeLast: Int32Array;
  /** year index where tooling is paid: max(sop, horizon start); -1 when the life lies outside */
  toolingYear: Int32Array;
  /** D[p,m,t]: demand the model sees (zero outside the program's life) */
  demand: Float64Array;
  /** pi[p,m,t]: net price; volume-weighted where several demand rows cover the same cell */
  price: Float64Array;
  /** c[p,s]: variable cost per vehicle */
  variableCost: Float64Array;
  /** v[p,s]: customs value per vehicle on which duties are charged */
  customsValue: Float64Array;
  /** I[p,s]: tooling investment of a new allocation (0 where the program is already built there) */
  tooling: Float64Array;
  /** l[s,m]: logistics cost per vehicle */
  laneCost: Float64Array;
  /** 1 where plant s may ship to market m */
  laneAllowed: Uint8Array;
  /**
   * tau[s,m,t]: ad-valorem duty rate on vehicles, [(s * M + m) * T + t]; where a duty has a rule of origin it
   * depends on the program: [((p * S + s) * M + m) * T + t] (dutyByProgram). Read it with `dutyRateAt`.
   */
  dutyRate: Float64Array;
  dutyByProgram: boolean;
  /** duty on imported parts per unit of customs value, [(p * S + s) * T + t] */
  partsDuty: Float64Array;
  /** why allocation (p,s) is or is not possible: an `AllocationBlock` code */
  allocation: Uint8Array;
  /** 1 where program p is already built at plant s (program.builtAt): fixed, tooling sunk */
  existing: Uint8Array;
  /** 1 where a fix-allocation policy forces program p onto plant s */
  fixed: Uint8Array;
  /** 1 where plant s may operate in year t (not closed, not before its earliest year) */
  operable: Uint8Array;
  /** 1 where a keep-open policy requires plant s to operate in year t */
  keepOpen: Uint8Array;
  /** capacity taken by programs outside the scenario while the plant operates */
  reserved: Float64Array;
  /** 1 where plant s has platform l today: [s * L + l] */
  hasPlatform: Uint8Array;
  /** V[s,l]: one-off cost to add platform l at plant s; NaN where it cannot be added: [s * L + l] */
  conversionCost: Float64Array;
  /** the scenario's policies, for the builder's policy rows */
  policies: Policy[];
  plant: PlantTable;
  /** most plants that may build each program */
  maxPlants: Int32Array;
  /** 1 where the program must be allocated to a plant */
  mustBuild: Uint8Array;
}

/** (year offset, share) pairs of a phased investment; offsets are 0 or negative, shares add up to 1. */
export type Phasing = [offset: number, share: number][];

/** Plant parameters by plant position. */
export interface PlantTable {
  /** (year offset from the opening year, share) of the opening cost; [[0, 1]] when not phased */
  openPhasing: Phasing[];
  /** most overtime vehicles per running shift, as a share of one shift's capacity (0 = no overtime) */
  overtimeShare: Float64Array;
  /** extra cost per overtime vehicle */
  overtimeCost: Float64Array;
  /** PlantStatusCode per plant */
  status: Uint8Array;
  capacityPerShift: Float64Array;
  maxShifts: Int32Array;
  fixedCost: Float64Array;
  shiftCost: Float64Array;
  /** R_s: reopen (idle) or build (candidate) cost; 0 when not given */
  openCost: Float64Array;
  closeCost: Float64Array;
  canClose: Uint8Array;
}

export const PlantStatusCode = { active: 0, idle: 1, candidate: 2, closed: 3 } as const;
export type PlantStatusCode = (typeof PlantStatusCode)[keyof typeof PlantStatusCode];

/** Why program p can or cannot be built at plant s (stored per (p,s) in `ModelInputs.allocation`). */
export const AllocationBlock = {
  none: 0,
  plantClosed: 1,
  noPlatform: 2,
  forbidden: 3,
  outsideCountries: 4,
  /** the program's life and the plant's operating years do not overlap inside the horizon */
  noCommonYears: 5,
} as const;
export type AllocationBlock = (typeof AllocationBlock)[keyof typeof AllocationBlock];

const EARTH_RADIUS_KM = 6371.0088;

/** The vehicle duty rate of a flow (program p from plant s to market m in year index t). */
export function dutyRateAt(inputs: ModelInputs, p: number, s: number, m: number, t: number): number {
  const { numPlants: S, numMarkets: M, numYears: T } = inputs;
  const ps = inputs.dutyByProgram ? p * S + s : s;
  return inputs.dutyRate[(ps * M + m) * T + t]!;
}

/** Great-circle distance by the haversine formula. */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Positions of ids in the scenario's lists. The scenario was checked in the domain layer
 * (domain/references.ts), so an unknown id here is a programming error, not a user's mistake.
 */
class Positions {
  private readonly index = new Map<string, Map<string, number>>();

  constructor(scenario: Scenario) {
    this.index.set("plant", positions(scenario.plants));
    this.index.set("program", positions(scenario.programs));
    this.index.set("market", positions(scenario.markets));
  }

  find(kind: "plant" | "program" | "market", id: string): number {
    const position = this.index.get(kind)!.get(id);
    if (position === undefined) throw new Error(`unchecked scenario: unknown ${kind} '${id}'`);
    return position;
  }
}

function positions(list: { id: string }[]): Map<string, number> {
  return new Map(list.map((item, i) => [item.id, i]));
}

/**
 * Derives every data table of the model from a scenario the domain layer has checked (load.ts does; see
 * domain/references.ts). Contradictions the model would silently drop — a fixed allocation that cannot exist,
 * keep-open in a year the plant cannot operate — are checked here again by the domain's own check, so that
 * scenarios made in code (variants, tests) cannot slip them past: they throw its ValidationError.
 */
export function deriveInputs(scenario: Scenario): ModelInputs {
  const contradictions = checkContradictions(scenario);
  if (contradictions.length > 0) throw new ValidationError(contradictions);
  const refs = new Positions(scenario);
  const { plants, programs, markets } = scenario;
  const P = programs.length;
  const S = plants.length;
  const M = markets.length;
  const start = scenario.horizon.start;
  const T = scenario.horizon.end - start + 1;

  const years = new Int32Array(T);
  const discount = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    years[t] = start + t;
    discount[t] = (1 + scenario.discountRate) ** -t;
  }

  const platforms = collectPlatforms(scenario);
  const L = platforms.length;
  const platformIndex = new Map(platforms.map((id, l) => [id, l]));
  const programPlatform = Int32Array.from(programs, (p) => platformIndex.get(p.platform)!);

  const lifeFirst = new Int32Array(P).fill(-1);
  const lifeLast = new Int32Array(P).fill(-1);
  const toolingYear = new Int32Array(P).fill(-1);
  programs.forEach((program, p) => {
    const first = Math.max(program.sop, start) - start;
    const last = Math.min(program.eop, scenario.horizon.end) - start;
    if (first <= last) {
      lifeFirst[p] = first;
      lifeLast[p] = last;
      toolingYear[p] = first;
    }
  });

  const { demand, price } = expandDemand(scenario, refs, lifeFirst, lifeLast, T);

  const variableCost = new Float64Array(P * S);
  const customsValue = new Float64Array(P * S);
  const tooling = new Float64Array(P * S);
  const existing = new Uint8Array(P * S);
  programs.forEach((program, p) => {
    for (const id of program.builtAt) existing[p * S + refs.find("plant", id)] = 1;
    plants.forEach((plant, s) => {
      const c = program.variableCostByPlant[plant.id] ?? program.variableCost * plant.costIndex;
      variableCost[p * S + s] = c;
      customsValue[p * S + s] = program.customsValueByPlant[plant.id] ?? program.customsValue ?? c;
      tooling[p * S + s] = existing[p * S + s] ? 0 : (program.toolingByPlant[plant.id] ?? program.tooling);
    });
  });

  const { laneCost, laneAllowed } = deriveLanes(scenario, refs);
  const { dutyRate, dutyByProgram } = deriveDuties(scenario, refs, T);
  const partsDuty = derivePartsDuties(scenario, T);

  const operable = new Uint8Array(S * T);
  const reserved = new Float64Array(S * T);
  const hasPlatform = new Uint8Array(S * L);
  const conversionCost = new Float64Array(S * L).fill(Number.NaN);
  plants.forEach((plant, s) => {
    const first = firstOperatingYear(plant, start);
    for (let t = Math.max(0, first - start); t < T; t++)
      operable[s * T + t] = plant.status === "closed" ? 0 : 1;
    for (const [year, volume] of Object.entries(plant.reservedVolume)) {
      const t = Number(year) - start;
      if (t >= 0 && t < T) reserved[s * T + t] = volume;
    }
    for (const id of plant.platforms) hasPlatform[s * L + platformIndex.get(id)!] = 1;
    // a plant already building a program has that program's platform, whatever its list says
    for (let p = 0; p < P; p++) if (existing[p * S + s]) hasPlatform[s * L + programPlatform[p]!] = 1;
    for (const [id, cost] of Object.entries(plant.platformConversion)) {
      const l = platformIndex.get(id)!;
      if (!hasPlatform[s * L + l]) conversionCost[s * L + l] = cost;
    }
  });

  const allocation = new Uint8Array(P * S);
  const fixed = new Uint8Array(P * S);
  const keepOpen = new Uint8Array(S * T);
  applyPolicies(scenario, refs, { fixed, keepOpen, allocation, operable, T, start });

  for (let p = 0; p < P; p++) {
    for (let s = 0; s < S; s++) {
      const ps = p * S + s;
      if (allocation[ps] !== AllocationBlock.none) continue;
      allocation[ps] = allocationBlock(p, s);
    }
  }

  function allocationBlock(p: number, s: number): AllocationBlock {
    const ps = p * S + s;
    if (plants[s]!.status === "closed") return AllocationBlock.plantClosed;
    const l = programPlatform[p]!;
    const platformOk = hasPlatform[s * L + l] || !Number.isNaN(conversionCost[s * L + l]!) || existing[ps];
    if (!platformOk) return AllocationBlock.noPlatform;
    if (lifeFirst[p]! < 0) return AllocationBlock.noCommonYears;
    for (let t = lifeFirst[p]!; t <= lifeLast[p]!; t++) if (operable[s * T + t]) return AllocationBlock.none;
    return AllocationBlock.noCommonYears;
  }

  return {
    programIds: programs.map((p) => p.id),
    plantIds: plants.map((s) => s.id),
    marketIds: markets.map((m) => m.id),
    mode: scenario.objective.mode,
    unmetPenalty: scenario.objective.unmetPenalty,
    numPrograms: P,
    numPlants: S,
    numMarkets: M,
    numYears: T,
    years,
    discount,
    discountRate: scenario.discountRate,
    terminalValue: scenario.terminalValue,
    sop: Int32Array.from(programs, (p) => p.sop),
    eop: Int32Array.from(programs, (p) => p.eop),
    toolingPhasing: programs.map((p) => phasing(p.toolingPhasing)),
    plantFx: fxTable(scenario, plants, T),
    marketFx: fxTable(scenario, markets, T),
    platforms,
    programPlatform,
    lifeFirst,
    lifeLast,
    toolingYear,
    demand,
    price,
    variableCost,
    customsValue,
    tooling,
    laneCost,
    laneAllowed,
    dutyRate,
    dutyByProgram,
    partsDuty,
    allocation,
    existing,
    fixed,
    operable,
    keepOpen,
    reserved,
    hasPlatform,
    conversionCost,
    policies: scenario.policies,
    plant: plantTable(plants),
    maxPlants: Int32Array.from(programs, (p) => p.maxPlants),
    mustBuild: Uint8Array.from(programs, (p) => (p.mustBuild ? 1 : 0)),
  };
}

/** Rates into the scenario currency per entity and year index, [i * T + t]. */
function fxTable(scenario: Scenario, entities: { currency?: string | undefined }[], T: number): Float64Array {
  const table = new Float64Array(entities.length * T).fill(1);
  entities.forEach((entity, i) => {
    const rate = entity.currency === undefined ? undefined : scenario.fx[entity.currency];
    if (rate === undefined) return;
    for (let t = 0; t < T; t++)
      table[i * T + t] = typeof rate === "number" ? rate : rate[String(scenario.horizon.start + t)]!;
  });
  return table;
}

function phasing(shares: CapexPhasing | undefined): Phasing {
  if (shares === undefined) return [[0, 1]];
  return Object.entries(shares).map(([offset, share]) => [Number(offset), share]);
}

function plantTable(plants: Plant[]): PlantTable {
  return {
    openPhasing: plants.map((s) => phasing(s.openCostPhasing)),
    overtimeShare: Float64Array.from(plants, (s) => s.overtime?.maxShare ?? 0),
    overtimeCost: Float64Array.from(plants, (s) => s.overtime?.costPerVehicle ?? 0),
    status: Uint8Array.from(plants, (s) => PlantStatusCode[s.status]),
    capacityPerShift: Float64Array.from(plants, (s) => s.capacityPerShift),
    maxShifts: Int32Array.from(plants, (s) => s.maxShifts),
    fixedCost: Float64Array.from(plants, (s) => s.fixedCost),
    shiftCost: Float64Array.from(plants, (s) => s.shiftCost),
    openCost: Float64Array.from(plants, (s) => s.openCost ?? 0),
    closeCost: Float64Array.from(plants, (s) => s.closeCost),
    canClose: Uint8Array.from(plants, (s) => (s.canClose ? 1 : 0)),
  };
}

function collectPlatforms(scenario: Scenario): string[] {
  const seen = new Set<string>();
  for (const program of scenario.programs) seen.add(program.platform);
  for (const plant of scenario.plants) {
    for (const id of plant.platforms) seen.add(id);
    for (const id of Object.keys(plant.platformConversion)) seen.add(id);
  }
  return [...seen];
}

/** Idle and candidate plants operate from their earliest year; active plants from the start. */
function firstOperatingYear(plant: Plant, start: number): number {
  if (plant.status === "active") return start;
  return Math.max(start, plant.earliestYear ?? start);
}

/** Volumes of one demand row per year index (0 outside the spec or the horizon). */
function expandVolume(spec: Demand["volume"], start: number, T: number): Float64Array {
  const volume = new Float64Array(T);
  if ("from" in spec && typeof spec.from === "number") {
    const growth = spec as { from: number; volume: number; growth: number; to?: number };
    const last = growth.to ?? start + T - 1;
    for (let t = 0; t < T; t++) {
      const year = start + t;
      if (year >= growth.from && year <= last)
        volume[t] = growth.volume * (1 + growth.growth) ** (year - growth.from);
    }
  } else {
    for (const [year, v] of Object.entries(spec as Record<string, number>)) {
      const t = Number(year) - start;
      if (t >= 0 && t < T) volume[t] = v;
    }
  }
  return volume;
}

/** Demand and price per (program, market, year); several rows on one cell add up, prices weighted by volume. */
function expandDemand(
  scenario: Scenario,
  refs: Positions,
  lifeFirst: Int32Array,
  lifeLast: Int32Array,
  T: number,
): { demand: Float64Array; price: Float64Array } {
  const M = scenario.markets.length;
  const size = scenario.programs.length * M * T;
  const demand = new Float64Array(size);
  const revenue = new Float64Array(size);
  const lastPrice = new Float64Array(size);
  for (const row of scenario.demand) {
    const p = refs.find("program", row.program);
    const split: [number, number][] =
      row.market !== undefined
        ? [[refs.find("market", row.market), 1]]
        : Object.entries(row.shares ?? {}).map(([id, share]) => [refs.find("market", id), share]);
    const volume = expandVolume(row.volume, scenario.horizon.start, T);
    for (const [m, share] of split) {
      const unitPrice = row.priceByMarket?.[scenario.markets[m]!.id] ?? row.price;
      for (let t = lifeFirst[p]!; t >= 0 && t <= lifeLast[p]!; t++) {
        const cell = (p * M + m) * T + t;
        const v = volume[t]! * share;
        demand[cell]! += v;
        revenue[cell]! += v * unitPrice;
        lastPrice[cell] = unitPrice;
      }
    }
  }
  const price = new Float64Array(size);
  for (let i = 0; i < size; i++) price[i] = demand[i]! > 0 ? revenue[i]! / demand[i]! : lastPrice[i]!;
  return { demand, price };
}

/**
 * Logistics cost and permission per (plant, market). All lanes are allowed unless a lane says otherwise.
 * Cost: the lane's own cost; else its mode's fixedPerVehicle + perKm × distance (the lane's distanceKm, or the
 * great-circle distance between plant and market coordinates). Without mode rates the lane costs 0, and
 * without a distance only the fixed handling is charged: the scenario author owns those gaps.
 */
function deriveLanes(
  scenario: Scenario,
  refs: Positions,
): { laneCost: Float64Array; laneAllowed: Uint8Array } {
  const { plants, markets, logistics } = scenario;
  const M = markets.length;
  const laneCost = new Float64Array(plants.length * M);
  const laneAllowed = new Uint8Array(plants.length * M).fill(1);
  const explicit = new Map<number, Scenario["lanes"][number]>();
  for (const lane of scenario.lanes) {
    // the last lane listed wins
    explicit.set(refs.find("plant", lane.from) * M + refs.find("market", lane.to), lane);
  }
  plants.forEach((plant, s) => {
    markets.forEach((market, m) => {
      const lane = explicit.get(s * M + m);
      if (lane && !lane.allowed) {
        laneAllowed[s * M + m] = 0;
        return;
      }
      if (lane?.costPerVehicle !== undefined) {
        laneCost[s * M + m] = lane.costPerVehicle;
        return;
      }
      const rates = logistics.modes[lane?.mode ?? logistics.defaultMode];
      if (!rates) return;
      const km =
        lane?.distanceKm ??
        (plant.lat !== undefined &&
        plant.lon !== undefined &&
        market.lat !== undefined &&
        market.lon !== undefined
          ? greatCircleKm(plant.lat, plant.lon, market.lat, market.lon)
          : 0);
      laneCost[s * M + m] = rates.fixedPerVehicle + rates.perKm * km;
    });
  });
  return { laneCost, laneAllowed };
}

/**
 * Duty rate per (plant, market, year) — per (program, plant, market, year) when a duty has a rule of origin,
 * which depends on the program's content at the plant: the last duty row whose origin, destination and years
 * match, and whose rule of origin (if any) is met or not met as it asks.
 */
function deriveDuties(
  scenario: Scenario,
  refs: Positions,
  T: number,
): { dutyRate: Float64Array; dutyByProgram: boolean } {
  const { plants, programs, markets } = scenario;
  const M = markets.length;
  const S = plants.length;
  const start = scenario.horizon.start;
  const byProgram = scenario.duties.some((duty) => duty.ruleOfOrigin !== undefined);
  const P = byProgram ? programs.length : 1;
  const rate = new Float64Array(P * S * M * T);
  for (const duty of scenario.duties) {
    const origins = new Set(duty.from.flatMap((code) => countriesOf(scenario, code)));
    const destinations = duty.to.map((id) => refs.find("market", id));
    const first = Math.max(0, (duty.validFrom ?? start) - start);
    const last = Math.min(T - 1, (duty.validTo ?? start + T - 1) - start);
    const rule = duty.ruleOfOrigin;
    plants.forEach((plant, s) => {
      if (!origins.has(plant.country)) return;
      for (let p = 0; p < P; p++) {
        if (rule) {
          const met = regionalContent(scenario, programs[p]!, plant, rule.region) >= rule.minContent - 1e-12;
          if (met !== (rule.applies === "met")) continue;
        }
        for (const m of destinations) {
          for (let t = first; t <= last; t++) rate[((p * S + s) * M + m) * T + t] = duty.rate;
        }
      }
    });
  }
  return { dutyRate: rate, dutyByProgram: byProgram };
}

/** The countries of an ISO code or a region id. */
function countriesOf(scenario: Scenario, code: string): string[] {
  return scenario.regions[code] ?? [code];
}

/**
 * Share of a program's customs value at a plant that originates in the region: the content shares whose origin
 * lies wholly in it, and the rest (made in the plant's country) where the plant's country lies in it.
 */
export function regionalContent(
  scenario: Scenario,
  program: Program,
  plant: Plant,
  region: string[],
): number {
  const inRegion = new Set(region.flatMap((code) => countriesOf(scenario, code)));
  const shares = program.contentByPlant[plant.id] ?? {};
  let content = 0;
  let imported = 0;
  for (const [origin, share] of Object.entries(shares)) {
    imported += share;
    if (countriesOf(scenario, origin).every((c) => inRegion.has(c))) content += share;
  }
  if (inRegion.has(plant.country)) content += Math.max(0, 1 - imported);
  return content;
}

/**
 * Parts duty per unit of customs value, per (program, plant, year): for each content share from an origin
 * outside the plant's country, the last parts-duty row matching origin, plant country and year.
 */
function derivePartsDuties(scenario: Scenario, T: number): Float64Array {
  const { plants, programs } = scenario;
  const S = plants.length;
  const start = scenario.horizon.start;
  const share = new Float64Array(programs.length * S * T);
  if (scenario.partsDuties.length === 0) return share;
  programs.forEach((program, p) => {
    plants.forEach((plant, s) => {
      for (const [origin, part] of Object.entries(program.contentByPlant[plant.id] ?? {})) {
        const from = countriesOf(scenario, origin);
        if (from.includes(plant.country)) continue; // made at home: not imported
        for (let t = 0; t < T; t++) {
          const duty = scenario.partsDuties.findLast(
            (d) =>
              from.every((c) => d.from.some((code) => countriesOf(scenario, code).includes(c))) &&
              d.to.some((code) => countriesOf(scenario, code).includes(plant.country)) &&
              start + t >= (d.validFrom ?? start + t) &&
              start + t <= (d.validTo ?? start + t),
          );
          share[(p * S + s) * T + t]! += part * (duty?.rate ?? 0);
        }
      }
    });
  });
  return share;
}

interface PolicyTables {
  fixed: Uint8Array;
  keepOpen: Uint8Array;
  allocation: Uint8Array;
  operable: Uint8Array;
  T: number;
  start: number;
}

/** Policies that act on single cells: fixed and forbidden allocations, country restrictions, kept-open plants. */
function applyPolicies(scenario: Scenario, refs: Positions, tables: PolicyTables): void {
  const S = scenario.plants.length;
  const { T, start } = tables;
  for (const policy of scenario.policies) {
    switch (policy.kind) {
      case "fix-allocation":
      case "forbid-allocation": {
        const ps = refs.find("program", policy.program) * S + refs.find("plant", policy.plant);
        if (policy.kind === "fix-allocation") tables.fixed[ps] = 1;
        else tables.allocation[ps] = AllocationBlock.forbidden;
        break;
      }
      case "restrict-to-countries": {
        const p = refs.find("program", policy.program);
        scenario.plants.forEach((plant, s) => {
          if (
            !policy.countries.includes(plant.country) &&
            tables.allocation[p * S + s] === AllocationBlock.none
          ) {
            tables.allocation[p * S + s] = AllocationBlock.outsideCountries;
          }
        });
        break;
      }
      case "keep-open": {
        // years the plant cannot operate were reported by the domain's contradiction check
        const s = refs.find("plant", policy.plant);
        const first = Math.max(0, (policy.from ?? start) - start);
        const last = Math.min(T - 1, (policy.to ?? start + T - 1) - start);
        for (let t = first; t <= last; t++) tables.keepOpen[s * T + t] = tables.operable[s * T + t]!;
        break;
      }
    }
  }
}
