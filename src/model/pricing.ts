import { type ModelInputs, type Phasing, dutyRateAt } from "./inputs.js";
import { NPV_LINES, type NpvLine } from "./npv-lines.js";
import { ColKind } from "./program.js";

/**
 * The one home of a column's money: what one unit of a column adds to the NPV, line by line of the NPV
 * breakdown (revenue positive, costs negative, discounted). The builder's objective is the sum of the lines
 * (with the sign flipped when minimising cost); the plan's breakdown is the same lines times the solution.
 * The invariants do NOT use this: they price the plan again from the scenario with their own code.
 */

const LINE = Object.fromEntries(NPV_LINES.map((line, i) => [line, i])) as Record<NpvLine, number>;

/**
 * Per-vehicle money of a flow, undiscounted, in the scenario currency: price (0 in serve-all mode) at the
 * market's rate of the year, and the landed cost's parts (costs and customs value at the plant's rate).
 */
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
  const plantFx = inputs.plantFx[s * T + t]!;
  return {
    price: inputs.mode === "profit" ? inputs.price[(p * M + m) * T + t]! * inputs.marketFx[m * T + t]! : 0,
    variable: inputs.variableCost[p * S + s]! * plantFx,
    logistics: inputs.laneCost[s * M + m]!,
    // vehicle duty on the customs value, and duty on the imported parts' share of it
    duty:
      (dutyRateAt(inputs, p, s, m, t) + inputs.partsDuty[(p * S + s) * T + t]!) *
      inputs.customsValue[p * S + s]! *
      plantFx,
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
    // no closures here: this runs once per column (and tsx wraps each closure in a naming helper)
    const dt = t >= 0 ? inputs.discount[t]! : 0;
    /** discounted value of a plant's amount in year t, in the scenario currency */
    const plantDt = s >= 0 && t >= 0 ? dt * inputs.plantFx[s * inputs.numYears + t]! : 0;
    switch (cell.kind) {
      case ColKind.flow: {
        const unit = flowUnitMoney(inputs, p, s, cell.market, t);
        add("revenue", dt * unit.price);
        add("variableCost", -dt * unit.variable);
        add("logistics", -dt * unit.logistics);
        add("duties", -dt * unit.duty);
        break;
      }
      case ColKind.unmet:
        if (inputs.mode === "serve-all") add("unmetPenalty", -dt * (inputs.unmetPenalty ?? 0));
        break;
      case ColKind.operate:
        add("fixed", -plantDt * inputs.plant.fixedCost[s]!);
        break;
      case ColKind.shifts:
        add("shifts", -plantDt * inputs.plant.shiftCost[s]!);
        break;
      case ColKind.overtime:
        add("overtime", -plantDt * inputs.plant.overtimeCost[s]!);
        break;
      case ColKind.close:
        add("closures", -plantDt * inputs.plant.closeCost[s]!);
        return this.total;
      case ColKind.open:
      case ColKind.allocate:
      case ColKind.platform: {
        const line =
          cell.kind === ColKind.open
            ? "openings"
            : cell.kind === ColKind.allocate
              ? "tooling"
              : "platformConversion";
        for (const [paid, amount] of investmentPayments(inputs, cell))
          add(line, -inputs.discount[paid]! * amount);
        if (inputs.terminalValue.method === "salvage") add("terminalValue", this.salvage(cell));
        return this.total;
      }
    }
    // perpetuity: the last year's operating cash flow, growing at g for ever from the year after the horizon
    if (t === inputs.numYears - 1 && inputs.terminalValue.method === "perpetuity") {
      const g = inputs.terminalValue.growth;
      add("terminalValue", (this.total * (1 + g)) / (inputs.discountRate - g));
    }
    return this.total;
  }

  /**
   * Salvage: the undepreciated share of an investment (straight line over its useful life), valued the year
   * after the horizon. Tooling serves the program's production years; openings and conversions the lives the
   * scenario gives.
   */
  private salvage(cell: ColumnCell): number {
    const { inputs } = this;
    const tv = inputs.terminalValue;
    if (tv.method !== "salvage") return 0;
    const T = inputs.numYears;
    const after = inputs.discount[T - 1]! / (1 + inputs.discountRate);
    const cost = investmentPayments(inputs, cell).reduce((sum, [, amount]) => sum + amount, 0);
    let remaining = 0;
    if (cell.kind === ColKind.open) remaining = Math.max(0, tv.openingLife - (T - cell.t)) / tv.openingLife;
    else if (cell.kind === ColKind.platform)
      remaining = Math.max(0, tv.conversionLife - T) / tv.conversionLife;
    else {
      const end = inputs.years[T - 1]!;
      const inService = Math.max(inputs.sop[cell.program]!, inputs.years[0]!);
      const eop = inputs.eop[cell.program]!;
      remaining = Math.max(0, eop - end) / (eop - inService + 1);
    }
    return after * cost * remaining;
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

/**
 * The payments of a one-off investment column, undiscounted, in the scenario currency at the plant's rate of
 * the year paid, as (year index, amount): openings and tooling spread by their phasing around the year they
 * serve (never before the horizon's first year), conversions at the start. Budget caps count these payments;
 * the objective discounts them.
 */
export function investmentPayments(inputs: ModelInputs, cell: ColumnCell): [number, number][] {
  const { program: p, plant: s } = cell;
  const fx = (t: number) => inputs.plantFx[s * inputs.numYears + t]!;
  switch (cell.kind) {
    case ColKind.open:
      return spread(inputs.plant.openPhasing[s]!, cell.t, inputs.plant.openCost[s]!, fx);
    case ColKind.allocate: {
      if (inputs.lifeFirst[p]! < 0) return [];
      const sop = inputs.sop[p]! - inputs.years[0]!;
      return spread(inputs.toolingPhasing[p]!, sop, inputs.tooling[p * inputs.numPlants + s]!, fx);
    }
    case ColKind.platform: {
      const cost = inputs.conversionCost[s * inputs.platforms.length + cell.platform]!;
      return [[0, Number.isNaN(cost) ? 0 : cost * fx(0)]];
    }
    default:
      return [];
  }
}

function spread(
  phasing: Phasing,
  anchor: number,
  amount: number,
  fx: (t: number) => number,
): [number, number][] {
  return phasing.map(([offset, share]) => {
    const t = Math.max(0, anchor + offset);
    return [t, share * amount * fx(t)];
  });
}
