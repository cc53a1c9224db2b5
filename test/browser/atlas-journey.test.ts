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
});
