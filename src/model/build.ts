import type { Scenario } from "../domain/scenario.js";
import { ColumnBuilder, RowBuilder } from "./arrays.js";
import { type Block, emptyBlock } from "./blocks.js";
import { type ModelInputs, PlantStatusCode, deriveInputs } from "./inputs.js";
import { type ColumnCell, ColumnPricer, investmentPayments } from "./pricing.js";
import { ColKind, type MathProgram, RowKind } from "./program.js";

/**
 * A built model: the program for the solver, the data tables it was built from, and the blocks that say which
 * column or row each domain cell has (docs/model.md names the variables).
 */
export interface BuiltModel {
  program: MathProgram;
  inputs: ModelInputs;
  variables: Variables;
  constraints: Constraints;
}

/** Variable blocks, by the letters of docs/model.md. */
export interface Variables {
  /** a[program, plant] */
  a: Block;
  /** g[plant, platform] */
  g: Block;
  /** o, n, w, z [plant, year] */
  o: Block;
  n: Block;
  w: Block;
  z: Block;
  /** x[program, plant, market, year] */
  x: Block;
  /** u[program, market, year] */
  u: Block;
  /** e[plant, year]: overtime vehicles */
  e: Block;
}

/**
 * Constraint blocks, one per row family (docs/model.md numbers them): every row of the program is the label of
 * exactly one cell of one block, so the plan layer and the decomposition find rows by lookup.
 */
export interface Constraints {
  /** 1. demand[program, market, year] */
  demand: Block;
  /** 2. capacity[plant, year] */
  capacity: Block;
  /** 3. shifts_need_open[plant, year] */
  shiftsNeedOpen: Block;
  /** 3b. overtime_limit[plant, year] */
  overtimeLimit: Block;
  /** 3c. flow_needs_shift[program, plant, market, year] (a valid inequality: see addFlowShiftRows) */
  flowNeedsShift: Block;
  /** 3d. capacity_rounding[plant, year] (a valid inequality: see addCapacityRoundingRows) */
  capacityRounding: Block;
  /**
   * 4. build_only_where_allocated: [program, plant, market, year] in the per-flow form,
   * [program, plant, year] in the per-year form (the block's dims say which)
   */
  buildOnlyWhereAllocated: Block;
  /** 5. allocated_keeps_open[program, plant, year] */
  allocatedKeepsOpen: Block;
  /** 6. platform_needed[program, plant, platform] */
  platformNeeded: Block;
  /** 7. sourcing_max[program], sourcing_min[program] */
  sourcingMax: Block;
  sourcingMin: Block;
  /** 8. open_event[plant, year], close_event[plant, year] */
  openEvent: Block;
  closeEvent: Block;
  /** 9. budget_cap[policy] */
  budgetCap: Block;
  /** 9. min_volume[policy, program, plant, year] */
  minVolume: Block;
}

export interface BuildOptions {
  /**
   * How flows are tied to allocations (DESIGN.md constraint 4):
   * - "per-flow" (default): x[p,s,m,t] <= min(D[p,m,t], most output of s) * a[p,s] for every flow;
   *   the strong facility-location form, whose LP relaxation is far tighter (docs/model.md has the numbers);
   * - "per-year": sum_m x[p,s,m,t] <= min(most output of s, sum_m D[p,m,t]) * a[p,s], DESIGN.md's
   *   aggregated form: fewer rows, weaker bound.
   */
  linking?: "per-flow" | "per-year";
  /**
   * Which flows get a flow-needs-shift row (3c), valid inequalities that tighten the LP relaxation:
   * - "unlinked" (default): flows whose allocation is fixed (existing or `fix-allocation`), which have no
   *   linking row 4 — where the rows tighten most for their cost in a monolithic LP (docs/model.md);
   * - "all": every flow (the decomposition derives these bounds on every flow itself, whatever the build);
   * - "none": no rows, to measure what they bring (bench/formulation.ts).
   */
  flowNeedsShift?: "unlinked" | "all" | "none";
  /** The capacity-rounding rows (3d), valid inequalities; false only to measure what they bring. Default true. */
  capacityRounding?: boolean;
}

const INF = Number.POSITIVE_INFINITY;

/** Scenario → mathematical program. Pure: the same scenario always gives the same arrays. */
export function buildModel(scenario: Scenario, options: BuildOptions = {}): BuiltModel {
  return buildFromInputs(deriveInputs(scenario), options);
}

/** Column positions by domain cell; -1 where the column does not exist (the labels of the variable blocks). */
interface ColumnMap {
  /** [p * S + s] */
  a: Int32Array;
  /** [s * L + l] */
  g: Int32Array;
  /** [s * T + t] */
  o: Int32Array;
  n: Int32Array;
  w: Int32Array;
  z: Int32Array;
  /** [(p * M + m) * T + t] */
  u: Int32Array;
  /** [((p * S + s) * M + m) * T + t] */
  x: Int32Array;
  /** [s * T + t] */
  e: Int32Array;
  /** flows occupy [xFirst, xEnd), ordered by program, plant, year, market */
  xFirst: number;
  xEnd: number;
}

