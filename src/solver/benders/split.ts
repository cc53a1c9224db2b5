import type { Block } from "../../model/blocks.js";
import { type BuiltModel, flowShiftBound } from "../../model/build.js";
import { ColKind, type MathProgram } from "../../model/program.js";

/**
 * The program split for Benders decomposition (docs/model.md, "Decomposition"): the flows x and unmet demand u
 * of each year form that year's subproblem, everything else (allocations, platforms, plant states, shifts,
 * overtime) the master. The split is read from the variable and constraint blocks: the rows that hold flows
 * are the demand, capacity, build-only-where-allocated, flow-needs-shift, capacity-rounding and min-volume
 * families, each with the year as its last dimension.
 */
export interface Split {
  /** +1 when the program maximises, -1 when it minimises: every part works in "maximise sign × cost" */
  sign: 1 | -1;
  /** 1 for the columns of a subproblem */
  isSub: Uint8Array;
  /** rows without flows: the master's own rows */
  masterRows: Int32Array;
  /** one part per year that has flows or unmet demand */
  years: YearPart[];
}

/** One year's subproblem: its columns, and its rows split into their flow part and their master part. */
export interface YearPart {
  /** year index (0 = horizon start) */
  t: number;
  /** program columns of the year (flows and unmet demand) */
  cols: Int32Array;
  /** objective of each column times the split's sign */
  cost: Float64Array;
  upper: Float64Array;
  /**
   * program rows of the year and their bounds; -1 for a flow-needs-shift bound the split derived where the
   * build wrote no row (see derivedShiftRows)
   */
  rows: Int32Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  /** CSR over the year's columns (local positions) */
  start: Int32Array;
  local: Int32Array;
  value: Float64Array;
  /** CSR of each row's master entries (program columns) */
  masterStart: Int32Array;
  masterCol: Int32Array;
  masterValue: Float64Array;
  /** per local row: 1 for a demand row (each flow enters one; year-network.ts) */
  demandRow: Uint8Array;
  /** per local column: the local row that bounds it alone by its allocation (per-flow linking), or -1 */
  linkRow: Int32Array;
  linkCoef: Float64Array;
  /** per local column: the local row that bounds it alone by its plant's shifts (flow needs shift), or -1 */
  shiftRow: Int32Array;
  shiftCoef: Float64Array;
  /**
   * Σ coef·x ≤ upper over master columns: the year's capacity covers the demand that must be served (cells
   * without an unmet column). Every flow enters one demand row and one capacity row with coefficient 1, so
   * Σ_must D ≤ Σ flows ≤ Σ_capacity rows (upper − master part). Absent where all demand may go unmet.
   */
  coverage?: { cols: Int32Array; coef: Float64Array; upper: number };
  /**
   * local rows that span plants (demand, min-volume across plants), whose duals each optimality cut keeps for
   * the bound by plant (lagrangian.ts); set by the engine when it computes that bound
   */
  spanning?: Int32Array;
}

/** The blocks whose rows hold flows; every one has the year as its last dimension. */
const FLOW_ROW_BLOCKS = [
  "demand",
  "capacity",
  "buildOnlyWhereAllocated",
  "flowNeedsShift",
  "capacityRounding",
  "minVolume",
] as const;

/** Per-flow bound rows: x ≤ coef·(a master column), one flow each; the subproblem takes them as bounds. */
const ALLOCATION_LINK = 1;
const SHIFT_LINK = 2;

/**
 * Every master column at its upper bound (all plants open, every allocation made), the subproblems' columns at 0,
 * in program positions: the first in-out core and the Pareto-optimal cuts' core point.
 */
export function allOpenPoint(program: MathProgram, split: Split): Float64Array {
  return Float64Array.from(program.colUpper, (upper, j) => (split.isSub[j] ? 0 : upper));
}

