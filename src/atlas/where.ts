import type { AtlasPlant, AtlasProgram, ClaimStatus } from "../domain/atlas.js";
import type { Source } from "../domain/provenance.js";
import { type AtlasClaim, type AtlasIndex, knownInterval, subjectOf } from "./claims.js";
import { findConflicts, valuesAgree } from "./conflicts.js";
import { describeSpan, describeValue } from "./describe.js";
import { claimRank, claimSources, latestSourceDay } from "./evidence.js";
import { type Candidate, resolveQuery } from "./match.js";
import { formatSpan, intersect, type Interval, periodRange, yearRange } from "./time.js";

/** What a row says of the claim behind it: how established it is, and its sources. */
interface ClaimEvidence {
  status: ClaimStatus;
  claimId: string;
  sources: Source[];
  note?: string;
  quote?: string;
}

/** One line of an answer: a program built at a plant, with its dates and its sources. */
export interface BuildRow extends ClaimEvidence {
  programId: string;
  program: string;
  brand: string;
  plantId: string;
  plant: string;
  /** the dates as the sources give them, e.g. "since 2016", "2016–2027" */
  span: string;
}

/** A dated statement about a program or plant (a start of production, an owner, a capacity). */
export interface FactRow extends ClaimEvidence {
  property: string;
  value: string;
  span: string;
  statedBy?: string;
  /** another claim disagrees: see `portello conflicts` */
  disputed: boolean;
}

export interface WhereAnswer {
  query: string;
  year: number;
  /** the dataset's date: later years assume that what held then still holds */
  asOf: string;
  beyondData: boolean;
  subject: { kind: "brand" | "plant" | "program"; id: string; name: string };
  /** built at the year asked, per the sources */
  builds: BuildRow[];
  /** started before the year, end of production not sourced */
  possibly: BuildRow[];
  /** planned, announced, reported or speculated production */
  outlook: BuildRow[];
  /** for programs: production in other years; for plants and brands: empty */
  otherYears: BuildRow[];
  /** start/end-of-production statements (programs) or status, owner and capacity (plants), at the year */
  facts: FactRow[];
}

export type WhereResult =
  | { found: true; answers: WhereAnswer[] }
  | { found: false; ambiguous: Candidate[]; suggestion?: string };

/** Where a brand's, a model's or a plant's cars are built in a given year, with sources. */
export function where(index: AtlasIndex, query: string, year: number): WhereResult {
  const match = resolveQuery(index, query, ["brand", "plant", "program"]);
  const base = (kind: WhereAnswer["subject"]["kind"], id: string, name: string) => ({
    query,
    year,
    asOf: index.atlas.asOf,
    beyondData: year > Number(index.atlas.asOf.slice(0, 4)),
    subject: { kind, id, name },
  });
  switch (match.found) {
    case "brand": {
      const programs = [...index.programs.values()].filter((p) => p.brand === match.brand.id);
      const rows = productionRows(index, programs, year);
      return {
        found: true,
        answers: [{ ...base("brand", match.brand.id, match.brand.name), ...rows, otherYears: [], facts: [] }],
      };
    }
    case "plant": {
      const rows = productionRows(index, [...index.programs.values()], year, match.plant.id);
      const facts = plantFacts(index, match.plant, year);
      return {
        found: true,
        answers: [{ ...base("plant", match.plant.id, match.plant.name), ...rows, otherYears: [], facts }],
      };
    }
    case "programs":
      return {
        found: true,
        answers: match.programs.map((program) => ({
          ...base("program", program.id, program.name),
          ...productionRows(index, [program], year),
          facts: programFacts(index, program),
        })),
      };
    case "group":
    case "ambiguous":
      return { found: false, ambiguous: match.found === "ambiguous" ? match.candidates : [] };
    case "none":
      return { found: false, ambiguous: [], suggestion: match.suggestion };
  }
}

function productionRows(index: AtlasIndex, programs: AtlasProgram[], year: number, plantId?: string) {
  const ids = new Set(programs.map((p) => `program:${p.id}`));
  const claims = index.claims.filter(
    (c) =>
      c.property === "producedAt" &&
      c.origin !== "derived" &&
      ids.has(c.subject) &&
      (plantId === undefined || c.value === plantId),
  );
  const rows = {
    builds: [] as BuildRow[],
    possibly: [] as BuildRow[],
    outlook: [] as BuildRow[],
    otherYears: [] as BuildRow[],
  };
  for (const claim of claims) {
    const row = buildRow(index, claim, year);
    if (claim.status !== "fact") {
      if (statedBy(index, claim, year)) rows.outlook.push(row);
      continue;
    }
    const holds = holdsAt(index, claim, year);
    if (holds === "yes") rows.builds.push(row);
    else if (holds === "possibly") rows.possibly.push(row);
    else rows.otherYears.push(row);
  }
  const byPlant = (a: BuildRow, b: BuildRow) =>
    a.plant.localeCompare(b.plant) || a.program.localeCompare(b.program);
  rows.builds.sort(byPlant);
  rows.possibly.sort(byPlant);
  rows.outlook.sort(byPlant);
  return rows;
}

