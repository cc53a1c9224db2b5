import type { z } from "zod";
import { type AtlasPlant, type AtlasPlantStatus, propertyBase } from "../domain/atlas.js";
import { type AtlasClaim, type AtlasIndex, knownInterval } from "./claims.js";
import { holdsAt } from "./where.js";

export type PlantStatus = z.infer<typeof AtlasPlantStatus>;

export interface NamedRef {
  id: string;
  name: string;
}

/** A plant of the atlas as it stood in one year: where it is, its status, owner and brands then. */
export interface PlantAt {
  id: string;
  name: string;
  city: string | null;
  country: string;
  /** null where no source gives the coordinates */
  lat: number | null;
  lon: number | null;
  coordinatesNote?: string;
  /** outside the network, kept as a precedent (e.g. BMW Spartanburg) */
  referenceOnly: boolean;
  /** null where no sourced status holds in the year (before it opened, or a status the sources do not date) */
  status: PlantStatus | null;
  owner: NamedRef | null;
  /** brands the sources have built there in the year */
  brands: NamedRef[];
  /** brands whose production there started earlier with its end not sourced, the plant not closed */
  possibleBrands: NamedRef[];
  /** the atlas's focus brand (its dataset's `focusBrand`) when the plant builds it in the year, or possibly does */
  focusBrand: NamedRef | null;
}

type Holds = ReturnType<typeof holdsAt>;
const STRENGTH: Record<Holds, number> = { no: 0, possibly: 1, yes: 2 };

/** Every plant of the atlas at a year, by name; plants without coordinates are included with nulls. */
export function plantsAt(index: AtlasIndex, year: number): PlantAt[] {
  return [...index.plants.values()]
    .map((plant) => plantAt(index, plant, year))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function plantAt(index: AtlasIndex, plant: AtlasPlant, year: number): PlantAt {
  const claims = plantFacts(index, plant.id);
  const status = current(index, claims, "status", year);
  const owner = current(index, claims, "owner", year);
  const { brands, possibleBrands } = brandsAt(index, claims, year);
  return {
    id: plant.id,
    name: plant.name,
    city: plant.city,
    country: plant.country,
    lat: plant.lat,
    lon: plant.lon,
    ...(plant.coordinatesNote ? { coordinatesNote: plant.coordinatesNote } : {}),
    referenceOnly: plant.referenceOnly,
    status: status ? (status.value as PlantStatus) : null,
    owner: owner ? { id: String(owner.value), name: groupName(index, String(owner.value)) } : null,
    brands,
    possibleBrands,
    focusBrand: [...brands, ...possibleBrands].find((b) => b.id === index.atlas.focusBrand) ?? null,
  };
}

/**
 * The plant's own facts and those derived from what it produced. Listed claims are left out: they are
 * statements of seed articles that the atlas checks (`portello conflicts`), not evidence of the plant's state.
 */
function plantFacts(index: AtlasIndex, plantId: string): AtlasClaim[] {
  return index.claims.filter(
    (c) => c.subject === `plant:${plantId}` && c.origin !== "claim" && c.status === "fact",
  );
}

/**
 * The value a single-valued property has in the year: a claim that holds beats one that possibly does,
 * and in a year of change (active until February, idle from then) the value taken up last wins.
 */
function current(
  index: AtlasIndex,
  claims: AtlasClaim[],
  property: string,
  year: number,
): AtlasClaim | undefined {
  const candidates = claims
    .filter((c) => c.property === property)
    .map((claim) => ({ claim, holds: holdsAt(index, claim, year), start: knownInterval(claim, index).start }))
    .filter((c) => c.holds !== "no");
  const best = candidates.some((c) => c.holds === "yes")
    ? candidates.filter((c) => c.holds === "yes")
    : candidates;
  return best.sort((a, b) => b.start - a.start)[0]?.claim;
}

/**
 * The brands built in the year. A production that holds wins; one that only possibly goes on yields to a
 * sourced "builds no such cars" for the year (Modena's 8C, end unsourced, against "no Alfa Romeo since 2021").
 */
function brandsAt(index: AtlasIndex, claims: AtlasClaim[], year: number) {
  const byBrand = new Map<string, Holds>();
  const denied = new Set<string>();
  for (const claim of claims.filter((c) => propertyBase(c.property) === "buildsBrand")) {
    const brand = claim.property.slice("buildsBrand:".length);
    const holds = holdsAt(index, claim, year);
    if (claim.value === false) {
      if (holds === "yes") denied.add(brand);
    } else if (STRENGTH[holds] > STRENGTH[byBrand.get(brand) ?? "no"]) {
      byBrand.set(brand, holds);
    }
  }
  const pick = (wanted: Holds) =>
    [...byBrand]
      .filter(([brand, holds]) => holds === wanted && (wanted === "yes" || !denied.has(brand)))
      .map(([brand]) => ({ id: brand, name: index.brands.get(brand)?.name ?? brand }))
      .sort((a, b) => a.name.localeCompare(b.name));
  return { brands: pick("yes"), possibleBrands: pick("possibly") };
}

function groupName(index: AtlasIndex, id: string): string {
  return index.groups.get(id)?.name ?? id;
}
