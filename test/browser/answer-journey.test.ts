import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/analysis/question.js";
import { saveAnswer } from "../../src/cli/commands/demo-save.js";
import { loadQuestionCase } from "../../src/domain/question.js";
import { screenshot, worldForFile } from "./harness.js";

/**
 * The app opens on the answer: a small question case (two options of the Alfa Romeo case, one parameter
 * searched) is answered by real solves and stored as `portello demo --save` stores it; Chromium reads it.
 */

const world = worldForFile();
let runs: Record<string, string> = {};

beforeAll(async () => {
  const answer = await answerQuestion(await loadQuestionCase("test/fixtures/cases/alfa-small.yaml"));
  runs = (await saveAnswer(world().server.store, answer)).runs;
}, 300_000);

/** Pairs of map labels whose boxes overlap, as the browser lays them out. */
async function overlappingLabels(page: Page, map: string): Promise<string[]> {
  const labels = await page.locator(`svg[aria-label^="${map}"] text.map-label`).all();
  const boxes = await Promise.all(
    labels.map(async (l) => ({ text: (await l.textContent()) ?? "", box: (await l.boundingBox())! })),
  );
  if (boxes.length === 0) return ["no labels found"];
  const clash: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!.box, boxes[j]!.box];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        clash.push(`${boxes[i]!.text} / ${boxes[j]!.text}`);
    }
  return clash;
}

describe("the answer page", () => {
  it("opens on the answer: options compared with their plans, break-evens and caveats", async () => {
    const { page } = world();
    await page.goto("/");
    await page.getByRole("heading", { name: /Should the E-segment car be built in the US/ }).waitFor();
    const answer = page.getByRole("region", { name: "Answer" });
    expect(await answer.textContent()).toMatch(/the best option, "[^"]+", builds the E-segment/);

    const options = page.getByRole("table", { name: "Options compared" });
    expect(await options.getByRole("row").count()).toBe(3); // header + two options
    expect(await options.getByRole("link", { name: "plan" }).count()).toBe(2);
    const breakEvens = page.getByRole("table", { name: "Break-evens" });
    expect(await breakEvens.getByRole("rowheader", { name: "Belvidere Alfa line cost" }).count()).toBe(1);
    expect(await breakEvens.textContent()).toMatch(
      /holds at (€|USD )[\d.]+m, flips at (€|USD )[\d.]+m|no flip in/,
    );
    expect(await page.getByRole("list", { name: "Caveats" }).getByRole("listitem").count()).toBe(1);
    await screenshot(page, "10-answer");

    // each option's plan is a stored run: the link opens its results
    await options.getByRole("link", { name: "plan" }).first().click();
    await page.getByRole("heading", { name: "NPV waterfall" }).waitFor();
    expect(Object.values(runs)).toContain(page.url().split("/").at(-1));
  }, 180_000);

  it("lists the demo's runs among the runs", async () => {
    const { page } = world();
    await page.goto("/#/runs");
    const table = page.getByRole("table");
    await table.waitFor();
    expect(await table.getByRole("link", { name: "results" }).count()).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("keeps map labels apart: Pomigliano and Melfi in the atlas, Italy and Rest of Europe on the flow map", async () => {
    const { page } = world();
    await page.goto("/#/atlas");
    await page.getByRole("button", { name: /Melfi/ }).first().waitFor();
    await screenshot(page, "11-atlas-labels");
    expect(await overlappingLabels(page, "Atlas map")).toEqual([]);

    await page.goto(`/#/results/${runs["alfa/reopen-belvidere-multi-source"]}`);
    await page.getByRole("img", { name: /^Flows from plants/ }).waitFor();
    for (const view of ["Fit", "Europe", "World"]) {
      await page.getByRole("button", { name: view, exact: true }).first().click();
      expect(await overlappingLabels(page, "Flows from plants"), view).toEqual([]);
    }
  }, 120_000);
});
