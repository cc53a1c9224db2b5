import type { ModelInputs } from "../model/inputs.js";
import { type ColumnCell, type FlowUnitMoney, flowUnitMoney, investmentPayments } from "../model/pricing.js";
import { ColKind } from "../model/program.js";

/**
 * The model's numbers as the plan layer shows them (landed costs, event costs, utilisation, infeasibility
 * reports), in the scenario currency, from the model's own tables and pricing (src/model/pricing.ts): what the
 * columns were priced with. The invariants do not use this view; they read the scenario again (recompute.ts).
 */
export interface Economics {
  /** calendar years of the horizon, ascending */
  years: number[];
  discount(year: number): number;
  demand(program: number, market: number, year: number): number;
  /** net price per vehicle in the scenario currency */
  price(program: number, market: number, year: number): number;
  /** per-vehicle money of a flow, undiscounted; price 0 in serve-all mode */
  flowUnit(program: number, plant: number, market: number, year: number): FlowUnitMoney;
  /** one-off tooling of a program at a plant, all its payments (0 where sunk) */
  tooling(program: number, plant: number): number;
  /** one-off cost of opening a plant in a year, all its payments */
  openCost(plant: number, year: number): number;
  closeCost(plant: number, year: number): number;
  /** platform ids by the index platform columns carry */
  platforms: string[];
  conversionCost(plant: number, platform: number): number;
  /** the year platform conversions are paid */
  conversionYear: number;
  capacityPerShift(plant: number): number;
  reserved(plant: number, year: number): number;
}

/** The plan layer's view of the model's data tables: the same numbers the builder priced the columns with. */
export function economicsOf(inputs: ModelInputs): Economics {
  const { numMarkets: M, numYears: T, plant } = inputs;
  const start = inputs.years[0]!;
  const t = (year: number) => year - start;
  const invested = (cell: Partial<ColumnCell> & { kind: ColKind }) =>
    investmentPayments(inputs, { program: -1, plant: -1, market: -1, platform: -1, t: -1, ...cell }).reduce(
      (sum, [, amount]) => sum + amount,
      0,
    );
  return {
    years: Array.from(inputs.years),
    discount: (year) => inputs.discount[t(year)]!,
    demand: (p, m, year) => inputs.demand[(p * M + m) * T + t(year)]!,
    price: (p, m, year) => inputs.price[(p * M + m) * T + t(year)]! * inputs.marketFx[m * T + t(year)]!,
    flowUnit: (p, s, m, year) => flowUnitMoney(inputs, p, s, m, t(year)),
    tooling: (p, s) => invested({ kind: ColKind.allocate, program: p, plant: s }),
    openCost: (s, year) => invested({ kind: ColKind.open, plant: s, t: t(year) }),
    closeCost: (s, year) => plant.closeCost[s]! * inputs.plantFx[s * T + t(year)]!,
    platforms: inputs.platforms,
    conversionCost: (s, l) => invested({ kind: ColKind.platform, plant: s, platform: l }),
    conversionYear: start,
    capacityPerShift: (s) => plant.capacityPerShift[s]!,
    reserved: (s, year) => inputs.reserved[s * T + t(year)]!,
  };
}