export function buildFromInputs(inputs: ModelInputs, options: BuildOptions = {}): BuiltModel {
  const { numPrograms: P, numPlants: S, numMarkets: M, numYears: T } = inputs;
  const columns = new ColumnBuilder();
  const map = addColumns(inputs, columns);
  const rows = new RowBuilder();
  const L = inputs.platforms.length;
  const K = inputs.policies.length;
  const plantYear = (labels?: Int32Array): Block =>
    labels ? { dims: ["plant", "year"], shape: [S, T], labels } : emptyBlock(["plant", "year"], [S, T]);
  const constraints: Constraints = {
    demand: {
      dims: ["program", "market", "year"],
      shape: [P, M, T],
      labels: addDemandRows(inputs, columns, map, rows),
    },
    capacity: plantYear(addCapacityRows(inputs, columns, map, rows)),
    shiftsNeedOpen: plantYear(),
    overtimeLimit: plantYear(),
    flowNeedsShift: emptyBlock(["program", "plant", "market", "year"], [P, S, M, T]),
    capacityRounding: plantYear(),
    buildOnlyWhereAllocated:
      (options.linking ?? "per-flow") === "per-flow"
        ? emptyBlock(["program", "plant", "market", "year"], [P, S, M, T])
        : emptyBlock(["program", "plant", "year"], [P, S, T]),
    allocatedKeepsOpen: emptyBlock(["program", "plant", "year"], [P, S, T]),
    platformNeeded: emptyBlock(["program", "plant", "platform"], [P, S, L]),
    sourcingMax: emptyBlock(["program"], [P]),
    sourcingMin: emptyBlock(["program"], [P]),
    openEvent: plantYear(),
    closeEvent: plantYear(),
    budgetCap: emptyBlock(["policy"], [K]),
    minVolume: emptyBlock(["policy", "program", "plant", "year"], [K, P, S, T]),
  };
  addShiftRows(inputs, map, rows, constraints.shiftsNeedOpen);
  addOvertimeLimitRows(inputs, map, rows, constraints.overtimeLimit);
  const shiftRows = options.flowNeedsShift ?? "unlinked";
  if (shiftRows !== "none")
    addFlowShiftRows(inputs, columns, map, rows, constraints.flowNeedsShift, shiftRows === "all");
  if (options.capacityRounding !== false)
    addCapacityRoundingRows(inputs, columns, map, rows, constraints.capacityRounding);
  if (constraints.buildOnlyWhereAllocated.dims.length === 4)
    addFlowLinkingRows(inputs, columns, map, rows, constraints.buildOnlyWhereAllocated);
  else addYearLinkingRows(inputs, columns, map, rows, constraints.buildOnlyWhereAllocated);
  addAllocatedKeepsOpenRows(inputs, map, rows, constraints.allocatedKeepsOpen);
  addPlatformRows(inputs, map, rows, constraints.platformNeeded);
  addSourcingRows(inputs, map, rows, constraints);
  addPlantDynamicsRows(inputs, map, rows, constraints);
  addBudgetCapRows(inputs, map, rows, constraints.budgetCap);
  addMinVolumeRows(inputs, columns, map, rows, constraints.minVolume);
  const program: MathProgram = {
    sense: inputs.mode === "profit" ? "maximize" : "minimize",
    objectiveOffset: 0,
    ...columns.finish(),
    ...rows.finish(),
  };
  return {
    program,
    inputs,
    variables: {
      a: { dims: ["program", "plant"], shape: [P, S], labels: map.a },
      g: { dims: ["plant", "platform"], shape: [S, inputs.platforms.length], labels: map.g },
      o: plantYear(map.o),
      n: plantYear(map.n),
      w: plantYear(map.w),
      z: plantYear(map.z),
      x: { dims: ["program", "plant", "market", "year"], shape: [P, S, M, T], labels: map.x },
      u: { dims: ["program", "market", "year"], shape: [P, M, T], labels: map.u },
      e: plantYear(map.e),
    },
    constraints,
  };
}

