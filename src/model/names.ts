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
  [RowKind.stayOpen]: "stay_open",
  [RowKind.budgetCap]: "budget_cap",
  [RowKind.minVolume]: "min_volume",
};

/** What the `market` slot of an index table holds for this kind of row or column. */
function thirdSlot(inputs: ModelInputs, isRow: boolean, kind: number, value: number): string {
  if (!isRow && kind === ColKind.platform) return inputs.platforms[value] ?? String(value);
  if (isRow && kind === RowKind.platformNeeded) return inputs.platforms[value] ?? String(value);
  if (isRow && (kind === RowKind.budgetCap || kind === RowKind.minVolume)) {
    return inputs.policies[value]?.id ?? String(value);
  }
  return inputs.marketIds[value] ?? String(value);
}

function nameAt(inputs: ModelInputs, table: IndexTable, i: number, isRow: boolean): string {
  const kind = table.kind[i]!;
  const parts: string[] = [];
  const p = table.program[i]!;
  const s = table.plant[i]!;
  const m = table.market[i]!;
  const y = table.year[i]!;
  if (isRow && (kind === RowKind.budgetCap || kind === RowKind.minVolume))
    parts.push(thirdSlot(inputs, isRow, kind, m));
  if (p >= 0) parts.push(inputs.programIds[p] ?? String(p));
  if (s >= 0) parts.push(inputs.plantIds[s] ?? String(s));
  if (m >= 0 && !(isRow && (kind === RowKind.budgetCap || kind === RowKind.minVolume))) {
    parts.push(thirdSlot(inputs, isRow, kind, m));
  }
  if (y >= 0) parts.push(String(y));
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
