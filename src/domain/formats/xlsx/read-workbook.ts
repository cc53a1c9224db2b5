import { SaxesParser, type SaxesTagPlain } from "saxes";
import { ZipArchive, ZipError, type ZipLimits } from "./zip.js";

/**
 * Reads the cell values of an .xlsx workbook (Office Open XML, ECMA-376 part 1 §18) with a SAX parser, one part
 * at a time, keeping only plain values: a sheet of a million cells costs its values, not a million cell objects.
 * What a workbook may hold is represented deliberately: formulas give their cached value (or say they have
 * none), error values (#DIV/0!) are kept as errors, date-formatted numbers become dates, rich text becomes its
 * plain text, merged ranges and sheet visibility are reported for the caller to decide on.
 */

export type CellValue = string | number | boolean | Date | CellError;
/** An error value such as #N/A, or a formula whose value was never computed. */
export interface CellError {
  error: string;
}

export interface SheetCell {
  value: CellValue;
  /** true where the cell holds a formula (the value is its cached result) */
  formula?: boolean;
}

export interface SheetInfo {
  name: string;
  state: "visible" | "hidden" | "veryHidden";
  part: string;
}

export interface SheetData {
  /** rows by 1-based row number; each row's cells by 0-based column index */
  rows: Map<number, (SheetCell | undefined)[]>;
  /** merged ranges, e.g. "A2:A5" */
  merges: string[];
}