function addColumns(inputs: ModelInputs, cols: ColumnBuilder): ColumnMap {
  const { numPrograms: P, numPlants: S, numMarkets: M, numYears: T, plant } = inputs;
  const L = inputs.platforms.length;
  const price = new ColumnPricer(inputs);
  const cost = price.objectiveAt;
  const map: ColumnMap = {
    a: new Int32Array(P * S).fill(-1),
    g: new Int32Array(S * L).fill(-1),
    o: new Int32Array(S * T).fill(-1),
    n: new Int32Array(S * T).fill(-1),
    w: new Int32Array(S * T).fill(-1),
    z: new Int32Array(S * T).fill(-1),
    u: new Int32Array(P * M * T).fill(-1),
    x: new Int32Array(P * S * M * T).fill(-1),
    e: new Int32Array(S * T).fill(-1),
    xFirst: 0,
    xEnd: 0,
  };

  for (let p = 0; p < P; p++) {
    for (let s = 0; s < S; s++) {
      const ps = p * S + s;
      if (inputs.allocation[ps] !== 0) continue;
      const forced = inputs.existing[ps] || inputs.fixed[ps] ? 1 : 0;
      map.a[ps] = cols.add(
        ColKind.allocate,
        p,
        s,
        -1,
        -1,
        forced,
        1,
        cost(ColKind.allocate, p, s, -1, -1, -1),
        true,
      );
    }
  }

  for (let s = 0; s < S; s++) {
    for (let l = 0; l < L; l++) {
      if (inputs.hasPlatform[s * L + l] || Number.isNaN(inputs.conversionCost[s * L + l]!)) continue;
      if (!someAllocationNeeds(inputs, map, s, l)) continue;
      const c = cost(ColKind.platform, -1, s, -1, l, -1);
      map.g[s * L + l] = cols.add(ColKind.platform, -1, s, -1, -1, 0, 1, c, true, { platform: l });
    }
  }

  for (let s = 0; s < S; s++) {
    const status = plant.status[s]!;
    const alwaysOpen = status === PlantStatusCode.active && !plant.canClose[s];
    for (let t = 0; t < T; t++) {
      const st = s * T + t;
      if (!inputs.operable[st]) continue;
      const lower = alwaysOpen || inputs.keepOpen[st] ? 1 : 0;
      const year = inputs.years[t]!;
      const fixed = cost(ColKind.operate, -1, s, -1, -1, t);
      map.o[st] = cols.add(ColKind.operate, -1, s, -1, year, lower, 1, fixed, true);
      const shiftCost = cost(ColKind.shifts, -1, s, -1, -1, t);
      map.n[st] = cols.add(ColKind.shifts, -1, s, -1, year, 0, plant.maxShifts[s]!, shiftCost, true);
    }
  }
  for (let s = 0; s < S; s++) {
    const opens = plant.status[s] === PlantStatusCode.idle || plant.status[s] === PlantStatusCode.candidate;
    const closes = plant.canClose[s] === 1;
    let firstOpen = true;
    for (let t = 0; t < T; t++) {
      const st = s * T + t;
      if (map.o[st]! < 0) continue;
      const year = inputs.years[t]!;
      if (opens) {
        map.w[st] = cols.add(
          ColKind.open,
          -1,
          s,
          -1,
          year,
          0,
          1,
          cost(ColKind.open, -1, s, -1, -1, t),
          false,
        );
      }
      // an idle or candidate plant cannot close in the year it may first open: it was not open before
      if (closes && !(opens && firstOpen)) {
        map.z[st] = cols.add(
          ColKind.close,
          -1,
          s,
          -1,
          year,
          0,
          1,
          cost(ColKind.close, -1, s, -1, -1, t),
          false,
        );
      }
      firstOpen = false;
    }
  }

  map.xFirst = cols.count;
  addFlowColumns(inputs, cols, map, cost);
  map.xEnd = cols.count;
  addUnmetColumns(inputs, cols, map, cost);
  addOvertimeColumns(inputs, cols, map, cost);
  return map;
}

/** e[s,t]: overtime vehicles, where the plant allows overtime and something can use its capacity. */
function addOvertimeColumns(inputs: ModelInputs, cols: ColumnBuilder, map: ColumnMap, cost: CostOf): void {
  const { numPlants: S, numYears: T, plant } = inputs;
  const used = new Uint8Array(S * T);
  for (let j = map.xFirst; j < map.xEnd; j++)
    used[cols.index.plant[j]! * T + cols.index.year[j]! - inputs.years[0]!] = 1;
  for (let s = 0; s < S; s++) {
    const most = plant.overtimeShare[s]! * plant.capacityPerShift[s]! * plant.maxShifts[s]!;
    if (most <= 0) continue;
    for (let t = 0; t < T; t++) {
      const st = s * T + t;
      if (map.o[st]! < 0 || !(used[st] || inputs.reserved[st]! > 0)) continue;
      map.e[st] = cols.add(
        ColKind.overtime,
        -1,
        s,
        -1,
        inputs.years[t]!,
        0,
        most,
        cost(ColKind.overtime, -1, s, -1, -1, t),
        false,
      );
    }
  }
}

function someAllocationNeeds(inputs: ModelInputs, map: ColumnMap, s: number, l: number): boolean {
  for (let p = 0; p < inputs.numPrograms; p++) {
    if (inputs.programPlatform[p] === l && map.a[p * inputs.numPlants + s]! >= 0) return true;
  }
  return false;
}

type CostOf = ColumnPricer["objectiveAt"];

/** What one shift of a plant builds in a year, with its overtime. */
export function oneShiftOutput(inputs: ModelInputs, s: number): number {
  return inputs.plant.capacityPerShift[s]! * (1 + inputs.plant.overtimeShare[s]!);
}

/** The most a plant can build in a year: every shift, each with its overtime. */
function mostOutput(inputs: ModelInputs, s: number): number {
  const { capacityPerShift, maxShifts, overtimeShare } = inputs.plant;
  return capacityPerShift[s]! * maxShifts[s]! * (1 + overtimeShare[s]!);
}

