import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, LineCounter, parseDocument as parseYaml, type Document, visit } from "yaml";
import type { z } from "zod";
import { ValidationError, type ValidationIssue } from "./issues.js";
import { formatPath, issuesFromZod, type Locate, type PathKey, position, type Site } from "./zod-issues.js";

/**
 * Reading user documents (YAML or JSON): bytes → text → tree → schema-checked value.
 * Every failure is a ValidationError carrying all problems found, each with file, line and column.
 */

/** Larger inputs are refused before parsing: no scenario or atlas file comes close. */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

/** A parsed document: its plain data and a way to find where any path of it was written. */
export interface SourceDocument {
  file: string;
  data: unknown;
  locate: Locate;
  /** problems found while reading that the schema cannot see (a workbook's unknown column), reported with its */
  issues?: ValidationIssue[];
}

export function parseDocument<T>(input: Uint8Array | string, file: string, schema: z.ZodType<T>): T {
  return validateDocument(readSourceDocument(input, file), schema);
}

export async function readDocumentFile<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  return parseDocument(await readBytes(path), path, schema);
}

/** The file's bytes, or a ValidationError naming the file when it cannot be read. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? "unreadable");
    throw new ValidationError([
      {
        file: path,
        path: "",
        expected: "a readable file",
        found: reason,
        message: `cannot read the file: ${reason}`,
      },
    ]);
  }
}

/** Validates a parsed document's data against a schema, reporting every issue at its position. */
export function validateDocument<T>(document: SourceDocument, schema: z.ZodType<T>): T {
  const result = schema.safeParse(document.data, { reportInput: true });
  const read = document.issues ?? [];
  if (result.success && read.length === 0) return result.data;
  const issues = result.success
    ? []
    : issuesFromZod(result.error, { schema, data: document.data, locate: document.locate });
  throw new ValidationError(sortIssues(withReadIssues(read, issues)));
}

/** Reading problems first; a later problem about a cell already reported is the same problem, said twice. */
export function withReadIssues(read: ValidationIssue[], later: ValidationIssue[]): ValidationIssue[] {
  const cells = new Set(read.filter((i) => i.sheet !== undefined).map((i) => `${i.sheet}!${i.cell}`));
  return [...read, ...later.filter((i) => i.sheet === undefined || !cells.has(`${i.sheet}!${i.cell}`))];
}

/** Decodes and parses; throws ValidationError for bad bytes, empty files and syntax errors. */
export function readSourceDocument(input: Uint8Array | string, file: string): SourceDocument {
  const text = typeof input === "string" ? checkSize(input.length, file, input) : decodeUtf8(input, file);
  if (text.trim() === "")
    throw fileProblem(file, "the file is empty", "a scenario document", "an empty file");
  const tooDeep = firstTooDeep(text);
  if (tooDeep !== undefined) {
    const { line, column } = positionInText(text, tooDeep);
    throw new ValidationError([
      {
        file,
        line,
        column,
        path: "",
        expected: `at most ${MAX_NESTING} levels of nesting`,
        found: "deeper nesting",
        message: `the document is nested more than ${MAX_NESTING} levels deep: a scenario needs only a few`,
      },
    ]);
  }
  const doc = file.toLowerCase().endsWith(".json") ? parseJsonText(text, file) : parseYamlText(text, file);
  const special = specialKeys(doc);
  if (special.length) throw new ValidationError(special);
  return doc;
}

/**
 * Deeper documents are refused before parsing: parsing them costs time (and stack) the server would take from
 * everyone else. A scenario needs about six levels.
 */
export const MAX_NESTING = 64;

/**
 * Offset where the text first nests deeper than MAX_NESTING, by one linear scan: flow brackets (outside quoted
 * scalars and comments), plus the block levels of indentation and of `- ` items. An estimate on the safe side
 * for real documents, which stay far below the limit.
 */
function firstTooDeep(text: string): number | undefined {
  let brackets = 0;
  const indents: number[] = [];
  let quote: string | undefined;
  let lineStart = true;
  let previous = "\n"; // last character outside quotes that was not a space
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (lineStart) {
      lineStart = false;
      let indent = 0;
      while (text[i + indent] === " ") indent++;
      let dashes = 0;
      while (
        text[i + indent + dashes * 2] === "-" &&
        " \n".includes(text[i + indent + dashes * 2 + 1] ?? "\n")
      )
        dashes++;
      const rest = text[i + indent + dashes * 2];
      if (brackets === 0 && rest !== undefined && rest !== "\n" && rest !== "#") {
        while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
        indents.push(indent);
        if (indents.length + dashes > MAX_NESTING) return i + indent;
      }
    }
    if (ch === "\n") {
      lineStart = true;
      previous = ch;
    } else if (ch === "#" && (previous === "\n" || text[i - 1] === " ")) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if ((ch === '"' || ch === "'") && "[{,:-\n".includes(previous)) {
      quote = ch;
    } else if (ch === "[" || ch === "{") {
      if (++brackets > MAX_NESTING) return i;
    } else if (ch === "]" || ch === "}") {
      brackets = Math.max(0, brackets - 1);
    }
    if (ch !== " " && ch !== "\n" && !quote) previous = ch;
  }
  return undefined;
}

