import type { Plant, Program, Scenario } from "../../src/domain/scenario.js";

/**
 * The oracle's own reading of a scenario's economics, written from docs/model.md and the schema's field
 * descriptions without touching src/model: per-vehicle margins, lane costs, duties, demand and the calendar.
 * Plain nested arrays indexed [program][plant][market][year index]; clarity over speed.
 */
export interface OracleData {
  years: number[];
  /** d_t = (1 + r)^-(t - start) by year index */
  discount: number[];
  /** the year index of each program's first and last year inside the horizon (first > last: none) */
  life: { first: number; last: number }[];
  /** D[p][m][t], zero outside the program's life */
  demand: number[][][];
  /** per-vehicle objective coefficient of a flow: price - cost (profit) or -cost (serve-all); NaN = no lane */
  margin: number[][][][];
  /** undiscounted tooling of a new allocation [p][s]; 0 where already built there */
  tooling: number[][];
  /** plant s may operate in year t */
  operable: boolean[][];
  reserved: number[][];
  /** conversion cost to build program p's platform at plant s: 0 if it has it (or builds a program on it), NaN if it cannot */
  conversion: number[][];
  /** plant s's currency in the scenario currency, by year index (1 for the scenario's own) */
  plantFx: number[][];
  /** per program: year index and share of each tooling payment (phasing around sop, not before the start) */
  toolingPayments: { t: number; share: number }[][];
  /**
   * Terminal value: discounted salvage per unit of investment (0 unless the method is salvage) — of tooling by
   * program, of a conversion, and of an opening in year index t; the factor on the last year's discounted
   * operating value for a perpetuity (0 unless the method is perpetuity).
   */
  toolingSalvage: number[];
  conversionSalvage: number;
  openingSalvage: (t: number) => number;
  perpetuityFactor: number;
}

const EARTH_RADIUS_KM = 6371.0088;

export function readEconomics(scenario: Scenario): OracleData {
  const { plants, programs, markets, horizon } = scenario;
  const years: number[] = [];
  for (let y = horizon.start; y <= horizon.end; y++) years.push(y);
  const discount = years.map((y) => (1 + scenario.discountRate) ** -(y - horizon.start));
  const life = programs.map((p) => ({
    first: Math.max(p.sop, horizon.start) - horizon.start,
    last: Math.min(p.eop, horizon.end) - horizon.start,
  }));
  const inLife = (p: number, t: number) => t >= life[p]!.first && t <= life[p]!.last;
  const { demand, price } = demandAndPrice(scenario, years, inLife);
  const profit = scenario.objective.mode === "profit";

  const rate = (currency: string | undefined, year: number) => {
    const fx = currency === undefined ? undefined : scenario.fx[currency];
    return fx === undefined ? 1 : typeof fx === "number" ? fx : fx[String(year)]!;
  };
  // plants' money (and programs' costs there) in the plant's currency, prices in the market's
  const margin = programs.map((program, p) =>
    plants.map((plant) =>
      markets.map((market, m) =>
        years.map((year, t) => {
          const lane = laneCost(scenario, plant, market);
          if (lane === undefined) return Number.NaN;
          const fx = rate(plant.currency, year);
          const cost = variableCost(program, plant);
          const dutyShare =
            dutyRate(scenario, plant, market.id, year, program) +
            partsDutyRate(scenario, program, plant, year);
          const duty = dutyShare * (program.customsValueByPlant[plant.id] ?? program.customsValue ?? cost);
          const revenue = profit ? price[p]![m]![t]! * rate(market.currency, year) : 0;
          return revenue - (cost + duty) * fx - lane;
        }),
      ),
    ),
  );

  const T = years.length;
  const r = scenario.discountRate;
  const tv = scenario.terminalValue;
  // valued in the year after the horizon
  const after = (1 + r) ** -T;
  const straightLine = (life: number, usedYears: number) => Math.max(0, life - usedYears) / life;
  return {
    years,
    discount,
    life,
    demand,
    margin,
    plantFx: plants.map((plant) => years.map((year) => rate(plant.currency, year))),
    toolingPayments: programs.map((program) =>
      Object.entries(program.toolingPhasing ?? { "0": 1 }).map(([offset, share]) => ({
        t: Math.max(0, program.sop + Number(offset) - horizon.start),
        share,
      })),
    ),
    toolingSalvage: programs.map((program) => {
      if (tv.method !== "salvage") return 0;
      const from = Math.max(program.sop, horizon.start);
      return (after * Math.max(0, program.eop - horizon.end)) / (program.eop - from + 1);
    }),
    conversionSalvage: tv.method === "salvage" ? after * straightLine(tv.conversionLife, T) : 0,
    openingSalvage: (t) => (tv.method === "salvage" ? after * straightLine(tv.openingLife, T - t) : 0),
    perpetuityFactor: tv.method === "perpetuity" ? (1 + tv.growth) / (r - tv.growth) : 0,
    tooling: programs.map((program) =>
      plants.map((plant) =>
        program.builtAt.includes(plant.id) ? 0 : (program.toolingByPlant[plant.id] ?? program.tooling),
      ),
    ),
    operable: plants.map((plant) => years.map((year) => isOperable(plant, year))),
    reserved: plants.map((plant) => years.map((year) => plant.reservedVolume[String(year)] ?? 0)),
    conversion: programs.map((program) =>
      plants.map((plant) => {
        // a plant already building a program on the platform has that platform
        const builds = programs.some((q) => q.platform === program.platform && q.builtAt.includes(plant.id));
        if (plant.platforms.includes(program.platform) || builds) return 0;
        return plant.platformConversion[program.platform] ?? Number.NaN;
      }),
    ),
  };
}