/**
 * Whether a fact holds in a year. An open fact is assumed to go on after the dataset's date. A fact
 * with a date missing "possibly" holds where the sources leave room for it:
 * - end not sourced ("from 1972", `endUnknown`): after its start, never in the dataset's current year;
 * - start not sourced ("until 2011-10"): before its end, from the plant's opening;
 * - neither date sourced (`endUnknown` without `from`): over the plant's life until its sources' date;
 * and never while the plant is closed or is sourced as building none of the program's brand.
 */
export function holdsAt(index: AtlasIndex, claim: AtlasClaim, year: number): "yes" | "possibly" | "no" {
  const interval = knownInterval(claim, index);
  const open = !claim.to && !claim.endUnknown;
  const asked = yearRange(year);
  if (intersect(open ? { ...interval, end: Infinity } : interval, asked)) return "yes";
  if (!claim.endUnknown && !(claim.to && !claim.from)) return "no";
  const possible = possibleInterval(index, claim, interval);
  if (!intersect(possible, asked)) return "no";
  if (claim.endUnknown && year >= Number(index.atlas.asOf.slice(0, 4))) return "no";
  return excludedIn(index, claim, asked) ? "no" : "possibly";
}

/** The widest time a claim with a date missing may have held, before the plant's state is checked. */
function possibleInterval(index: AtlasIndex, claim: AtlasClaim, known: Interval): Interval {
  const start = claim.from ? known.start : plantOpened(index, plantOf(claim));
  if (claim.to) return { start, end: known.end };
  return { start, end: claim.from ? Infinity : latestSourceDay(claim, index) };
}

/** The plant a claim is about: the value of a production claim, else the plant it is stated of. */
function plantOf(claim: AtlasClaim): string {
  return claim.property === "producedAt" ? String(claim.value) : subjectOf(claim).id;
}

/** The earliest opening the sources give the plant; -∞ when none does. */
function plantOpened(index: AtlasIndex, plantId: string): number {
  const starts = index.claims
    .filter((c) => c.subject === `plant:${plantId}` && c.property === "opened" && c.status === "fact")
    .map((c) => periodRange(String(c.value))?.start ?? -Infinity);
  return starts.length ? Math.min(...starts) : -Infinity;
}

/** The plant is closed in the year, or a fact says it built none of the program's brand all year. */
function excludedIn(index: AtlasIndex, claim: AtlasClaim, asked: Interval): boolean {
  const plantId = plantOf(claim);
  const brand = claim.property === "producedAt" ? index.programs.get(subjectOf(claim).id)?.brand : undefined;
  return index.claims.some((c) => {
    if (c.subject !== `plant:${plantId}` || c.status !== "fact") return false;
    const span = knownInterval(c, index);
    const held = !c.to && !c.endUnknown ? { ...span, end: Infinity } : span;
    if (c.property === "status" && c.value === "closed")
      return intersect({ ...span, end: Infinity }, asked) !== undefined;
    if (brand && c.property === `buildsBrand:${brand}` && c.value === false)
      return held.start <= asked.start && held.end >= asked.end;
    return false;
  });
}

/** A plan counts once a source has stated it, until the time it covers has passed. */
function statedBy(index: AtlasIndex, claim: AtlasClaim, year: number): boolean {
  const asked = yearRange(year);
  const published = Math.min(
    ...claimSources(claim, index).map((s) => periodRange(s.date)?.start ?? Infinity),
  );
  const ends = claim.to ? periodRange(claim.to)!.end : Infinity;
  return published <= asked.end && ends >= asked.start;
}

function buildRow(index: AtlasIndex, claim: AtlasClaim, year: number): BuildRow {
  const program = index.programs.get(claim.subject.slice("program:".length))!;
  const plant = index.plants.get(String(claim.value));
  return {
    programId: program.id,
    program: program.name,
    brand: index.brands.get(program.brand)?.name ?? program.brand,
    plantId: String(claim.value),
    plant: plant?.name ?? String(claim.value),
    span:
      claim.status === "fact"
        ? formatSpan(claim.from, claim.to, claim.endUnknown)
        : planSpan(claim, plannedStart(index, program, year)),
    ...evidence(index, claim),
  };
}

