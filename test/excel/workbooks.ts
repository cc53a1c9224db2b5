import ExcelJS from "exceljs";
import { ValidationError, formatIssue } from "../../src/domain/issues.js";
import { scenarioWorkbookBytes } from "../../src/domain/formats/xlsx/write.js";
import { fileResolver, loadScenario, parseScenarioText } from "../../src/domain/load.js";

/** Helpers for workbook tests: export a scenario, change a workbook the way a user would, read the problems. */

export const BASE = "test/fixtures/scenarios/valid/base.yaml";

/** The resolved scenario as a workbook (without `extends`: a complete scenario). */
export async function exportScenario(pathOrBuiltin: string): Promise<Uint8Array> {
  const { extends: _, ...resolved } = await loadScenario(pathOrBuiltin);
  return scenarioWorkbookBytes(resolved);
}

/** Opens a workbook with exceljs's own reader (an implementation independent of Portello's), changes it, saves it. */
export async function edit(
  bytes: Uint8Array,
  change: (workbook: ExcelJS.Workbook) => void,
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  change(workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** The cell of a sheet in the column headed `header` (its words, without the unit) and the row whose first cell is `key`. */
export function cellAt(workbook: ExcelJS.Workbook, sheet: string, key: string, header: string): ExcelJS.Cell {
  const ws = workbook.getWorksheet(sheet);
  if (!ws) throw new Error(`no sheet ${sheet}`);
  let column = 0;
  ws.getRow(1).eachCell((cell, c) => {
    if (String(cell.value).replace(/\s*\(.*\)$/, "") === header) column = c;
  });
  if (!column) throw new Error(`no column ${header} in ${sheet}`);
  let row = 0;
  ws.eachRow((r, n) => {
    if (n > 1 && !row && String(r.getCell(1).value) === key) row = n;
  });
  if (!row) throw new Error(`no row ${key} in ${sheet}`);
  return ws.getRow(row).getCell(column);
}

/** Every problem of a workbook as printed by the CLI, or [] when it is valid. */
export async function problems(bytes: Uint8Array, file = "net.xlsx"): Promise<string[]> {
  try {
    await parseScenarioText(bytes, file, fileResolver());
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map(formatIssue);
    throw error;
  }
}
