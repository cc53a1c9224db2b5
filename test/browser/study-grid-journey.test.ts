import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { StudyReport } from "../../src/study/report.js";
import { money } from "../../web/src/lib/format.js";
import { screenshot, worldForFile } from "./harness.js";
import { alfaStudySpec } from "./study-specs.js";

/**
 * Grid sweeps on the study page: a small grid study of two Alfa options is started from the page and its report
 * read — the winner of every cell (a heat table for two parameters, a line per option and a winner strip for
 * one), where each option wins, every point's NPVs — against the report the API returns. Real solves on the
 * server's pool of worker threads.
 */

const world = worldForFile();

function gridStudy(id: string, parameters: ("dollar" | "e-demand")[], steps: number): string {
  return alfaStudySpec({
    id,
    question: `Where does a dual-sourced Belvidere beat Italy as the dollar and E-segment demand move (${id})?`,
    parameters,
    methods: `{ grid: { parameters: [${parameters.join(", ")}], steps: ${steps}, low: 0, high: 1 } }`,
  });
}

/** Starts the study from the studies page and waits for its grid; returns the report the API gives. */
async function runGrid(page: Page, spec: string): Promise<StudyReport> {
  await page.goto("/#/studies");
  const form = page.getByRole("form", { name: "New study" });
  await form.getByRole("textbox").fill(spec);
  await form.getByRole("button", { name: "Start study" }).click();
  await page.getByRole("region", { name: "Grid sweep" }).waitFor({ timeout: 240_000 });
  expect(await page.getByLabel("Study status").textContent()).toBe("succeeded");
  const studyId = decodeURIComponent(page.url().split("/").at(-1)!);
  return (await (await page.request.get(`/api/studies/${studyId}/report`)).json()) as StudyReport;
}

const labelOf = (report: StudyReport, id: string | null) =>
  id === null ? "—" : report.options.find((o) => o.id === id)!.label;

describe("a grid sweep on the study page", () => {
  it("shows the winner of each cell of a two-parameter grid, and every point's NPVs", async () => {
    const { page } = world();
    const report = await runGrid(page, gridStudy("grid-two", ["dollar", "e-demand"], 3));
    const grid = report.grid!;
    expect(grid.points).toHaveLength(9);
    expect(grid.points.every((p) => p.winner !== null)).toBe(true);

    // the heat table: dollar down, demand across, the winner in each cell
    const heat = page.getByRole("table", { name: "Winning option by grid cell" });
    const dollars = [...new Set(grid.points.map((p) => p.values.dollar!))].sort((a, b) => a - b);
    const demands = [...new Set(grid.points.map((p) => p.values["e-demand"]!))].sort((a, b) => a - b);
    expect(await heat.locator("tbody tr").count()).toBe(dollars.length);
    const cells = await heat.locator("tbody td").allTextContents();
    const expected = dollars.flatMap((d) =>
      demands.map((e) =>
        labelOf(report, grid.points.find((p) => p.values.dollar === d && p.values["e-demand"] === e)!.winner),
      ),
    );
    expect(cells).toEqual(expected);

    // where each option wins, counted over the points
    const wins = await page
      .getByRole("list", { name: "Where each option wins" })
      .getByRole("listitem")
      .allTextContents();
    for (const option of report.options) {
      const count = grid.points.filter((p) => p.winner === option.id).length;
      expect(wins).toContain(`${option.label} is best at ${count} of 9 points`);
    }

    // every point with both NPVs, as the report has them
    const table = page.getByRole("table", { name: "Grid points" });
    expect(await table.locator("tbody tr").count()).toBe(9);
    const firstRow = await table.locator("tbody tr").first().locator("td").allTextContents();
    const first = grid.points[0]!;
    expect(firstRow).toHaveLength(2 + 2 + 1 + 1);
    expect(firstRow[4]).toBe(labelOf(report, first.winner));
    expect(firstRow.slice(2, 4)).toEqual([money(first.npv.italy!), money(first.npv.belvidere!)]);
    expect(firstRow[5]).toBe(money(first.lead!));
    await screenshot(page, "61-study-grid-two");
  });

  it("draws each option's NPV over a one-parameter sweep, with the winner at each value", async () => {
    const { page } = world();
    const report = await runGrid(page, gridStudy("grid-one", ["e-demand"], 4));
    const grid = report.grid!;
    expect(grid.points).toHaveLength(4);

    const chart = page.getByRole("img", { name: "NPV of each option over E-segment demand" });
    await chart.waitFor();
    for (const option of report.options) {
      const line = chart.locator(`g[aria-label='NPV line of ${option.label}']`);
      expect(await line.locator("circle").count()).toBe(4);
    }
    const strip = chart.locator("g[aria-label='Winner at each value'] rect");
    expect(await strip.count()).toBe(4);
    const sorted = [...grid.points].sort((a, b) => a.values["e-demand"]! - b.values["e-demand"]!);
    const titles = await strip.locator("title").allTextContents();
    expect(titles.map((t) => t.split(": ")[1])).toEqual(
      sorted.map((p) => `${labelOf(report, p.winner)} wins`),
    );
    // the winner list names the values each option wins at
    const wins = await page
      .getByRole("list", { name: "Where each option wins" })
      .getByRole("listitem")
      .allTextContents();
    const winner = sorted[0]!.winner!;
    expect(wins.find((w) => w.startsWith(labelOf(report, winner)))).toMatch(/is best at \d of 4 points: ×/);
    await screenshot(page, "62-study-grid-one");
  });
});
