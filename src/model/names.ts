import type { BuiltModel } from "./build.js";
import type { ModelInputs } from "./inputs.js";
import { ColKind, type IndexTable, RowKind } from "./program.js";

/**
 * Names of rows and columns, made on demand from the index tables (never during the build), e.g.
 * `x[giulia-next,cassino,us,2030]` or `capacity[cassino,2030]`. Ids are lower-case letters, digits, '.', '_'
 * and '-', so names hold no spaces and are valid in free MPS as they are; `lpName` rewrites them for LP.
 */

const COLUMN_PREFIX: Record<number, string> = {
  [ColKind.allocate]: "a",
  [ColKind.platform]: "g",
  [ColKind.operate]: "o",
  [ColKind.open]: "w",
  [ColKind.close]: "z",
  [ColKind.shifts]: "n",
  [ColKind.flow]: "x",
  [ColKind.unmet]: "u",
  [ColKind.overtime]: "e",
};

const ROW_PREFIX: Record<number, string> = {
  [RowKind.demand]: "demand",
  [RowKind.capacity]: "capacity",
  [RowKind.shiftsNeedOpen]: "shifts_need_open",
  [RowKind.buildOnlyWhereAllocated]: "build_where_allocated",
  [RowKind.allocatedKeepsOpen]: "allocated_keeps_open",
  [RowKind.platformNeeded]: "platform_needed",
  [RowKind.sourcingMax]: "sourcing_max",
  [RowKind.sourcingMin]: "sourcing_min",
  [RowKind.openEvent]: "open_event",
  [RowKind.closeEvent]: "close_event",
  [RowKind.budgetCap]: "budget_cap",
  [RowKind.minVolume]: "min_volume",
  [RowKind.overtimeLimit]: "overtime_limit",
  [RowKind.flowNeedsShift]: "flow_needs_shift",
  [RowKind.capacityRounding]: "capacity_rounding",
};

function nameAt(inputs: ModelInputs, table: IndexTable, i: number, isRow: boolean): string {
  const parts: string[] = [];
  const add = (index: number, ids: readonly { id: string }[] | readonly string[]) => {
    if (index < 0) return;
    const entry = ids[index];
    parts.push(entry === undefined ? String(index) : typeof entry === "string" ? entry : entry.id);
  };
  add(table.policy[i]!, inputs.policies);
  add(table.program[i]!, inputs.programIds);
  add(table.plant[i]!, inputs.plantIds);
  add(table.market[i]!, inputs.marketIds);
  add(table.platform[i]!, inputs.platforms);
  const y = table.year[i]!;
  if (y >= 0) parts.push(String(y));
  const kind = table.kind[i]!;
  const prefix = (isRow ? ROW_PREFIX[kind] : COLUMN_PREFIX[kind]) ?? (isRow ? "r" : "c");
  return `${prefix}[${parts.join(",")}]`;
}

export function columnName(built: BuiltModel, j: number): string {
  return nameAt(built.inputs, built.program.cols, j, false);
}

export function rowName(built: BuiltModel, i: number): string {
  return nameAt(built.inputs, built.program.rows, i, true);
}

/**
 * The name rewritten for CPLEX LP files, whose names may not contain '-', '[' or ']':
 * `x[giulia-next,us]` → `x(giulia_next,us)`. '-' becomes '_', which may merge two ids that differ only there,
 * so callers make names unique (see lp-format.ts).
 */
export function lpName(name: string): string {
  return name.replaceAll("-", "_").replaceAll("[", "(").replaceAll("]", ")");
}
