import {
  type Column,
  type EntityTable,
  entryKey,
  headerOf,
  isYearKey,
  type KeyedTable,
  SHEETS,
  workbookLayout,
} from "./layout.js";
import {
  type CellOut,
  type SheetColumn,
  type WorkbookWriter,
  workbookBytes,
  writeWorkbookFile,
} from "./sheet-writer.js";
import { citationColumns, readmeLines, REMOVE_COLUMNS } from "./workbook-text.js";

/**
 * A scenario (resolved, or a patch that `extends` a base) as a workbook: see layout.ts for what goes where.
 * Every value is written so that reading it back gives the same value: numbers as numbers (formats only change
 * how they look), lists and maps as text in one syntax, anything that syntax cannot hold as JSON.
 */

type Entry = Record<string, unknown>;

export async function writeScenarioWorkbookFile(data: Entry, path: string, overwrite = false): Promise<void> {
  await writeWorkbookFile(path, (writer) => fillWorkbook(writer, data), overwrite);
}

export async function scenarioWorkbookBytes(data: Entry): Promise<Uint8Array> {
  return workbookBytes((writer) => fillWorkbook(writer, data));
}

export function fillWorkbook(writer: WorkbookWriter, data: Entry): void {
  const patch = data.extends !== undefined;
  const layout = workbookLayout(patch);
  const currency = typeof data.currency === "string" ? data.currency : "EUR";
  writer.addText(SHEETS.readme, readmeLines(layout, { patch, currency }));
  writer.addSheet(settingsSheet(layout.settings, data, currency));
  const order = ["plants", "programs", "markets", "demand", "lanes", "logistics.modes", "duties", "policies"];
  const tables = [...layout.entities, ...layout.keyed].sort(
    (a, b) => rank(order, pathOf(a)) - rank(order, pathOf(b)),
  );
  for (const table of tables)
    writer.addSheet(
      table.type === "entities" ? entitySheet(table, data, currency) : keyedSheet(table, data, currency),
    );
  writer.addSheet(citationsSheet(layout.citing, layout.entities, data));
  if (patch) writer.addSheet(removeSheet(layout.entities, data));
}

function pathOf(table: EntityTable | KeyedTable): string {
  return (table.type === "entities" ? table.list : table.map).join(".");
}

function rank(order: string[], key: string): number {
  const at = order.indexOf(key);
  return at < 0 ? order.length : at;
}

function settingsSheet(rows: Column[], data: Entry, currency: string) {
  const values = rows.map((row) => valueAt(data, row.path));
  return {
    name: SHEETS.settings,
    columns: [
      { header: "field", width: 26 },
      { header: "value", width: 40 },
      { header: "meaning", width: 90 },
    ],
    rows: rows.map((row, i) => [
      row.path.join("."),
      toCell(row, values[i]),
      `${row.description ?? row.label}${unitNote(row, currency)}`,
    ]),
    frozenColumns: 1,
    rowFormats: (r: number) => [undefined, numberFormat(rows[r - 2]!, [values[r - 2]])],
    rowValidations: (r: number) => [undefined, validationOf(rows[r - 2]!)],
    spareRows: 0,
  };
}

function entitySheet(table: EntityTable, data: Entry, currency: string) {
  const entries = (valueAt(data, table.list) as Entry[] | undefined) ?? [];
  const years = table.yearsField ? yearColumns(table.yearsField, entries, data) : [];
  const columns = [...table.columns, ...years];
  return {
    name: table.sheet,
    columns: columns.map((column) => sheetColumn(column, currency, entries)),
    rows: entries.map((entry) => columns.map((column) => toCell(column, valueAt(entry, column.path)))),
    frozenColumns: table.keyFields.length,
  };
}

/** One column per year: the horizon's years and any other year a volume gives (shown, then checked). */
function yearColumns(field: string, entries: Entry[], data: Entry): Column[] {
  const years = new Set<number>();
  const horizon = data.horizon as { start?: unknown; end?: unknown } | undefined;
  if (
    typeof horizon?.start === "number" &&
    typeof horizon.end === "number" &&
    horizon.end - horizon.start < 200
  )
    for (let y = horizon.start; y <= horizon.end; y++) years.add(y);
  for (const entry of entries) {
    const volume = entry[field];
    if (volume && typeof volume === "object" && !("growth" in volume))
      for (const key of Object.keys(volume)) if (isYearKey(key)) years.add(Number(key));
  }
  return [...years]
    .sort((a, b) => a - b)
    .map((year) => ({
      path: [field, String(year)],
      label: String(year),
      kind: "number",
      unit: "vehicles",
      integer: false,
      description: `${field} in ${year} (vehicles); leave the year columns empty where the growth columns are used`,
    }));
}

function keyedSheet(table: KeyedTable, data: Entry, currency: string) {
  const map = (valueAt(data, table.map) as Entry | undefined) ?? {};
  const keys = Object.keys(map);
  const key: SheetColumn = { header: table.keyLabel };
  if (table.keyValues) key.validation = { values: table.keyValues };
  return {
    name: table.sheet,
    columns: [key, ...table.columns.map((c) => sheetColumn(c, currency, Object.values(map) as Entry[]))],
    rows: keys.map((k) => [
      k,
      ...table.columns.map((c) => toCell(c, c.path.length ? valueAt(map[k] as Entry, c.path) : map[k])),
    ]),
    frozenColumns: 1,
  };
}

