import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../src/domain/issues.js";
import { loadScenario } from "../src/domain/load.js";

/**
 * The corpus of malformed scenarios: one problem class per file. Each must fail with a ValidationError
 * (never another error) whose first issue names the right file, line, field path and problem.
 */

const DIR = "test/fixtures/scenarios/invalid";
const BASE = "test/fixtures/scenarios/valid/base.yaml";

interface Case {
  fixture: string;
  /** file the first issue is in (default: the fixture) */
  file?: string;
  line?: number;
  path: string;
  phrase: string;
}

const cases: Case[] = [
  { fixture: "bad-indentation.yaml", line: 5, path: "", phrase: "indentation" },
  { fixture: "unclosed-quote.yaml", line: 6, path: "", phrase: "missing closing quote" },
  { fixture: "unclosed-bracket.yaml", line: 7, path: "", phrase: "end with a ]" },
  { fixture: "tab-indentation.yaml", line: 5, path: "", phrase: "tab used for indentation" },
  {
    fixture: "wrong-type.yaml",
    line: 6,
    path: "plants[0].canClose",
    phrase: 'expected true or false (whether closing the plant is allowed), found the text "maybe"',
  },
  {
    fixture: "string-for-number.yaml",
    line: 6,
    path: "plants[0].capacityPerShift",
    phrase: "without quotes",
  },
  {
    fixture: "unknown-field.yaml",
    line: 6,
    path: "plants[0].capcity",
    phrase: "unknown field 'capcity' — did you mean 'capacityPerShift'?",
  },
  { fixture: "unknown-top-level-field.yaml", line: 4, path: "horizn", phrase: "did you mean 'horizon'?" },
  {
    fixture: "dangling-program-in-demand.yaml",
    line: 5,
    path: "demand[2].program",
    phrase: "unknown program 'giulia-bv' — did you mean 'giulia-bev'?",
  },
  {
    fixture: "dangling-plant-in-builtat.yaml",
    line: 6,
    path: "programs[0].builtAt[0]",
    phrase: "unknown plant 'pomigliano' (known: cassino, belvidere)",
  },
  {
    fixture: "dangling-market-in-lane.yaml",
    line: 5,
    path: "lanes[1].to",
    phrase: "did you mean 'north-america'?",
  },
  {
    fixture: "policy-unknown-program.yaml",
    line: 7,
    path: "policies[1].program",
    phrase: "unknown program 'tonale'",
  },
  {
    fixture: "year-outside-horizon.yaml",
    line: 7,
    path: "demand[2].volume.2040",
    phrase: "year 2040 lies outside the horizon (2026–2032)",
  },
  {
    fixture: "year-outside-program-life.yaml",
    line: 7,
    path: "demand[2].volume.from",
    phrase: "outside the life of 'giulia-bev' (2027–2032)",
  },
  {
    fixture: "eop-before-sop.yaml",
    line: 6,
    path: "programs[0].eop",
    phrase: "end of production 2025 comes before start of production 2027",
  },
  {
    fixture: "negative-capacity.yaml",
    line: 6,
    path: "plants[0].capacityPerShift",
    phrase: "expected a number ≥ 0 (vehicles per year one shift can build), found -5",
  },
  {
    fixture: "zero-capacity.yaml",
    line: 6,
    path: "plants[0].capacityPerShift",
    phrase: "expected a number > 0",
  },
  {
    fixture: "huge-number-overflow.yaml",
    line: 6,
    path: "plants[0].openCost",
    phrase: "found 1e400, which is too large to be a number",
  },
  {
    fixture: "capacity-1e20.yaml",
    line: 6,
    path: "plants[0].capacityPerShift",
    phrase: "expected a number ≤ 100,000,000 (vehicles per year one shift can build), found 1e20",
  },
  {
    fixture: "cycle2-a.yaml",
    file: "cycle2-b.yaml",
    line: 2,
    path: "extends",
    phrase:
      "cycle2-a.yaml → test/fixtures/scenarios/invalid/cycle2-b.yaml → test/fixtures/scenarios/invalid/cycle2-a.yaml",
  },
  {
    fixture: "cycle2-b.yaml",
    file: "cycle2-a.yaml",
    line: 2,
    path: "extends",
    phrase: "extends forms a cycle",
  },
  {
    fixture: "cycle3-a.yaml",
    file: "cycle3-c.yaml",
    line: 3,
    path: "extends",
    phrase:
      "cycle3-a.yaml → test/fixtures/scenarios/invalid/cycle3-b.yaml → test/fixtures/scenarios/invalid/cycle3-c.yaml → test/fixtures/scenarios/invalid/cycle3-a.yaml",
  },
  {
    fixture: "cycle3-b.yaml",
    file: "cycle3-a.yaml",
    line: 2,
    path: "extends",
    phrase: "extends forms a cycle",
  },
  {
    fixture: "cycle3-c.yaml",
    file: "cycle3-b.yaml",
    line: 2,
    path: "extends",
    phrase: "extends forms a cycle",
  },
  {
    fixture: "self-extends.yaml",
    line: 2,
    path: "extends",
    phrase: "self-extends.yaml → test/fixtures/scenarios/invalid/self-extends.yaml",
  },
  {
    fixture: "missing-base.yaml",
    line: 3,
    path: "extends",
    phrase: "base scenario not found: '../valid/no-such-base.yaml'",
  },
  {
    fixture: "unknown-builtin.yaml",
    line: 3,
    path: "extends",
    phrase: "unknown built-in scenario 'builtin:nothing/here'",
  },
  { fixture: "empty.yaml", path: "", phrase: "the file is empty" },
  { fixture: "whitespace-only.yaml", path: "", phrase: "the file is empty" },
  { fixture: "comment-only.yaml", path: "", phrase: "only comments" },
  { fixture: "non-utf8.yaml", line: 3, path: "", phrase: "byte 0xE8 is not part of a valid UTF-8 character" },
  { fixture: "non-utf8-lone-byte.yaml", line: 3, path: "", phrase: "byte 0xFF" },
  {
    fixture: "duplicate-ids.yaml",
    line: 8,
    path: "plants[1].id",
    phrase: "duplicate id 'cassino': plants[0] has it too",
  },
  {
    fixture: "duplicate-in-patch.yaml",
    line: 6,
    path: "plants[1]",
    phrase: "'cassino' appears twice in plants",
  },
  { fixture: "duplicate-yaml-keys.yaml", line: 6, path: "", phrase: "duplicate key 'name'" },
  {
    fixture: "shares-not-adding-up.yaml",
    line: 6,
    path: "demand[0].shares",
    phrase: "shares add up to 0.9, not 1",
  },
  {
    fixture: "market-and-shares.yaml",
    line: 7,
    path: "demand[1].shares",
    phrase: "either market or shares, not both",
  },
  { fixture: "json-syntax-error.json", line: 5, path: "", phrase: "JSON syntax error" },
  {
    fixture: "json-wrong-shape.json",
    line: 7,
    path: "plants",
    phrase: "expected a list, found a mapping with fields id",
  },
  {
    fixture: "list-for-object.yaml",
    line: 4,
    path: "horizon",
    phrase: "expected a mapping of fields (key: value), found a list of 2 items",
  },
  {
    fixture: "idle-plant-without-opencost.yaml",
    line: 5,
    path: "plants[2].openCost",
    phrase: "an idle plant needs openCost",
  },
  {
    fixture: "unknown-policy-kind.yaml",
    line: 6,
    path: "policies[0].kind",
    phrase: "expected one of 'fix-allocation'",
  },
  {
    fixture: "null-required.yaml",
    line: 3,
    path: "name",
    phrase: "expected text, found an empty value (null)",
  },
  {
    fixture: "wrong-version.yaml",
    line: 1,
    path: "portello",
    phrase: "expected 1 (scenario format version), found 2",
  },
  {
    fixture: "unknown-source-citation.yaml",
    line: 7,
    path: "plants[0].cite.fixedCost.sources[0]",
    phrase: "unknown source 'annual-report-2024'",
  },
  {
    fixture: "cite-unknown-field.yaml",
    line: 7,
    path: "programs[1].cite.tooling-cost",
    phrase: "did you mean 'tooling'?",
  },
  {
    fixture: "missing-required-field.yaml",
    line: 5,
    path: "plants[2].name",
    phrase: "missing required field 'name'",
  },
  {
    fixture: "remove-unknown-entry.yaml",
    line: 5,
    path: "remove.plants[0]",
    phrase: "did you mean 'cassino'?",
  },
  {
    fixture: "closed-plant-builds.yaml",
    file: BASE,
    line: 59,
    path: "programs[1].builtAt[0]",
    phrase: "plant 'cassino' is closed",
  },
  { fixture: "multiple-documents.yaml", line: 4, path: "", phrase: "several YAML documents" },
  {
    fixture: "bad-country-code.yaml",
    line: 7,
    path: "markets[2].countries[0]",
    phrase: "'Japan' is neither a country code nor a region",
  },
  { fixture: "bad-id.yaml", line: 5, path: "plants[0].id", phrase: 'found the text "Cassino Plant"' },
  {
    fixture: "horizon-reversed.yaml",
    line: 4,
    path: "horizon.end",
    phrase: "the horizon ends (2030) before it starts (2031)",
  },
];