export function splitProgram(built: BuiltModel): Split {
  const { program } = built;
  const T = built.inputs.numYears;
  const yearOfCol = new Int32Array(program.numCols).fill(-1);
  for (const block of [built.variables.x, built.variables.u]) {
    forEachLabel(block, (j, t) => {
      yearOfCol[j] = t;
    });
  }
  const isSub = Uint8Array.from(yearOfCol, (t) => (t >= 0 ? 1 : 0));
  const rowsOfYear: number[][] = Array.from({ length: T }, () => []);
  const isSubRow = new Uint8Array(program.numRows);
  const perFlowLink = new Uint8Array(program.numRows);
  const isDemandRow = new Uint8Array(program.numRows);
  for (const r of built.constraints.demand.labels) if (r >= 0) isDemandRow[r] = 1;
  for (const name of FLOW_ROW_BLOCKS) {
    const block = built.constraints[name];
    forEachLabel(block, (r, t) => {
      let flows = 0;
      for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
        const j = program.colIndex[k]!;
        if (!isSub[j]) continue;
        flows++;
        if (yearOfCol[j] !== t) throw new Error(`row ${r} of ${name} holds a flow of another year`);
      }
      if (flows === 0) return; // e.g. a min-volume row without flows: it only restricts the allocation
      isSubRow[r] = 1;
      rowsOfYear[t]!.push(r);
      if (block.dims.length === 4 && flows === 1) {
        if (name === "buildOnlyWhereAllocated") perFlowLink[r] = ALLOCATION_LINK;
        else if (name === "flowNeedsShift") perFlowLink[r] = SHIFT_LINK;
      }
    });
  }
  const masterRows: number[] = [];
  for (let r = 0; r < program.numRows; r++) {
    if (isSubRow[r]) continue;
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++)
      if (isSub[program.colIndex[k]!]) throw new Error(`master row ${r} holds a flow or unmet column`);
    masterRows.push(r);
  }
  const colsOfYear: number[][] = Array.from({ length: T }, () => []);
  yearOfCol.forEach((t, j) => {
    if (t >= 0) colsOfYear[t]!.push(j);
  });
  const sign = program.sense === "maximize" ? 1 : -1;
  const years: YearPart[] = [];
  const localOf = new Int32Array(program.numCols).fill(-1);
  const mustServe = mustServeDemand(built);
  for (let t = 0; t < T; t++) {
    if (colsOfYear[t]!.length === 0) continue;
    const part = yearPart(
      built,
      t,
      colsOfYear[t]!,
      rowsOfYear[t]!,
      { isSub, perFlowLink, isDemandRow },
      localOf,
      sign,
    );
    if (mustServe[t]! > 0) part.coverage = coverageOf(built, t, mustServe[t]!);
    years.push(part);
  }
  return { sign, isSub, masterRows: Int32Array.from(masterRows), years };
}

function yearPart(
  built: BuiltModel,
  t: number,
  colList: number[],
  rowList: number[],
  kinds: { isSub: Uint8Array; perFlowLink: Uint8Array; isDemandRow: Uint8Array },
  localOf: Int32Array,
  sign: 1 | -1,
): YearPart {
  const { program } = built;
  const { isSub, perFlowLink } = kinds;
  const cols = Int32Array.from(colList);
  cols.forEach((j, c) => {
    localOf[j] = c;
  });
  const rows = [...rowList];
  const rowLower = rowList.map((r) => program.rowLower[r]!);
  const rowUpper = rowList.map((r) => program.rowUpper[r]!);
  const start = [0];
  const local: number[] = [];
  const value: number[] = [];
  const masterStart = [0];
  const masterCol: number[] = [];
  const masterValue: number[] = [];
  const linkRow = new Int32Array(cols.length).fill(-1);
  const linkCoef = new Float64Array(cols.length);
  const shiftRow = new Int32Array(cols.length).fill(-1);
  const shiftCoef = new Float64Array(cols.length);
  rowList.forEach((r, i) => {
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
      const j = program.colIndex[k]!;
      const a = program.value[k]!;
      if (isSub[j]) {
        local.push(localOf[j]!);
        value.push(a);
        if (perFlowLink[r] && a > 0 && Number.isFinite(program.rowUpper[r]!)) {
          const [row, coef] = perFlowLink[r] === SHIFT_LINK ? [shiftRow, shiftCoef] : [linkRow, linkCoef];
          row[localOf[j]!] = i;
          coef[localOf[j]!] = a;
        }
      } else {
        masterCol.push(j);
        masterValue.push(a);
      }
    }
    start.push(local.length);
    masterStart.push(masterCol.length);
  });
  // the flow-needs-shift bound x ≤ b·n of every flow without its row (3c): valid whatever the build, and free
  // here (a column bound of the year LP), so the decomposition takes it on every flow
  for (const { c, n, bound } of derivedShiftRows(built, t, cols, shiftRow)) {
    shiftRow[c] = rows.length;
    shiftCoef[c] = 1;
    rows.push(-1);
    rowLower.push(Number.NEGATIVE_INFINITY);
    rowUpper.push(0);
    local.push(c);
    value.push(1);
    start.push(local.length);
    masterCol.push(n);
    masterValue.push(-bound);
    masterStart.push(masterCol.length);
  }
  for (const c of cols) {
    if (program.colLower[c] !== 0 || !Number.isFinite(program.colUpper[c]!))
      throw new Error(`flow or unmet column ${c} is not bounded to [0, finite]`);
  }
  return {
    t,
    cols,
    cost: Float64Array.from(cols, (j) => sign * program.colCost[j]!),
    upper: Float64Array.from(cols, (j) => program.colUpper[j]!),
    rows: Int32Array.from(rows),
    demandRow: Uint8Array.from(rows, (r) => (r >= 0 ? kinds.isDemandRow[r]! : 0)),
    rowLower: Float64Array.from(rowLower),
    rowUpper: Float64Array.from(rowUpper),
    start: Int32Array.from(start),
    local: Int32Array.from(local),
    value: Float64Array.from(value),
    masterStart: Int32Array.from(masterStart),
    masterCol: Int32Array.from(masterCol),
    masterValue: Float64Array.from(masterValue),
    linkRow,
    linkCoef,
    shiftRow,
    shiftCoef,
  };
}

