import type { z } from "zod";
import { Scenario } from "../../scenario.js";
import { ScenarioPatch } from "../../scenario-patch.js";
import { acceptedValues, defOf, unwrap } from "../../schema-path.js";

/**
 * How a scenario is laid out as a workbook, derived from the zod schema so that a field added to the schema
 * gets its column (or Settings row) without touching this module:
 * - a list of entities (plants, demand, policies…) is a sheet, one row per entry, one column per field;
 * - a map of entries (regions, logistics.modes) is a sheet keyed by its first column;
 * - every other field is a row of the Settings sheet (objects flattened: `horizon.start`);
 * - every `cite` is a row of the Citations sheet; a patch's `remove` is the Remove sheet.
 * Lists of scalars are written `a, b, c`; maps of scalars `key: value; key: value`; a year-or-growth union
 * (demand volume) is one column per year plus the growth columns.
 */

export type ValueKind = "text" | "number" | "boolean" | "list" | "map" | "json";
export type Unit = "money" | "vehicles" | "rate" | "year";

export interface Column {
  /** the field's path inside its entry, e.g. ["capacityPerShift"] or ["volume", "from"] */
  path: string[];
  /** words for the field, e.g. "capacity per shift" */
  label: string;
  kind: ValueKind;
  /** the kind of a list's items or a map's values */
  element?: "text" | "number" | "boolean";
  unit?: Unit;
  /** accepted values of an enumeration (a data-validation list) */
  values?: string[];
  /** the list whose ids this column names (a data-validation list pointing at that sheet) */
  reference?: string;
  description?: string;
  integer?: boolean;
  /** an empty cell gives the schema's default (else an empty list or map is written `[]` / `{}`) */
  hasDefault?: boolean;
}

export interface EntityTable {
  type: "entities";
  sheet: string;
  /** dotted path of the list in the scenario: "plants" */
  list: string[];
  columns: Column[];
  /** a field written as one column per year (demand volume), with its growth columns among `columns` */
  yearsField?: string;
  /** fields naming the entry in Citations and Remove */
  keyFields: string[];
}

export interface KeyedTable {
  type: "keyed";
  sheet: string;
  /** dotted path of the map in the scenario: "regions", "logistics.modes" */
  map: string[];
  keyLabel: string;
  keyValues?: string[];
  /** the value's columns: one unnamed column (path []) for a scalar or list value */
  columns: Column[];
}

export interface WorkbookLayout {
  settings: Column[];
  entities: EntityTable[];
  keyed: KeyedTable[];
  /** where `cite` sits: "" for the scenario, "logistics", or an entity list */
  citing: string[];
}

export const SHEETS = {
  readme: "README",
  settings: "Settings",
  citations: "Citations",
  remove: "Remove",
} as const;

/** Sheet names that read better than the field name. */
const SHEET_NAMES: Record<string, string> = { modes: "Transport modes" };
/** Entry keys of lists without an `id` (as in merge.ts): how Citations and Remove name an entry. */
const KEY_FIELDS: Record<string, string[]> = { demand: ["program", "market"], lanes: ["from", "to"] };
/** Columns naming an entry of another list (ids): data-validation lists pointing at that sheet. */
const REFERENCES: Record<string, string> = {
  "demand.program": "programs",
  "demand.market": "markets",
  "lanes.from": "plants",
  "lanes.to": "markets",
  "policies.program": "programs",
  "policies.plant": "plants",
};
/** The value column of a keyed sheet whose values are not objects. */
const VALUE_LABELS: Record<string, string> = { regions: "countries" };
const YEAR_KEY = /^\d{4}$/;

type AnySchema = z.core.$ZodType;

let cached: { full: WorkbookLayout; patch: WorkbookLayout } | undefined;

/** The layout of full scenarios, or of patches (files with `extends`, which may also hold `remove`). */
export function workbookLayout(patch = false): WorkbookLayout {
  cached ??= { full: layoutOf(Scenario), patch: layoutOf(ScenarioPatch) };
  return patch ? cached.patch : cached.full;
}

function layoutOf(schema: AnySchema): WorkbookLayout {
  const layout: WorkbookLayout = { settings: [], entities: [], keyed: [], citing: [] };
  walkObject(schema, [], layout);
  return layout;
}

