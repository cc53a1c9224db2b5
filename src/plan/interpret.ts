import type { Scenario } from "../domain/scenario.js";
import type { BuiltModel } from "../model/build.js";
import { NPV_LINES } from "../model/npv-lines.js";
import { type ColumnCell, ColumnPricer } from "../model/pricing.js";
import { ColKind, type MathProgram } from "../model/program.js";
import type { Solution } from "../solver/types.js";
import type { Economics } from "./economics.js";
import type {
  Allocation,
  DutyByLane,
  Flow,
  LandedCost,
  LatLon,
  NpvBreakdown,
  Plan,
  PlantEvent,
  PlantYear,
  Unmet,
} from "./types.js";

/** Volumes below this are solver noise, not decisions. */
const VOLUME_NOISE = 1e-6;

/**
 * Turns a solution into the plan in domain words. Money is priced from the raw column values by the model's
 * pricing (the same lines as the objective), so the breakdown sums to the solver's objective; volumes are
 * cleaned of solver noise for display only. `program` is the built model's program or a copy of it with
 * other bounds (explanations).
 */
export function interpretSolution(
  scenario: Scenario,
  built: BuiltModel,
  solution: Solution,
  econ: Economics,
  program: MathProgram = built.program,
): Plan {
  const plan = emptyPlan(scenario, solution);
  if (solution.x.length !== program.numCols) return plan;
  plan.npv = program.sense === "maximize" ? solution.objective : -solution.objective;
  const reading = readColumns(scenario, built, program, solution.x, econ);
  plan.npvBreakdown = reading.breakdown;
  plan.flows = reading.flows;
  plan.unmet = reading.unmet;
  plan.plantYears = plantYears(scenario, econ, reading);
  plan.allocations = allocations(scenario, econ, reading);
  plan.plantEvents = reading.events.sort((a, b) => a.year - b.year || a.plant.localeCompare(b.plant));
  plan.landedCost = landedCosts(scenario, econ, plan.flows);
  plan.dutiesByLane = dutiesByLane(scenario, econ, plan.flows);
  return plan;
}

export function emptyPlan(scenario: Scenario, solution: Solution): Plan {
  return {
    scenario: {
      id: scenario.id,
      name: scenario.name,
      currency: scenario.currency,
      horizon: { ...scenario.horizon },
      discountRate: scenario.discountRate,
    },
    status: solution.status,
    solver: {
      name: solution.solver,
      seconds: solution.seconds,
      ...(solution.gap !== undefined ? { gap: solution.gap } : {}),
      ...(solution.bound !== undefined
        ? {
            bound: solution.bound,
            // the NPV is the objective in profit mode and minus it (the cost) in serve-all
            npvAtMost: scenario.objective.mode === "profit" ? solution.bound : -solution.bound,
          }
        : {}),
      ...(solution.decomposition ? { decomposition: { ...solution.decomposition } } : {}),
    },
    npv: 0,
    npvBreakdown: zeroBreakdown(),
    allocations: [],
    plantYears: [],
    plantEvents: [],
    flows: [],
    unmet: [],
    landedCost: [],
    dutiesByLane: [],
    explanations: [],
    invariants: [],
    names: {
      plants: Object.fromEntries(scenario.plants.map((p) => [p.id, p.name])),
      programs: Object.fromEntries(scenario.programs.map((p) => [p.id, p.name])),
      markets: Object.fromEntries(scenario.markets.map((m) => [m.id, m.name])),
    },
    places: {
      plants: Object.fromEntries(scenario.plants.map((p) => [p.id, latLon(p)])),
      markets: Object.fromEntries(scenario.markets.map((m) => [m.id, latLon(m)])),
    },
  };
}

/** Coordinates travel with the plan so that a map needs no second look at the scenario. */
function latLon(place: { lat?: number; lon?: number }): LatLon | null {
  return place.lat !== undefined && place.lon !== undefined ? { lat: place.lat, lon: place.lon } : null;
}

export function zeroBreakdown(): NpvBreakdown {
  return Object.fromEntries(NPV_LINES.map((line) => [line, 0])) as NpvBreakdown;
}

