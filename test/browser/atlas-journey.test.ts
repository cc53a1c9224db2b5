import { describe, expect, it } from "vitest";
import { screenshot, worldForFile } from "./harness.js";

/** The atlas in real Chromium: the map, a plant's answer with its sources, the conflicts. */

const world = worldForFile();

describe("atlas", () => {
  it("opens the atlas, clicks Cassino on the map and reads that it builds Giulia and Stelvio", async () => {
    const { page } = world();
    await page.goto("/#/atlas");
    await page.getByRole("spinbutton", { name: "Year" }).fill("2026");
    const map = page.getByRole("img", { name: /^Atlas map/ });
    await map.getByRole("button", { name: /Cassino/ }).click();

    const details = page.getByRole("region", { name: "Plant details" });
    await details.getByRole("heading", { name: /Cassino/ }).waitFor();
    const builds = details.getByRole("list", { name: "Builds in 2026" });
    const built = await builds.getByRole("listitem").allTextContents();
    expect(built.some((t) => /Giulia/.test(t))).toBe(true);
    expect(built.some((t) => /Stelvio/.test(t))).toBe(true);
    // every line names its sources
    expect(await builds.getByRole("link").count()).toBeGreaterThanOrEqual(2);
    // its history and a conflict about it, with both sides
    await details.getByRole("table", { name: "History" }).waitFor();
    await page.getByRole("region", { name: "Conflicts" }).getByRole("article").first().waitFor();
    expect(page.url()).toMatch(/#\/atlas\/plant\/cassino$/);
    // every atlas plant with coordinates is on the map, the unlocated ones are listed beside it
    for (const name of ["Portello", "Arese", "Melfi", "Toluca", "Belvidere", "Spartanburg"]) {
      expect(await map.getByRole("button", { name: new RegExp(name) }).count(), name).toBe(1);
    }
    const unlocated = page.getByRole("list", { name: "Plants without coordinates" });
    expect(await unlocated.getByRole("button", { name: /Touring/ }).count()).toBe(1);
    await screenshot(page, "00-atlas-cassino");
  }, 120_000);

  it("2009 as the reference gives it: the MiTo built; the 159, 147, GT and 156 at Pomigliano with their dates not fully sourced", async () => {
    const { page } = world();
    await page.goto("/#/atlas");
    await page.getByRole("spinbutton", { name: "Year" }).fill("2009");
    const search = page.getByRole("region", { name: "Where is it made?" });
    await search.getByRole("textbox", { name: "Brand, model or plant" }).fill("Alfa Romeo");
    await search.getByRole("button", { name: "Ask" }).click();
    const built = search.getByRole("list", { name: "Built in 2009", exact: true });
    await built.waitFor();
    const builtRows = await built.getByRole("listitem").allTextContents();
    // FACTS.md §1.9: MiTo at Mirafiori 2008–2018, Brera/Spider at Pininfarina to 2010
    expect(builtRows.some((t) => /MiTo at Mirafiori/.test(t))).toBe(true);
    expect(builtRows.some((t) => /Brera/.test(t))).toBe(true);
    const possibly = search.getByRole("list", {
      name: "Dates not fully sourced (may have been built in 2009)",
    });
    const possibleRows = await possibly.getByRole("listitem").allTextContents();
    // FACTS.md §1.3: Alfa production at Pomigliano ended with the 159 in Oct 2011; the 147, GT and 156 built there
    const at = (model: string) => possibleRows.find((t) => t.includes(`${model} at Pomigliano`));
    expect(at("Alfa Romeo 159")).toMatch(/until 2011-10 \(start not sourced\)/);
    for (const model of ["Alfa Romeo 147", "Alfa Romeo GT", "Alfa Romeo 156"])
      expect(at(model), model).toBeDefined();
    // no row without its sources
    expect(await possibly.getByRole("link").count()).toBeGreaterThanOrEqual(possibleRows.length);
    // the map agrees: Pomigliano may have built Alfa Romeos in 2009; Cassino (Fiat then) did not
    const map = page.getByRole("img", { name: /^Atlas map/ });
    await map.getByRole("button", { name: /Pomigliano/ }).click();
    const details = page.getByRole("region", { name: "Plant details" });
    const plantPossibly = details.getByRole("list", {
      name: "Dates not fully sourced (may have been built in 2009)",
    });
    await plantPossibly.waitFor();
    expect((await plantPossibly.getByRole("listitem").allTextContents()).some((t) => /159/.test(t))).toBe(
      true,
    );
    await screenshot(page, "01-atlas-2009");
  }, 120_000);
});