function walkObject(schema: AnySchema, at: string[], layout: WorkbookLayout) {
  for (const [name, field] of Object.entries(shapeOf(schema))) {
    if (at.length === 0 && name === "remove") continue; // the Remove sheet
    const path = [...at, name];
    if (name === "cite") {
      layout.citing.push(at.join("."));
      continue;
    }
    const inner = unwrap(field).schema;
    const def = defOf(inner);
    if (def.type === "array" && isObjectLike(def.element!)) {
      layout.entities.push(entityTable(path, def.element!));
      if (shapeOf(def.element!).cite) layout.citing.push(path.join("."));
    } else if (def.type === "record" && !isScalar(def.valueType!)) {
      layout.keyed.push(keyedTable(path, def));
    } else if (def.type === "object") {
      walkObject(inner, path, layout);
    } else {
      layout.settings.push(...columnsOf(name, field, []).map((c) => ({ ...c, path: [...at, ...c.path] })));
    }
  }
}

function entityTable(path: string[], element: AnySchema): EntityTable {
  const list = path.join(".");
  const columns: Column[] = [];
  let yearsField: string | undefined;
  for (const [name, field] of Object.entries(shapeOf(element))) {
    if (name === "cite") continue;
    const inner = unwrap(field).schema;
    if (isYearsUnion(inner)) yearsField = name;
    columns.push(...columnsOf(name, field, [], list));
  }
  // a discriminated union's tag comes first after the id: it decides which other columns apply
  const discriminator = defOf(unwrap(element).schema).discriminator;
  if (discriminator) {
    const at = columns.findIndex((c) => c.path[0] === discriminator);
    const [tag] = columns.splice(at, 1);
    tag!.values = (defOf(unwrap(element).schema).options ?? []).flatMap((option) =>
      acceptedValues(shapeOf(option)[discriminator]!).map(String),
    );
    columns.splice(columns[0]?.path[0] === "id" ? 1 : 0, 0, tag!);
  }
  const last = path.at(-1)!;
  const table: EntityTable = {
    type: "entities",
    sheet: sheetName(last),
    list: path,
    columns,
    keyFields: KEY_FIELDS[last] ?? ["id"],
  };
  if (yearsField) table.yearsField = yearsField;
  return table;
}

function keyedTable(path: string[], def: ReturnType<typeof defOf>): KeyedTable {
  const last = path.at(-1)!;
  const value = def.valueType!;
  const keyValues = def.keyType ? acceptedValues(def.keyType).map(String) : [];
  const columns = isObjectLike(value)
    ? Object.entries(shapeOf(value)).flatMap(([name, field]) => columnsOf(name, field, []))
    : columnsOf("", value, []).map((c) => ({ ...c, label: VALUE_LABELS[last] ?? "value" }));
  const table: KeyedTable = {
    type: "keyed",
    sheet: sheetName(last),
    map: path,
    keyLabel: singular(last),
    columns,
  };
  if (keyValues.length) table.keyValues = keyValues;
  return table;
}

/** The columns of one field: one for a scalar, list or map; several for an object or a year-or-growth union. */
function columnsOf(name: string, field: AnySchema, parent: string[], list?: string): Column[] {
  const { schema: inner, description } = unwrap(field);
  const def = defOf(inner);
  const path = name ? [...parent, name] : parent;
  const label = labelOf(path);
  const base: Column = { path, label, kind: "json" };
  if (description) base.description = description;
  if (hasDefault(field)) base.hasDefault = true;
  if (def.type === "object" || isYearsUnion(inner)) {
    const object = def.type === "object" ? inner : def.options!.find(isObjectLike)!;
    return Object.entries(shapeOf(object)).flatMap(([sub, s]) => columnsOf(sub, s, path, list));
  }
  const scalar = scalarColumn(inner);
  if (scalar) {
    const column = { ...base, ...scalar };
    const reference = list ? REFERENCES[`${list}.${name}`] : undefined;
    if (reference) column.reference = reference;
    return [column];
  }
  if (def.type === "array" && isScalar(def.element!))
    return [{ ...base, kind: "list", element: scalarColumn(unwrap(def.element!).schema)!.kind as "text" }];
  if (def.type === "record" && isScalar(def.valueType!)) {
    const value = scalarColumn(unwrap(def.valueType!).schema)!;
    const column: Column = { ...base, kind: "map", element: value.kind as "text" };
    if (value.unit) column.unit = value.unit;
    return [column];
  }
  return [base];
}

