import type { ModelInputs } from "./inputs.js";
import { ColKind } from "./program.js";

/**
 * The one home of a column's money: what one unit of a column adds to the NPV, line by line of the NPV
 * breakdown (revenue positive, costs negative, discounted). The builder's objective is the sum of the lines
 * (with the sign flipped when minimising cost); the plan's breakdown is the same lines times the solution.
 * The invariants do NOT use this: they price the plan again from the scenario with their own code.
 */

/** The lines of the NPV breakdown, in display order. */
export const NPV_LINES = [
  "revenue",
  "variableCost",
  "logistics",
  "duties",
  "fixed",
  "shifts",
  "openings",
  "closures",
  "tooling",
  "platformConversion",
  "unmetPenalty",
] as const;
export type NpvLine = (typeof NPV_LINES)[number];
const LINE = Object.fromEntries(NPV_LINES.map((line, i) => [line, i])) as Record<NpvLine, number>;

/** Per-vehicle money of a flow, undiscounted: price (0 in serve-all mode) and the landed cost's parts. */
export interface FlowUnitMoney {
  price: number;
  variable: number;
  logistics: number;
  duty: number;
}

export function flowUnitMoney(
  inputs: ModelInputs,
  p: number,
  s: number,
  m: number,
  t: number,
): FlowUnitMoney {
  const { numPlants: S, numMarkets: M, numYears: T } = inputs;
  return {
    price: inputs.mode === "profit" ? inputs.price[(p * M + m) * T + t]! : 0,
    variable: inputs.variableCost[p * S + s]!,
    logistics: inputs.laneCost[s * M + m]!,
    duty: inputs.dutyRate[(s * M + m) * T + t]! * inputs.customsValue[p * S + s]!,
  };
}

/** The cells a column stands for; -1 where a slot does not apply. `t` is a year index (0 = horizon start). */
export interface ColumnCell {
  kind: ColKind;
  program: number;
  plant: number;
  market: number;
  platform: number;
  t: number;
}

export class ColumnPricer {
  /** accumulated lines, indexed like NPV_LINES; `value` adds into it when asked */
  readonly lines = new Float64Array(NPV_LINES.length);

  constructor(private readonly inputs: ModelInputs) {}

  /** Objective coefficient of a column: its NPV per unit, negated when the model minimises cost. */
  readonly objectiveAt = (
    kind: ColKind,
    program: number,
    plant: number,
    market: number,
    platform: number,
    t: number,
  ): number => {
    const cell = this.scratch;
    cell.kind = kind;
    cell.program = program;
    cell.plant = plant;
    cell.market = market;
    cell.platform = platform;
    cell.t = t;
    const npv = this.value(cell, 0);
    return this.inputs.mode === "profit" ? npv : -npv;
  };

  private readonly scratch: ColumnCell = {
    kind: ColKind.flow,
    program: -1,
    plant: -1,
    market: -1,
    platform: -1,
    t: -1,
  };

  /**
   * NPV per unit of the column, summed over its lines. With `scale` nonzero, also adds scale × each line
   * into `lines` (the plan's breakdown: scale = the column's solution value).
   */
  value(cell: ColumnCell, scale: number): number {
    const { inputs } = this;
    const { program: p, plant: s, t } = cell;
    this.total = 0;
    this.scale = scale;
    const add = this.add;
    const d = (year: number) => inputs.discount[year]!;
    switch (cell.kind) {
      case ColKind.flow: {
        const unit = flowUnitMoney(inputs, p, s, cell.market, t);
        add("revenue", d(t) * unit.price);
        add("variableCost", -d(t) * unit.variable);
        add("logistics", -d(t) * unit.logistics);
        add("duties", -d(t) * unit.duty);
        break;
      }
      case ColKind.unmet:
        if (inputs.mode === "serve-all") add("unmetPenalty", -d(t) * (inputs.unmetPenalty ?? 0));
        break;
      case ColKind.operate:
        add("fixed", -d(t) * inputs.plant.fixedCost[s]!);
        break;
      case ColKind.shifts:
        add("shifts", -d(t) * inputs.plant.shiftCost[s]!);
        break;
      case ColKind.open:
        add("openings", -d(t) * inputs.plant.openCost[s]!);
        break;
      case ColKind.close:
        add("closures", -d(t) * inputs.plant.closeCost[s]!);
        break;
      case ColKind.allocate: {
        const paidIn = inputs.toolingYear[p]!;
        if (paidIn >= 0) add("tooling", -d(paidIn) * inputs.tooling[p * inputs.numPlants + s]!);
        break;
      }
      case ColKind.platform: {
        const cost = inputs.conversionCost[s * inputs.platforms.length + cell.platform]!;
        add("platformConversion", -d(0) * (Number.isNaN(cost) ? 0 : cost));
        break;
      }
    }
    return this.total;
  }

  private total = 0;
  private scale = 0;
  private readonly add = (line: NpvLine, amount: number): void => {
    this.total += amount;
    if (this.scale !== 0) this.lines[LINE[line]]! += this.scale * amount;
  };

  /** The accumulated lines by name. */
  breakdown(): Record<NpvLine, number> {
    return Object.fromEntries(NPV_LINES.map((line, i) => [line, this.lines[i]!])) as Record<NpvLine, number>;
  }
}
