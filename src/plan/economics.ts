import type { ModelInputs } from "../model/inputs.js";

/**
 * The money and volume parameters of a scenario as the plan layer reads them: per program, plant, market and
 * year, indexed by position in the scenario's lists. Interpretation, invariants and explanations all price the
 * plan through this one view, so they agree with each other and with the model's objective.
 */
export interface Economics {
  /** calendar years of the horizon, ascending */
  years: number[];
  discount(year: number): number;
  /** profit mode counts revenue; serve-all mode minimises cost */
  countsRevenue: boolean;
  demand(program: number, market: number, year: number): number;
  price(program: number, market: number, year: number): number;
  variableCost(program: number, plant: number, year: number): number;
  laneCost(plant: number, market: number): number;
  dutyRate(plant: number, market: number, year: number): number;
  customsValue(program: number, plant: number): number;
  /** one-off tooling of a program at a plant (0 where sunk) and the year it is paid */
  tooling(program: number, plant: number): number;
  toolingYear(program: number): number;
  openCost(plant: number): number;
  closeCost(plant: number): number;
  fixedCost(plant: number): number;
  shiftCost(plant: number): number;
  capacityPerShift(plant: number): number;
  maxShifts(plant: number): number;
  reserved(plant: number, year: number): number;
  /** platform ids by the index platform columns carry */
  platforms: string[];
  conversionCost(plant: number, platform: number): number;
  /** the year platform conversions are paid */
  conversionYear: number;
  /** penalty per unmet vehicle (serve-all mode), 0 where none */
  unmetPenalty: number;
}

/** Per-vehicle money of one flow, undiscounted. */
export function flowUnitCosts(
  econ: Economics,
  program: number,
  plant: number,
  market: number,
  year: number,
): { price: number; variable: number; logistics: number; duty: number } {
  return {
    price: econ.countsRevenue ? econ.price(program, market, year) : 0,
    variable: econ.variableCost(program, plant, year),
    logistics: econ.laneCost(plant, market),
    duty: econ.dutyRate(plant, market, year) * econ.customsValue(program, plant),
  };
}

/** The plan layer's view of the model's data tables: the same numbers the builder priced the columns with. */
export function economicsOf(inputs: ModelInputs): Economics {
  const { numPlants: S, numMarkets: M, numYears: T, plant } = inputs;
  const start = inputs.years[0]!;
  const L = inputs.platforms.length;
  const t = (year: number) => year - start;
  return {
    years: Array.from(inputs.years),
    discount: (year) => inputs.discount[t(year)]!,
    countsRevenue: inputs.mode === "profit",
    demand: (p, m, year) => inputs.demand[(p * M + m) * T + t(year)]!,
    price: (p, m, year) => inputs.price[(p * M + m) * T + t(year)]!,
    variableCost: (p, s) => inputs.variableCost[p * S + s]!,
    laneCost: (s, m) => inputs.laneCost[s * M + m]!,
    dutyRate: (s, m, year) => inputs.dutyRate[(s * M + m) * T + t(year)]!,
    customsValue: (p, s) => inputs.customsValue[p * S + s]!,
    tooling: (p, s) => inputs.tooling[p * S + s]!,
    toolingYear: (p) => start + Math.max(0, inputs.toolingYear[p]!),
    openCost: (s) => plant.openCost[s]!,
    closeCost: (s) => plant.closeCost[s]!,
    fixedCost: (s) => plant.fixedCost[s]!,
    shiftCost: (s) => plant.shiftCost[s]!,
    capacityPerShift: (s) => plant.capacityPerShift[s]!,
    maxShifts: (s) => plant.maxShifts[s]!,
    reserved: (s, year) => inputs.reserved[s * T + t(year)]!,
    platforms: inputs.platforms,
    conversionCost: (s, l) => {
      const cost = inputs.conversionCost[s * L + l]!;
      return Number.isNaN(cost) ? 0 : cost;
    },
    conversionYear: start,
    unmetPenalty: inputs.mode === "serve-all" ? (inputs.unmetPenalty ?? 0) : 0,
  };
}