interface ColumnReading {
  breakdown: NpvBreakdown;
  flows: Flow[];
  unmet: Unmet[];
  events: PlantEvent[];
  /** "plant|year" → operating, shifts */
  operating: Map<string, boolean>;
  shifts: Map<string, number>;
  overtime: Map<string, number>;
  allocated: { program: number; plant: number }[];
}

/** One pass over the columns: decisions by kind, money by the model's pricing of each column. */
function readColumns(
  scenario: Scenario,
  built: BuiltModel,
  mp: MathProgram,
  x: Float64Array,
  econ: Economics,
): ColumnReading {
  const pricer = new ColumnPricer(built.inputs);
  const start = built.inputs.years[0]!;
  const cell: ColumnCell = { kind: ColKind.flow, program: -1, plant: -1, market: -1, platform: -1, t: -1 };
  const r: ColumnReading = {
    breakdown: zeroBreakdown(),
    flows: [],
    unmet: [],
    events: [],
    operating: new Map(),
    shifts: new Map(),
    overtime: new Map(),
    allocated: [],
  };
  const { cols } = mp;
  for (let j = 0; j < mp.numCols; j++) {
    const v = x[j]!;
    const p = cols.program[j]!;
    const s = cols.plant[j]!;
    const m = cols.market[j]!;
    const t = cols.year[j]!;
    cell.kind = cols.kind[j] as ColKind;
    cell.program = p;
    cell.plant = s;
    cell.market = m;
    cell.platform = cols.platform[j]!;
    cell.t = t < 0 ? -1 : t - start;
    if (v !== 0) pricer.value(cell, v);
    switch (cols.kind[j]) {
      case ColKind.flow: {
        if (v > VOLUME_NOISE) {
          r.flows.push({
            program: scenario.programs[p]!.id,
            plant: scenario.plants[s]!.id,
            market: scenario.markets[m]!.id,
            year: t,
            volume: cleanVolume(v),
          });
        }
        break;
      }
      case ColKind.unmet:
        if (v > VOLUME_NOISE) {
          r.unmet.push({
            program: scenario.programs[p]!.id,
            market: scenario.markets[m]!.id,
            year: t,
            volume: cleanVolume(v),
          });
        }
        break;
      case ColKind.operate:
        r.operating.set(`${s}|${t}`, v > 0.5);
        break;
      case ColKind.overtime:
        if (v > VOLUME_NOISE) r.overtime.set(`${s}|${t}`, cleanVolume(v));
        break;
      case ColKind.shifts:
        // `+ 0`: a solver may return -0 for a column at zero, which would print as "-0 shifts"
        r.shifts.set(`${s}|${t}`, Math.round(v) + 0);
        break;
      case ColKind.open:
        if (v > 0.5) {
          const status = scenario.plants[s]!.status;
          r.events.push({
            plant: scenario.plants[s]!.id,
            year: t,
            event: status === "candidate" ? "build" : "reopen",
            cost: econ.openCost(s, t),
          });
        }
        break;
      case ColKind.close:
        if (v > 0.5)
          r.events.push({
            plant: scenario.plants[s]!.id,
            year: t,
            event: "close",
            cost: econ.closeCost(s, t),
          });
        break;
      case ColKind.allocate:
        if (v > 0.5) r.allocated.push({ program: p, plant: s });
        break;
      case ColKind.platform: {
        const cost = econ.conversionCost(s, cols.platform[j]!);
        // platforms a plant already has are fixed columns, not decisions
        const platform = econ.platforms[cols.platform[j]!]!;
        if (v > 0.5 && !scenario.plants[s]!.platforms.includes(platform)) {
          r.events.push({
            plant: scenario.plants[s]!.id,
            year: econ.conversionYear,
            event: "platform",
            platform,
            cost,
          });
        }
        break;
      }
    }
  }
  r.breakdown = pricer.breakdown();
  return r;
}

/** Snaps values within solver tolerance of a whole vehicle, so 239999.9999997 reads 240000. */
export function cleanVolume(v: number): number {
  const whole = Math.round(v);
  return Math.abs(v - whole) <= 1e-6 * Math.max(1, Math.abs(v)) ? whole : v;
}

