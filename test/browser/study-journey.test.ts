import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS, { type CellValue } from "exceljs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { withInterval } from "../../src/analysis/parameters.js";
import type { StudyReport } from "../../src/study/report.js";
import { screenshot, worldForFile } from "./harness.js";
import { alfaStudySpec } from "./study-specs.js";

/**
 * The study page: a small study of two Alfa options is started from the page, its progress followed over
 * server-sent events, and its report read — the headline probability, the histograms, the samples — against the
 * report the API returns. Real solves on the server's pool of worker threads.
 */

const world = worldForFile();

const STUDY = alfaStudySpec({
  id: "browser-study",
  question: "Does a dual-sourced Belvidere beat Italy when the dollar moves?",
  parameters: ["dollar"],
  methods: "{ monteCarlo: { samples: 8 } }",
});

/** Near the dollar's break-even, solved within 5 %: HiGHS stops with bounds that leave some samples open. */
const GAPPED = alfaStudySpec({
  id: "browser-study-gapped",
  question: "Near the break-even and solved within a gap, which samples do the solves settle?",
  parameters: ["dollar-near-break-even"],
  methods: "{ monteCarlo: { samples: 6 } }",
  mipRelGap: 0.05,
});

/** Starts a study from the studies page with `samples` Monte Carlo samples. */
async function startStudy(page: Page, spec: string, samples: number): Promise<void> {
  await page.goto("/#/studies");
  await page.getByRole("heading", { name: "Studies", exact: true }).waitFor();
  const form = page.getByRole("form", { name: "New study" });
  await form.getByRole("textbox").fill(spec);
  await form.getByRole("spinbutton").fill(String(samples));
  await form.getByRole("button", { name: "Start study" }).click();
}

describe("the study page", () => {
  it("starts a study, shows its progress, then the win probability, histograms and samples", async () => {
    const { page } = world();
    await startStudy(page, STUDY, 6);

    // the study's page follows it: progress while it runs, the report when it is done
    await page.getByRole("region", { name: "Progress" }).waitFor();
    const status = page.getByLabel("Study status");
    await status.waitFor();
    const answer = page.getByRole("region", { name: "Answer under uncertainty" });
    await answer.waitFor({ timeout: 240_000 });
    expect(await status.textContent()).toBe("succeeded");
    const studyId = decodeURIComponent(page.url().split("/").at(-1)!);
    const study = (await (await page.request.get(`/api/studies/${studyId}`)).json()) as {
      done: number;
      total: number;
    };
    // the baseline and six samples, two options each
    expect(study).toMatchObject({ done: 14, total: 14 });
    expect(await page.getByLabel("Solves done").textContent()).toBe("14 of 14");

    const report = (await (await page.request.get(`/api/studies/${studyId}/report`)).json()) as StudyReport;
    const mc = report.monteCarlo!;
    expect(mc.samples).toBe(6);
    const shown = await page.getByLabel("Probability of the headline answer").textContent();
    expect(shown).toBe(`${(mc.headline!.probability * 100).toFixed(1)}%`);
    expect(await answer.textContent()).toContain(`In ${mc.complete} of 6 samples solved to optimality`);

    // win probabilities, one histogram per option, and every sample in the table
    await page.getByRole("img", { name: "Probability of being the best option" }).waitFor();
    const histograms = page.getByRole("img", { name: "NPV distribution of each option (shared bins)" });
    expect(await histograms.locator("g[aria-label^='NPV histogram of']").count()).toBe(2);
    const bars = await histograms.locator("rect").count();
    expect(bars).toBe(2 * mc.histogram.bins);
    const samples = page.getByRole("table", { name: "Samples table" });
    expect(await samples.getByRole("row").count()).toBe(7); // header + six samples
    const winners = mc.draws.map((d) => report.options.find((o) => o.id === d.winner)!.label);
    expect(await samples.locator("tbody tr td:last-child").allTextContents()).toEqual(winners);
    await screenshot(page, "60-study");

    // the list shows it, finished
    await page.goto("/#/studies");
    const list = page.getByRole("table", { name: "Studies" });
    await list.waitFor();
    expect(await list.textContent()).toContain(
      "Does a dual-sourced Belvidere beat Italy when the dollar moves?",
    );
  });

  it("shows what the solves prove where a gap leaves samples open: intervals, and winners not proven", async () => {
    const { page } = world();
    await startStudy(page, GAPPED, 6);
    const answer = page.getByRole("region", { name: "Answer under uncertainty" });
    await answer.waitFor({ timeout: 240_000 });
    const studyId = decodeURIComponent(page.url().split("/").at(-1)!);
    const report = (await (await page.request.get(`/api/studies/${studyId}/report`)).json()) as StudyReport;
    const mc = report.monteCarlo!;
    expect(mc.undecided).toBeGreaterThan(0);
    const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
    const [least, most] = mc.headline!.probabilityRange;
    expect(await answer.textContent()).toContain(
      `The solves' gaps leave ${mc.undecided} samples undecided: the solves prove ${pct(least)} and do not rule out ${pct(most)}.`,
    );
    // P(best) with its interval, as the report gives it
    const options = page.getByRole("table", { name: "Options compared" });
    const cells = await options.locator("tbody tr td:nth-child(3)").allTextContents();
    expect(cells).toEqual(
      mc.options.map((o) => withInterval(o.probabilityBest, o.probabilityBestRange, pct)),
    );
    expect(cells.some((c) => c.includes("–"))).toBe(true);
    // each sample's winner, marked where the solves do not prove it
    const samples = page.getByRole("table", { name: "Samples table" });
    const winners = mc.draws.map(
      (d) =>
        `${report.options.find((o) => o.id === d.winner)!.label}${d.winnerProven ? "" : " (not proven)"}`,
    );
    expect(await samples.locator("tbody tr td:last-child").allTextContents()).toEqual(winners);
    expect(winners.filter((w) => w.endsWith("(not proven)"))).toHaveLength(mc.undecided);
    await screenshot(page, "61-study-gapped");

    // the report as a workbook: the samples with their bounds and whether the solves prove the best
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download the report as a workbook (.xlsx)" }).click(),
    ]);
    const path = join(mkdtempSync(join(tmpdir(), "portello-study-xlsx-")), file.suggestedFilename());
    await file.saveAs(path);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(path) as unknown as ExcelJS.Buffer);
    const rows = workbook.getWorksheet("Samples")!.getSheetValues().slice(2) as CellValue[][];
    expect(rows.map((row) => row.at(-1))).toEqual(mc.draws.map((d) => (d.winnerProven ? "yes" : "no")));
  });
});
