import type { z } from "zod";
import type { ValidationIssue } from "./issues.js";
import { acceptedValues, allowedKeys, schemaAt } from "./schema-path.js";
import { didYouMean } from "./suggest.js";

/** Turns zod issues into issues a user can act on: position, field path, expected and found in words. */

export type PathKey = PropertyKey;

/** Where a path points in the source: a file and, where known, line/column and the raw scalar text. */
export interface Site {
  file: string;
  line?: number;
  column?: number;
  /** the value exactly as written, e.g. "1e400" (so overflowed numbers can be shown as typed) */
  text?: string;
  /** true when the whole path exists in this file (false: the position is of its nearest parent) */
  exact?: boolean;
  /** in a workbook: the sheet, the cell ("E4") and the column's words */
  sheet?: string;
  cell?: string;
  field?: string;
}

/** `key`: point at the field name (unknown fields); `value`: at its value (or the parent key when missing). */
export type Locate = (path: readonly PathKey[], target: "key" | "value") => Site;

interface Context {
  schema: z.core.$ZodType;
  data: unknown;
  locate: Locate;
}

type RawIssue = z.core.$ZodIssue & { input?: unknown; received?: string };

/** Just file, line and column: what a ValidationIssue carries of a site. */
export function position(
  site: Site,
): Pick<ValidationIssue, "file" | "line" | "column" | "sheet" | "cell" | "field"> {
  const out: Pick<ValidationIssue, "file" | "line" | "column" | "sheet" | "cell" | "field"> = {
    file: site.file,
  };
  if (site.line !== undefined) out.line = site.line;
  if (site.column !== undefined) out.column = site.column;
  if (site.sheet !== undefined) out.sheet = site.sheet;
  if (site.cell !== undefined) out.cell = site.cell;
  if (site.field !== undefined) out.field = site.field;
  return out;
}