async function failureOf(fixture: string): Promise<unknown> {
  try {
    await loadScenario(join(DIR, fixture));
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("malformed scenario corpus", () => {
  it("has a case for every fixture, and at least 30 of them", () => {
    const fixtures = readdirSync(DIR).sort();
    expect(cases.map((c) => c.fixture).sort()).toEqual(fixtures);
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)("$fixture: $phrase", async ({ fixture, file, line, path, phrase }) => {
    const error = await failureOf(fixture);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.length).toBeGreaterThan(0);
    const first = issues[0]!;
    const expectedFile = file?.includes("/") ? file : join(DIR, file ?? fixture);
    expect(first.file).toBe(expectedFile);
    expect(first.line).toBe(line);
    if (line !== undefined) expect(first.column).toBeGreaterThan(0);
    expect(first.path).toBe(path);
    expect(first.message).toContain(phrase);
    expect(first.expected.length).toBeGreaterThan(0);
  });
});

describe("mutated scenarios", () => {
  // deterministic pseudo-random byte edits of valid files: each result is valid or a ValidationError
  it("never fail with anything but a ValidationError", async () => {
    const { readFileSync } = await import("node:fs");
    const { fileResolver, parseScenarioText } = await import("../src/domain/load.js");
    const sources = [readFileSync(BASE), readFileSync("test/fixtures/scenarios/valid/tariff-shock.yaml")];
    const alphabet = Buffer.from(":-[]{}\"' \n\t#,0123456789e.&*!|>?%@`xyz\u00ff");
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    let rejected = 0;
    for (let round = 0; round < 400; round++) {
      const bytes = Buffer.from(sources[round % 2]!);
      for (let edits = 1 + next(4); edits > 0; edits--)
        bytes[next(bytes.length)] = alphabet[next(alphabet.length)]!;
      try {
        await parseScenarioText(bytes, "test/fixtures/scenarios/valid/mutated.yaml", fileResolver());
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        for (const issue of (error as ValidationError).issues)
          expect(issue.message).not.toMatch(/undefined|\[object/);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(200);
  });
});
