import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  firstDuplicateKey,
  firstInvalidUtf8,
  MAX_DOCUMENT_BYTES,
  MAX_NESTING,
  parseDocument,
} from "./document.js";
import { ValidationError, type ValidationIssue } from "./issues.js";

const Plant = z.strictObject({
  id: z.string(),
  capacity: z.number().min(0).max(1e8).describe("vehicles per year"),
  open: z.boolean().default(true),
});
const Doc = z.strictObject({
  plants: z.array(Plant),
  horizon: z.strictObject({ start: z.number(), end: z.number() }),
});

function issuesOf(input: string | Uint8Array, file = "t.yaml"): ValidationIssue[] {
  try {
    parseDocument(input, file, Doc);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error("expected the document to be rejected");
}

describe("parseDocument", () => {
  it("returns the schema's output, defaults applied", () => {
    const doc = parseDocument(
      "plants:\n  - { id: a, capacity: 5 }\nhorizon: { start: 1, end: 2 }\n",
      "t.yaml",
      Doc,
    );
    expect(doc.plants[0]).toEqual({ id: "a", capacity: 5, open: true });
  });

  it("reports every issue at once, each at the line and column of its value", () => {
    const text = [
      "plants:",
      "  - id: a",
      "    capacity: -5",
      "  - id: b",
      "    capacity: '7'",
      "    opne: true",
      "horizon: { start: 1, end: x }",
    ].join("\n");
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.line, i.column, i.path])).toEqual([
      [3, 15, "plants[0].capacity"],
      [5, 15, "plants[1].capacity"],
      [6, 5, "plants[1].opne"],
      [7, 27, "horizon.end"],
    ]);
    expect(issues[0]!.message).toBe("expected a number ≥ 0 (vehicles per year), found -5");
    expect(issues[1]!.message).toContain("without quotes");
    expect(issues[2]!.message).toBe("unknown field 'opne' — did you mean 'open'?");
  });

  it("points a missing field at its parent's key", () => {
    const issues = issuesOf("plants: []\nhorizon:\n  start: 1\n");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 2, column: 1, path: "horizon.end" });
    expect(issues[0]!.message).toContain("missing required field 'end'");
  });

  it("shows overflowing numbers as written", () => {
    const issues = issuesOf("plants:\n  - { id: a, capacity: 1e400 }\nhorizon: { start: 1, end: 2 }\n");
    expect(issues[0]!.found).toContain("1e400, which is too large to be a number");
  });

  it("reports JSON syntax errors with line and column", () => {
    const issues = issuesOf('{\n  "plants": [],\n  "horizon": {"start": 1 "end": 2}\n}', "t.json");
    expect(issues[0]).toMatchObject({ file: "t.json", line: 3, column: 26 });
    expect(issues[0]!.message).toMatch(/^JSON syntax error/);
  });

  it("locates schema issues in JSON files", () => {
    const issues = issuesOf(
      '{\n  "plants": [{"id": "a", "capacity": -1}],\n  "horizon": {"start": 1, "end": 2}\n}',
      "t.json",
    );
    expect(issues[0]).toMatchObject({ line: 2, column: 38, path: "plants[0].capacity" });
  });

  it("rejects duplicate keys in JSON, which JSON.parse would silently accept", () => {
    const issues = issuesOf('{"plants": [], "plants": [], "horizon": {"start": 1, "end": 2}}', "t.json");
    expect(issues[0]!.message).toContain("duplicate key 'plants'");
  });

  it("finds a repeated key at any depth, and only in the same object", () => {
    expect(firstDuplicateKey('{"a": {"b": 1, "c": "{\\"b\\": [}", "b": 2}}')).toEqual({ key: "b", at: 34 });
    expect(firstDuplicateKey('[{"id": 1}, {"id": 2}, {"x": {"id": 3}, "id": 4}]')).toBeUndefined();
    expect(firstDuplicateKey('{"k\\u0061": 1, "ka": 2}')?.key).toBe("ka");
    const issues = issuesOf('{\n  "horizon": {"start": 1,\n    "start": 2}}', "t.json");
    expect(issues[0]).toMatchObject({
      line: 3,
      column: 5,
      message: expect.stringContaining("duplicate key 'start'"),
    });
  });

  it("reports all YAML syntax errors of a file", () => {
    const issues = issuesOf("a: 1\na: 2\nb: 1\nb: 2\n");
    expect(issues.map((i) => i.line)).toEqual([2, 4]);
  });

  it("rejects files over the size limit without parsing them", () => {
    const issues = issuesOf(new Uint8Array(MAX_DOCUMENT_BYTES + 1).fill(32));
    expect(issues[0]!.message).toContain("too large");
  });

  it("refuses documents nested deeper than the limit before parsing them, in every syntax", () => {
    const deep = MAX_NESTING + 1;
    const documents: [string, string][] = [
      [`plants: ${"[".repeat(deep)}${"]".repeat(deep)}\n`, "t.yaml"],
      [`{"plants": ${'{"a": '.repeat(deep)}1${"}".repeat(deep)}}`, "t.json"],
      [`${Array.from({ length: deep + 1 }, (_, i) => `${" ".repeat(i)}a:`).join("\n")} 1\n`, "t.yaml"],
      [`plants:\n  ${"- ".repeat(deep)}x\n`, "t.yaml"],
    ];
    for (const [text, file] of documents) {
      const [issue] = issuesOf(text, file);
      expect(issue).toMatchObject({
        file,
        line: expect.any(Number),
        expected: `at most ${MAX_NESTING} levels of nesting`,
      });
    }
    // brackets inside quoted text or comments are not nesting
    const quoted = `plants: []\nhorizon: { start: 1, end: 2 }\n# ${"[".repeat(deep)}\nx: "${"[".repeat(deep)}"\n`;
    expect(issuesOf(quoted)[0]!.message).toMatch(/unknown field 'x'/);
  });

  it("refuses __proto__, constructor and prototype as field names, wherever they are", () => {
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const issues = issuesOf(
        `plants:\n  - id: a\n    ${key}: { polluted: true }\nhorizon: { start: 1, end: 2 }\n`,
      );
      expect(issues[0]).toMatchObject({ line: 3, column: 5, path: `plants[0].${key}` });
      const json = issuesOf(
        `{"horizon": {"start": 1, "end": 2}, "plants": [], "${key}": {"polluted": true}}`,
        "t.json",
      );
      expect(json[0]).toMatchObject({ line: 1, path: key });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reports the line and column of the first byte that is not UTF-8", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("plants: []\nname: é"), 0xc3, 0x28]);
    expect(issuesOf(bytes)[0]).toMatchObject({ line: 2, column: 8, found: "the byte 0xC3" });
  });
});

describe("firstInvalidUtf8", () => {
  const at = (...bytes: number[]) => firstInvalidUtf8(new Uint8Array(bytes));
  it("accepts well-formed sequences of every length", () => {
    expect(at(0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x9a, 0x97)).toBe(10);
  });
  it("rejects stray, truncated, overlong and surrogate sequences at their first byte", () => {
    expect(at(0x41, 0xff)).toBe(1);
    expect(at(0x41, 0xe2, 0x82)).toBe(1);
    expect(at(0xc0, 0xaf)).toBe(0);
    expect(at(0x41, 0xed, 0xa0, 0x80)).toBe(1);
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0);
  });
});