function citationsSheet(citing: string[], entities: EntityTable[], data: Entry) {
  const columns = citationColumns();
  const rows: CellOut[][] = [];
  for (const where of citing) {
    const table = entities.find((t) => t.list.join(".") === where);
    const owners: { key: string; entry: Entry }[] = table
      ? ((valueAt(data, table.list) as Entry[] | undefined) ?? []).map((entry) => ({
          key: entryKey(table, entry),
          entry,
        }))
      : [{ key: "", entry: (where ? valueAt(data, where.split(".")) : data) as Entry }];
    for (const { key, entry } of owners) {
      const cite = (entry?.cite ?? {}) as Record<string, Entry>;
      for (const [field, citation] of Object.entries(cite))
        rows.push([
          where || "scenario",
          key,
          field,
          ...columns.slice(3).map((c) => toCell(c, valueAt(citation, c.path))),
        ]);
    }
  }
  return {
    name: SHEETS.citations,
    columns: [
      {
        header: "table",
        note: "scenario, logistics, or a list: plants, programs, markets, demand, lanes, duties",
        validation: { values: ["scenario", ...citing.filter(Boolean)] },
      },
      { header: "entry", note: "the entry's id; demand 'program → market'; lanes 'from → to'" },
      { header: "field", note: "the cited field, or part of one (volume.2030, modes.sea)" },
      ...columns.slice(3).map((c) => sheetColumn(c, "", [])),
    ].map((c, i) => ({ ...c, width: i < 3 ? 24 : 50 })),
    rows,
    frozenColumns: 3,
  };
}

function removeSheet(entities: EntityTable[], data: Entry) {
  const remove = (data.remove ?? {}) as Record<string, unknown[]>;
  const rows: CellOut[][] = [];
  for (const [list, targets] of Object.entries(remove)) {
    const table = entities.find((t) => t.list.join(".") === list);
    for (const target of targets ?? [])
      rows.push([
        list,
        typeof target === "object" && table ? entryKey(table, target as Entry) : String(target),
      ]);
  }
  return { name: SHEETS.remove, columns: REMOVE_COLUMNS, rows, frozenColumns: 1 };
}

function sheetColumn(column: Column, currency: string, entries: Entry[]): SheetColumn {
  const out: SheetColumn = { header: headerOf(column, currency) };
  const note = [column.description, formatHint(column)].filter(Boolean).join(". ");
  if (note) out.note = note;
  const format = numberFormat(
    column,
    entries.slice(0, 2000).map((e) => valueAt(e, column.path)),
  );
  if (format) out.numFmt = format;
  const validation = validationOf(column);
  if (validation) out.validation = validation;
  return out;
}

function validationOf(column: Column): SheetColumn["validation"] | undefined {
  if (column.reference) {
    const sheet = workbookLayout().entities.find((t) => t.list.join(".") === column.reference)?.sheet;
    if (sheet) return { range: `'${sheet}'!$A$2:$A$100000` };
  }
  if (column.values && column.values.join(",").length < 250) return { values: column.values };
  if (column.kind === "boolean") return { values: ["TRUE", "FALSE"] };
  return undefined;
}

function formatHint(column: Column): string {
  if (column.kind === "list") return "a list: values separated by commas";
  if (column.kind === "map") return "pairs: key: value; key: value";
  if (column.kind === "json") return "JSON";
  return "";
}

function unitNote(column: Column, currency: string): string {
  const header = headerOf(column, currency);
  return header === column.label ? "" : ` [${header.slice(column.label.length + 2, -1)}]`;
}

/** Money and volumes with thousands separators; rates as percentages; years plain. Display only. */
function numberFormat(column: Column, values: unknown[]): string | undefined {
  if (column.kind !== "number") return undefined;
  const whole = values.every((v) => typeof v !== "number" || Number.isInteger(v));
  switch (column.unit) {
    case "money":
    case "vehicles":
      return whole ? "#,##0" : "#,##0.00##";
    case "rate":
      return "0.0##%";
    case "year":
      return "0";
    default:
      return undefined;
  }
}

export function valueAt(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Entry)[key];
  }
  return value;
}

/** A value as a cell: scalars as themselves, lists `a, b`, maps `k: v; k: v`, the rest (and the ambiguous) JSON. */
export function toCell(column: Column, value: unknown): CellOut {
  if (value === undefined || value === null) return undefined;
  switch (column.kind) {
    case "list": {
      if (!Array.isArray(value)) return JSON.stringify(value);
      if (value.length === 0) return column.hasDefault ? undefined : "[]";
      const plain = value.every((v) => typeof v !== "object" && !/[,[\]{}]|^\s|\s$|^$/.test(String(v)));
      return plain ? value.map(String).join(", ") : JSON.stringify(value);
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) return JSON.stringify(value);
      const pairs = Object.entries(value as Entry);
      if (pairs.length === 0) return column.hasDefault ? undefined : "{}";
      const plain = pairs.every(
        ([k, v]) =>
          typeof v !== "object" && !/[:;{}]|^\s|\s$|^$/.test(k) && !/[;{}]|^\s|\s$|^$/.test(String(v)),
      );
      return plain ? pairs.map(([k, v]) => `${k}: ${String(v)}`).join("; ") : JSON.stringify(value);
    }
    case "json":
      return JSON.stringify(value);
    default:
      return typeof value === "object" ? JSON.stringify(value) : (value as CellOut);
  }
}
