import type { SourceDocument } from "../../document.js";
import { ValidationError, type ValidationIssue } from "../../issues.js";
import { closestMatch, didYouMean } from "../../suggest.js";
import type { PathKey, Site } from "../../zod-issues.js";
import { type Converted, cellText, convertCell } from "./cells.js";
import {
  type Column,
  type EntityTable,
  entryKey,
  isYearKey,
  type KeyedTable,
  normalizeHeader,
  SHEETS,
  workbookLayout,
} from "./layout.js";
import { columnIndex, columnName, type SheetCell, type SheetInfo, WorkbookReader } from "./read-workbook.js";
import { citationColumns } from "./workbook-text.js";
import { ZipError, type ZipLimits } from "./zip.js";

/**
 * A workbook → the scenario's plain data, and a locator that maps every path of it back to the cell it came
 * from, so the schema and reference checks report `Plants!E4` exactly as they report `line:column` for YAML.
 * Problems only a workbook can have (an unknown column, a merged range across columns, a formula without a
 * value) are collected on the document, to be reported together with the schema's.
 */

type Entry = Record<string, unknown>;
type Row = (SheetCell | undefined)[];

/** An entity sheet's layout: the row of each entry, the column of each field path (JSON). */
interface TableIndex {
  sheet: string;
  list: string[];
  rows: { row: number; first: number; whole?: CellSite }[];
  columns: Map<string, { column: number; label: string }>;
}

interface CellSite {
  sheet: string;
  row: number;
  column: number;
  label: string;
}

