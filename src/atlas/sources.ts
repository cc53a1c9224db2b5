import type { Source } from "../domain/provenance.js";
import type { AtlasIndex } from "./claims.js";

export interface SourceUse {
  source: Source;
  /** claims citing it (facts, listed claims; derived claims are not counted twice) */
  claims: number;
  /** entities whose identity fields (name, place, coordinates) cite it */
  entities: number;
  /** judgements of disputes that cite it */
  judgements: number;
}

/** The atlas's sources with how much cites each, optionally of one kind, in dataset order. */
export function listSources(index: AtlasIndex, kind?: Source["kind"]): SourceUse[] {
  const claimCount = new Map<string, number>();
  for (const claim of index.claims)
    if (claim.origin !== "derived")
      for (const id of new Set(claim.sources)) claimCount.set(id, (claimCount.get(id) ?? 0) + 1);
  const entityCount = new Map<string, number>();
  const entities = [
    ...index.groups.values(),
    ...index.brands.values(),
    ...index.plants.values(),
    ...index.programs.values(),
  ];
  for (const entity of entities)
    for (const id of new Set(entity.sources)) entityCount.set(id, (entityCount.get(id) ?? 0) + 1);
  const judgementCount = new Map<string, number>();
  for (const judgement of index.atlas.judgements)
    for (const id of new Set(judgement.sources)) judgementCount.set(id, (judgementCount.get(id) ?? 0) + 1);
  return index.atlas.sources
    .filter((s) => kind === undefined || s.kind === kind)
    .map((source) => ({
      source,
      claims: claimCount.get(source.id) ?? 0,
      entities: entityCount.get(source.id) ?? 0,
      judgements: judgementCount.get(source.id) ?? 0,
    }));
}

/** A source with its counts as plain JSON (CLI --json and the HTTP API). */
export function sourceToJson(use: SourceUse) {
  return { ...use.source, claims: use.claims, entities: use.entities, judgements: use.judgements };
}
