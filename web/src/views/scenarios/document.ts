import { isMap, isScalar, LineCounter, parseDocument } from "yaml";

/**
 * The scenario text as the tables see it: entity lists read from the YAML (or JSON) the user is editing, and
 * cell edits written back into that text at the edited value's own position, so comments, citations and
 * layout stay as they were. Reading and writing text only; validation and planning belong to the server.
 */

export type Row = Record<string, unknown>;

export interface ParsedScenario {
  ok: boolean;
  /** the parser's first error, with its line */
  error?: { line: number; message: string };
  lists: Record<string, Row[]>;
  extendsFile?: string;
}

export function readScenario(text: string): ParsedScenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    return {
      ok: false,
      lists: {},
      error: { line: lineCounter.linePos(first.pos[0]).line, message: first.message },
    };
  }
  const json = doc.toJS() as Record<string, unknown> | null;
  const lists: Record<string, Row[]> = {};
  for (const [key, value] of Object.entries(json ?? {})) {
    if (
      Array.isArray(value) &&
      value.every((v) => v !== null && typeof v === "object" && !Array.isArray(v))
    ) {
      lists[key] = value as Row[];
    }
  }
  const ext = json?.extends;
  return { ok: true, lists, ...(typeof ext === "string" ? { extendsFile: ext } : {}) };
}

/**
 * The text with one field of one list item set to `value`. An existing scalar is replaced in place; a missing
 * field is added to the item (the document is then re-printed, without folding long lines).
 */
export function setField(
  text: string,
  list: string,
  index: number,
  field: string,
  value: string | number,
): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return text;
  const node = doc.getIn([list, index, field], true);
  if (isScalar(node) && node.range) {
    const [start, end] = node.range;
    return text.slice(0, start) + literal(value, text.trimStart().startsWith("{")) + text.slice(end);
  }
  const item = doc.getIn([list, index], true);
  if (!isMap(item)) return text;
  doc.setIn([list, index, field], value);
  return doc.toString({ lineWidth: 0 });
}

/** A value as YAML (or JSON) source: numbers bare, strings quoted only when they must be. */
function literal(value: string | number, json: boolean): string {
  if (typeof value === "number") return String(value);
  if (json || !/^[\w .,/()'-]*$/.test(value) || /^(true|false|null|yes|no|~|[\d.+-].*)$/i.test(value)) {
    return JSON.stringify(value);
  }
  return value;
}

/** The 0-based character offset where a 1-based line starts. */
export function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}
