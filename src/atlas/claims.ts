import type { Atlas, AtlasPlant, AtlasProgram, Brand, Claim, Group, SubjectKind } from "../domain/atlas.js";
import { PROPERTIES, propertyBase } from "../domain/atlas.js";
import type { Source } from "../domain/provenance.js";
import { type Interval, periodRange } from "./time.js";

/** A claim with a stable id and where it came from (written under an entity, listed, or derived). */
export interface AtlasClaim extends Claim {
  id: string;
  origin: "fact" | "claim" | "derived";
  /** for derived claims: the claim they follow from */
  derivedFrom?: string;
}

/** The loaded atlas with its claims flattened and its entities and sources looked up by id. */
export interface AtlasIndex {
  atlas: Atlas;
  claims: AtlasClaim[];
  sources: Map<string, Source>;
  groups: Map<string, Group>;
  brands: Map<string, Brand>;
  plants: Map<string, AtlasPlant>;
  programs: Map<string, AtlasProgram>;
}

export function indexAtlas(atlas: Atlas): AtlasIndex {
  const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((item) => [item.id, item]));
  const programs = byId(atlas.programs);
  const claims = [...entityClaims(atlas), ...listedClaims(atlas)];
  return {
    atlas,
    claims: [...claims, ...derivedBrandClaims(claims, programs)],
    sources: byId(atlas.sources),
    groups: byId(atlas.groups),
    brands: byId(atlas.brands),
    plants: byId(atlas.plants),
    programs,
  };
}

function entityClaims(atlas: Atlas): AtlasClaim[] {
  const lists: [SubjectKind, { id: string; facts: Atlas["plants"][number]["facts"] }[]][] = [
    ["group", atlas.groups],
    ["brand", atlas.brands],
    ["plant", atlas.plants],
    ["program", atlas.programs],
  ];
  return lists.flatMap(([kind, entities]) =>
    entities.flatMap((entity) =>
      entity.facts.map((fact, i) => ({
        ...fact,
        subject: `${kind}:${entity.id}`,
        id: `${kind}:${entity.id}/${i + 1}`,
        origin: "fact" as const,
      })),
    ),
  );
}

function listedClaims(atlas: Atlas): AtlasClaim[] {
  return atlas.claims.map((claim, i) => ({ ...claim, id: `claims/${i + 1}`, origin: "claim" as const }));
}

/**
 * A program produced at a plant means the plant builds that brand: these derived claims let seed
 * statements such as "Modena is an Alfa Romeo plant" be checked against what each plant built.
 * Only facts are used: a plan or a report does not make a plant build anything yet.
 */
function derivedBrandClaims(claims: AtlasClaim[], programs: Map<string, AtlasProgram>): AtlasClaim[] {
  return claims
    .filter((c) => c.property === "producedAt" && c.status === "fact" && c.subject.startsWith("program:"))
    .flatMap((c) => {
      const program = programs.get(c.subject.slice("program:".length));
      if (!program) return [];
      return [
        {
          ...c,
          subject: `plant:${String(c.value)}`,
          property: `buildsBrand:${program.brand}`,
          value: true,
          id: `${c.id}→${program.brand}`,
          origin: "derived" as const,
          derivedFrom: c.id,
          note: `derived: ${program.name} built there${c.note ? `; ${c.note}` : ""}`,
        },
      ];
    });
}

/** The dated sources of a claim, earliest first. */
function sourceDays(claim: Claim, index: AtlasIndex): number[] {
  return claim.sources
    .map((id) => index.sources.get(id)?.date)
    .flatMap((date) => (date ? [periodRange(date)?.start] : []))
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);
}

/**
 * The time over which the sources vouch for a claim:
 * - start: `from`; else the earliest date of its sources (they state it as current), capped by `to`;
 *   else unknown (-∞);
 * - end: `to`; for `endUnknown`, the end of `from` (all we know); for an open fact, the dataset's
 *   date (a fact says nothing about the future); for an open plan, +∞.
 * Timeless properties (a founding date, a platform) hold always; a claim with neither date sourced
 * (`endUnknown` without `from` or `to`: "built there at some time") is certain at no time.
 */
export function knownInterval(claim: Claim, index: AtlasIndex): Interval {
  if (PROPERTIES[propertyBase(claim.property)]?.timeless) return { start: -Infinity, end: Infinity };
  if (claim.endUnknown && !claim.from && !claim.to) return NEVER_KNOWN;
  const earliestSource = sourceDays(claim, index)[0];
  const from = claim.from ? periodRange(claim.from) : undefined;
  const to = claim.to ? periodRange(claim.to) : undefined;
  let start = from?.start ?? earliestSource ?? -Infinity;
  if (!from && to) start = Math.min(start, to.start);
  let end: number;
  if (to) end = to.end;
  else if (claim.endUnknown) end = from?.end ?? start;
  else if (claim.status === "fact") end = Math.max(periodRange(index.atlas.asOf)!.end, start);
  else end = Infinity;
  return { start, end };
}

/** The empty interval: overlaps nothing, sorts after every dated claim. */
const NEVER_KNOWN: Interval = { start: Infinity, end: -Infinity };

/**
 * Two claims hand over when one ends on the very period the other starts with ("to: 1986", "from: 1986"),
 * having started before it (two claims for the same year, "2022 to 2022", do not hand over).
 */
export function handsOver(a: Claim, b: Claim): boolean {
  const over = (x: Claim, y: Claim) => x.to !== undefined && x.to === y.from && x.from !== y.from;
  return over(a, b) || over(b, a);
}

export function subjectOf(claim: Claim): { kind: SubjectKind; id: string } {
  const [kind, id] = claim.subject.split(":") as [SubjectKind, string];
  return { kind, id };
}