/** x[p,s,m,t] for allocatable (p,s), years in the life where the plant operates, allowed lanes with demand. */
function addFlowColumns(inputs: ModelInputs, cols: ColumnBuilder, map: ColumnMap, cost: CostOf): void {
  const { numPrograms: P, numPlants: S, numMarkets: M, numYears: T, demand } = inputs;
  for (let p = 0; p < P; p++) {
    const first = inputs.lifeFirst[p]!;
    if (first < 0) continue;
    const last = inputs.lifeLast[p]!;
    for (let s = 0; s < S; s++) {
      const ps = p * S + s;
      if (map.a[ps]! < 0) continue;
      const maxOutput = mostOutput(inputs, s);
      for (let t = first; t <= last; t++) {
        if (!inputs.operable[s * T + t]) continue;
        const year = inputs.years[t]!;
        for (let m = 0; m < M; m++) {
          const sm = s * M + m;
          const pmt = (p * M + m) * T + t;
          const d = demand[pmt]!;
          if (!inputs.laneAllowed[sm] || d <= 0) continue;
          const c = cost(ColKind.flow, p, s, m, -1, t);
          map.x[((p * S + s) * M + m) * T + t] = cols.add(
            ColKind.flow,
            p,
            s,
            m,
            year,
            0,
            Math.min(d, maxOutput),
            c,
            false,
          );
        }
      }
    }
  }
}

/** u[p,m,t]: free slack in profit mode, penalised in serve-all; absent where unmet demand is forbidden. */
function addUnmetColumns(inputs: ModelInputs, cols: ColumnBuilder, map: ColumnMap, cost: CostOf): void {
  if (inputs.mode === "serve-all" && inputs.unmetPenalty === undefined) return;
  forEachDemandCell(inputs, (p, m, t, cell) => {
    const c = cost(ColKind.unmet, p, -1, m, -1, t);
    map.u[cell] = cols.add(ColKind.unmet, p, -1, m, inputs.years[t]!, 0, inputs.demand[cell]!, c, false);
  });
}

/** Visits every (program, market, year) with demand inside the program's life. */
function forEachDemandCell(
  inputs: ModelInputs,
  visit: (p: number, m: number, t: number, cell: number) => void,
) {
  const { numPrograms: P, numMarkets: M, numYears: T } = inputs;
  for (let p = 0; p < P; p++) {
    const first = inputs.lifeFirst[p]!;
    if (first < 0) continue;
    for (let m = 0; m < M; m++) {
      for (let t = first; t <= inputs.lifeLast[p]!; t++) {
        const cell = (p * M + m) * T + t;
        if (inputs.demand[cell]! > 0) visit(p, m, t, cell);
      }
    }
  }
}

const yearIndex = (inputs: ModelInputs, year: number) => year - inputs.years[0]!;

/** 1. demand: sum_s x[p,s,m,t] + u[p,m,t] = D[p,m,t], one row per demand cell. */
function addDemandRows(
  inputs: ModelInputs,
  cols: ColumnBuilder,
  map: ColumnMap,
  rows: RowBuilder,
): Int32Array {
  const { numMarkets: M, numYears: T } = inputs;
  const rowOf = new Int32Array(inputs.demand.length).fill(-1);
  const cells: number[] = [];
  forEachDemandCell(inputs, (_p, _m, _t, cell) => {
    rowOf[cell] = cells.length;
    cells.push(cell);
  });
  const { program, market, year } = cols.index;
  const counts = new Int32Array(cells.length);
  const cellOfFlow = (j: number) => (program[j]! * M + market[j]!) * T + yearIndex(inputs, year[j]!);
  for (let j = map.xFirst; j < map.xEnd; j++) counts[rowOf[cellOfFlow(j)]!]!++;
  for (let r = 0; r < cells.length; r++) if (map.u[cells[r]!]! >= 0) counts[r]!++;
  const { first, cursor } = rows.block(counts);
  for (let j = map.xFirst; j < map.xEnd; j++) {
    const k = cursor[rowOf[cellOfFlow(j)]!]!++;
    rows.colIndex[k] = j;
    rows.value[k] = 1;
  }
  cells.forEach((cell, r) => {
    const u = map.u[cell]!;
    if (u >= 0) {
      const k = cursor[r]!++;
      rows.colIndex[k] = u;
      rows.value[k] = 1;
    }
    const t = cell % T;
    const pm = (cell - t) / T;
    const d = inputs.demand[cell]!;
    rows.describe(first + r, RowKind.demand, Math.floor(pm / M), -1, pm % M, inputs.years[t]!, d, d);
  });
  return rowOf.map((r) => (r < 0 ? -1 : first + r));
}

