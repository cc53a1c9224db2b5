import { createWriteStream } from "node:fs";
import { PassThrough, type Writable } from "node:stream";
import ExcelJS from "exceljs";
import { columnName } from "./read-workbook.js";

/**
 * Writing workbooks with exceljs's streaming writer: rows are committed as they are produced, so a sheet of
 * tens of thousands of rows never sits in memory as cell objects. One place decides how every Portello sheet
 * looks: bold frozen header, widths from the content, number formats, notes on headers, drop-down lists.
 */

export interface SheetColumn {
  header: string;
  /** shown as a note on the header cell */
  note?: string;
  width?: number;
  numFmt?: string;
  /** a drop-down: an inline list of values, or a range such as `Plants!$A$2:$A$5000` */
  validation?: { values: string[] } | { range: string };
}

export type CellOut = string | number | boolean | Date | null | undefined;

export interface SheetSpec {
  name: string;
  columns: SheetColumn[];
  rows: Iterable<CellOut[]>;
  /** columns kept in view when scrolling right (the header row is always frozen) */
  frozenColumns?: number;
  /** per row, number formats that differ from the column's (Settings: one format per row) */
  rowFormats?: (row: number) => (string | undefined)[] | undefined;
  /** per row, drop-downs that differ from the column's */
  rowValidations?: (row: number) => (SheetColumn["validation"] | undefined)[] | undefined;
  /** rows the drop-downs reach beyond the data, so new rows get them too */
  spareRows?: number;
}

/** A column of a table of objects, and how a row gives its value. */
export type Field<T> = SheetColumn & { value: (row: T) => CellOut };

/** Whole units of money with thousands separators: how every money column looks. */
export const MONEY_FORMAT = "#,##0";

/** A money field whose header names the currency: "NPV (EUR)". */
export function moneyField(currency: string) {
  return <T>(header: string, value: (row: T) => CellOut): Field<T> => ({
    header: `${header} (${currency})`,
    value,
    numFmt: MONEY_FORMAT,
  });
}

/** Objects as a sheet, one field per column, the first `frozen` columns kept in view. */
export function addTable<T>(
  writer: WorkbookWriter,
  name: string,
  fields: Field<T>[],
  rows: readonly T[],
  frozen = 1,
): void {
  writer.addSheet({
    name,
    columns: fields.map(({ value: _, ...column }) => column),
    rows: rows.map((row) => fields.map((f) => f.value(row))),
    frozenColumns: frozen,
    spareRows: 0,
  });
}

/** A summary line: label, value and, where it has one, the value's number format. */
export type SummaryRow = [string, CellOut, string?];

/** Label–value lines as a sheet (a workbook's Summary), each value in its own format. */
export function addSummary(writer: WorkbookWriter, rows: SummaryRow[], labelWidth = 34): void {
  writer.addSheet({
    name: "Summary",
    columns: [
      { header: "", width: labelWidth },
      { header: "value", width: 60 },
    ],
    rows: rows.map(([label, value]) => [label, value]),
    rowFormats: (row) => [undefined, rows[row - 2]?.[2]],
    frozenColumns: 1,
    spareRows: 0,
  });
}

/** The streaming worksheet has data validations; exceljs's typings omit them. */
interface Validations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

const HEADER_FILL = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF4" } } as const;
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