/**
 * The start of production the sources state for a program as of the year: the statements current
 * then; where they disagree, the value the conflict's verdict prefers. The same statements are listed
 * under the program (`where Giulia`), so a brand's or a plant's answer gives the same date.
 */
export function plannedStart(index: AtlasIndex, program: AtlasProgram, year: number): string | undefined {
  const current = index.claims.filter(
    (c) => c.subject === `program:${program.id}` && c.property === "sop" && statedBy(index, c, year),
  );
  if (current.length === 0) return undefined;
  const preferred = findConflicts(index).find(
    (c) =>
      c.subject === `program:${program.id}` &&
      c.property === "sop" &&
      c.verdict.preferred !== undefined &&
      c.sides.every((side) => side.claims.some((x) => current.includes(x.claim))),
  )?.verdict.preferred;
  const agreeing = preferred === undefined ? current : current.filter((c) => valuesAgree(c.value, preferred));
  const strongest = [...agreeing].sort(
    (a, b) =>
      claimRank(b, index) - claimRank(a, index) || latestSourceDay(b, index) - latestSourceDay(a, index),
  )[0];
  const values = new Set(current.map((c) => String(c.value)));
  const value = String((strongest ?? current[0]!).value);
  return values.size > 1 && preferred === undefined ? [...values].sort().join(" or ") : value;
}

function evidence(index: AtlasIndex, claim: AtlasClaim): ClaimEvidence {
  return {
    status: claim.status,
    claimId: claim.id,
    sources: claimSources(claim, index),
    note: claim.note,
    quote: claim.quote,
  };
}

/** A plan's dates are the future it describes: "from 2027-12", the program's stated start, or none given. */
function planSpan(claim: AtlasClaim, stated: string | undefined): string {
  if (claim.from && claim.to) return `${claim.from}–${claim.to}`;
  if (claim.from) return `from ${claim.from}`;
  if (claim.to) return `until ${claim.to}`;
  return stated ? `from ${stated} (stated start of production)` : "no date given";
}

/** When a statement about a future date was current: "stated 2023-11, dropped 2025-06-10". */
function statementSpan(claim: AtlasClaim): string {
  const stated = claim.from ? `stated ${claim.from}` : "stated";
  return claim.to ? `${stated}, dropped ${claim.to}` : `${stated}, current`;
}

function factRow(index: AtlasIndex, claim: AtlasClaim): FactRow {
  return {
    property: claim.property,
    value: describeValue(claim.property, claim.value, index),
    span: describeSpan(claim),
    disputed: disputedClaims(index).has(claim.id),
    ...evidence(index, claim),
    statedBy: claim.statedBy,
  };
}

/** A program's start- and end-of-production statements, announced and revised, oldest first. */
function programFacts(index: AtlasIndex, program: AtlasProgram): FactRow[] {
  return index.claims
    .filter((c) => c.subject === `program:${program.id}` && (c.property === "sop" || c.property === "eop"))
    .sort((a, b) => (a.from ?? "").localeCompare(b.from ?? ""))
    .map((c) => ({
      ...factRow(index, c),
      span: c.status === "fact" ? formatSpan(c.from, c.to) : statementSpan(c),
    }));
}

/** The plant's status, owner and capacity claims that hold in the year, and its timeless facts. */
function plantFacts(index: AtlasIndex, plant: AtlasPlant, year: number): FactRow[] {
  return index.claims
    .filter(
      (c) =>
        c.subject === `plant:${plant.id}` && c.origin !== "derived" && !c.property.startsWith("buildsBrand"),
    )
    .filter((c) => (c.status === "fact" ? holdsAt(index, c, year) === "yes" : statedBy(index, c, year)))
    .map((c) => factRow(index, c));
}

const disputedCache = new WeakMap<AtlasIndex, Set<string>>();

/** Ids of claims that take part in a conflict (computed once per index). */
export function disputedClaims(index: AtlasIndex): Set<string> {
  let ids = disputedCache.get(index);
  if (!ids) {
    ids = new Set(
      findConflicts(index).flatMap((c) =>
        c.sides.flatMap((s) => s.claims.filter((x) => x.inWindow).map((x) => x.claim.id)),
      ),
    );
    disputedCache.set(index, ids);
  }
  return ids;
}