function isOperable(plant: Plant, year: number): boolean {
  if (plant.status === "closed") return false;
  if (plant.status === "active") return true;
  return plant.earliestYear === undefined || year >= plant.earliestYear;
}

export function variableCost(program: Program, plant: Plant): number {
  return program.variableCostByPlant[plant.id] ?? program.variableCost * plant.costIndex;
}

/** Demand adds up over rows; the price of a cell is the volume-weighted mean of its rows' prices. */
function demandAndPrice(
  scenario: Scenario,
  years: number[],
  inLife: (p: number, t: number) => boolean,
): { demand: number[][][]; price: number[][][] } {
  const grid = () => scenario.programs.map(() => scenario.markets.map(() => years.map(() => 0)));
  const demand = grid();
  const revenue = grid();
  const lastPrice = grid();
  for (const row of scenario.demand) {
    const p = scenario.programs.findIndex((x) => x.id === row.program);
    const shares: [string, number][] =
      row.market !== undefined ? [[row.market, 1]] : Object.entries(row.shares ?? {});
    for (const [marketId, share] of shares) {
      const m = scenario.markets.findIndex((x) => x.id === marketId);
      const unitPrice = row.priceByMarket?.[marketId] ?? row.price;
      years.forEach((year, t) => {
        if (!inLife(p, t)) return;
        const v = volumeIn(row.volume, year, scenario.horizon.end) * share;
        demand[p]![m]![t]! += v;
        revenue[p]![m]![t]! += v * unitPrice;
        lastPrice[p]![m]![t] = unitPrice;
      });
    }
  }
  const price = demand.map((byMarket, p) =>
    byMarket.map((byYear, m) =>
      byYear.map((d, t) => (d > 0 ? revenue[p]![m]![t]! / d : lastPrice[p]![m]![t]!)),
    ),
  );
  return { demand, price };
}

function volumeIn(spec: Scenario["demand"][number]["volume"], year: number, horizonEnd: number): number {
  if (typeof spec.from === "number" && typeof spec.volume === "number" && typeof spec.growth === "number") {
    const to = typeof spec.to === "number" ? spec.to : horizonEnd;
    return year >= spec.from && year <= to ? spec.volume * (1 + spec.growth) ** (year - spec.from) : 0;
  }
  const explicit = (spec as Record<string, number>)[String(year)];
  return explicit ?? 0;
}