/** 2. capacity: sum_{p,m} x[p,s,m,t] + reserved[s,t] o[s,t] - cap_s n[s,t] <= 0, where anything can use it. */
function addCapacityRows(
  inputs: ModelInputs,
  cols: ColumnBuilder,
  map: ColumnMap,
  rows: RowBuilder,
): Int32Array {
  const { numPlants: S, numYears: T } = inputs;
  const { plant, year } = cols.index;
  const flowsPerPlantYear = new Int32Array(S * T);
  for (let j = map.xFirst; j < map.xEnd; j++)
    flowsPerPlantYear[plant[j]! * T + yearIndex(inputs, year[j]!)]!++;
  const rowOf = new Int32Array(S * T).fill(-1);
  const counts: number[] = [];
  for (let st = 0; st < S * T; st++) {
    if (map.o[st]! < 0) continue;
    const reserved = inputs.reserved[st]! > 0 ? 1 : 0;
    if (flowsPerPlantYear[st] === 0 && !reserved) continue;
    rowOf[st] = counts.length;
    counts.push(flowsPerPlantYear[st]! + 1 + reserved + (map.e[st]! >= 0 ? 1 : 0));
  }
  const { first, cursor } = rows.block(Int32Array.from(counts));
  for (let j = map.xFirst; j < map.xEnd; j++) {
    const k = cursor[rowOf[plant[j]! * T + yearIndex(inputs, year[j]!)]!]!++;
    rows.colIndex[k] = j;
    rows.value[k] = 1;
  }
  for (let st = 0; st < S * T; st++) {
    const r = rowOf[st]!;
    if (r < 0) continue;
    const s = Math.floor(st / T);
    let k = cursor[r]!++;
    rows.colIndex[k] = map.n[st]!;
    rows.value[k] = -inputs.plant.capacityPerShift[s]!;
    if (inputs.reserved[st]! > 0) {
      k = cursor[r]!++;
      rows.colIndex[k] = map.o[st]!;
      rows.value[k] = inputs.reserved[st]!;
    }
    if (map.e[st]! >= 0) {
      k = cursor[r]!++;
      rows.colIndex[k] = map.e[st]!;
      rows.value[k] = -1;
    }
    rows.describe(first + r, RowKind.capacity, -1, s, -1, inputs.years[st % T]!, -INF, 0);
  }
  return rowOf.map((r) => (r < 0 ? -1 : first + r));
}

/** 3. shifts need an open plant: n[s,t] - maxShifts_s o[s,t] <= 0. */
function addShiftRows(inputs: ModelInputs, map: ColumnMap, rows: RowBuilder, block: Block): void {
  const { numPlants: S, numYears: T } = inputs;
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < T; t++) {
      const st = s * T + t;
      if (map.o[st]! < 0) continue;
      block.labels[st] = rows.begin(RowKind.shiftsNeedOpen, -1, s, -1, inputs.years[t]!, -INF, 0);
      rows.push(map.n[st]!, 1);
      rows.push(map.o[st]!, -inputs.plant.maxShifts[s]!);
    }
  }
}

/** 3b. overtime is a share of the shifts run: e[s,t] - share_s cap_s n[s,t] <= 0. */
function addOvertimeLimitRows(inputs: ModelInputs, map: ColumnMap, rows: RowBuilder, block: Block): void {
  const { numPlants: S, numYears: T, plant } = inputs;
  for (let st = 0; st < S * T; st++) {
    if (map.e[st]! < 0) continue;
    const s = Math.floor(st / T);
    block.labels[st] = rows.begin(RowKind.overtimeLimit, -1, s, -1, inputs.years[st % T]!, -INF, 0);
    rows.push(map.e[st]!, 1);
    rows.push(map.n[st]!, -plant.overtimeShare[s]! * plant.capacityPerShift[s]!);
  }
}

/**
 * 3c. a flow needs a shift: x[p,s,m,t] - min(D[p,m,t], C_s) n[s,t] <= 0, with C_s = cap_s (1 + overtime share)
 * what one shift builds with its overtime. Valid for every integer plan: with n = 0 the plant builds nothing
 * (capacity and overtime rows), with n >= 1 the flow is at most its demand and at most C_s n. It removes no plan,
 * but the LP relaxation can no longer pay a fraction of a shift for a whole market's cars: on the Alfa options
 * the relaxation's gap falls from ~31 % to ~7 % (docs/model.md). Written only where it says more than the
 * capacity row (D < C_s) and where shifts cost money (a free n would take any value the row asks for); unless
 * `everyFlow`, only for flows without a linking row (4), whose allocation is fixed.
 */
function addFlowShiftRows(
  inputs: ModelInputs,
  cols: ColumnBuilder,
  map: ColumnMap,
  rows: RowBuilder,
  block: Block,
  everyFlow: boolean,
): void {
  const { numPlants: S, numMarkets: M, numYears: T } = inputs;
  const { program, plant, market, year } = cols.index;
  for (let j = map.xFirst; j < map.xEnd; j++) {
    const s = plant[j]!;
    const p = program[j]!;
    if (!everyFlow && !(inputs.existing[p * S + s] || inputs.fixed[p * S + s])) continue;
    const t = yearIndex(inputs, year[j]!);
    const bound = flowShiftBound(inputs, p, s, market[j]!, t);
    if (bound === 0) continue;
    block.labels[((p * S + s) * M + market[j]!) * T + t] = rows.begin(
      RowKind.flowNeedsShift,
      p,
      s,
      market[j]!,
      year[j]!,
      -INF,
      0,
    );
    rows.push(j, 1);
    rows.push(map.n[s * T + t]!, -bound);
  }
}

/**
 * The coefficient b of the flow-needs-shift row x[p,s,m,t] ≤ b·n[s,t] (3c), or 0 where the row would say nothing
 * the capacity row does not: b = D, written where the market's demand D is below one shift's output with its
 * overtime and shifts cost something (a free n takes whatever the row asks). The decomposition derives the
 * same bound for every flow in its split, whatever the build.
 */