const REL_OFFICE_DOCUMENT = /\/officeDocument$/;
const REL_WORKSHEET = /\/worksheet$/;
const REL_SHARED_STRINGS = /\/sharedStrings$/;
const REL_STYLES = /\/styles$/;
/** Built-in number formats that show dates or times (ECMA-376 §18.8.30). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

export class WorkbookReader {
  readonly sheets: SheetInfo[] = [];
  private readonly zip: ZipArchive;
  private readonly sharedStrings: string[] = [];
  private readonly dateStyles = new Set<number>();
  private date1904 = false;

  constructor(bytes: Uint8Array, limits?: ZipLimits) {
    this.zip = new ZipArchive(bytes, limits);
    const rootRels = this.relationships("_rels/.rels", "");
    const workbookPart = rootRels.find((r) => REL_OFFICE_DOCUMENT.test(r.type))?.target;
    if (!workbookPart || !this.zip.has(workbookPart))
      throw new ZipError(
        "the file is a zip archive but not an .xlsx workbook (no workbook inside)",
        "not-zip",
      );
    const dir = workbookPart.slice(0, workbookPart.lastIndexOf("/") + 1);
    const rels = this.relationships(`${dir}_rels/${workbookPart.slice(dir.length)}.rels`, dir);
    const byId = new Map(rels.map((r) => [r.id, r]));
    parseXml(this.zip.read(workbookPart), workbookPart, {
      open: (tag) => {
        if (tag.name === "workbookPr") this.date1904 = truthy(tag.attributes.date1904);
        if (tag.name !== "sheet") return;
        const rel = byId.get(tag.attributes["r:id"] ?? "");
        if (!rel || !REL_WORKSHEET.test(rel.type)) return; // chart sheets and dialog sheets hold no table
        const state = String(tag.attributes.state ?? "visible");
        this.sheets.push({
          name: tag.attributes.name ?? "",
          state: state === "hidden" || state === "veryHidden" ? state : "visible",
          part: rel.target,
        });
      },
    });
    const strings = rels.find((r) => REL_SHARED_STRINGS.test(r.type))?.target;
    if (strings && this.zip.has(strings)) this.readSharedStrings(strings);
    const styles = rels.find((r) => REL_STYLES.test(r.type))?.target;
    if (styles && this.zip.has(styles)) this.readStyles(styles);
  }

  readSheet(sheet: SheetInfo): SheetData {
    const rows = new Map<number, (SheetCell | undefined)[]>();
    const merges: string[] = [];
    let row: (SheetCell | undefined)[] | undefined;
    let rowNumber = 0;
    let column = -1;
    let cell: { type?: string; style: number; formula: boolean; text?: string } | undefined;
    let inValue = false;
    let inInline = 0;
    let inPhonetic = false;
    parseXml(this.zip.read(sheet.part), sheet.part, {
      open: (tag) => {
        const a = tag.attributes;
        switch (tag.name) {
          case "row":
            rowNumber = a.r ? Number(a.r) : rowNumber + 1;
            row = rows.get(rowNumber) ?? [];
            rows.set(rowNumber, row);
            column = -1;
            break;
          case "c":
            column = a.r ? columnIndex(a.r) : column + 1;
            cell = { type: a.t, style: Number(a.s ?? 0), formula: false };
            break;
          case "f":
            if (cell) cell.formula = true;
            break;
          case "v":
            inValue = true;
            if (cell) cell.text = "";
            break;
          case "is":
            inInline++;
            if (cell) cell.text = "";
            break;
          case "rPh":
            inPhonetic = true;
            break;
          case "mergeCell":
            if (a.ref) merges.push(a.ref);
            break;
        }
      },
      text: (text) => {
        if (cell && (inValue || (inInline > 0 && !inPhonetic))) cell.text += text;
      },
      close: (name) => {
        if (name === "v") inValue = false;
        else if (name === "is") inInline--;
        else if (name === "rPh") inPhonetic = false;
        else if (name === "c" && cell && row) {
          const value = this.cellValue(cell);
          if (value !== undefined) row[column] = cell.formula ? { value, formula: true } : { value };
          cell = undefined;
        }
      },
    });
    return { rows, merges };
  }

  private cellValue(cell: {
    type?: string;
    style: number;
    formula: boolean;
    text?: string;
  }): CellValue | undefined {
    const text = cell.text;
    if (text === undefined) return cell.formula ? { error: "a formula without a computed value" } : undefined;
    switch (cell.type) {
      case "s":
        return this.sharedStrings[Number(text)] ?? "";
      case "str":
      case "inlineStr":
        return text;
      case "b":
        return text === "1" || text === "true";
      case "e":
        return { error: text };
      case "d": {
        const date = new Date(text);
        return Number.isNaN(date.getTime()) ? text : date;
      }
      default: {
        if (text.trim() === "") return undefined;
        const n = Number(text);
        if (!Number.isFinite(n)) return text;
        return this.dateStyles.has(cell.style) ? serialToDate(n, this.date1904) : n;
      }
    }
  }

  private readSharedStrings(part: string) {
    let current: string | undefined;
    let inText = false;
    let inPhonetic = false;
    parseXml(this.zip.read(part), part, {
      open: (tag) => {
        if (tag.name === "si") current = "";
        else if (tag.name === "rPh") inPhonetic = true;
        else if (tag.name === "t") inText = !inPhonetic;
      },
      text: (text) => {
        if (inText && current !== undefined) current += text;
      },
      close: (name) => {
        if (name === "t") inText = false;
        else if (name === "rPh") inPhonetic = false;
        else if (name === "si") {
          this.sharedStrings.push(current ?? "");
          current = undefined;
        }
      },
    });
  }

  private readStyles(part: string) {
    const customDates = new Set<number>();
    let inCellXfs = false;
    let xfIndex = 0;
    parseXml(this.zip.read(part), part, {
      open: (tag) => {
        const a = tag.attributes;
        if (tag.name === "numFmt" && isDateFormat(a.formatCode ?? "")) customDates.add(Number(a.numFmtId));
        else if (tag.name === "cellXfs") inCellXfs = true;
        else if (tag.name === "xf" && inCellXfs) {
          const id = Number(a.numFmtId ?? 0);
          if (BUILTIN_DATE_FORMATS.has(id) || customDates.has(id)) this.dateStyles.add(xfIndex);
          xfIndex++;
        }
      },
      close: (name) => {
        if (name === "cellXfs") inCellXfs = false;
      },
    });
  }

  private relationships(part: string, dir: string): { id: string; type: string; target: string }[] {
    if (!this.zip.has(part)) return [];
    const rels: { id: string; type: string; target: string }[] = [];
    parseXml(this.zip.read(part), part, {
      open: (tag) => {
        if (tag.name !== "Relationship" || tag.attributes.TargetMode === "External") return;
        const target = tag.attributes.Target ?? "";
        rels.push({
          id: tag.attributes.Id ?? "",
          type: tag.attributes.Type ?? "",
          target: normalizePath(target.startsWith("/") ? target.slice(1) : dir + target),
        });
      },
    });
    return rels;
  }
}

interface XmlHandlers {
  open?: (tag: SaxesTagPlain & { attributes: Record<string, string | undefined> }) => void;
  text?: (text: string) => void;
  close?: (name: string) => void;
}

/** Parses one XML part in chunks (a large sheet is never one string). */
function parseXml(bytes: Uint8Array, part: string, handlers: XmlHandlers): void {
  const parser = new SaxesParser();
  if (handlers.open) parser.on("opentag", handlers.open as (tag: SaxesTagPlain) => void);
  if (handlers.text) {
    parser.on("text", handlers.text);
    parser.on("cdata", handlers.text);
  }
  if (handlers.close) {
    const close = handlers.close;
    parser.on("closetag", (tag) => close(tag.name));
  }
  const decoder = new TextDecoder("utf-8");
  const CHUNK = 1 << 20;
  try {
    for (let at = 0; at < bytes.length; at += CHUNK)
      parser.write(decoder.decode(bytes.subarray(at, at + CHUNK), { stream: true }));
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof ZipError) throw error;
    throw new ZipError(`the workbook is damaged: '${part}' is not valid XML`, "corrupt");
  }
}

/** "AB12" → 27 (0-based column index). */
export function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n - 1;
}

/** 0 → "A", 27 → "AB". */
export function columnName(index: number): string {
  let n = index + 1;
  let name = "";
  while (n > 0) {
    const rem = (n - 1) % 26;
    name = String.fromCharCode(65 + rem) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

function isDateFormat(code: string): boolean {
  const plain = code
    .replace(/"[^"]*"/g, "")
    .replace(/\\./g, "")
    .replace(/\[[^\]]*\]/g, "");
  return /[ymdhs]/i.test(plain) && !/^general$/i.test(plain.trim());
}

/** Excel serial day numbers (1900 system with its phantom 29 Feb 1900, or the 1904 system) → UTC dates. */
function serialToDate(serial: number, date1904: boolean): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const days = !date1904 && serial < 61 ? serial + 1 : serial;
  return new Date(epoch + Math.round(days * 86400000));
}

function truthy(value: string | undefined): boolean {
  return value === "1" || value === "true";
}

function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}