/** Keys with a meaning to JavaScript objects: no scenario field has these names, and none may. */
const SPECIAL_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Every special key in the document, found without recursion (documents may be nested very deeply). */
function specialKeys(doc: SourceDocument): ValidationIssue[] {
  type Node = { value: unknown; key?: PathKey; parent?: Node };
  const pathOf = (node: Node): PathKey[] => {
    const path: PathKey[] = [];
    for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
    return path;
  };
  const issues: ValidationIssue[] = [];
  const stack: Node[] = [{ value: doc.data }];
  const seen = new Set<unknown>(); // an alias may point back to its own ancestor
  while (stack.length > 0 && issues.length < 20) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "object" && value !== null) {
      if (seen.has(value)) continue;
      seen.add(value);
    }
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) stack.push({ value: v, key: i, parent: node });
    } else if (typeof value === "object" && value !== null)
      for (const key of Object.keys(value)) {
        const child: Node = { value: (value as Record<string, unknown>)[key], key, parent: node };
        if (!SPECIAL_KEYS.has(key)) stack.push(child);
        else {
          const path = pathOf(child);
          issues.push({
            ...position(doc.locate(path, "key")),
            path: formatPath(path),
            expected: "a field of the scenario format",
            found: `'${key}'`,
            message: `'${key}' cannot be a field name: it has a special meaning in JavaScript`,
          });
        }
      }
  }
  return sortIssues(issues);
}

function checkSize(size: number, file: string, text: string): string {
  if (size > MAX_DOCUMENT_BYTES) {
    const mb = (size / 1024 / 1024).toFixed(1);
    throw fileProblem(
      file,
      `the file is too large (${mb} MB; the limit is 50 MB)`,
      "at most 50 MB",
      `${mb} MB`,
    );
  }
  return text;
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  checkSize(bytes.length, file, "");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
    const { line, column } = positionInText(before, before.length);
    const byte = bytes[offset]?.toString(16).toUpperCase().padStart(2, "0") ?? "??";
    throw new ValidationError([
      {
        file,
        line,
        column,
        path: "",
        expected: "text encoded as UTF-8",
        found: `the byte 0x${byte}`,
        message: `the file is not valid UTF-8 text: byte 0x${byte} is not part of a valid UTF-8 character (saved as Latin-1 or Windows-1252? save it as UTF-8)`,
      },
    ]);
  }
}

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    const [low, high] =
      b === 0xe0
        ? [0xa0, 0xbf]
        : b === 0xed
          ? [0x80, 0x9f]
          : b === 0xf0
            ? [0x90, 0xbf]
            : b === 0xf4
              ? [0x80, 0x8f]
              : [0x80, 0xbf];
    const second = bytes[i + 1];
    // a broken sequence is reported at its first byte: that is the character the user must fix
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return bytes.length;
}

function positionInText(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

function fileProblem(file: string, message: string, expected: string, found: string): ValidationError {
  return new ValidationError([{ file, path: "", expected, found, message }]);
}

function parseYamlText(text: string, file: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseYaml(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const syntax = doc.errors.map((error): ValidationIssue => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return {
      file,
      line,
      column: col,
      path: "",
      expected: "valid YAML",
      found: error.code,
      message: yamlMessage(error.code, error.message, text, error.pos),
    };
  });
  syntax.push(...complexKeys(doc, lineCounter, file));
  if (syntax.length) throw new ValidationError(syntax);
  if (doc.contents === null)
    throw fileProblem(file, "the file holds only comments, no data", "a scenario document", "only comments");
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // excessive or unresolved aliases ("billion laughs"): refuse rather than expand
    throw fileProblem(
      file,
      `the YAML cannot be read: ${(error as Error).message}`,
      "valid YAML",
      "bad aliases",
    );
  }
  return { file, data, locate: treeLocator(doc, lineCounter, file) };
}

/** Keys that are lists or mappings (`? [a, b]: 1`, or `{a: 1}: x` from a stray brace) have no JSON form. */
function complexKeys(doc: Document, lineCounter: LineCounter, file: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (pair.key === null || isScalar(pair.key)) return;
      const { line, col } = lineCounter.linePos((pair.key as { range?: number[] }).range?.[0] ?? 0);
      issues.push({
        file,
        line,
        column: col,
        path: "",
        expected: "a plain field name before ':'",
        found: isSeq(pair.key) ? "a list" : "a mapping",
        message: `a field name must be plain text, found ${isSeq(pair.key) ? "a list" : "a mapping"} used as a key (a stray bracket or brace?)`,
      });
    },
  });
  return issues;
}