export class WorkbookWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;

  constructor(stream: Writable) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream,
      useStyles: true,
      useSharedStrings: true,
    });
    this.workbook.creator = "Portello";
  }

  /** Plain lines of text (a README); a line starting with "# " is a heading. */
  addText(name: string, lines: string[], width = 110) {
    const sheet = this.workbook.addWorksheet(name);
    sheet.columns = [{ width }];
    for (const line of lines) {
      const heading = line.startsWith("# ");
      const row = sheet.addRow([heading ? line.slice(2) : line]);
      row.getCell(1).alignment = { wrapText: true, vertical: "top" };
      if (heading) row.getCell(1).font = { bold: true, size: 13 };
      row.commit();
    }
    sheet.commit();
  }

  addSheet(spec: SheetSpec) {
    const frozen = spec.frozenColumns ?? 0;
    const sheet: ExcelJS.Worksheet & Validations = this.workbook.addWorksheet(spec.name, {
      views: [{ state: "frozen", ySplit: 1, xSplit: frozen, activeCell: "A2" }],
    }) as ExcelJS.Worksheet & Validations;
    const rows = Array.isArray(spec.rows) ? (spec.rows as CellOut[][]) : undefined;
    sheet.columns = spec.columns.map((column, i) => ({
      width: column.width ?? widthOf(column.header, rows, i),
      ...(column.numFmt ? { style: { numFmt: column.numFmt } } : {}),
    }));
    const header = sheet.addRow(spec.columns.map((c) => c.header));
    header.eachCell((cell, i) => {
      cell.font = { bold: true };
      cell.fill = HEADER_FILL;
      const note = spec.columns[i - 1]?.note;
      if (note) cell.note = note;
    });
    header.commit();
    let rowNumber = 1;
    for (const values of spec.rows) {
      rowNumber++;
      const row = sheet.addRow(values.map((v) => (v === undefined ? null : v)));
      // cells take their column's format; only a row with its own (Settings) sets it cell by cell
      spec.rowFormats?.(rowNumber)?.forEach((format, i) => {
        if (format && typeof values[i] === "number") row.getCell(i + 1).numFmt = format;
      });
      const validations = spec.rowValidations?.(rowNumber);
      validations?.forEach((validation, i) => {
        if (validation) sheet.dataValidations.add(cellRef(i, rowNumber), dataValidation(validation));
      });
      row.commit();
    }
    const last = rowNumber + (spec.spareRows ?? 1000);
    spec.columns.forEach((column, i) => {
      if (!column.validation) return;
      const name = columnName(i);
      sheet.dataValidations.add(`${name}2:${name}${last}`, dataValidation(column.validation));
    });
    sheet.commit();
  }

  async finish(): Promise<void> {
    await this.workbook.commit();
  }
}

function dataValidation(validation: NonNullable<SheetColumn["validation"]>): ExcelJS.DataValidation {
  const formula = "range" in validation ? validation.range : `"${validation.values.join(",")}"`;
  return {
    type: "list",
    allowBlank: true,
    formulae: [formula],
    showErrorMessage: true,
    errorStyle: "stop",
    errorTitle: "Not in the list",
    error: "range" in validation ? "Choose an id from the list." : "Choose one of the listed values.",
  };
}

function widthOf(header: string, rows: CellOut[][] | undefined, column: number): number {
  let width = header.length + 2;
  // a sample is enough to size a column; scanning a long sheet would cost more than it tells
  for (const row of rows?.slice(0, 200) ?? []) {
    const value = row[column];
    const text =
      typeof value === "number" ? value.toLocaleString("en-US") : value == null ? "" : String(value);
    width = Math.max(width, text.length + 2);
  }
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width));
}

export function cellRef(column: number, row: number): string {
  return `${columnName(column)}${row}`;
}

/** Writes a workbook to a file (never replacing one unless `overwrite`). */
export async function writeWorkbookFile(
  path: string,
  build: (writer: WorkbookWriter) => void | Promise<void>,
  overwrite = false,
): Promise<void> {
  const stream = createWriteStream(path, { flags: overwrite ? "w" : "wx" });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", reject);
  });
  await opened;
  const closed = new Promise<void>((resolve, reject) => {
    stream.once("close", resolve);
    stream.once("error", reject);
  });
  const writer = new WorkbookWriter(stream);
  await build(writer);
  await writer.finish();
  await closed;
}

/** Writes a workbook into memory (an HTTP download). */
export async function workbookBytes(
  build: (writer: WorkbookWriter) => void | Promise<void>,
): Promise<Uint8Array> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => stream.once("end", resolve));
  const writer = new WorkbookWriter(stream);
  await build(writer);
  await writer.finish();
  await ended;
  return Buffer.concat(chunks);
}