export function flowShiftBound(inputs: ModelInputs, p: number, s: number, m: number, t: number): number {
  if (inputs.plant.shiftCost[s] === 0) return 0;
  const oneShift = oneShiftOutput(inputs, s);
  const demand = inputs.demand[(p * inputs.numMarkets + m) * inputs.numYears + t]!;
  return demand < oneShift ? demand : 0;
}

/**
 * 3d. capacity_rounding[s,t], a valid inequality: the integer rounding (MIR) of the capacity row against the
 * most the plant can be asked to build. With L = Σ_{p,m} x[p,s,m,t] + reserved·o its load, C = cap·(1 +
 * overtime share) what one shift builds, D the most load there can be (its flows' upper bounds plus the
 * reserved volume), k = ⌊D/C⌋ and r = D − k·C:  L − r·n[s,t] ≤ D − r·(k + 1).
 * Valid for every integer n: at n ≥ k + 1 it reads L ≤ D + r·(n − k − 1), implied by L ≤ D; at n ≤ k,
 * D − r·(k + 1 − n) − C·n = (C − r)·(k − n) ≥ 0, so it is implied by L ≤ C·n (rows 2 and 3b). It cuts off what
 * the relaxation does with fractional shifts: D = 1.4 shifts' output, n = 1.4 serves all of it, while an
 * integer plan runs 1 shift (at most C) or 2. Written where it says something: k below the plant's most shifts
 * and r > 0 (usually plants with few possible programs; on the Alfa study's options it takes the LP gap from
 * 15.7 to 10.0 % and the branch-and-bound nodes from 7.3 to 2.1, docs/model.md).
 */
function addCapacityRoundingRows(
  inputs: ModelInputs,
  cols: ColumnBuilder,
  map: ColumnMap,
  rows: RowBuilder,
  block: Block,
): void {
  const { numPlants: S, numYears: T } = inputs;
  const { plant, year } = cols.index;
  const stOf = (j: number) => plant[j]! * T + yearIndex(inputs, year[j]!);
  const most = new Float64Array(S * T);
  for (let j = map.xFirst; j < map.xEnd; j++) most[stOf(j)]! += cols.upperBound(j);
  const rowsAt = new Map<number, { upper: number; r: number; flows: number[] }>();
  for (let st = 0; st < S * T; st++) {
    const n = map.n[st]!;
    if (n < 0 || map.o[st]! < 0) continue;
    const s = Math.floor(st / T);
    const load = most[st]! + inputs.reserved[st]!;
    const oneShift = oneShiftOutput(inputs, s);
    if (!(load > 0 && oneShift > 0)) continue;
    const k = Math.floor(load / oneShift);
    const r = load - k * oneShift;
    if (k < cols.upperBound(n) && r > 1e-9 * load)
      rowsAt.set(st, { upper: load - r * (k + 1), r, flows: [] });
  }
  if (rowsAt.size === 0) return;
  for (let j = map.xFirst; j < map.xEnd; j++) rowsAt.get(stOf(j))?.flows.push(j);
  for (const [st, { upper, r, flows }] of rowsAt) {
    block.labels[st] = rows.begin(
      RowKind.capacityRounding,
      -1,
      Math.floor(st / T),
      -1,
      inputs.years[st % T]!,
      -INF,
      upper,
    );
    for (const j of flows) rows.push(j, 1);
    if (inputs.reserved[st]! > 0) rows.push(map.o[st]!, inputs.reserved[st]!);
    rows.push(map.n[st]!, -r);
  }
}

/** 4 (strong form). x[p,s,m,t] - ub(x) a[p,s] <= 0 for every flow whose allocation is not already fixed. */
function addFlowLinkingRows(
  inputs: ModelInputs,
  cols: ColumnBuilder,
  map: ColumnMap,
  rows: RowBuilder,
  block: Block,
): void {
  const { numPlants: S, numMarkets: M, numYears: T } = inputs;
  const { program, plant, market, year } = cols.index;
  for (let j = map.xFirst; j < map.xEnd; j++) {
    const p = program[j]!;
    const s = plant[j]!;
    const ps = p * S + s;
    if (inputs.existing[ps] || inputs.fixed[ps]) continue;
    const cell = (ps * M + market[j]!) * T + yearIndex(inputs, year[j]!);
    block.labels[cell] = rows.begin(RowKind.buildOnlyWhereAllocated, p, s, market[j]!, year[j]!, -INF, 0);
    rows.push(j, 1);
    rows.push(map.a[ps]!, -cols.upperBound(j));
  }
}

/** 4 (DESIGN.md form). sum_m x[p,s,m,t] - min(most output of s, sum_m D) a[p,s] <= 0 per program, plant, year. */
function addYearLinkingRows(
  inputs: ModelInputs,
  cols: ColumnBuilder,
  map: ColumnMap,
  rows: RowBuilder,
  block: Block,
): void {
  const { numPlants: S, numMarkets: M, numYears: T } = inputs;
  const { program, plant, year } = cols.index;
  let j = map.xFirst;
  while (j < map.xEnd) {
    const p = program[j]!;
    const s = plant[j]!;
    const y = year[j]!;
    const ps = p * S + s;
    const forced = inputs.existing[ps] || inputs.fixed[ps];
    const t = yearIndex(inputs, y);
    let total = 0;
    for (let m = 0; m < M; m++) total += inputs.demand[(p * M + m) * T + t]!;
    const bound = Math.min(total, mostOutput(inputs, s));
    if (!forced) block.labels[ps * T + t] = rows.begin(RowKind.buildOnlyWhereAllocated, p, s, -1, y, -INF, 0);
    // flows of one (program, plant, year) are contiguous
    for (; j < map.xEnd && program[j] === p && plant[j] === s && year[j] === y; j++)
      if (!forced) rows.push(j, 1);
    if (!forced) rows.push(map.a[ps]!, -bound);
  }
}

