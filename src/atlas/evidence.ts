import type { Claim } from "../domain/atlas.js";
import type { Source } from "../domain/provenance.js";
import type { AtlasIndex } from "./claims.js";
import { periodRange } from "./time.js";

/** How much a kind of source weighs: official > press > reference/dataset > enthusiast > seed article. */
export const KIND_RANK: Record<Source["kind"], number> = {
  official: 4,
  press: 3,
  reference: 2,
  dataset: 2,
  enthusiast: 1,
  "seed-article": 0,
};

export function claimSources(claim: Claim, index: AtlasIndex): Source[] {
  return claim.sources.flatMap((id) => {
    const source = index.sources.get(id);
    return source ? [source] : [];
  });
}

/** A claim weighs as its strongest source; an on-record company statement weighs as official. */
export function claimRank(claim: Claim, index: AtlasIndex): number {
  const best = Math.max(...claimSources(claim, index).map((s) => KIND_RANK[s.kind]));
  return claim.officialStatement ? Math.max(best, KIND_RANK.official) : best;
}

/** The newest date among a claim's sources (day number), or -∞ when all are undated. */
export function latestSourceDay(claim: Claim, index: AtlasIndex): number {
  const days = claimSources(claim, index).map((s) => periodRange(s.date)?.start ?? -Infinity);
  return Math.max(-Infinity, ...days);
}

/** "ANSA 2024-01-23", "Wikipedia n.d.", "seed article 000 ~2023": who said it and when. */
export function citeSource(source: Source): string {
  return `${source.publisher} ${source.dateIsApproximate ? "~" : ""}${source.date}`;
}

export function citeClaim(claim: Claim, index: AtlasIndex): string {
  return claimSources(claim, index).map(citeSource).join("; ");
}

export function rankName(rank: number): string {
  if (rank >= KIND_RANK.official) return "official";
  return (Object.entries(KIND_RANK).find(([, r]) => r === rank)?.[0] ?? "unknown").replace("-", " ");
}