function scalarColumn(schema: AnySchema): (Partial<Column> & { kind: ValueKind }) | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      return { kind: "text" };
    case "enum":
    case "literal": {
      const values = acceptedValues(schema);
      if (values.every((v) => typeof v === "number")) return { kind: "number", values: values.map(String) };
      return { kind: "text", values: values.map(String) };
    }
    case "boolean":
      return { kind: "boolean" };
    case "number": {
      const n = schema as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
      const column: Partial<Column> & { kind: ValueKind } = { kind: "number" };
      const unit = unitOf(n.minValue, n.maxValue, n.isInt);
      if (unit) column.unit = unit;
      if (n.isInt) column.integer = true;
      return column;
    }
    case "union": {
      const options = (def.options ?? []).map((o) => scalarColumn(unwrap(o).schema));
      if (options.every((o) => o?.kind === "text" && o.values))
        return { kind: "text", values: options.flatMap((o) => o!.values!) };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Units from the bounds of the domain's number types (Money, Vehicles, Year, rates). */
function unitOf(min: number | null, max: number | null, integer: boolean): Unit | undefined {
  if (max === 1e13) return "money";
  if (max === 1e8) return "vehicles";
  if (integer && min === 1900 && max === 2200) return "year";
  if (!integer && max !== null && max <= 1 && min !== null && min >= -1) return "rate";
  return undefined;
}

/** The object fields of an object, or of every option of a union of objects (first occurrence wins). */
export function shapeOf(schema: AnySchema): Record<string, AnySchema> {
  const inner = unwrap(schema).schema;
  const def = defOf(inner);
  if (def.type === "object") return def.shape ?? {};
  if (def.type !== "union") return {};
  const shape: Record<string, AnySchema> = {};
  for (const option of def.options ?? [])
    for (const [name, field] of Object.entries(shapeOf(option))) shape[name] ??= field;
  return shape;
}

function hasDefault(schema: AnySchema): boolean {
  for (let s: AnySchema | undefined = schema; s; s = defOf(s).innerType)
    if (defOf(s).type === "default") return true;
  return false;
}

function isObjectLike(schema: AnySchema): boolean {
  const def = defOf(unwrap(schema).schema);
  return def.type === "object" || (def.type === "union" && (def.options ?? []).every((o) => isObjectLike(o)));
}

function isScalar(schema: AnySchema): boolean {
  return scalarColumn(unwrap(schema).schema) !== undefined;
}

/** A union of a year-keyed map of numbers and an object (demand volume). */
function isYearsUnion(schema: AnySchema): boolean {
  const def = defOf(schema);
  if (def.type !== "union" || def.options?.length !== 2) return false;
  const record = def.options.find((o) => defOf(unwrap(o).schema).type === "record");
  return record !== undefined && def.options.some(isObjectLike);
}

export function isYearKey(key: string): boolean {
  return YEAR_KEY.test(key);
}

function labelOf(path: string[]): string {
  const words = path.map(shortLabel);
  // volume.volume reads "volume"; volume.from "volume from"
  return words.filter((w, i) => i === 0 || w !== words[i - 1]).join(" ");
}

function shortLabel(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

function sheetName(name: string): string {
  const words = shortLabel(name);
  return SHEET_NAMES[name] ?? words.charAt(0).toUpperCase() + words.slice(1);
}

function singular(name: string): string {
  return name.endsWith("s") ? name.slice(0, -1) : name;
}

/** The header text of a column: its words and its unit, e.g. "fixed cost (EUR)". */
export function headerOf(column: Column, currency: string): string {
  const unit =
    column.kind === "map" && column.unit === "rate"
      ? undefined
      : column.unit === "money"
        ? currency
        : column.unit === "vehicles"
          ? "vehicles/year"
          : column.unit === "rate"
            ? "%"
            : undefined;
  return unit ? `${column.label} (${unit})` : column.label;
}

/** A header as written by anyone (any case, unit or none, camelCase or words) in a form to compare. */
export function normalizeHeader(text: string): string {
  return text
    .replace(/\([^)]*\)|\[[^\]]*\]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** How Citations and Remove name an entry: its id, or "program → market", "from → to". */
export function entryKey(table: EntityTable, entry: Record<string, unknown>): string {
  return table.keyFields
    .map((field) => entry[field])
    .filter((v) => v !== undefined && v !== "")
    .map(String)
    .join(" → ");
}

/** The columns of an object schema's fields (or a union of objects'). */
export function columnsOfObject(schema: AnySchema): Column[] {
  return Object.entries(shapeOf(schema)).flatMap(([name, field]) => columnsOf(name, field, []));
}
