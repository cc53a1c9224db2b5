import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileResolver, loadScenario, parseScenarioText } from "../../src/domain/load.js";
import { planWorkbookBytes } from "../../src/analysis/plan-workbook.js";
import { solveScenario } from "../../src/plan/solve.js";
import { TINY_SCENARIO } from "../fixtures/tiny-scenario.js";
import { exportScenario } from "./workbooks.js";

/**
 * Compatibility with a second, independent xlsx implementation: LibreOffice Calc (headless) opens what Portello
 * writes, and Portello reads what LibreOffice writes. scripts/install-system-deps.sh installs it; without it
 * these tests fail rather than skip.
 */

const dir = mkdtempSync(join(tmpdir(), "portello-lo-"));
const profile = `file://${join(dir, "profile")}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function soffice(...args: string[]) {
  const result = spawnSync(
    "soffice",
    ["--headless", "--norestore", `-env:UserInstallation=${profile}`, ...args],
    {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  if (result.error)
    throw new Error(`soffice cannot run (${result.error.message}): run scripts/install-system-deps.sh`);
  if (result.status !== 0) throw new Error(`soffice failed: ${result.stderr}`);
  return result;
}

describe("LibreOffice", () => {
  beforeAll(async () => {
    expect(execFileSync("soffice", ["--version"], { encoding: "utf8" })).toMatch(/^LibreOffice \d+/);
    writeFileSync(join(dir, "alfa.xlsx"), await exportScenario("builtin:alfa/base"));
  });

  it("opens Portello's workbook: every sheet converts to CSV with the values written", async () => {
    // -1: every sheet to its own file, alfa-<Sheet>.csv (LibreOffice ≥ 7.2)
    soffice(
      "--convert-to",
      "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
      "--outdir",
      "csv",
      "alfa.xlsx",
    );
    const files = readdirSync(join(dir, "csv")).sort();
    expect(files).toEqual(
      [
        "Citations",
        "Demand",
        "Duties",
        "Fx",
        "Lanes",
        "Markets",
        "Parts duties",
        "Plants",
        "Policies",
        "Programs",
        "README",
        "Regions",
        "Settings",
        "Sources",
        "Transport modes",
      ].map((s) => `alfa-${s}.csv`),
    );
    const scenario = await loadScenario("builtin:alfa/base");
    const plants = readFileSync(join(dir, "csv", "alfa-Plants.csv"), "utf8")
      .trim()
      .split("\n");
    expect(plants[0]).toMatch(/^id,name,/);
    expect(plants.slice(1).map((line) => line.split(",")[0])).toEqual(scenario.plants.map((p) => p.id));
    const settings = readFileSync(join(dir, "csv", "alfa-Settings.csv"), "utf8");
    expect(settings).toContain(`id,${scenario.id},`);
  });

  it("reads back the workbook LibreOffice writes from Portello's, and one LibreOffice wrote from its own format", async () => {
    const { extends: _, ...scenario } = await loadScenario("builtin:alfa/base");
    soffice("--convert-to", "xlsx", "--outdir", "resaved", "alfa.xlsx");
    const resaved = readFileSync(join(dir, "resaved", "alfa.xlsx"));
    expect(await parseScenarioText(resaved, "resaved.xlsx", fileResolver())).toEqual(scenario);

    // through LibreOffice's native format: the xlsx written last holds nothing of Portello's writer
    soffice("--convert-to", "ods", "--outdir", "ods", "alfa.xlsx");
    soffice("--convert-to", "xlsx", "--outdir", "native", join("ods", "alfa.ods"));
    const native = readFileSync(join(dir, "native", "alfa.xlsx"));
    expect(await parseScenarioText(native, "native.xlsx", fileResolver())).toEqual(scenario);
  });

  it("opens a plan workbook: its summary converts with the plan's NPV", async () => {
    const plan = await solveScenario(await parseScenarioText(TINY_SCENARIO, "tiny.yaml", fileResolver()), {
      explain: false,
    });
    writeFileSync(join(dir, "plan.xlsx"), await planWorkbookBytes(plan));
    soffice("--convert-to", "csv", "--outdir", "plan", "plan.xlsx"); // the first sheet: Summary
    const summary = readFileSync(join(dir, "plan", "plan.csv"), "utf8");
    expect(summary).toContain("scenario,tiny");
    const npv = summary.split("\n").find((line) => line.startsWith("NPV"));
    // LibreOffice writes the value to 15 significant digits
    expect(Number(npv?.split(",")[1])).toBeCloseTo(plan.npv, 3);
  });
});