/** The flows of year t (local positions `c`) that get a derived flow-needs-shift bound: no row, b > 0. */
function derivedShiftRows(
  built: BuiltModel,
  t: number,
  cols: Int32Array,
  shiftRow: Int32Array,
): { c: number; n: number; bound: number }[] {
  const { program, inputs } = built;
  const T = inputs.numYears;
  const derived: { c: number; n: number; bound: number }[] = [];
  cols.forEach((j, c) => {
    if (shiftRow[c]! >= 0 || program.cols.kind[j] !== ColKind.flow) return;
    const s = program.cols.plant[j]!;
    const n = built.variables.n.labels[s * T + t]!;
    if (n < 0) return;
    const bound = flowShiftBound(inputs, program.cols.program[j]!, s, program.cols.market[j]!, t);
    if (bound > 0) derived.push({ c, n, bound });
  });
  return derived;
}

/** Visits every label of a block with the index of its last dimension, which must be the year. */
function forEachLabel(block: Block, visit: (label: number, t: number) => void): void {
  if (block.dims.at(-1) !== "year") throw new Error(`block over ${block.dims.join(", ")} has no year last`);
  const T = block.shape.at(-1)!;
  block.labels.forEach((label, cell) => {
    if (label >= 0) visit(label, cell % T);
  });
}

/** Per year, the demand of cells without an unmet column (it must be served in full). */
function mustServeDemand(built: BuiltModel): Float64Array {
  const { demand } = built.constraints;
  const T = built.inputs.numYears;
  const total = new Float64Array(T);
  demand.labels.forEach((r, cell) => {
    if (r >= 0 && built.variables.u.labels[cell]! < 0) total[cell % T]! += built.program.rowLower[r]!;
  });
  return total;
}

/** The coverage row of year t: Σ_s (master part of capacity row s) ≤ Σ_s upper − must-serve demand. */
function coverageOf(built: BuiltModel, t: number, mustServe: number): YearPart["coverage"] {
  const { program } = built;
  const { capacity } = built.constraints;
  const S = capacity.shape[0]!;
  const T = capacity.shape[1]!;
  const coefOf = new Map<number, number>();
  let upper = -mustServe;
  for (let s = 0; s < S; s++) {
    const r = capacity.labels[s * T + t]!;
    if (r < 0) continue;
    upper += program.rowUpper[r]!;
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
      const j = program.colIndex[k]!;
      if (program.cols.kind[j] === ColKind.flow) continue;
      coefOf.set(j, (coefOf.get(j) ?? 0) + program.value[k]!);
    }
  }
  const cols = Int32Array.from([...coefOf.keys()].sort((a, b) => a - b));
  return { cols, coef: Float64Array.from(cols, (j) => coefOf.get(j)!), upper };
}