function plantYears(scenario: Scenario, econ: Economics, r: ColumnReading): PlantYear[] {
  const volume = new Map<string, number>();
  for (const f of r.flows)
    volume.set(`${f.plant}|${f.year}`, (volume.get(`${f.plant}|${f.year}`) ?? 0) + f.volume);
  const rows: PlantYear[] = [];
  scenario.plants.forEach((plant, s) => {
    for (const year of econ.years) {
      const operating = r.operating.get(`${s}|${year}`) ?? false;
      const shifts = r.shifts.get(`${s}|${year}`) ?? 0;
      const built = volume.get(`${plant.id}|${year}`) ?? 0;
      const reserved = operating ? econ.reserved(s, year) : 0;
      const capacity = econ.capacityPerShift(s) * shifts;
      const overtime = r.overtime.get(`${s}|${year}`) ?? 0;
      rows.push({
        plant: plant.id,
        year,
        operating,
        shifts,
        ...(overtime > 0 ? { overtime } : {}),
        volume: built,
        capacity,
        reserved,
        utilisation: capacity > 0 ? (built + reserved) / capacity : 0,
      });
    }
  });
  return rows;
}

function allocations(scenario: Scenario, econ: Economics, r: ColumnReading): Allocation[] {
  return r.allocated.map(({ program: p, plant: s }) => {
    const program = scenario.programs[p]!;
    const plant = scenario.plants[s]!;
    const flows = r.flows.filter((f) => f.program === program.id && f.plant === plant.id);
    const years = flows.map((f) => f.year);
    const tooling = econ.tooling(p, s);
    return {
      program: program.id,
      plant: plant.id,
      // a program allocated without volume keeps its life, clipped to the horizon
      fromYear: years.length > 0 ? Math.min(...years) : Math.max(program.sop, scenario.horizon.start),
      toYear: years.length > 0 ? Math.max(...years) : Math.min(program.eop, scenario.horizon.end),
      newTooling: !program.builtAt.includes(plant.id),
      toolingCost: tooling,
      volume: flows.reduce((sum, f) => sum + f.volume, 0),
    };
  });
}

function landedCosts(scenario: Scenario, econ: Economics, flows: Flow[]): LandedCost[] {
  const index = indexMaps(scenario);
  const sums = new Map<string, LandedCost & { volume: number }>();
  for (const f of flows) {
    const key = `${f.program}|${f.plant}|${f.market}`;
    const [p, s, m] = [index.program.get(f.program)!, index.plant.get(f.plant)!, index.market.get(f.market)!];
    const unit = econ.flowUnit(p, s, m, f.year);
    const acc = sums.get(key) ?? {
      program: f.program,
      plant: f.plant,
      market: f.market,
      variable: 0,
      logistics: 0,
      duty: 0,
      total: 0,
      price: 0,
      volume: 0,
    };
    acc.variable += unit.variable * f.volume;
    acc.logistics += unit.logistics * f.volume;
    acc.duty += unit.duty * f.volume;
    acc.price += econ.price(p, m, f.year) * f.volume;
    acc.volume += f.volume;
    sums.set(key, acc);
  }
  return [...sums.values()].map((acc) => {
    const per = (v: number) => v / acc.volume;
    const variable = per(acc.variable);
    const logistics = per(acc.logistics);
    const duty = per(acc.duty);
    return { ...acc, variable, logistics, duty, total: variable + logistics + duty, price: per(acc.price) };
  });
}

function dutiesByLane(scenario: Scenario, econ: Economics, flows: Flow[]): DutyByLane[] {
  const index = indexMaps(scenario);
  const lanes = new Map<string, DutyByLane>();
  for (const f of flows) {
    const [p, s, m] = [index.program.get(f.program)!, index.plant.get(f.plant)!, index.market.get(f.market)!];
    const duty = econ.flowUnit(p, s, m, f.year).duty * f.volume;
    const key = `${f.plant}|${f.market}`;
    const lane = lanes.get(key) ?? { plant: f.plant, market: f.market, total: 0, discounted: 0 };
    lane.total += duty;
    lane.discounted += econ.discount(f.year) * duty;
    lanes.set(key, lane);
  }
  return [...lanes.values()].sort((a, b) => b.total - a.total);
}

export function indexMaps(scenario: Scenario) {
  const of = (list: { id: string }[]) => new Map(list.map((e, i) => [e.id, i]));
  return { program: of(scenario.programs), plant: of(scenario.plants), market: of(scenario.markets) };
}