export function formatPath(path: readonly PathKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[\w$-]+$/.test(String(key))) out += out ? `.${String(key)}` : String(key);
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function issuesFromZod(error: z.ZodError, context: Context): ValidationIssue[] {
  // a value breaking two checks of one kind (min(0) and positive()) is reported once
  const seen = new Set<string>();
  const distinct = error.issues.filter((issue) => {
    const key = `${JSON.stringify(issue.path)}|${issue.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return distinct.flatMap((issue) => translate(issue as RawIssue, [], context));
}

function translate(issue: RawIssue, prefix: PathKey[], context: Context): ValidationIssue[] {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => unknownField(path, key, context));
    case "invalid_union":
      return unionIssues(issue, path, context);
    case "invalid_key": {
      const inner = (issue.issues[0] as RawIssue | undefined)?.message ?? "a valid key";
      return [
        make(context, path, "key", {
          expected: `a key that is ${inner}`,
          found: `'${String(path.at(-1))}'`,
          lead: "invalid key",
        }),
      ];
    }
    default:
      return [valueIssue(issue, path, context)];
  }
}

function unknownField(path: PathKey[], key: string, context: Context): ValidationIssue {
  const owner = schemaAt(context.schema, path, context.data);
  const parentData = dataAt(context.data, path);
  const allowed = owner ? allowedKeys(owner.schema, parentData) : [];
  const fieldPath = [...path, key];
  return {
    ...position(context.locate(fieldPath, "key")),
    path: formatPath(fieldPath),
    expected: allowed.length ? `one of the fields ${allowed.join(", ")}` : "no such field",
    found: `'${key}'`,
    message: `unknown field '${key}'${didYouMean(key, allowed)}`,
  };
}

/** A union failed: a bad discriminator, or every option failed — report the option that came closest. */
function unionIssues(issue: RawIssue & { code: "invalid_union" }, path: PathKey[], context: Context) {
  const extra = issue as { discriminator?: string; options?: unknown[] };
  if (extra.discriminator) {
    const options = (extra.options ?? []).map(String);
    const found = dataAt(context.data, path);
    const shown = found === undefined ? "nothing" : `'${String(found)}'`;
    const hint = typeof found === "string" ? didYouMean(found, options) : "";
    return [
      make(context, path, "value", {
        expected: `one of ${options.map((o) => `'${o}'`).join(", ")}`,
        found: shown,
        lead: found === undefined ? `missing required field '${extra.discriminator}'` : undefined,
        suffix: hint,
      }),
    ];
  }
  const branches = issue.errors as RawIssue[][];
  const rootTypeOnly = branches.every((b) =>
    b.every((i) => i.code === "invalid_type" && i.path.length === 0),
  );
  if (branches.length === 0 || rootTypeOnly) {
    const kinds = [...new Set(branches.flat().map((i) => typeWord((i as { expected?: string }).expected)))];
    return [valueIssue({ ...issue, code: "custom" } as RawIssue, path, context, kinds.join(" or "))];
  }
  const best = [...branches].sort(
    (a, b) => structuralScore(a) - structuralScore(b) || a.length - b.length,
  )[0]!;
  return best.flatMap((inner) => translate(inner, path, context));
}

/** Issues saying "this is the wrong shape" weigh more than issues about one value's range. */
function structuralScore(issues: RawIssue[]): number {
  return issues.filter(
    (i) =>
      i.code === "unrecognized_keys" ||
      i.code === "invalid_key" ||
      (i.code === "invalid_type" && (i.path.length === 0 || i.input === undefined)),
  ).length;
}

function valueIssue(issue: RawIssue, path: PathKey[], context: Context, expectedOverride?: string) {
  const value = dataAt(context.data, path);
  const missing = value === undefined && issue.code === "invalid_type";
  const field = schemaAt(context.schema, path, context.data);
  const expected = expectedOverride ?? expectation(issue, field?.schema);
  const lead = missing ? `missing required field '${String(path.at(-1) ?? "")}'` : undefined;
  const site = context.locate(path, "value");
  return make(context, path, "value", {
    expected: withUnit(expected, field?.description),
    found: missing ? undefined : describeFound(value, site.text, expected),
    lead,
    site,
    suffix:
      issue.code === "invalid_value" && typeof value === "string"
        ? didYouMean(value, issue.values.map(String))
        : "",
  });
}

function withUnit(expected: string, description: string | undefined): string {
  if (!description || expected.includes(description)) return expected;
  // descriptions with their own parentheses read better after a dash than nested in brackets
  return description.includes("(") ? `${expected} — ${description}` : `${expected} (${description})`;
}

function expectation(issue: RawIssue, schema: z.core.$ZodType | undefined): string {
  switch (issue.code) {
    case "invalid_type":
      return typeWord(issue.expected);
    case "too_small":
      return bound(issue.origin, "min", Number(issue.minimum), issue.inclusive ?? true);
    case "too_big":
      return bound(issue.origin, "max", Number(issue.maximum), issue.inclusive ?? true);
    case "invalid_format":
      return issue.message.startsWith("Invalid") ? `text in the format ${issue.format}` : issue.message;
    case "invalid_value": {
      const values = issue.values.length ? issue.values : schema ? acceptedValues(schema) : [];
      return values.length === 1 ? quote(values[0]) : `one of ${values.map(quote).join(", ")}`;
    }
    case "not_multiple_of":
      return `a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

function quote(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : String(value);
}

function bound(origin: string, side: "min" | "max", limit: number, inclusive: boolean): string {
  const n = formatLimit(limit);
  if (origin === "array" || origin === "set")
    return side === "min"
      ? `a list of at least ${n} item${limit === 1 ? "" : "s"}`
      : `a list of at most ${n} items`;
  if (origin === "string")
    return side === "min" && limit === 1
      ? "non-empty text"
      : `text of ${side === "min" ? "at least" : "at most"} ${n} characters`;
  const sign = side === "min" ? (inclusive ? "≥" : ">") : inclusive ? "≤" : "<";
  return `a number ${sign} ${n}`;
}

function formatLimit(n: number): string {
  return Math.abs(n) < 1e15 ? n.toLocaleString("en-US", { maximumFractionDigits: 6 }) : String(n);
}

function typeWord(expected: string | undefined): string {
  switch (expected) {
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "string":
      return "text";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
    case "record":
      return "a mapping of fields (key: value)";
    default:
      return expected ?? "a value";
  }
}

/** What the user wrote, in words: numbers as typed, text quoted, lists and mappings by shape. */
export function describeFound(value: unknown, text: string | undefined, expected?: string): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value (null)";
  if (typeof value === "number") {
    const shown = text ?? String(value);
    if (!Number.isFinite(value)) return `${shown}, which is too large to be a number (overflows to infinity)`;
    return shown;
  }
  if (typeof value === "string") {
    const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    const numeric = value.trim() !== "" && Number.isFinite(Number(value));
    if (numeric && expected?.includes("number"))
      return `the text ${shown} (write it without quotes to make it a number)`;
    return `the text ${shown}`;
  }
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.length === 0) return "an empty list";
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length ? `a mapping with fields ${keys.slice(0, 6).join(", ")}` : "an empty mapping";
  }
  return String(value);
}

function dataAt(data: unknown, path: readonly PathKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function make(
  context: Context,
  path: PathKey[],
  target: "key" | "value",
  parts: { expected: string; found?: string; lead?: string; suffix?: string; site?: Site },
): ValidationIssue {
  const site = parts.site ?? context.locate(path, target);
  const body =
    parts.found === undefined
      ? `expected ${parts.expected}`
      : `expected ${parts.expected}, found ${parts.found}`;
  const message = parts.lead ? `${parts.lead}: ${body}` : body;
  return {
    ...position(site),
    path: formatPath(path),
    expected: parts.expected,
    ...(parts.found === undefined ? {} : { found: parts.found }),
    message: `${message}${parts.suffix ?? ""}`,
  };
}