function yamlMessage(code: string, message: string, text: string, pos: [number, number]): string {
  switch (code) {
    case "DUPLICATE_KEY": {
      const key = text
        .slice(pos[0])
        .split(/[:\n]/)[0]!
        .trim()
        .replace(/^["']|["']$/g, "");
      return `duplicate key '${key}': each field may appear only once in a mapping`;
    }
    case "TAB_AS_INDENT":
      return "tab used for indentation: YAML indents with spaces only";
    case "MISSING_CHAR":
      return /quote/.test(message)
        ? "a quoted text is never closed: missing closing quote"
        : `${lowerFirst(message)} (an opening bracket or brace is never closed)`;
    case "BAD_INDENT":
      return `${lowerFirst(message)}: check the indentation of this line`;
    case "RESOURCE_EXHAUSTION":
      return "the document is nested too deeply to read: a scenario needs only a few levels";
    case "MULTIPLE_DOCS":
      return "the file holds several YAML documents ('---'); a scenario is one document";
    default:
      return lowerFirst(message);
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** JSON is parsed strictly (JSON's own syntax errors), then located through the YAML tree (JSON ⊂ YAML). */
function parseJsonText(text: string, file: string): SourceDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    const position = at ? positionInText(text, Number(at[1])) : positionInText(text, text.length);
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, "").replace(/^JSON\.parse: /, "");
    throw new ValidationError([
      {
        file,
        ...position,
        path: "",
        expected: "valid JSON",
        found: reason,
        message: `JSON syntax error: ${lowerFirst(reason)}`,
      },
    ]);
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate) {
    throw new ValidationError([
      {
        file,
        ...positionInText(text, duplicate.at),
        path: "",
        expected: "unique keys",
        found: "a repeated key",
        message: `duplicate key '${duplicate.key}': each field may appear only once in a mapping`,
      },
    ]);
  }
  // Positions come from the YAML tree (JSON ⊂ YAML), built only when a problem needs one: for a large file it
  // costs far more than JSON.parse (a 6 MB scenario: 13 s against 0.1 s)
  let locate: Locate | undefined;
  return {
    file,
    data,
    locate: (path, target) => {
      if (!locate) {
        const lineCounter = new LineCounter();
        const doc = parseYaml(text, { lineCounter, prettyErrors: false, logLevel: "error" });
        locate = doc.errors.length ? () => ({ file }) : treeLocator(doc, lineCounter, file);
      }
      return locate(path, target);
    },
  };
}

/**
 * The first key that repeats one of its object's earlier keys, by one linear scan of text JSON.parse has
 * accepted (JSON.parse keeps the last value silently); `at` is the offset of its opening quote.
 */
export function firstDuplicateKey(text: string): { key: string; at: number } | undefined {
  const objects: (Set<string> | undefined)[] = []; // one entry per open bracket: its keys, or none for a list
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (c === 0x22) break;
      }
      const keys = objects[objects.length - 1];
      if (expectKey && keys) {
        const raw = text.slice(start, i + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) return { key, at: start };
        keys.add(key);
        expectKey = false;
      }
    } else if (ch === 0x7b /* { */) {
      objects.push(new Set());
      expectKey = true;
    } else if (ch === 0x5b /* [ */) {
      objects.push(undefined);
      expectKey = false;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      objects.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      expectKey = objects[objects.length - 1] !== undefined;
    }
  }
  return undefined;
}

type YamlNode = { range?: [number, number, number] | null } | null | undefined;

/** Finds the node at a path: the value (or key) when it exists, else the key of its deepest existing parent. */
function treeLocator(doc: Document, lineCounter: LineCounter, file: string): Locate {
  return (path: readonly PathKey[], target: "key" | "value"): Site => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    let complete = true;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) {
          complete = false;
          break;
        }
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && node.items[Number(key)] !== undefined) {
        keyNode = undefined;
        node = node.items[Number(key)];
      } else {
        complete = false;
        break;
      }
    }
    const chosen = (
      complete ? (target === "key" ? (keyNode ?? node) : (node ?? keyNode)) : (keyNode ?? node)
    ) as YamlNode;
    const offset = chosen?.range?.[0];
    if (offset === undefined) return { file, exact: false };
    const { line, col } = lineCounter.linePos(offset);
    const text = complete && isScalar(chosen) ? scalarText(chosen) : undefined;
    const site: Site = { file, line, column: col, exact: complete };
    return text === undefined ? site : { ...site, text };
  };
}

function scalarText(node: unknown): string | undefined {
  const source = (node as { source?: unknown }).source;
  return typeof source === "string" ? source : undefined;
}

/** Issues in reading order: by file, then line, then column. */
export function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.sheet ?? "").localeCompare(b.sheet ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}
