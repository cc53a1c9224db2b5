import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { cellAt, edit } from "../excel/workbooks.js";
import { screenshot, type World, worldForFile } from "./harness.js";

/**
 * The spreadsheet journey in real Chromium against a real server: download a version as a workbook, fill it
 * in with a mistake, upload it and see the cell named, fix it, save it as a version, run it, download the
 * plan as a workbook.
 */

const world = worldForFile();
const dir = mkdtempSync(join(tmpdir(), "portello-browser-xlsx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BELVIDERE = "Reopen Belvidere for the E-segment";

describe("a scenario through Excel", () => {
  it("uploads a workbook with an error, sees the cell, fixes it, saves, runs and downloads the plan", async () => {
    const { page } = world();
    await page.goto("/#/scenarios");
    await page.getByRole("link", { name: BELVIDERE }).click();
    await page.getByRole("status").filter({ hasText: "Valid" }).waitFor();

    // the version as a workbook: only its differences from the base it extends
    const downloaded = await download(
      page,
      page.getByRole("link", { name: "Only its differences from the base" }),
    );
    const original = readFileSync(downloaded);

    // a mistake typed into the plants sheet: the upload is refused and the cell is named
    const wrong = join(dir, "wrong.xlsx");
    writeFileSync(
      wrong,
      await edit(original, (wb) => {
        cellAt(wb, "Plants", "belvidere", "capacity per shift").value = "eighty thousand";
      }),
    );
    const upload = page.getByLabel("Upload a filled-in workbook as the next version");
    await upload.setInputFiles(wrong);
    const problems = page.getByRole("list", { name: "Workbook problems" });
    await problems.waitFor();
    const problem = (await problems.getByRole("listitem").first().textContent()) ?? "";
    expect(problem).toContain("Plants!J2");
    expect(problem).toContain("capacity per shift");
    expect(problem).toContain('found the text "eighty thousand"');
    await page.getByRole("alert").filter({ hasText: "The workbook was not saved" }).waitFor();
    await screenshot(page, "20-workbook-cell-named");
    expect(await page.getByText("Version 1 of 1").count()).toBe(1);

    // fixed (and a real change: a later reopening), it becomes version 2
    const fixed = join(dir, "fixed.xlsx");
    writeFileSync(
      fixed,
      await edit(original, (wb) => {
        cellAt(wb, "Plants", "belvidere", "capacity per shift").value = 80000;
        cellAt(wb, "Plants", "belvidere", "earliest year").value = 2030;
      }),
    );
    await upload.setInputFiles(fixed);
    await page.getByText("Version 2 of 2").waitFor();
    expect(await page.getByLabel("Scenario text (YAML)").inputValue()).toContain("earliestYear: 2030");

    // run it, open the results, download the plan as a workbook
    await page.getByRole("button", { name: "Run version 2" }).click();
    await page
      .getByLabel("Status", { exact: true })
      .filter({ hasText: "Done" })
      .waitFor({ timeout: 240_000 });
    await page.getByRole("link", { name: "See the results" }).click();
    await page.getByRole("heading", { name: "NPV waterfall" }).waitFor();
    const plan = await download(
      page,
      page.getByRole("link", { name: "Download the plan as a workbook (.xlsx)" }),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(plan) as unknown as ExcelJS.Buffer);
    expect(workbook.getWorksheet("Summary")!.getCell("B3").value).toBe(BELVIDERE);
    expect(workbook.getWorksheet("Plant years")!.getColumn(1).values).toContain("belvidere");
    await screenshot(page, "21-plan-workbook-downloaded");
  }, 300_000);
});

async function download(page: World["page"], link: ReturnType<World["page"]["getByRole"]>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}
