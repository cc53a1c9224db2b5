import { describe, expect, it } from "vitest";
import { history } from "./history.js";
import { resolveQuery } from "./match.js";
import { periodRange } from "./time.js";
import { where } from "./where.js";
import { builtInIndex } from "./test-helpers.js";

const index = await builtInIndex();

function answers(query: string, year: number) {
  const result = where(index, query, year);
  if (!result.found) throw new Error(`no answer for ${query}`);
  return result.answers;
}

describe("where", () => {
  it("Giulia in 2026: the 952 at Cassino; the next generation announced; the 105 in other years", () => {
    const all = answers("Giulia", 2026);
    expect(all.map((a) => a.subject.id).sort()).toEqual(["giulia-105", "giulia-952", "giulia-next"]);
    const builds = all.flatMap((a) => a.builds);
    expect(builds.map((b) => `${b.programId}@${b.plantId}`)).toEqual(["giulia-952@cassino"]);
    const outlook = all.flatMap((a) => a.outlook);
    expect(outlook).toContainEqual(
      expect.objectContaining({ programId: "giulia-next", status: "announced" }),
    );
    const other = all.flatMap((a) => a.otherYears).map((r) => r.plantId);
    expect(other).toEqual(expect.arrayContaining(["portello", "arese"]));
    const next = all.find((a) => a.subject.id === "giulia-next")!;
    expect(next.facts.map((f) => f.value)).toEqual(expect.arrayContaining(["2026", "2028"]));
  });

  it("Alfa Romeo in 2026: Cassino, Pomigliano, Tychy and the Touring workshop", () => {
    const [brand] = answers("alfa romeo", 2026);
    const byPlant = new Map<string, string[]>();
    for (const b of brand!.builds) byPlant.set(b.plantId, [...(byPlant.get(b.plantId) ?? []), b.programId]);
    expect([...byPlant.keys()].sort()).toEqual(["cassino", "pomigliano", "touring-milan", "tychy"]);
    expect(byPlant.get("cassino")!.sort()).toEqual(["giulia-952", "stelvio-949"]);
    expect(byPlant.get("pomigliano")).toEqual(["tonale"]);
    expect(byPlant.get("tychy")).toEqual(["junior"]);
    expect(byPlant.get("touring-milan")).toEqual(["33-stradale"]);
  });

  it("Alfa Romeo in 1965: Portello and Arese", () => {
    const [brand] = answers("Alfa Romeo", 1965);
    expect([...new Set(brand!.builds.map((b) => b.plantId))].sort()).toEqual(["arese", "portello"]);
  });

  it("answers a plant with every brand it builds, and cites a dated or 'n.d.' source on every line", () => {
    const [cassino] = answers("CASSINO", 2026);
    expect(cassino!.builds.map((b) => b.programId).sort()).toEqual([
      "giulia-952",
      "maserati-grecale",
      "stelvio-949",
    ]);
    const [toluca] = answers("Toluca", 2026);
    expect(toluca!.builds.every((b) => b.brand !== "Alfa Romeo")).toBe(true);
    for (const row of [...cassino!.builds, ...cassino!.facts, ...toluca!.builds]) {
      expect(row.sources.length).toBeGreaterThan(0);
      for (const s of row.sources) expect(s.date === "n.d." || periodRange(s.date) !== undefined).toBe(true);
    }
  });

  it("matches without case or accents and through aliases", () => {
    expect(resolveQuery(index, "POMIGLIANO D’ARCO", ["plant"])).toMatchObject({
      found: "plant",
      plant: { id: "pomigliano" },
    });
    expect(resolveQuery(index, "Milano", ["program"])).toMatchObject({
      found: "programs",
      programs: [{ id: "junior" }],
    });
    expect(resolveQuery(index, "Turin", ["plant"])).toMatchObject({
      found: "plant",
      plant: { id: "mirafiori" },
    });
  });

  it("lists candidates when ambiguous and suggests a name when nothing matches", () => {
    expect(where(index, "Milan", 2026)).toMatchObject({
      found: false,
      ambiguous: [{ id: "portello" }, { id: "touring-milan" }],
    });
    expect(where(index, "Giulieta", 2026)).toMatchObject({
      found: false,
      ambiguous: [],
      suggestion: "Giulietta",
    });
    expect(where(index, "zzzz qqqq", 2026)).toEqual({ found: false, ambiguous: [], suggestion: undefined });
  });
});

describe("history", () => {
  it("gives Alfa Romeo's owners in order, from A.L.F.A. to Stellantis", () => {
    const result = history(index, "Alfa Romeo");
    if (!result.found) throw new Error("not found");
    const owners = result.history.entries
      .filter((e) => e.property === "owner" && e.sources.every((s) => s.kind !== "seed-article"))
      .map((e) => e.value);
    expect(owners).toEqual([
      "A.L.F.A. (Anonima Lombarda Fabbrica Automobili)",
      "Nicola Romeo (private control)",
      "IRI (Istituto per la Ricostruzione Industriale, Italian state)",
      "Fiat",
      "Fiat Chrysler Automobiles (FCA)",
      "Stellantis",
    ]);
    expect(result.history.entries.some((e) => e.disputed)).toBe(true);
  });

  it("gives a plant's models over time", () => {
    const result = history(index, "Cassino");
    if (!result.found) throw new Error("not found");
    const builds = result.history.entries.filter((e) => e.property === "builds").map((e) => e.value);
    expect(builds.indexOf("Alfa Romeo Giulietta (940)")).toBeLessThan(
      builds.indexOf("Alfa Romeo Giulia (952)"),
    );
  });
});
