import { describe, expect, it } from "vitest";
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

describe("the study page", () => {
  it("starts a study, shows its progress, then the win probability, histograms and samples", async () => {
    const { page } = world();
    await page.goto("/#/studies");
    await page.getByRole("heading", { name: "Studies", exact: true }).waitFor();
    const form = page.getByRole("form", { name: "New study" });
    await form.getByRole("textbox").fill(STUDY);
    await form.getByRole("spinbutton").fill("6");
    await form.getByRole("button", { name: "Start study" }).click();

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
});
