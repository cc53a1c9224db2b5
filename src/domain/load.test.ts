import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ValidationError, type ValidationIssue } from "./issues.js";
import {
  builtinResolver,
  fileResolver,
  listBuiltinScenarios,
  loadScenario,
  parseScenarioText,
} from "./load.js";

const VALID = "test/fixtures/scenarios/valid";

async function issuesOf(load: Promise<unknown>): Promise<ValidationIssue[]> {
  try {
    await load;
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("loadScenario", () => {
  it("loads a full scenario with defaults applied", async () => {
    const s = await loadScenario(`${VALID}/base.yaml`);
    expect(s.plants.map((p) => p.id)).toEqual(["cassino", "belvidere"]);
    expect(s.plants[0]!.costIndex).toBe(1);
    expect(s.objective.mode).toBe("profit");
  });

  it("loads JSON scenarios", async () => {
    const s = await loadScenario(`${VALID}/base.json`);
    expect(s.id).toBe("mini-json");
  });

  it("applies a patch field by field, keeping the base's other fields and appending new entries", async () => {
    const base = await loadScenario(`${VALID}/base.yaml`);
    const s = await loadScenario(`${VALID}/reopen-belvidere.yaml`);
    const belvidere = s.plants.find((p) => p.id === "belvidere")!;
    expect(belvidere.earliestYear).toBe(2027);
    expect(belvidere.openCost).toBe(450_000_000);
    expect(belvidere.capacityPerShift).toBe(base.plants[1]!.capacityPerShift);
    expect(s.policies.map((p) => p.id)).toEqual(["keep-cassino", "giulia-in-belvidere"]);
    expect(s.id).toBe("mini-reopen");
    expect(s.programs).toEqual(base.programs);
  });

  it("applies a chain of patches in order, with removals and shallow object merges", async () => {
    const s = await loadScenario(`${VALID}/tariff-shock.yaml`);
    expect(s.duties).toHaveLength(1);
    expect(s.duties[0]).toMatchObject({ id: "us-import", rate: 0.25, to: ["north-america"] });
    expect(s.policies.map((p) => p.id)).toEqual(["giulia-in-belvidere"]);
    expect(s.lanes).toEqual([]);
    expect(s.horizon).toEqual({ start: 2026, end: 2034 });
    expect(s.plants.find((p) => p.id === "belvidere")!.earliestYear).toBe(2027);
  });

  it("merges citations by field instead of replacing them", async () => {
    const text = `extends: base.yaml
plants:
  - id: cassino
    fixedCost: 90000000
    cite: { fixedCost: { assumption: "raised for energy prices after 2025" } }
`;
    const s = await parseScenarioText(text, `${VALID}/cite-patch.yaml`, fileResolver());
    expect(Object.keys(s.plants[0]!.cite).sort()).toEqual(["capacityPerShift", "fixedCost"]);
  });

  it("reports an error in a patched entity against the patch file, a base error against the base", async () => {
    const patch = `extends: base.yaml
plants:
  - id: cassino
    maxShifts: 9
`;
    const inPatch = await issuesOf(parseScenarioText(patch, "<request>", fileResolver(VALID)));
    expect(inPatch[0]).toMatchObject({ file: "<request>", line: 4, path: "plants[0].maxShifts" });

    const inBase = await issuesOf(
      parseScenarioText("extends: base.yaml\nhorizon: { end: 2026 }\n", "<request>", fileResolver(VALID)),
    );
    // the horizon now ends before giulia-bev's demand starts: the demand lives in the base file
    expect(inBase.every((i) => i.file.endsWith("base.yaml"))).toBe(true);
    expect(inBase.some((i) => i.path === "demand[0].volume.from")).toBe(true);
  });

  it("reports all reference problems at once", async () => {
    const patch = `extends: base.yaml
lanes:
  - { from: mirafiori, to: asia }
policies:
  - { id: p1, kind: keep-open, plant: melfi }
`;
    const issues = await issuesOf(parseScenarioText(patch, "<request>", fileResolver(VALID)));
    expect(issues.map((i) => i.path)).toEqual(["lanes[1].from", "lanes[1].to", "policies[1].plant"]);
  });

  it("refuses unknown built-in scenarios with the list of known ones", async () => {
    const issues = await issuesOf(loadScenario("builtin:no/such"));
    expect(issues[0]!.message).toContain("unknown built-in scenario 'builtin:no/such'");
  });

  it("resolves builtin: names only among the shipped ones: no traversal out of data/scenarios", async () => {
    for (const name of ["builtin:../../package", "builtin:alfa/../../../package", "builtin:/etc/passwd"]) {
      const top = await issuesOf(loadScenario(name));
      expect(top[0]!.message).toContain(`unknown built-in scenario '${name}'`);
      const patch = `portello: 1\nextends: ${name}\nid: x\n`;
      const inPatch = await issuesOf(parseScenarioText(patch, "<request>", fileResolver(VALID)));
      expect(inPatch[0]).toMatchObject({ file: "<request>", line: 2, path: "extends" });
      expect(inPatch[0]!.message).not.toMatch(/dependencies|root:/);
    }
    // relative names inside a built-in stay among the built-ins
    expect(await builtinResolver.resolve("../../../package.json", "builtin:alfa/base")).toMatchObject({
      notFound: true,
    });
    expect(await builtinResolver.resolve("base.yaml", "builtin:alfa/reopen-belvidere")).toMatchObject({
      origin: "builtin:alfa/base",
    });
  });

  // active once the shipped Alfa Romeo scenarios exist in data/scenarios/alfa/
  it.skipIf(!existsSync("data/scenarios/alfa/base.yaml"))(
    "loads shipped scenarios by builtin: name",
    async () => {
      expect(listBuiltinScenarios()).toContain("alfa/base");
      const s = await loadScenario("builtin:alfa/base");
      expect(s.plants.length).toBeGreaterThan(0);
    },
  );

  it("reports a missing top file as a validation problem", async () => {
    const issues = await issuesOf(loadScenario(`${VALID}/nothing-here.yaml`));
    expect(issues[0]!.message).toContain("no such file");
  });

  it("reports contradictions at the line that forces them", async () => {
    const text = [
      "portello: 1",
      "id: c",
      "name: C",
      "horizon: { start: 2030, end: 2031 }",
      "discountRate: 0.05",
      "plants:",
      "  - { id: a, name: A, country: IT, status: active, capacityPerShift: 10, maxShifts: 1, fixedCost: 0, shiftCost: 0, platforms: [x] }",
      "  - { id: b, name: B, country: US, status: idle, capacityPerShift: 10, maxShifts: 1, fixedCost: 0, shiftCost: 0, openCost: 1, earliestYear: 2031 }",
      "programs:",
      "  - { id: p, name: P, brand: B, segment: D, platform: x, sop: 2030, eop: 2031, variableCost: 1 }",
      "markets: [{ id: m, name: M, countries: [IT] }]",
      "policies:",
      "  - { id: fix, kind: fix-allocation, program: p, plant: b }",
      "  - { id: keep, kind: keep-open, plant: b }",
    ].join("\n");
    const issues = await issuesOf(parseScenarioText(text, "<c>", fileResolver(VALID)));
    expect(issues.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      "13 policies[0]: a fix-allocation policy puts p at b, but the plant neither has nor can add the program's platform",
      "14 policies[1]: keep-open asks b to operate in 2030, but it is not available before 2031",
    ]);
  });

  it("reports phasing shares that do not add up and a perpetuity growing as fast as the discount rate", async () => {
    const text = [
      "portello: 1",
      "id: c",
      "name: C",
      "horizon: { start: 2030, end: 2031 }",
      "discountRate: 0.05",
      "terminalValue: { method: perpetuity, growth: 0.05 }",
      "plants:",
      "  - { id: a, name: A, country: IT, status: idle, capacityPerShift: 10, maxShifts: 1, fixedCost: 0, shiftCost: 0, openCost: 1,",
      '      openCostPhasing: { "-1": 0.5, "0": 0.4 } }',
      "programs:",
      '  - { id: p, name: P, brand: B, segment: D, platform: x, sop: 2030, eop: 2031, variableCost: 1, toolingPhasing: { "+1": 1 } }',
      "markets: [{ id: m, name: M, countries: [IT] }]",
    ].join("\n");
    const issues = await issuesOf(parseScenarioText(text, "<c>", fileResolver(VALID)));
    expect(issues.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      `11 programs[0].toolingPhasing["+1"]: invalid key: expected a key that is a year offset: 0, -1, -2, … (at most -99), found '+1'`,
    ]);
    const fixed = text.replace('"+1": 1', '"-1": 1');
    const more = await issuesOf(parseScenarioText(fixed, "<c>", fileResolver(VALID)));
    expect(more.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      "6 terminalValue.growth: a perpetuity growing at 0.05 a year is worth nothing finite at a discount rate of 0.05: growth must be below the discount rate",
      "9 plants[0].openCostPhasing: shares add up to 0.9, not 1",
    ]);
  });

  it("reports a currency without a rate and a rate path with a year missing", async () => {
    const text = [
      "portello: 1",
      "id: c",
      "name: C",
      "horizon: { start: 2030, end: 2031 }",
      "discountRate: 0.05",
      'fx: { USD: { "2030": 0.9 } }',
      "plants:",
      "  - { id: a, name: A, country: US, status: active, capacityPerShift: 10, maxShifts: 1, fixedCost: 0, shiftCost: 0, currency: USD }",
      "programs:",
      "  - { id: p, name: P, brand: B, segment: D, platform: x, sop: 2030, eop: 2031, variableCost: 1 }",
      "markets: [{ id: m, name: M, countries: [IT], currency: CNY }]",
    ].join("\n");
    const issues = await issuesOf(parseScenarioText(text, "<c>", fileResolver(VALID)));
    expect(issues.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      "6 fx.USD: fx.USD gives no rate for 2031: give one rate, or one for every year of the horizon",
      "11 markets[0].currency: no exchange rate for CNY: give fx.CNY (EUR per CNY)",
    ]);
  });

  it("reports content shares above 1, unknown origins and a parts duty ending before it starts", async () => {
    const text = [
      "portello: 1",
      "id: c",
      "name: C",
      "horizon: { start: 2030, end: 2031 }",
      "discountRate: 0.05",
      "plants:",
      "  - { id: a, name: A, country: MX, status: active, capacityPerShift: 10, maxShifts: 1, fixedCost: 0, shiftCost: 0 }",
      "programs:",
      "  - { id: p, name: P, brand: B, segment: D, platform: x, sop: 2030, eop: 2031, variableCost: 1,",
      "      contentByPlant: { a: { CN: 0.7, europe: 0.4 } } }",
      "markets: [{ id: m, name: M, countries: [US] }]",
      "partsDuties: [{ id: d, from: [CN], to: [MX], rate: 0.1, validFrom: 2031, validTo: 2030 }]",
    ].join("\n");
    const issues = await issuesOf(parseScenarioText(text, "<c>", fileResolver(VALID)));
    expect(issues.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      "10 programs[0].contentByPlant.a: content shares add up to 1.1, more than 1",
      "10 programs[0].contentByPlant.a.europe: 'europe' is neither a country code nor a region",
      "12 partsDuties[0].validTo: the duty ends (2030) before it starts (2031)",
    ]);
  });
});
