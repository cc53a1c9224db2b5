import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { shapeOf, workbookLayout } from "../../src/domain/formats/xlsx/layout.js";
import { Scenario } from "../../src/domain/scenario.js";
import { ScenarioPatch } from "../../src/domain/scenario-patch.js";
import { defOf, unwrap } from "../../src/domain/schema-path.js";

/**
 * The workbook's sheets and columns come from the schema: every field of the scenario language has a place
 * (a Settings row, a sheet, a column, or Citations), so a field added to the schema is never dropped on export.
 */

describe("the workbook layout covers the whole schema", () => {
  for (const [name, schema, patch] of [
    ["full scenarios", Scenario, false],
    ["patches", ScenarioPatch, true],
  ] as const)
    it(name, () => {
      const layout = workbookLayout(patch);
      const placed = new Set([
        ...layout.settings.map((s) => s.path[0]),
        ...layout.entities.map((t) => t.list[0]),
        ...layout.keyed.map((t) => t.map[0]),
        "cite",
        "remove",
      ]);
      expect(Object.keys(shapeOf(schema)).filter((field) => !placed.has(field))).toEqual([]);
      for (const table of layout.entities) {
        const list = table.list.reduce((s, k) => shapeOf(s)[k]!, schema as z.core.$ZodType);
        const fields = Object.keys(shapeOf(defOf(unwrap(list).schema).element!));
        expect(fields.length, table.sheet).toBeGreaterThan(1);
        const columns = new Set(table.columns.map((c) => c.path[0]));
        expect(
          fields.filter((f) => f !== "cite" && !columns.has(f)),
          table.sheet,
        ).toEqual([]);
      }
    });
});
