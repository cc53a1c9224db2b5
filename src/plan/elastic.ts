import { ColKind, type MathProgram, RowKind } from "../model/program.js";

/**
 * An elastic copy of a MathProgram: penalised slack columns on the rows and forced bounds that can conflict,
 * and no other objective. Its optimum is the least violation that makes the program feasible; each slack
 * left nonzero names one requirement that cannot hold together with the rest.
 */
export interface ElasticProgram {
  program: MathProgram;
  slacks: Slack[];
}

export type Slack =
  | { column: number; source: "row"; row: number; direction: "short" | "over" }
  | { column: number; source: "bound"; forcedColumn: number; lower: number };

/** Marks the appended slack columns and bound rows in the index tables; no domain kind uses it. */
export const ELASTIC_KIND = 255;

/** Penalty per unit of violation: vehicles are cheap, capacity cheapest, policies and sourcing dear. */
const ROW_WEIGHT: Partial<Record<number, number>> = {
  [RowKind.capacity]: 1,
  [RowKind.demand]: 2,
  [RowKind.minVolume]: 1,
  // money: one million over the cap weighs as 100 vehicles
  [RowKind.budgetCap]: 1e-4,
  [RowKind.sourcingMin]: 1e6,
  [RowKind.allocatedKeepsOpen]: 1e6,
};
/** Forced decisions (fixed or existing allocations, kept-open plants) are broken only as a last resort. */
const BOUND_WEIGHT: Partial<Record<number, number>> = {
  [ColKind.allocate]: 1e6,
  [ColKind.operate]: 1e6,
};

export function elasticCopy(mp: MathProgram): ElasticProgram {
  const slacks: Slack[] = [];
  const slackCost: number[] = [];
  // slack entries per original row, appended to the row's CSR entries
  const extra = new Map<number, { column: number; coefficient: number }[]>();
  let nextColumn = mp.numCols;

  for (let i = 0; i < mp.numRows; i++) {
    const weight = ROW_WEIGHT[mp.rows.kind[i]!];
    if (weight === undefined) continue;
    const entries: { column: number; coefficient: number }[] = [];
    const kind = mp.rows.kind[i]!;
    // a demand row can fall short, never be over-served; a capacity row can only be exceeded
    if (Number.isFinite(mp.rowLower[i]!) && kind !== RowKind.capacity) {
      entries.push({ column: nextColumn, coefficient: 1 });
      slacks.push({ column: nextColumn++, source: "row", row: i, direction: "short" });
      slackCost.push(weight);
    }
    if (Number.isFinite(mp.rowUpper[i]!) && kind !== RowKind.demand) {
      entries.push({ column: nextColumn, coefficient: -1 });
      slacks.push({ column: nextColumn++, source: "row", row: i, direction: "over" });
      slackCost.push(weight);
    }
    if (entries.length > 0) extra.set(i, entries);
  }

  const colLower = Float64Array.from(mp.colLower);
  const boundRows: { forced: number; lower: number; slack: number }[] = [];
  for (let j = 0; j < mp.numCols; j++) {
    const weight = BOUND_WEIGHT[mp.cols.kind[j]!];
    if (weight === undefined || !(mp.colLower[j]! > 0)) continue;
    boundRows.push({ forced: j, lower: mp.colLower[j]!, slack: nextColumn });
    slacks.push({ column: nextColumn++, source: "bound", forcedColumn: j, lower: mp.colLower[j]! });
    slackCost.push(weight);
    colLower[j] = 0;
  }

  const numCols = nextColumn;
  const numRows = mp.numRows + boundRows.length;
  const extraEntries = [...extra.values()].reduce((n, e) => n + e.length, 0);
  const nnz = mp.rowStart[mp.numRows]! + extraEntries + 2 * boundRows.length;
  const rowStart = new Int32Array(numRows + 1);
  const colIndex = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < mp.numRows; i++) {
    rowStart[i] = k;
    for (let e = mp.rowStart[i]!; e < mp.rowStart[i + 1]!; e++) {
      colIndex[k] = mp.colIndex[e]!;
      value[k++] = mp.value[e]!;
    }
    for (const entry of extra.get(i) ?? []) {
      colIndex[k] = entry.column;
      value[k++] = entry.coefficient;
    }
  }
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  rowLower.set(mp.rowLower);
  rowUpper.set(mp.rowUpper);
  // flow_needs_shift and capacity_rounding rows follow from the capacity rows and integrality: with capacity
  // elastic they would still hold the flows to the shifts, so they are lifted with it (they never make a
  // program infeasible on their own)
  for (let i = 0; i < mp.numRows; i++) {
    const kind = mp.rows.kind[i];
    if (kind === RowKind.flowNeedsShift || kind === RowKind.capacityRounding)
      rowUpper[i] = Number.POSITIVE_INFINITY;
  }
  boundRows.forEach((b, r) => {
    const i = mp.numRows + r;
    rowStart[i] = k;
    colIndex[k] = b.forced;
    value[k++] = 1;
    colIndex[k] = b.slack;
    value[k++] = 1;
    rowLower[i] = b.lower;
    rowUpper[i] = Number.POSITIVE_INFINITY;
  });
  rowStart[numRows] = k;

  const colCost = new Float64Array(numCols);
  slacks.forEach((s, n) => {
    colCost[s.column] = slackCost[n]!;
  });
  const colUpper = new Float64Array(numCols).fill(Number.POSITIVE_INFINITY);
  colUpper.set(mp.colUpper);
  // a flow's bound is its plant's most output: lifted, so a shortfall shows on the capacity row that names it
  for (let j = 0; j < mp.numCols; j++)
    if (mp.cols.kind[j] === ColKind.flow) colUpper[j] = Number.POSITIVE_INFINITY;
  const lower = new Float64Array(numCols);
  lower.set(colLower);
  const integrality = new Uint8Array(numCols);
  integrality.set(mp.integrality);

  return {
    slacks,
    program: {
      sense: "minimize",
      numCols,
      numRows,
      colLower: lower,
      colUpper,
      colCost,
      integrality,
      objectiveOffset: 0,
      rowLower,
      rowUpper,
      rowStart,
      colIndex,
      value,
      cols: extendIndex(mp.cols, numCols),
      rows: extendIndex(mp.rows, numRows),
    },
  };
}

function extendIndex(table: MathProgram["cols"], size: number): MathProgram["cols"] {
  const kind = new Uint8Array(size).fill(ELASTIC_KIND);
  kind.set(table.kind);
  const filled = (source: Int32Array) => {
    const out = new Int32Array(size).fill(-1);
    out.set(source);
    return out;
  };
  return {
    kind,
    program: filled(table.program),
    plant: filled(table.plant),
    market: filled(table.market),
    platform: filled(table.platform),
    policy: filled(table.policy),
    year: filled(table.year),
  };
}
