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