/** 5. an allocated program keeps its plant open: a[p,s] - o[s,t] <= 0 for the life years the plant operates. */
function addAllocatedKeepsOpenRows(
  inputs: ModelInputs,
  map: ColumnMap,
  rows: RowBuilder,
  block: Block,
): void {
  const { numPrograms: P, numPlants: S, numYears: T } = inputs;
  for (let p = 0; p < P; p++) {
    for (let s = 0; s < S; s++) {
      const a = map.a[p * S + s]!;
      if (a < 0) continue;
      for (let t = inputs.lifeFirst[p]!; t <= inputs.lifeLast[p]!; t++) {
        const o = map.o[s * T + t]!;
        if (o < 0) continue;
        block.labels[(p * S + s) * T + t] = rows.begin(
          RowKind.allocatedKeepsOpen,
          p,
          s,
          -1,
          inputs.years[t]!,
          -INF,
          0,
        );
        rows.push(a, 1);
        rows.push(o, -1);
      }
    }
  }
}

/** 6. platform: a[p,s] - g[s,platform(p)] <= 0 where the plant must add the platform. */
function addPlatformRows(inputs: ModelInputs, map: ColumnMap, rows: RowBuilder, block: Block): void {
  const { numPrograms: P, numPlants: S } = inputs;
  const L = inputs.platforms.length;
  for (let p = 0; p < P; p++) {
    const l = inputs.programPlatform[p]!;
    for (let s = 0; s < S; s++) {
      const a = map.a[p * S + s]!;
      const g = map.g[s * L + l]!;
      if (a < 0 || g < 0) continue;
      block.labels[(p * S + s) * L + l] = rows.begin(RowKind.platformNeeded, p, s, -1, -1, -INF, 0, {
        platform: l,
      });
      rows.push(a, 1);
      rows.push(g, -1);
    }
  }
}

/**
 * 7. sourcing: sum_s a[p,s] <= maxPlants_p, and >= 1 for programs that must be built. A program that must be
 * built but has no possible plant keeps its empty row (0 >= 1), so the solver reports the scenario infeasible.
 */
function addSourcingRows(inputs: ModelInputs, map: ColumnMap, rows: RowBuilder, blocks: Constraints): void {
  const { numPrograms: P, numPlants: S } = inputs;
  for (let p = 0; p < P; p++) {
    if (inputs.lifeFirst[p]! < 0) continue;
    let candidates = 0;
    for (let s = 0; s < S; s++) if (map.a[p * S + s]! >= 0) candidates++;
    if (candidates > inputs.maxPlants[p]!) {
      blocks.sourcingMax.labels[p] = rows.begin(
        RowKind.sourcingMax,
        p,
        -1,
        -1,
        -1,
        -INF,
        inputs.maxPlants[p]!,
      );
      for (let s = 0; s < S; s++) if (map.a[p * S + s]! >= 0) rows.push(map.a[p * S + s]!, 1);
    }
    if (inputs.mustBuild[p]) {
      blocks.sourcingMin.labels[p] = rows.begin(RowKind.sourcingMin, p, -1, -1, -1, 1, INF);
      for (let s = 0; s < S; s++) if (map.a[p * S + s]! >= 0) rows.push(map.a[p * S + s]!, 1);
    }
  }
}

/**
 * 8. plant dynamics, with o[s,-1] = 1 for active and 0 for idle/candidate plants (o = 0 before a plant's
 * earliest year: no column there). Where the status can change only one way the event is an equality,
 * w = o[t] - o[t-1] >= 0 (idle/candidate plants stay open) or z = o[t-1] - o[t] >= 0 (an active plant that
 * closes stays closed), which makes the events exact and needs no separate monotonicity rows. Plants that
 * may both open and close get the inequalities w >= o[t] - o[t-1] and z >= o[t-1] - o[t].
 */
