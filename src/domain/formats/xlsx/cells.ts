import type { CellValue } from "./read-workbook.js";
import type { Column } from "./layout.js";

/**
 * One cell's value as the value of its field. Spreadsheets blur types, so this is deliberate about each blur:
 * numbers typed as text (with thousands separators, or as a percentage) become numbers, numbers in text fields
 * become text, dates in text fields become YYYY-MM-DD, TRUE/yes become booleans. A value that cannot be read
 * the way its column needs is passed on unchanged, so the schema reports it in the usual words; only what the
 * schema could not word (an ambiguous number, a broken list) is a problem of its own.
 */

export type Converted = { value: unknown } | { problem: string; expected: string; found: string };

const NOTHING = { value: undefined };

export function convertCell(column: Pick<Column, "kind" | "element">, raw: CellValue): Converted {
  if (isError(raw)) return cellError(raw.error);
  switch (column.kind) {
    case "text":
      return { value: asText(raw) };
    case "number":
      return asNumber(raw);
    case "boolean":
      return { value: asBoolean(raw) };
    case "list":
      return asList(raw, column.element ?? "text");
    case "map":
      return asMap(raw, column.element ?? "text");
    case "json":
      return asJson(raw);
  }
}

export function isError(value: CellValue): value is { error: string } {
  return typeof value === "object" && !(value instanceof Date);
}

/** The text of a cell, as anyone would read it (headers, ids in Citations). */
export function cellText(value: CellValue | undefined): string {
  if (value === undefined || isError(value)) return "";
  if (value instanceof Date) return isoDate(value);
  return String(value);
}

function cellError(error: string): Converted {
  if (error.startsWith("a formula"))
    return {
      problem:
        "the cell holds a formula whose value was never computed: open the workbook in Excel or LibreOffice and save it, so the value is stored",
      expected: "a value, or a formula with a computed value",
      found: "a formula without a value",
    };
  return {
    problem: `the cell shows the error ${error}: fix the formula or type the value`,
    expected: "a value",
    found: `the error ${error}`,
  };
}

function asText(raw: Exclude<CellValue, { error: string }>): string | undefined {
  if (raw instanceof Date) return isoDate(raw);
  if (typeof raw === "string") return raw.trim() === "" ? undefined : raw;
  return String(raw);
}

function asNumber(raw: Exclude<CellValue, { error: string }>): Converted {
  if (typeof raw === "number") return { value: raw };
  if (raw instanceof Date) return { value: isoDate(raw) };
  if (typeof raw !== "string") return { value: raw };
  if (raw.trim() === "") return NOTHING;
  return parseNumberText(raw);
}

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const COMMA_GROUPS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const SPACE_GROUPS = /^[+-]?\d{1,3}([ \u00a0\u202f\u2009]\d{3})+([.,]\d+)?$/;
/** 12.500 is twelve and a half to some, twelve thousand five hundred to others */
const AMBIGUOUS_DOT_GROUPS = /^[+-]?[1-9]\d{0,2}(\.\d{3})+$/;

/** Text that spells a number: plain, with thousands separators, or a percentage. */
export function parseNumberText(text: string): Converted {
  const t = text.trim();
  const percent = t.endsWith("%");
  const body = percent ? t.slice(0, -1).trim() : t;
  let n: number | undefined;
  if (AMBIGUOUS_DOT_GROUPS.test(body) && !percent)
    return {
      problem: `"${t}" is ambiguous: write ${body.replace(/\./g, "")} or ${Number(body)} without thousands separators`,
      expected: "a number",
      found: `the text "${t}"`,
    };
  if (PLAIN.test(body)) n = Number(body);
  else if (COMMA_GROUPS.test(body)) n = Number(body.replace(/,/g, ""));
  else if (SPACE_GROUPS.test(body)) n = Number(body.replace(/[ \u00a0\u202f\u2009]/g, "").replace(",", "."));
  if (n === undefined || !Number.isFinite(n)) return { value: text };
  return { value: percent ? n / 100 : n };
}

function asBoolean(raw: Exclude<CellValue, { error: string }>): unknown {
  if (typeof raw === "boolean") return raw;
  if (typeof raw === "number" && (raw === 0 || raw === 1)) return raw === 1;
  if (typeof raw === "string") {
    const t = raw.trim().toLowerCase();
    if (t === "") return undefined;
    if (t === "true" || t === "yes") return true;
    if (t === "false" || t === "no") return false;
  }
  return raw instanceof Date ? isoDate(raw) : raw;
}

function asItem(text: string, kind: "text" | "number" | "boolean"): Converted {
  if (kind === "number") return parseNumberText(text);
  if (kind === "boolean") return { value: asBoolean(text) };
  return { value: text };
}

function asList(raw: Exclude<CellValue, { error: string }>, kind: "text" | "number" | "boolean"): Converted {
  if (typeof raw === "number" || typeof raw === "boolean")
    return { value: [kind === "text" ? String(raw) : raw] };
  const text = raw instanceof Date ? isoDate(raw) : raw;
  if (text.trim() === "") return NOTHING;
  if (text.trim().startsWith("[")) return asJson(text);
  const items: unknown[] = [];
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const item = asItem(part.trim(), kind);
    if ("problem" in item) return item;
    items.push(item.value);
  }
  return { value: items };
}

function asMap(raw: Exclude<CellValue, { error: string }>, kind: "text" | "number" | "boolean"): Converted {
  const text = raw instanceof Date ? isoDate(raw) : String(raw);
  if (text.trim() === "") return NOTHING;
  if (text.trim().startsWith("{")) return asJson(text);
  const map: Record<string, unknown> = {};
  for (const part of text.split(";")) {
    if (part.trim() === "") continue;
    const colon = part.indexOf(":");
    const key = colon < 0 ? "" : part.slice(0, colon).trim();
    if (colon < 0 || key === "")
      return {
        problem: `expected pairs written key: value; key: value, found "${part.trim()}"`,
        expected: "pairs written key: value; key: value",
        found: `"${part.trim()}"`,
      };
    if (key in map)
      return { problem: `'${key}' is given twice`, expected: "each key once", found: `'${key}' twice` };
    const item = asItem(part.slice(colon + 1).trim(), kind);
    if ("problem" in item) return item;
    map[key] = item.value;
  }
  return { value: map };
}

function asJson(raw: Exclude<CellValue, { error: string }>): Converted {
  if (typeof raw !== "string") return { value: raw instanceof Date ? isoDate(raw) : raw };
  if (raw.trim() === "") return NOTHING;
  try {
    return { value: JSON.parse(raw) };
  } catch (error) {
    const reason = (error as Error).message.replace(/\s*in JSON at position \d+.*$/s, "");
    return {
      problem: `the text is not valid JSON: ${reason}`,
      expected: "JSON",
      found: `"${raw.slice(0, 40)}"`,
    };
  }
}

/** YYYY-MM-DD, with the time where it is not midnight (dates are read as UTC). */
export function isoDate(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace(".000Z", "Z");
}
