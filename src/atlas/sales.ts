import type { Market } from "../domain/atlas.js";
import { propertyBase } from "../domain/atlas.js";
import type { Source } from "../domain/provenance.js";
import type { AtlasIndex } from "./claims.js";
import { claimSources } from "./evidence.js";
import { type Candidate, normalize, resolveQuery } from "./match.js";
import { disputedClaims } from "./where.js";

/** One sourced sales figure: units sold in a market over a period, or the change against a year earlier. */
export interface SalesRow {
  subject: { kind: "brand" | "program"; id: string; name: string };
  market: { id: string; name: string };
  /** the period as the source gives it: "2024", or "2024-01 to 2024-09" */
  period: { from: string; to: string; label: string };
  measure: "units" | "changePct";
  value: number;
  status: string;
  /** the value is arithmetic on sourced figures (the calculation), not a published one */
  arithmetic?: string;
  /** another claim for the same market and period disagrees: see `portello conflicts` */
  disputed: boolean;
  claimId: string;
  sources: Source[];
  note?: string;
  quote?: string;
}

export type SalesResult =
  | { found: true; subject: { kind: "brand" | "program"; id: string; name: string }[]; rows: SalesRow[] }
  | { found: false; ambiguous: Candidate[]; suggestion?: string; unknownMarket?: string };

/**
 * The sales figures of a brand (with its models') or a model, optionally in one market and one year,
 * oldest period first. A market is named by id, name or alias ("US", "United States", "USA").
 */
export function sales(
  index: AtlasIndex,
  query: string,
  options: { market?: string; year?: number } = {},
): SalesResult {
  let market: Market | undefined;
  if (options.market !== undefined) {
    market = findMarket(index, options.market);
    if (!market) return { found: false, ambiguous: [], unknownMarket: options.market };
  }
  const match = resolveQuery(index, query, ["brand", "program"]);
  let subjects: SalesRow["subject"][];
  if (match.found === "brand") {
    const programs = [...index.programs.values()].filter((p) => p.brand === match.brand.id);
    subjects = [
      { kind: "brand", id: match.brand.id, name: match.brand.name },
      ...programs.map((p) => ({ kind: "program" as const, id: p.id, name: p.name })),
    ];
  } else if (match.found === "programs") {
    subjects = match.programs.map((p) => ({ kind: "program" as const, id: p.id, name: p.name }));
  } else if (match.found === "ambiguous") {
    return { found: false, ambiguous: match.candidates };
  } else {
    return { found: false, ambiguous: [], suggestion: match.found === "none" ? match.suggestion : undefined };
  }
  const bySubject = new Map(subjects.map((s) => [`${s.kind}:${s.id}`, s]));
  const disputed = disputedClaims(index);
  const rows = index.claims
    .filter((c) => bySubject.has(c.subject) && ["sales", "salesChangePct"].includes(propertyBase(c.property)))
    .filter((c) => market === undefined || c.property.endsWith(`:${market.id}`))
    .filter((c) => options.year === undefined || overlapsYear(c.from!, c.to!, options.year))
    .map((c): SalesRow => {
      const marketId = c.property.split(":")[1]!;
      return {
        subject: bySubject.get(c.subject)!,
        market: { id: marketId, name: index.atlas.markets.find((m) => m.id === marketId)?.name ?? marketId },
        period: { from: c.from!, to: c.to!, label: periodLabel(c.from!, c.to!) },
        measure: propertyBase(c.property) === "sales" ? "units" : "changePct",
        value: Number(c.value),
        status: c.status,
        ...(c.arithmetic ? { arithmetic: c.arithmetic } : {}),
        disputed: disputed.has(c.id),
        claimId: c.id,
        sources: claimSources(c, index),
        ...(c.note ? { note: c.note } : {}),
        ...(c.quote ? { quote: c.quote } : {}),
      };
    })
    .sort(
      (a, b) =>
        a.period.to.localeCompare(b.period.to) ||
        b.period.from.localeCompare(a.period.from) ||
        a.market.name.localeCompare(b.market.name) ||
        (a.subject.kind === "brand" ? -1 : 0) - (b.subject.kind === "brand" ? -1 : 0) ||
        b.measure.localeCompare(a.measure),
    );
  return { found: true, subject: subjects.filter((s) => rows.some((r) => r.subject.id === s.id)), rows };
}

export function findMarket(index: AtlasIndex, text: string): Market | undefined {
  const wanted = normalize(text);
  return index.atlas.markets.find((m) => [m.id, m.name, ...m.aliases].some((n) => normalize(n) === wanted));
}

/** "2024" for a whole year, "2024-H1", else "2024-01 to 2024-09". */
export function periodLabel(from: string, to: string): string {
  if (from === to) return from;
  const year = from.slice(0, 4);
  if (to.slice(0, 4) === year) {
    if (from === `${year}-01` && to === `${year}-12`) return year;
    if (from === `${year}-01` && to === `${year}-06`) return `${year}-H1`;
  }
  return `${from} to ${to}`;
}

function overlapsYear(from: string, to: string, year: number): boolean {
  return Number(from.slice(0, 4)) <= year && Number(to.slice(0, 4)) >= year;
}
