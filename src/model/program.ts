/**
 * A mathematical program in compact typed arrays: the contract between the model builder and solver adapters.
 * Rows are stored in CSR (row-wise) form. Every row and column carries a kind and its domain indices
 * (program, plant, market, platform, policy, year — positions in the scenario's lists, -1 where unused), so names are
 * generated only when somebody asks for them (export, explanations), never in the build's hot loop.
 */

/** Column kinds: the decision variables of docs/model.md. */
export const ColKind = {
  /** a[p,s]: program p is built at plant s */
  allocate: 0,
  /** g[s,l]: plant s gains platform l */
  platform: 1,
  /** o[s,t]: plant s operates in year t */
  operate: 2,
  /** w[s,t]: plant s opens (reopens, is built) in year t */
  open: 3,
  /** z[s,t]: plant s closes in year t */
  close: 4,
  /** n[s,t]: shifts run */
  shifts: 5,
  /** x[p,s,m,t]: vehicles of p built at s for market m in year t */
  flow: 6,
  /** u[p,m,t]: demand not served */
  unmet: 7,
  /** e[s,t]: vehicles built on overtime (flexible capacity beyond whole shifts) */
  overtime: 8,
} as const;
export type ColKind = (typeof ColKind)[keyof typeof ColKind];

/** Row kinds: the constraints of docs/model.md, numbered as in DESIGN.md. */
export const RowKind = {
  demand: 0,
  capacity: 1,
  shiftsNeedOpen: 2,
  buildOnlyWhereAllocated: 3,
  allocatedKeepsOpen: 4,
  platformNeeded: 5,
  sourcingMax: 6,
  sourcingMin: 7,
  openEvent: 8,
  closeEvent: 9,
  budgetCap: 11,
  minVolume: 12,
  overtimeLimit: 13,
  flowNeedsShift: 14,
  capacityRounding: 15,
} as const;
export type RowKind = (typeof RowKind)[keyof typeof RowKind];

/**
 * Domain indices of a row or column: positions in scenario.programs / plants / markets / policies, in the
 * model's platform list, and the year; -1 where a slot does not apply. Each slot means one thing.
 */
export interface IndexTable {
  kind: Uint8Array;
  program: Int32Array;
  plant: Int32Array;
  market: Int32Array;
  /** position in ModelInputs.platforms (platform columns and rows) */
  platform: Int32Array;
  /** position in scenario.policies (policy rows) */
  policy: Int32Array;
  /** calendar year, or -1 */
  year: Int32Array;
}

export interface MathProgram {
  sense: "maximize" | "minimize";
  numCols: number;
  numRows: number;
  colLower: Float64Array;
  colUpper: Float64Array;
  colCost: Float64Array;
  /** 1 = integer (binaries are integers in [0,1]) */
  integrality: Uint8Array;
  objectiveOffset: number;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  /** CSR: row r's entries are [rowStart[r], rowStart[r+1]) of colIndex/value */
  rowStart: Int32Array;
  colIndex: Int32Array;
  value: Float64Array;
  cols: IndexTable;
  rows: IndexTable;
}

/** The entries of an index table at the given positions (the table of a program's subset of columns or rows). */
export function pickIndex(table: IndexTable, at: Int32Array): IndexTable {
  return {
    kind: Uint8Array.from(at, (i) => table.kind[i]!),
    program: Int32Array.from(at, (i) => table.program[i]!),
    plant: Int32Array.from(at, (i) => table.plant[i]!),
    market: Int32Array.from(at, (i) => table.market[i]!),
    platform: Int32Array.from(at, (i) => table.platform[i]!),
    policy: Int32Array.from(at, (i) => table.policy[i]!),
    year: Int32Array.from(at, (i) => table.year[i]!),
  };
}

/**
 * The program restricted to some columns and rows (every entry of those rows must be in those columns), with
 * the given objective; the rest of the program left out.
 */
export function subProgram(
  program: MathProgram,
  cols: Int32Array,
  rows: Int32Array,
  colCost: Float64Array,
  sense: MathProgram["sense"],
): MathProgram {
  const local = new Int32Array(program.numCols).fill(-1);
  cols.forEach((j, c) => {
    local[j] = c;
  });
  const rowStart = [0];
  const colIndex: number[] = [];
  const value: number[] = [];
  for (const r of rows) {
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
      const c = local[program.colIndex[k]!]!;
      if (c < 0) throw new Error(`subProgram: row ${r} has a column outside the subset`);
      colIndex.push(c);
      value.push(program.value[k]!);
    }
    rowStart.push(colIndex.length);
  }
  return {
    sense,
    numCols: cols.length,
    numRows: rows.length,
    colLower: Float64Array.from(cols, (j) => program.colLower[j]!),
    colUpper: Float64Array.from(cols, (j) => program.colUpper[j]!),
    colCost,
    integrality: Uint8Array.from(cols, (j) => program.integrality[j]!),
    objectiveOffset: 0,
    rowLower: Float64Array.from(rows, (r) => program.rowLower[r]!),
    rowUpper: Float64Array.from(rows, (r) => program.rowUpper[r]!),
    rowStart: Int32Array.from(rowStart),
    colIndex: Int32Array.from(colIndex),
    value: Float64Array.from(value),
    cols: pickIndex(program.cols, cols),
    rows: pickIndex(program.rows, rows),
  };
}