/** An .xlsx file by name, or any zip archive (the signature PK\x03\x04) whatever its name. */
export function isWorkbook(bytes: Uint8Array, file: string): boolean {
  if (/\.xlsx$/i.test(file)) return true;
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function readScenarioWorkbook(bytes: Uint8Array, file: string, limits?: ZipLimits): SourceDocument {
  let reader: WorkbookReader;
  try {
    reader = new WorkbookReader(bytes, limits);
  } catch (error) {
    if (error instanceof ZipError) throw containerProblem(file, error);
    throw error;
  }
  const builder = new Builder(file, reader);
  try {
    builder.read();
  } catch (error) {
    if (error instanceof ZipError) throw containerProblem(file, error);
    throw error;
  }
  return { file, data: builder.data, locate: builder.locate, issues: builder.issues };
}

function containerProblem(file: string, error: ZipError): ValidationError {
  return new ValidationError([
    { file, path: "", expected: "an .xlsx workbook", found: error.kind, message: error.message },
  ]);
}

class Builder {
  readonly data: Entry = {};
  readonly issues: ValidationIssue[] = [];
  /** path (JSON) → the cell its value came from; `keys` for where a key was written (map keys) */
  private readonly cells = new Map<string, CellSite>();
  private readonly keys = new Map<string, CellSite>();
  private readonly sheets = new Map<string, SheetInfo>();
  private readonly tables: TableIndex[] = [];
  private patch = false;

  constructor(
    private readonly file: string,
    private readonly reader: WorkbookReader,
  ) {}

  read() {
    for (const sheet of this.reader.sheets) this.sheets.set(sheet.name.trim().toLowerCase(), sheet);
    const settings = this.sheet(SHEETS.settings);
    const settingsData = settings ? this.reader.readSheet(settings) : undefined;
    this.patch = settingsData ? hasExtends(settingsData.rows) : false;
    const layout = workbookLayout(this.patch);
    this.checkSheetNames([
      SHEETS.readme,
      SHEETS.settings,
      SHEETS.citations,
      SHEETS.remove,
      ...layout.entities.map((t) => t.sheet),
      ...layout.keyed.map((t) => t.sheet),
    ]);
    this.cells.set(key([]), { sheet: settings?.name ?? SHEETS.settings, row: 1, column: 0, label: "" });
    if (!settings)
      this.problem({ sheet: SHEETS.settings, row: 1, column: 0, label: "" }, "", {
        message: `the workbook has no ${SHEETS.settings} sheet (portello, id, name, horizon…): is it a Portello scenario? (portello excel export writes one to start from)`,
        expected: `a sheet named ${SHEETS.settings}`,
        found: this.reader.sheets.length
          ? `the sheets ${this.reader.sheets.map((x) => x.name).join(", ")}`
          : "no sheets",
      });
    if (settings && settingsData)
      this.readSettings(settings.name, settingsData.rows, settingsData.merges, layout.settings);
    for (const table of layout.entities) this.readEntities(table);
    for (const table of layout.keyed) this.readKeyed(table);
    this.readCitations(layout.citing, layout.entities);
    this.readRemove(layout.entities);
  }

  readonly locate = (path: readonly PathKey[], target: "key" | "value"): Site => {
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      const site =
        (target === "key" && n === path.length && this.keys.get(key(prefix))) ||
        this.cells.get(key(prefix)) ||
        this.tableCell(prefix);
      if (site) return this.site(site, n === path.length);
    }
    return { file: this.file };
  };

  /** The cell of an entity's field: its entry's row, its field's column. */
  private tableCell(path: readonly PathKey[]): CellSite | undefined {
    for (const table of this.tables) {
      const n = table.list.length;
      if (path.length <= n || table.list.some((k, i) => path[i] !== k)) continue;
      const entry = table.rows[Number(path[n])];
      if (typeof path[n] !== "number" || !entry) return undefined;
      const rest = path.slice(n + 1);
      const cell = (column: number, label: string): CellSite => ({
        sheet: table.sheet,
        row: entry.row,
        column,
        label,
      });
      if (rest.length === 0) return cell(entry.first, "");
      const field = table.columns.get(key(rest));
      if (field) return cell(field.column, field.label);
      if (rest.length === 1 && entry.whole && entry.whole.label === rest[0]) return entry.whole;
      return undefined;
    }
    return undefined;
  }

  private site(at: CellSite, exact: boolean): Site {
    return {
      file: this.file,
      line: at.row,
      column: at.column + 1,
      exact,
      sheet: at.sheet,
      cell: `${columnName(at.column)}${at.row}`,
      ...(at.label ? { field: at.label } : {}),
    };
  }

  private sheet(name: string): SheetInfo | undefined {
    return this.sheets.get(name.toLowerCase());
  }

  /** Sheets of other names are the user's own (notes, pivots) and ignored — unless they look like a typo. */
  private checkSheetNames(known: string[]) {
    const lower = new Set(known.map((k) => k.toLowerCase()));
    for (const sheet of this.reader.sheets) {
      if (lower.has(sheet.name.trim().toLowerCase())) continue;
      const near = closestMatch(sheet.name.trim(), known);
      if (near && !this.sheet(near))
        this.problem({ sheet: sheet.name, row: 1, column: 0, label: "" }, "", {
          message: `unknown sheet '${sheet.name}' — did you mean '${near}'? (its rows are not read)`,
          expected: `a sheet named ${near}`,
          found: `'${sheet.name}'`,
        });
    }
  }

  private readSettings(sheet: string, rows: Map<number, Row>, merges: string[], settings: Column[]) {
    this.applyMerges(sheet, rows, merges);
    const byName = new Map(settings.map((s) => [normalizeHeader(s.path.join(".")), s]));
    const seen = new Map<string, number>();
    for (const [r, row] of sorted(rows)) {
      if (r === 1) continue;
      const name = cellText(row[0]?.value).trim();
      const raw = row[1]?.value;
      if (name === "" && (raw === undefined || cellText(raw).trim() === "")) continue;
      const at = (column: number, label: string): CellSite => ({ sheet, row: r, column, label });
      const setting = byName.get(normalizeHeader(name.replace(/\./g, "")));
      if (!setting) {
        const names = settings.map((s) => s.path.join("."));
        this.problem(at(0, "field"), name, {
          message: name
            ? `unknown field '${name}'${didYouMean(name, names)}`
            : "a value without a field name in column A",
          expected: `one of the fields ${names.join(", ")}`,
          found: name ? `'${name}'` : "nothing",
        });
        continue;
      }
      const dotted = setting.path.join(".");
      if (seen.has(dotted)) {
        this.problem(at(0, dotted), dotted, {
          message: `'${dotted}' is given twice (also row ${seen.get(dotted)})`,
          expected: "each field once",
          found: "a repeated field",
        });
        continue;
      }
      seen.set(dotted, r);
      this.cells.set(key(setting.path), at(1, dotted));
      this.keys.set(key(setting.path), at(0, dotted));
      this.assign(this.data, setting.path, setting, row[1], at(1, dotted));
    }
  }

  private readEntities(table: EntityTable) {
    const info = this.sheet(table.sheet);
    if (!info) return;
    const listPath = table.list;
    const { rows, merges } = this.reader.readSheet(info);
    this.cells.set(key(listPath), { sheet: info.name, row: 1, column: 0, label: table.sheet.toLowerCase() });
    this.applyMerges(info.name, rows, merges);
    const columns = this.headerColumns(info.name, rows.get(1) ?? [], table.columns, rows, table.yearsField);
    // where each entry's fields are: one row number per entry and one column per field (not one record per cell)
    const layout: TableIndex = {
      sheet: info.name,
      list: listPath,
      rows: [],
      columns: new Map(
        [...columns].map(([c, column]) => [key(column.path), { column: c, label: column.label }]),
      ),
    };
    this.tables.push(layout);
    const entries: Entry[] = [];
    for (const [r, row] of sorted(rows)) {
      if (r === 1 || isEmptyRow(row)) continue;
      const entry: Entry = {};
      const at = (column: number, label: string): CellSite => ({ sheet: info.name, row: r, column, label });
      let whole: CellSite | undefined; // where the years field as a whole is (its first filled cell)
      for (const [c, column] of columns) {
        if (table.yearsField && column.path[0] === table.yearsField && row[c] && !whole)
          whole = at(c, table.yearsField);
        this.assign(entry, column.path, column, row[c], at(c, column.label));
      }
      layout.rows.push({ row: r, first: firstFilled(row), ...(whole ? { whole } : {}) });
      if (table.yearsField) {
        this.checkVolumeForm(entry, table.yearsField, at(firstFilled(row), table.yearsField));
        // a full scenario's row with every year empty has no volume, not a missing one (a patch keeps the base's)
        if (!this.patch && entry[table.yearsField] === undefined) entry[table.yearsField] = {};
      }
      entries.push(entry);
    }
    if (entries.length) setAt(this.data, listPath, entries);
  }

  /** Year columns and growth columns describe the same volume two ways: one row may use only one. */
  private checkVolumeForm(entry: Entry, field: string, at: CellSite) {
    const volume = entry[field] as Entry | undefined;
    if (!volume) return;
    const years = Object.keys(volume).filter(isYearKey);
    if (years.length && years.length < Object.keys(volume).length) {
      this.problem(at, field, {
        message: `give the ${field} either in the year columns or in the growth columns, not both`,
        expected: "year columns or growth columns",
        found: "both",
      });
      for (const year of years) delete volume[year];
    }
  }

  private readKeyed(table: KeyedTable) {
    const info = this.sheet(table.sheet);
    if (!info) return;
    const { rows, merges } = this.reader.readSheet(info);
    this.applyMerges(info.name, rows, merges);
    const keyColumn: Column = { path: ["__key"], label: table.keyLabel, kind: "text" };
    const valueColumns = table.columns.map((c) => (c.path.length ? c : { ...c, path: ["__value"] }));
    const columns = this.headerColumns(info.name, rows.get(1) ?? [], [keyColumn, ...valueColumns], rows);
    const map: Entry = {};
    const seen = new Map<string, number>();
    this.cells.set(key(table.map), { sheet: info.name, row: 1, column: 0, label: table.sheet.toLowerCase() });
    for (const [r, row] of sorted(rows)) {
      if (r === 1 || isEmptyRow(row)) continue;
      const at = (column: number, label: string): CellSite => ({ sheet: info.name, row: r, column, label });
      const keyAt = [...columns].find(([, c]) => c === keyColumn)?.[0] ?? 0;
      const name = cellText(row[keyAt]?.value).trim();
      if (name === "" || seen.has(name)) {
        this.problem(at(keyAt, table.keyLabel), table.map.join("."), {
          message: name
            ? `${table.keyLabel} '${name}' is given twice (also row ${seen.get(name)})`
            : `a row without a ${table.keyLabel} in its first column`,
          expected: `a ${table.keyLabel}, once`,
          found: name ? "a repeated key" : "nothing",
        });
        continue;
      }
      seen.set(name, r);
      const entryPath = [...table.map, name];
      this.keys.set(key(entryPath), at(keyAt, table.keyLabel));
      let value: unknown = {};
      for (const [c, column] of columns) {
        if (column === keyColumn) continue;
        if (column.path[0] === "__value") {
          this.cells.set(key(entryPath), at(c, column.label));
          const holder: Entry = {};
          this.assign(holder, ["v"], column, row[c], at(c, column.label));
          value = holder.v;
        } else {
          this.cells.set(key([...entryPath, ...column.path]), at(c, column.label));
          this.assign(value as Entry, column.path, column, row[c], at(c, column.label));
        }
      }
      if (!this.cells.has(key(entryPath))) this.cells.set(key(entryPath), at(keyAt, table.keyLabel));
      map[name] = value;
    }
    if (seen.size) setAt(this.data, table.map, map);
  }

  private readCitations(citing: string[], entities: EntityTable[]) {
    const info = this.sheet(SHEETS.citations);
    if (!info) return;
    const { rows, merges } = this.reader.readSheet(info);
    this.applyMerges(info.name, rows, merges);
    const [tableColumn, entryColumn, fieldColumn, ...citationFields] = citationColumns();
    const columns = this.headerColumns(
      info.name,
      rows.get(1) ?? [],
      [
        { ...tableColumn!, path: ["__table"] },
        { ...entryColumn!, path: ["__entry"] },
        { ...fieldColumn!, path: ["__field"] },
        ...citationFields,
      ],
      rows,
    );
    const position = (name: string) => [...columns].find(([, c]) => c.path[0] === name)?.[0];
    const [tableAt, entryAt, fieldAt] = ["__table", "__entry", "__field"].map(position);
    const tables = ["scenario", ...citing.filter(Boolean)];
    const indexes = new Map<string, Map<string, number>>();
    const seen = new Map<string, number>();
    for (const [r, row] of sorted(rows)) {
      if (r === 1 || isEmptyRow(row)) continue;
      const at = (column: number | undefined, label: string): CellSite => ({
        sheet: info.name,
        row: r,
        column: column ?? 0,
        label,
      });
      const tableName = cellText(row[tableAt ?? -1]?.value).trim();
      const table =
        tables.find((t) => normalizeHeader(t) === normalizeHeader(tableName)) ??
        entities.find((t) => normalizeHeader(t.sheet) === normalizeHeader(tableName))?.list.join(".");
      if (!table) {
        this.problem(at(tableAt, "table"), "cite", {
          message: `unknown table '${tableName}'${didYouMean(tableName, tables) || ` (one of ${tables.join(", ")})`}`,
          expected: `one of ${tables.join(", ")}`,
          found: tableName ? `'${tableName}'` : "nothing",
        });
        continue;
      }
      const entity = entities.find((t) => t.list.join(".") === table);
      let ownerPath: string[] | (string | number)[] = table === "scenario" ? [] : table.split(".");
      const entryName = cellText(row[entryAt ?? -1]?.value).trim();
      if (entity) {
        const index = this.entryIndex(entity, indexes).get(entryName);
        if (index === undefined) {
          const known = [...this.entryIndex(entity, indexes).keys()];
          this.problem(at(entryAt, "entry"), `${table}`, {
            message: `no entry '${entryName}' in ${entity.sheet}${didYouMean(entryName, known)}`,
            expected: `an entry of ${entity.sheet}`,
            found: entryName ? `'${entryName}'` : "nothing",
          });
          continue;
        }
        ownerPath = [...entity.list, index];
      }
      const field = cellText(row[fieldAt ?? -1]?.value).trim();
      const citePath = [...ownerPath, "cite", field];
      const id = key(citePath);
      if (seen.has(id)) {
        this.problem(at(fieldAt, "field"), "cite", {
          message: `the citation of '${field}' of this entry is given twice (also row ${seen.get(id)})`,
          expected: "one citation per field",
          found: "a repeated citation",
        });
        continue;
      }
      seen.set(id, r);
      this.cells.set(id, at(fieldAt, "field"));
      this.keys.set(id, at(fieldAt, "field"));
      const citation: Entry = {};
      for (const [c, column] of columns) {
        if (column.path[0]?.startsWith("__")) continue;
        this.cells.set(key([...citePath, ...column.path]), at(c, column.label));
        this.assign(citation, column.path, column, row[c], at(c, column.label));
      }
      const owner = (ownerPath.length ? getAt(this.data, ownerPath) : this.data) as Entry | undefined;
      if (owner) {
        owner.cite ??= {};
        (owner.cite as Entry)[field] = citation;
      } else setAt(this.data, ownerPath as string[], { cite: { [field]: citation } });
    }
  }

  private entryIndex(table: EntityTable, cache: Map<string, Map<string, number>>): Map<string, number> {
    const name = table.list.join(".");
    let index = cache.get(name);
    if (!index) {
      index = new Map();
      const entries = (getAt(this.data, table.list) as Entry[] | undefined) ?? [];
      entries.forEach((entry, i) => {
        const k = entryKey(table, entry);
        if (!index!.has(k)) index!.set(k, i);
      });
      cache.set(name, index);
    }
    return index;
  }

  private readRemove(entities: EntityTable[]) {
    const info = this.sheet(SHEETS.remove);
    if (!info) return;
    const { rows, merges } = this.reader.readSheet(info);
    this.applyMerges(info.name, rows, merges);
    const remove: Record<string, unknown[]> = {};
    const lists = [...entities.map((t) => t.list.join(".")), "regions"];
    for (const [r, row] of sorted(rows)) {
      if (r === 1 || isEmptyRow(row)) continue;
      const at = (column: number, label: string): CellSite => ({ sheet: info.name, row: r, column, label });
      if (!this.patch) {
        this.problem(at(0, "table"), "remove", {
          message: "the Remove sheet applies only to a workbook that extends a base (Settings › extends)",
          expected: "an empty Remove sheet",
          found: "entries to remove",
        });
        return;
      }
      const list = cellText(row[0]?.value).trim();
      if (!lists.includes(list)) {
        this.problem(at(0, "table"), "remove", {
          message: `cannot remove from '${list}'${didYouMean(list, lists) || ` (one of ${lists.join(", ")})`}`,
          expected: `one of ${lists.join(", ")}`,
          found: `'${list}'`,
        });
        continue;
      }
      const entry = cellText(row[1]?.value).trim();
      const table = entities.find((t) => t.list.join(".") === list);
      const target =
        table && table.keyFields.length > 1
          ? Object.fromEntries(
              entry
                .split("→")
                .map((s) => s.trim())
                .map((v, i) => [table.keyFields[i], v] as const)
                .filter(([f, v]) => f !== undefined && v !== ""),
            )
          : entry;
      remove[list] ??= [];
      this.cells.set(key(["remove", list, remove[list]!.length]), at(1, "entry"));
      remove[list]!.push(target);
    }
    if (Object.keys(remove).length) this.data.remove = remove;
  }

  /** Header row → column index → column; unknown, repeated and missing headers are problems at row 1. */
  private headerColumns(
    sheet: string,
    header: Row,
    known: Column[],
    rows: Map<number, Row>,
    yearsField?: string,
  ): Map<number, Column> {
    const byName = new Map<string, Column>();
    for (const column of known) {
      byName.set(normalizeHeader(column.label), column);
      byName.set(normalizeHeader(column.path.join("")), column);
    }
    const columns = new Map<number, Column>();
    const used = new Map<Column | string, number>();
    const width = Math.max(header.length, ...[...rows.values()].map((r) => r.length));
    for (let c = 0; c < width; c++) {
      const text = cellText(header[c]?.value).trim();
      const at: CellSite = { sheet, row: 1, column: c, label: text };
      if (text === "") {
        const filled = [...rows].find(
          ([r, row]) => r > 1 && row[c] !== undefined && cellText(row[c]!.value).trim() !== "",
        );
        if (filled)
          this.problem({ ...at, row: filled[0] }, "", {
            message: `column ${columnName(c)} holds values but has no header in row 1`,
            expected: "a header naming the field",
            found: "an empty header",
          });
        continue;
      }
      let column = byName.get(normalizeHeader(text));
      const year = normalizeHeader(text);
      if (!column && yearsField && isYearKey(year))
        column = { path: [yearsField, year], label: year, kind: "number" };
      if (!column) {
        const labels = known.filter((k) => !k.path[0]?.startsWith("__")).map((k) => k.label);
        const near = closestMatch(text.replace(/\s*[([].*$/, ""), labels);
        this.problem(at, "", {
          message: `unknown column '${text}'${near ? ` — did you mean '${near}'?` : ` (the columns are: ${labels.join(", ")})`}`,
          expected: "a column of this sheet",
          found: `'${text}'`,
        });
        continue;
      }
      const id =
        column.path[0] === yearsField && column.path.length === 2 && isYearKey(column.path[1]!)
          ? `year ${year}`
          : column;
      if (used.has(id)) {
        this.problem(at, "", {
          message: `the column '${text}' appears twice (also column ${columnName(used.get(id)!)})`,
          expected: "each column once",
          found: "a repeated column",
        });
        continue;
      }
      used.set(id, c);
      columns.set(c, column);
    }
    return columns;
  }

  /** A range merged down one column gives every row its value; merged across columns it is refused. */
  private applyMerges(sheet: string, rows: Map<number, Row>, merges: string[]) {
    for (const range of merges) {
      const [from, to = from] = range.split(":") as [string, string?];
      const c1 = columnIndex(from);
      const c2 = columnIndex(to);
      const r1 = Number(from.replace(/^[A-Z]+/, ""));
      const r2 = Number(to.replace(/^[A-Z]+/, ""));
      if (c1 !== c2 || r1 === 1) {
        this.problem({ sheet, row: r1, column: c1, label: "" }, "", {
          message: `the cells ${range} are merged${r1 === 1 ? " in the header row" : " across columns"}: unmerge them, so each column holds its own value`,
          expected: "cells that are not merged across columns",
          found: `the merged range ${range}`,
        });
        continue;
      }
      const value = rows.get(r1)?.[c1];
      if (!value) continue;
      for (let r = r1 + 1; r <= r2; r++) {
        const row = rows.get(r) ?? [];
        rows.set(r, row);
        row[c1] ??= value;
      }
    }
  }

  private assign(target: Entry, path: string[], column: Column, cell: SheetCell | undefined, at: CellSite) {
    if (!cell) return;
    const converted: Converted = convertCell(column, cell.value);
    if ("problem" in converted) {
      this.problem(at, "", {
        message: converted.problem,
        expected: converted.expected,
        found: converted.found,
      });
      return;
    }
    if (converted.value === undefined) return;
    setAt(target, path, converted.value);
  }

  private problem(at: CellSite, path: string, parts: { message: string; expected: string; found: string }) {
    this.issues.push({
      file: this.file,
      line: at.row,
      column: at.column + 1,
      sheet: at.sheet,
      cell: `${columnName(at.column)}${at.row}`,
      ...(at.label ? { field: at.label } : {}),
      path,
      expected: parts.expected,
      found: parts.found,
      message: parts.message,
    });
  }
}

function hasExtends(rows: Map<number, Row>): boolean {
  for (const [r, row] of rows)
    if (
      r > 1 &&
      normalizeHeader(cellText(row[0]?.value)) === "extends" &&
      cellText(row[1]?.value).trim() !== ""
    )
      return true;
  return false;
}

function sorted(rows: Map<number, Row>): [number, Row][] {
  return [...rows].sort((a, b) => a[0] - b[0]);
}

function isEmptyRow(row: Row): boolean {
  return row.every(
    (cell) => cell === undefined || (typeof cell.value === "string" && cell.value.trim() === ""),
  );
}

function firstFilled(row: Row): number {
  return Math.max(
    0,
    row.findIndex((cell) => cell !== undefined),
  );
}

function key(path: readonly PathKey[]): string {
  return JSON.stringify(path.map((k) => (typeof k === "number" ? k : String(k))));
}

function setAt(target: Entry, path: readonly (string | number)[], value: unknown) {
  let node: Entry = target;
  path.forEach((k, i) => {
    if (i === path.length - 1) node[k] = value;
    else {
      node[k] ??= typeof path[i + 1] === "number" ? [] : {};
      node = node[k] as Entry;
    }
  });
}

function getAt(target: unknown, path: readonly (string | number)[]): unknown {
  let node = target;
  for (const k of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Entry)[k];
  }
  return node;
}
