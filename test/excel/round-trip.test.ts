import { describe, expect, it } from "vitest";
import { readScenarioWorkbook } from "../../src/domain/formats/xlsx/read.js";
import { scenarioWorkbookBytes } from "../../src/domain/formats/xlsx/write.js";
import {
  listBuiltinScenarios,
  loadScenario,
  parseScenarioText,
  fileResolver,
  readScenarioFile,
  readScenarioSource,
} from "../../src/domain/load.js";
import { Scenario } from "../../src/domain/scenario.js";
import { randomScenario } from "../oracle/random-scenario.js";
import { BASE, cellAt, edit, exportScenario, problems } from "./workbooks.js";

/**
 * Export → import gives back the scenario, exactly: every built-in scenario (resolved, and as its differences
 * from its base), the oracle's random scenarios, and values chosen to be awkward in a spreadsheet.
 */

describe("round trip: scenario → workbook → scenario", () => {
  const builtins = listBuiltinScenarios();

  it("finds the built-in scenarios", () => {
    expect(builtins.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of builtins)
    it(`builtin:${name}, resolved`, async () => {
      const { extends: _, ...scenario } = await loadScenario(`builtin:${name}`);
      const back = await parseScenarioText(
        await scenarioWorkbookBytes(scenario),
        `${name}.xlsx`,
        fileResolver(),
      );
      expect(back).toEqual(scenario);
    });

  for (const name of builtins)
    it(`builtin:${name}, as written (a patch: only its differences from its base)`, async () => {
      const patch = readScenarioSource(await readScenarioFile(`builtin:${name}`), name).data as Record<
        string,
        unknown
      >;
      const doc = readScenarioWorkbook(await scenarioWorkbookBytes(patch), `${name}.xlsx`);
      expect(doc.issues).toEqual([]);
      expect(doc.data).toEqual(patch);
    });

  it("a patch with a Remove sheet, read next to its base: the same scenario as the YAML chain", async () => {
    const file = "test/fixtures/scenarios/valid/tariff-shock.yaml";
    const patch = readScenarioSource(await readScenarioFile(file), file).data as Record<string, unknown>;
    const bytes = await scenarioWorkbookBytes(patch);
    expect(readScenarioWorkbook(bytes, "tariff-shock.xlsx").data).toEqual(patch);
    // named as if it sat beside the YAML files: its extends resolves the same way
    const back = await parseScenarioText(bytes, file.replace(/yaml$/, "xlsx"), fileResolver());
    expect(back).toEqual(await loadScenario(file));

    const wrong = await edit(bytes, (wb) => {
      wb.getWorksheet("Remove")!.getRow(2).getCell(2).value = "keep-casino";
    });
    await expect(parseScenarioText(wrong, file.replace(/yaml$/, "xlsx"), fileResolver())).rejects.toThrow(
      "tariff-shock.xlsx: Remove!B2: entry: cannot remove 'keep-casino': the base has no such entry in policies — did you mean 'keep-cassino'?",
    );
  });

  it("the oracle's 350 random scenarios", async () => {
    for (let seed = 1; seed <= 350; seed++) {
      const scenario = randomScenario(seed, { dense: seed % 2 === 0 });
      // schema level: random scenarios are not all reference-clean (volumes outside the horizon on purpose)
      const doc = readScenarioWorkbook(await scenarioWorkbookBytes(scenario), `random-${seed}.xlsx`);
      expect(doc.issues, `seed ${seed}`).toEqual([]);
      expect(Scenario.parse(doc.data), `seed ${seed}`).toEqual(scenario);
    }
  });

  it("values that are awkward in a spreadsheet", async () => {
    const { extends: _, ...base } = await loadScenario(BASE);
    const awkward: Scenario = {
      ...base,
      description: "Line one\nline two, with a comma; a semicolon: and “quotes” — ünïcode\n",
      plants: base.plants.map((p, i) =>
        i === 0
          ? {
              ...p,
              name: "  Cassino (FR)  ",
              owner: "=SUM(A1)",
              capacityPerShift: 0.1 + 0.2,
              fixedCost: 1e-7,
              shiftCost: 12345678901.5,
            }
          : p,
      ),
      demand: base.demand.map((d, i) => (i === 1 ? { ...d, priceByMarket: {} } : d)),
      sources: [{ ...base.sources[0]!, title: "A, B and C", date: "2024-05" }],
    };
    const back = await parseScenarioText(
      await scenarioWorkbookBytes(awkward),
      "awkward.xlsx",
      fileResolver(),
    );
    expect(back).toEqual(awkward);
  });
});

describe("what people do to spreadsheets, read deliberately", () => {
  it("numbers typed as text with thousands separators or as percentages, and empty rows", async () => {
    const base = await exportScenario(BASE);
    const changed = await edit(base, (wb) => {
      cellAt(wb, "Plants", "cassino", "capacity per shift").value = "50,000";
      cellAt(wb, "Plants", "belvidere", "fixed cost").value = "60 000 000";
      cellAt(wb, "Duties", "us-import", "rate").value = "15%";
      wb.getWorksheet("Plants")!.insertRow(3, []); // an empty row between two plants
    });
    expect(await problems(changed)).toEqual([]);
    const s = await parseScenarioText(changed, "net.xlsx", fileResolver());
    expect(s.plants.map((p) => p.id)).toEqual(["cassino", "belvidere"]);
    expect(s.plants[0]!.capacityPerShift).toBe(50000);
    expect(s.plants[1]!.fixedCost).toBe(60_000_000);
    expect(s.duties[0]!.rate).toBe(0.15);
  });

  it("formulas give their cached value; a range merged down a column gives every row its value", async () => {
    const base = await exportScenario(BASE);
    const changed = await edit(base, (wb) => {
      cellAt(wb, "Plants", "cassino", "max shifts").value = { formula: "1+2", result: 3 } as never;
      const plants = wb.getWorksheet("Plants")!;
      cellAt(wb, "Plants", "belvidere", "max shifts").value = null;
      plants.mergeCells("K2:K3"); // both plants: the value of the top cell
    });
    const s = await parseScenarioText(changed, "net.xlsx", fileResolver());
    expect(s.plants.map((p) => p.maxShifts)).toEqual([3, 3]);
  });

  it("dates in a text column, hidden sheets, other sheets and headers in other words", async () => {
    const base = await exportScenario(BASE);
    const changed = await edit(base, (wb) => {
      cellAt(wb, "Sources", "assumptions", "date").value = new Date(Date.UTC(2024, 4, 1));
      wb.getWorksheet("Regions")!.state = "hidden";
      wb.addWorksheet("My notes").addRow(["anything", 1, 2]);
      wb.getWorksheet("Plants")!.getRow(1).getCell(10).value = "capacityPerShift";
    });
    expect(await problems(changed)).toEqual([]);
    const s = await parseScenarioText(changed, "net.xlsx", fileResolver());
    expect(s.sources[0]!.date).toBe("2024-05-01");
    expect(s.regions).toEqual({ eu: ["IT", "DE", "FR"] });
  });
});
