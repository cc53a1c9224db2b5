import { describe, expect, it } from "vitest";
import { plantsAt } from "./plants.js";
import { builtInIndex } from "./test-helpers.js";

const index = await builtInIndex();

function plant(id: string, year: number) {
  const found = plantsAt(index, year).find((p) => p.id === id);
  if (!found) throw new Error(`no plant ${id} in ${year}`);
  return found;
}

const ids = (refs: { id: string }[]) => refs.map((r) => r.id);

describe("plantsAt", () => {
  it("lists every plant of the atlas, by name, with null coordinates where none are sourced", () => {
    const all = plantsAt(index, 2026);
    expect(all).toHaveLength(index.plants.size);
    expect(all.map((p) => p.name)).toEqual(all.map((p) => p.name).sort((a, b) => a.localeCompare(b)));
    const unlocated = all.filter((p) => p.lat === null || p.lon === null).map((p) => p.id);
    expect(unlocated.sort()).toEqual(["pininfarina", "rivalta", "touring-milan"]);
    expect(plant("toluca", 2026)).toMatchObject({ country: "MX", lat: 19.29, lon: -99.60528 });
    expect(plant("spartanburg", 2026)).toMatchObject({ referenceOnly: true, brands: [{ id: "bmw" }] });
  });

  it("1965: Portello and Arese are the active Alfa Romeo plants, both owned by the state through IRI", () => {
    const alfa = plantsAt(index, 1965).filter((p) => p.focusBrand);
    expect(alfa.map((p) => p.id).sort()).toEqual(["arese", "portello"]);
    // FACTS.md §1.1: Alfa Romeo, state-owned via IRI 1933–1986
    expect(plant("portello", 1965)).toMatchObject({ status: "active", owner: { id: "iri" } });
    expect(plant("arese", 1965)).toMatchObject({
      status: "active",
      owner: { id: "iri", name: expect.stringMatching(/^IRI/) },
    });
    expect(ids(plant("arese", 1965).brands)).toEqual(["alfa-romeo"]);
    // Cassino opened in 1972: no status holds yet
    expect(plant("cassino", 1965).status).toBeNull();
  });

  it("2026: Belvidere is idle and builds nothing; Cassino builds Alfa Romeo and Maserati; Portello is closed", () => {
    expect(plant("belvidere", 2026)).toMatchObject({ status: "idle", focusBrand: null, brands: [] });
    expect(plant("cassino", 2026)).toMatchObject({ status: "active", focusBrand: { id: "alfa-romeo" } });
    expect(ids(plant("cassino", 2026).brands)).toEqual(["alfa-romeo", "maserati"]);
    expect(plant("portello", 2026)).toMatchObject({ status: "closed", focusBrand: null });
  });

  it("in a year of change takes the status taken up last: Belvidere went idle in February 2023", () => {
    expect(plant("belvidere", 2022).status).toBe("active");
    expect(plant("belvidere", 2023).status).toBe("idle");
  });

  it("keeps a production whose end is not sourced as possible, unless a fact says the brand stopped", () => {
    // Arese's models from the 1970s have no sourced end; the plant ran until 2000
    expect(plant("arese", 1980)).toMatchObject({ brands: [], focusBrand: { id: "alfa-romeo" } });
    expect(ids(plant("arese", 1980).possibleBrands)).toContain("alfa-romeo");
    // Modena built the 8C from 2007 (end not sourced), but builds no Alfa Romeo since 2021
    expect(ids(plant("modena", 2012).possibleBrands)).toContain("alfa-romeo");
    expect(plant("modena", 2022)).toMatchObject({ focusBrand: null, possibleBrands: [] });
  });

  it("ignores seed-article statements: Portello's 'Alfa Romeo plant' does not outlive its closure", () => {
    expect(plant("portello", 1990)).toMatchObject({ status: "closed", brands: [], possibleBrands: [] });
  });
});
