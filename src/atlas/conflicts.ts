import { type ClaimValue, PROPERTIES, propertyBase } from "../domain/atlas.js";
import { type AtlasClaim, type AtlasIndex, handsOver, knownInterval } from "./claims.js";
import { subjectName } from "./describe.js";
import { formatDay, type Interval, intersect, periodRange } from "./time.js";
import { judge, type Verdict } from "./verdict.js";

/**
 * A conflict: claims on the same subject and single-valued property whose values differ while the
 * times they hold overlap. Each side gathers every claim for its value; `inWindow` marks those that
 * overlap the other side.
 */
export interface Conflict {
  subject: string;
  subjectName: string;
  property: string;
  /** the time both sides claim; null for timeless properties (a founding date, a platform) */
  window: Interval | null;
  sides: [ConflictSide, ConflictSide];
  verdict: Verdict;
}

export interface ConflictSide {
  value: ClaimValue;
  claims: SideClaim[];
}

export interface SideClaim {
  claim: AtlasClaim;
  interval: Interval;
  /** overlaps a claim of the other side */
  inWindow: boolean;
}

export function findConflicts(index: AtlasIndex): Conflict[] {
  const groups = new Map<string, AtlasClaim[]>();
  for (const claim of index.claims) {
    const spec = PROPERTIES[propertyBase(claim.property)];
    if (spec?.cardinality !== "one") continue;
    // a quantity over a period is compared only with claims for the very same period
    const period = spec.periodic ? `|${claim.from}|${claim.to}` : "";
    const key = `${claim.subject}|${claim.property}${period}`;
    groups.set(key, [...(groups.get(key) ?? []), claim]);
  }
  const conflicts: Conflict[] = [];
  for (const claims of groups.values()) conflicts.push(...conflictsAmong(claims, index));
  return conflicts.sort((a, b) => a.subject.localeCompare(b.subject) || a.property.localeCompare(b.property));
}

function conflictsAmong(claims: AtlasClaim[], index: AtlasIndex): Conflict[] {
  const first = claims[0]!;
  const timeless = PROPERTIES[propertyBase(first.property)]?.timeless === true;
  const classes = valueClasses(claims);
  const conflicts: Conflict[] = [];
  for (let i = 0; i < classes.length; i++) {
    for (let j = i + 1; j < classes.length; j++) {
      const a = classes[i]!.map((claim) => ({ claim, interval: knownInterval(claim, index) }));
      const b = classes[j]!.map((claim) => ({ claim, interval: knownInterval(claim, index) }));
      const overlaps = a.flatMap((x) =>
        b.flatMap((y) => {
          const both = handsOver(x.claim, y.claim) ? undefined : intersect(x.interval, y.interval);
          return both ? [{ x: x.claim, y: y.claim, both }] : [];
        }),
      );
      if (overlaps.length === 0) continue;
      const window = {
        start: Math.min(...overlaps.map((o) => o.both.start)),
        end: Math.max(...overlaps.map((o) => o.both.end)),
      };
      const inA = new Set(overlaps.map((o) => o.x));
      const inB = new Set(overlaps.map((o) => o.y));
      const sides: [ConflictSide, ConflictSide] = [
        { value: a[0]!.claim.value, claims: a.map((c) => ({ ...c, inWindow: inA.has(c.claim) })) },
        { value: b[0]!.claim.value, claims: b.map((c) => ({ ...c, inWindow: inB.has(c.claim) })) },
      ];
      conflicts.push({
        subject: first.subject,
        subjectName: subjectName(first.subject, index),
        property: first.property,
        window: timeless ? null : window,
        sides,
        verdict: judge(sides, window, first.property, index),
      });
    }
  }
  return conflicts;
}

/** Claims grouped by agreeing value: "2028" agrees with "2028-H2"; text compares without case. */
function valueClasses(claims: AtlasClaim[]): AtlasClaim[][] {
  const classes: AtlasClaim[][] = [];
  for (const claim of claims) {
    const home = classes.find((members) => members.every((m) => valuesAgree(m.value, claim.value)));
    if (home) home.push(claim);
    else classes.push([claim]);
  }
  return classes;
}

export function valuesAgree(a: ClaimValue, b: ClaimValue): boolean {
  if (typeof a === "string" && typeof b === "string") {
    const ra = periodRange(a);
    const rb = periodRange(b);
    if (ra && rb) return intersect(ra, rb) !== undefined;
    return a.trim().toLowerCase() === b.trim().toLowerCase();
  }
  return a === b;
}

/** A conflict as plain JSON (CLI --json and the HTTP API): day-number intervals become ISO dates, or null. */
export function conflictToJson(c: Conflict) {
  const day = (n: number) => formatDay(n) || null;
  return {
    subject: c.subject,
    subjectName: c.subjectName,
    property: c.property,
    window: c.window ? { from: day(c.window.start), to: day(c.window.end) } : null,
    sides: c.sides.map((side) => ({
      value: side.value,
      claims: side.claims.map(({ claim, inWindow }) => ({ ...claim, inWindow })),
    })),
    verdict: c.verdict,
  };
}