function addPlantDynamicsRows(
  inputs: ModelInputs,
  map: ColumnMap,
  rows: RowBuilder,
  blocks: Constraints,
): void {
  const { numPlants: S, numYears: T } = inputs;
  for (let s = 0; s < S; s++) {
    const active = inputs.plant.status[s] === PlantStatusCode.active;
    const twoWay = !active && inputs.plant.canClose[s] === 1;
    let previous = -1;
    for (let t = 0; t < T; t++) {
      const st = s * T + t;
      const o = map.o[st]!;
      if (o < 0) continue;
      const year = inputs.years[t]!;
      const before = previous < 0 ? (active ? 1 : 0) : 0; // constant o[s,t-1] when there is no column
      if (map.w[st]! >= 0) {
        // w - o[t] + o[t-1] (=|>=) 0
        blocks.openEvent.labels[st] = rows.begin(
          RowKind.openEvent,
          -1,
          s,
          -1,
          year,
          -before,
          twoWay ? INF : -before,
        );
        rows.push(map.w[st]!, 1);
        rows.push(o, -1);
        if (previous >= 0) rows.push(previous, 1);
      }
      if (map.z[st]! >= 0) {
        // z + o[t] - o[t-1] (=|>=) 0
        blocks.closeEvent.labels[st] = rows.begin(
          RowKind.closeEvent,
          -1,
          s,
          -1,
          year,
          before,
          twoWay ? INF : before,
        );
        rows.push(map.z[st]!, 1);
        rows.push(o, 1);
        if (previous >= 0) rows.push(previous, -1);
      }
      previous = o;
    }
  }
}

/**
 * 9. budget caps: the undiscounted one-off investment paid in the policy's years <= cap — tooling, openings
 * and conversions, each counted by the payments its phasing puts inside the window.
 */
function addBudgetCapRows(inputs: ModelInputs, map: ColumnMap, rows: RowBuilder, block: Block): void {
  const { numPrograms: P, numPlants: S, numYears: T } = inputs;
  const L = inputs.platforms.length;
  const start = inputs.years[0]!;
  if (!inputs.policies.some((policy) => policy.kind === "budget-cap")) return;
  const investments: { j: number; payments: [number, number][] }[] = [];
  const add = (j: number, cell: ColumnCell) => {
    if (j >= 0) investments.push({ j, payments: investmentPayments(inputs, cell) });
  };
  const cell = (kind: ColKind, program: number, plant: number, platform: number, t: number): ColumnCell => ({
    kind,
    program,
    plant,
    market: -1,
    platform,
    t,
  });
  for (let p = 0; p < P; p++)
    for (let s = 0; s < S; s++) add(map.a[p * S + s]!, cell(ColKind.allocate, p, s, -1, -1));
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < T; t++) add(map.w[s * T + t]!, cell(ColKind.open, -1, s, -1, t));
    for (let l = 0; l < L; l++) add(map.g[s * L + l]!, cell(ColKind.platform, -1, s, l, -1));
  }
  inputs.policies.forEach((policy, k) => {
    if (policy.kind !== "budget-cap") return;
    const first = Math.max(0, (policy.from ?? start) - start);
    const last = Math.min(T - 1, (policy.to ?? start + T - 1) - start);
    block.labels[k] = rows.begin(RowKind.budgetCap, -1, -1, -1, -1, -INF, policy.maxInvestment, {
      policy: k,
    });
    for (const { j, payments } of investments) {
      let paid = 0;
      for (const [t, amount] of payments) if (t >= first && t <= last) paid += amount;
      if (paid > 0) rows.push(j, paid);
    }
  });
}

/**
 * 9. min volume: sum_m x[p,s,m,t] - volume a[p,s] >= 0 for each allocated program (or the given one), in every
 * year of its life in which the plant can operate — also where it has no flows (no demand, no allowed lane):
 * there the row reads -volume a[p,s] >= 0, so the policy rules the allocation out rather than being dropped.
 */
function addMinVolumeRows(
  inputs: ModelInputs,
  cols: ColumnBuilder,
  map: ColumnMap,
  rows: RowBuilder,
  block: Block,
): void {
  const { numPrograms: P, numPlants: S, numYears: T } = inputs;
  if (!inputs.policies.some((policy) => policy.kind === "min-volume")) return;
  // flows of one (program, plant, year) are contiguous: remember each run's [first, end)
  const runFirst = new Int32Array(P * S * T).fill(-1);
  const runEnd = new Int32Array(P * S * T);
  const { program, plant, year } = cols.index;
  for (let j = map.xFirst; j < map.xEnd; j++) {
    const pst = (program[j]! * S + plant[j]!) * T + yearIndex(inputs, year[j]!);
    if (runFirst[pst]! < 0) runFirst[pst] = j;
    runEnd[pst] = j + 1;
  }
  inputs.policies.forEach((policy, k) => {
    if (policy.kind !== "min-volume") return;
    const s = inputs.plantIds.indexOf(policy.plant);
    const only = policy.program === undefined ? -1 : inputs.programIds.indexOf(policy.program);
    for (let p = 0; p < P; p++) {
      const a = map.a[p * S + s]!;
      if (a < 0 || (only >= 0 && p !== only) || inputs.lifeFirst[p]! < 0) continue;
      for (let t = inputs.lifeFirst[p]!; t <= inputs.lifeLast[p]!; t++) {
        if (map.o[s * T + t]! < 0) continue;
        const pst = (p * S + s) * T + t;
        block.labels[k * P * S * T + pst] = rows.begin(
          RowKind.minVolume,
          p,
          s,
          -1,
          inputs.years[t]!,
          0,
          INF,
          {
            policy: k,
          },
        );
        for (let j = runFirst[pst]!; j >= 0 && j < runEnd[pst]!; j++) rows.push(j, 1);
        rows.push(a, -policy.volume);
      }
    }
  });
}
