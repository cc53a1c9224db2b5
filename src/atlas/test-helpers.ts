import { Atlas } from "../domain/atlas.js";
import { type AtlasIndex, indexAtlas } from "./claims.js";
import { loadAtlas } from "./load.js";

let builtIn: Promise<AtlasIndex> | undefined;

/** The shipped atlas, loaded once per test file. */
export function builtInIndex(): Promise<AtlasIndex> {
  builtIn ??= loadAtlas().then(indexAtlas);
  return builtIn;
}

/** A small atlas for testing rules in isolation: two sources of given kinds, one brand, two plants. */
export function tinyAtlas(
  claims: unknown[],
  kinds: [string, string] = ["official", "seed-article"],
): AtlasIndex {
  const atlas = Atlas.parse({
    title: "test",
    asOf: "2026-03",
    sources: [
      { id: "s1", url: "https://a.example", title: "A", publisher: "Pub A", date: "2025-01", kind: kinds[0] },
      { id: "s2", url: "https://b.example", title: "B", publisher: "Pub B", date: "2024", kind: kinds[1] },
      { id: "s3", url: "https://c.example", title: "C", publisher: "Pub C", date: "2023", kind: "press" },
    ],
    groups: [
      { id: "old-owner", name: "Old Owner", sources: ["s1"] },
      { id: "new-owner", name: "New Owner", sources: ["s1"] },
    ],
    brands: [{ id: "marque", name: "Marque", sources: ["s1"] }],
    plants: [
      {
        id: "north",
        name: "North plant",
        city: "Nord",
        country: "IT",
        lat: null,
        lon: null,
        sources: ["s1"],
      },
      { id: "south", name: "South plant", city: null, country: "IT", lat: null, lon: null, sources: ["s1"] },
    ],
    claims,
  });
  return indexAtlas(atlas);
}
