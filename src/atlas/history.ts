import type { ClaimStatus } from "../domain/atlas.js";
import type { Source } from "../domain/provenance.js";
import { type AtlasClaim, type AtlasIndex, knownInterval } from "./claims.js";
import { describeProperty, describeSpan, describeValue } from "./describe.js";
import { claimSources } from "./evidence.js";
import { type Candidate, resolveQuery } from "./match.js";
import { disputedClaims } from "./where.js";

export interface HistoryEntry {
  span: string;
  property: string;
  /** the program, for "builds" entries of a plant */
  program?: string;
  value: string;
  status: ClaimStatus;
  /** true where another claim disagrees (see `portello conflicts`) */
  disputed: boolean;
  claimId: string;
  sources: Source[];
  note?: string;
  quote?: string;
}

export interface History {
  subject: { kind: "brand" | "plant"; id: string; name: string };
  entries: HistoryEntry[];
}

export type HistoryResult =
  | { found: true; history: History }
  | { found: false; ambiguous: Candidate[]; suggestion?: string };

/** A brand's owners and names over time, or a plant's status, owners, capacity and models over time. */
export function history(index: AtlasIndex, query: string): HistoryResult {
  const match = resolveQuery(index, query, ["brand", "plant"]);
  if (match.found === "brand") {
    const entries = timeline(index, (c) => c.subject === `brand:${match.brand.id}`);
    return { found: true, history: { subject: { kind: "brand", ...pick(match.brand) }, entries } };
  }
  if (match.found === "plant") {
    const id = match.plant.id;
    const entries = timeline(
      index,
      (c) =>
        (c.subject === `plant:${id}` && c.origin !== "derived") ||
        (c.property === "producedAt" && c.value === id),
    );
    return { found: true, history: { subject: { kind: "plant", ...pick(match.plant) }, entries } };
  }
  if (match.found === "ambiguous") return { found: false, ambiguous: match.candidates };
  return { found: false, ambiguous: [], suggestion: match.found === "none" ? match.suggestion : undefined };
}

function pick(entity: { id: string; name: string }) {
  return { id: entity.id, name: entity.name };
}

function timeline(index: AtlasIndex, include: (claim: AtlasClaim) => boolean): HistoryEntry[] {
  const disputed = disputedClaims(index);
  return index.claims
    .filter(include)
    .map((claim) => ({ claim, start: knownInterval(claim, index).start }))
    .sort((a, b) => a.start - b.start || a.claim.property.localeCompare(b.claim.property))
    .map(({ claim }) => entry(index, claim, disputed.has(claim.id)));
}

function entry(index: AtlasIndex, claim: AtlasClaim, disputed: boolean): HistoryEntry {
  const isBuild = claim.property === "producedAt";
  const program = isBuild ? index.programs.get(claim.subject.slice("program:".length)) : undefined;
  return {
    span: describeSpan(claim),
    property: isBuild ? "builds" : describeProperty(claim.property, index),
    program: program?.name,
    value: isBuild ? (program?.name ?? claim.subject) : describeValue(claim.property, claim.value, index),
    status: claim.status,
    disputed,
    claimId: claim.id,
    sources: claimSources(claim, index),
    note: claim.note,
    quote: claim.quote,
  };
}
