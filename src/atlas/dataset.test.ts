import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../domain/issues.js";
import { findConflicts } from "./conflicts.js";
import { judges, selectClaims } from "./disputes.js";
import { BUILT_IN_ATLAS, loadAtlas } from "./load.js";
import { listSources } from "./sources.js";
import { builtInIndex } from "./test-helpers.js";

describe("the built-in Alfa Romeo atlas", () => {
  it("passes its own validator", async () => {
    await expect(loadAtlas()).resolves.toMatchObject({ title: "Alfa Romeo production network" });
  });

  it("cites, for every plant, program, ownership fact and claim, sources that exist", async () => {
    const index = await builtInIndex();
    const cited: string[][] = [
      ...[...index.plants.values()].map((p) => p.sources),
      ...[...index.programs.values()].map((p) => p.sources),
      ...[...index.brands.values()].map((b) => b.sources),
      ...[...index.groups.values()].map((g) => g.sources),
      ...index.claims.map((c) => c.sources),
    ];
    const missing = cited.flat().filter((id) => !index.sources.has(id));
    expect(missing).toEqual([]);
    const ownership = index.claims.filter((c) => c.property === "owner");
    expect(ownership.length).toBeGreaterThan(10);
    for (const claim of ownership) expect(claim.sources.length).toBeGreaterThan(0);
  });

  it("holds the plants the scenarios refer to, and every plant has a status or a location claim", async () => {
    const index = await builtInIndex();
    for (const id of [
      "cassino",
      "pomigliano",
      "belvidere",
      "toluca",
      "melfi",
      "tychy",
      "mirafiori",
      "portello",
      "arese",
    ])
      expect(index.plants.has(id), id).toBe(true);
    for (const plant of index.plants.values()) {
      const about = index.claims.filter((c) => c.subject === `plant:${plant.id}` && c.origin !== "derived");
      expect(about.length, plant.id).toBeGreaterThan(0);
    }
  });

  it("cites every source it lists at least once", async () => {
    const unused = listSources(await builtInIndex()).filter(
      (u) => u.claims + u.entities + u.judgements === 0,
    );
    expect(unused.map((u) => u.source.id)).toEqual([]);
  });

  it("keeps the seed articles as undated or approximately dated sources with their file names", async () => {
    const index = await builtInIndex();
    expect(index.sources.get("seed-000")).toMatchObject({ kind: "seed-article", date: "n.d." });
    expect(index.sources.get("seed-001")).toMatchObject({ kind: "seed-article", dateIsApproximate: true });
    expect(index.sources.get("seed-000")!.url).toMatch(/^000_.*\.txt$/);
  });
});

describe("atlas validation", () => {
  async function brokenCopy(edit: (text: string) => string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "portello-atlas-"));
    const file = join(dir, "atlas.yaml");
    await writeFile(file, edit(await readFile(BUILT_IN_ATLAS, "utf8")));
    return file;
  }

  it("names the line and suggests the source id when a fact cites a source that does not exist", async () => {
    const file = await brokenCopy((t) =>
      t.replace("sources: [epoca-2023], note:", "sources: [epoca-2032], note:"),
    );
    const error = await loadAtlas(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const [issue] = (error as ValidationError).issues;
    expect(issue?.line).toBeGreaterThan(1);
    expect(issue?.message).toMatch(/epoca-2023/);
  });

  it("rejects a producedAt claim naming an unknown plant and an unknown property", async () => {
    const file = await brokenCopy((t) =>
      t
        .replace("{ property: producedAt, value: tychy, from:", "{ property: producedAt, value: tichy, from:")
        .replace("{ property: floorAreaSqFt, value: 5300000", "{ property: floorArea, value: 5300000"),
    );
    const error = (await loadAtlas(file).catch((e: unknown) => e)) as ValidationError;
    const messages = error.issues.map((i) => `${i.path}: ${i.message}`).join("\n");
    expect(messages).toMatch(/value.*tychy/);
    expect(messages).toMatch(/property.*floorAreaSqFt/);
  });

  it("names the line and suggests the brand when the focus brand is not a listed brand", async () => {
    const file = await brokenCopy((t) => t.replace("focusBrand: alfa-romeo ", "focusBrand: alfa-romero "));
    const error = (await loadAtlas(file).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    const issue = error.issues.find((i) => String(i.path) === "focusBrand");
    expect(issue?.line).toBe(8);
    expect(issue?.message).toMatch(/alfa-romeo/);
  });
});

describe("judgements", () => {
  it("name conflicts the rule finds, and recorded sides that select claims", async () => {
    const index = await builtInIndex();
    const conflicts = findConflicts(index);
    for (const judgement of index.atlas.judgements) {
      for (const selector of judgement.conflicts)
        expect(
          conflicts.some((c) => judges(selector, c)),
          `${judgement.id}: ${selector.subject} ${selector.property}`,
        ).toBe(true);
      for (const side of judgement.sides)
        for (const selector of side.claims)
          expect(selectClaims(index, selector).length, `${judgement.id}: ${side.label}`).toBeGreaterThan(0);
    }
  });
});