/** Logistics cost per vehicle, or undefined where the lane is not allowed. The last lane listed wins. */
export function laneCost(
  scenario: Scenario,
  plant: Plant,
  market: Scenario["markets"][number],
): number | undefined {
  const lane = scenario.lanes.findLast((l) => l.from === plant.id && l.to === market.id);
  if (lane && !lane.allowed) return undefined;
  if (lane?.costPerVehicle !== undefined) return lane.costPerVehicle;
  const rates = scenario.logistics.modes[lane?.mode ?? scenario.logistics.defaultMode];
  if (!rates) return 0;
  let km = lane?.distanceKm;
  if (km === undefined) {
    const known = [plant.lat, plant.lon, market.lat, market.lon].every((x) => x !== undefined);
    km = known ? haversineKm(plant.lat!, plant.lon!, market.lat!, market.lon!) : 0;
  }
  return rates.fixedPerVehicle + rates.perKm * km;
}

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = (deg: number) => (deg * Math.PI) / 180;
  const a =
    Math.sin(toRad(lat2 - lat1) / 2) ** 2 +
    Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(toRad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
}

/** Countries of an ISO code or a region id. */
function countries(scenario: Scenario, code: string): string[] {
  return scenario.regions[code] ?? [code];
}

/** Share of a program's customs value at a plant made in the region; the unlisted rest is made where the plant is. */
export function regionalContent(
  scenario: Scenario,
  program: Program,
  plant: Plant,
  region: string[],
): number {
  const inside = new Set(region.flatMap((code) => countries(scenario, code)));
  let listed = 0;
  let content = 0;
  for (const [origin, share] of Object.entries(program.contentByPlant[plant.id] ?? {})) {
    listed += share;
    if (countries(scenario, origin).every((c) => inside.has(c))) content += share;
  }
  return content + (inside.has(plant.country) ? Math.max(0, 1 - listed) : 0);
}

/**
 * The rate of the last duty row matching the plant's country (directly or by region), market and year, and
 * whose rule of origin, if it has one, is met (or not met) as the row asks — for this program at this plant.
 */
export function dutyRate(
  scenario: Scenario,
  plant: Plant,
  marketId: string,
  year: number,
  program?: Program,
): number {
  const matches = scenario.duties.filter((duty) => {
    const origins = duty.from.flatMap((code) => countries(scenario, code));
    const rule = duty.ruleOfOrigin;
    const ruleHolds =
      rule === undefined ||
      (program !== undefined &&
        regionalContent(scenario, program, plant, rule.region) >= rule.minContent - 1e-12) ===
        (rule.applies === "met");
    return (
      origins.includes(plant.country) &&
      duty.to.includes(marketId) &&
      (duty.validFrom === undefined || year >= duty.validFrom) &&
      (duty.validTo === undefined || year <= duty.validTo) &&
      ruleHolds
    );
  });
  return matches.at(-1)?.rate ?? 0;
}

/** Duty on the imported parts per unit of customs value: each foreign share at its last matching parts-duty rate. */
export function partsDutyRate(scenario: Scenario, program: Program, plant: Plant, year: number): number {
  let rate = 0;
  for (const [origin, share] of Object.entries(program.contentByPlant[plant.id] ?? {})) {
    const from = countries(scenario, origin);
    if (from.includes(plant.country)) continue;
    const matches = scenario.partsDuties.filter(
      (d) =>
        from.every((c) => d.from.flatMap((code) => countries(scenario, code)).includes(c)) &&
        d.to.flatMap((code) => countries(scenario, code)).includes(plant.country) &&
        (d.validFrom === undefined || year >= d.validFrom) &&
        (d.validTo === undefined || year <= d.validTo),
    );
    rate += share * (matches.at(-1)?.rate ?? 0);
  }
  return rate;
}
