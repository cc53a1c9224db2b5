import type { ClaimValue } from "../domain/atlas.js";
import type { AtlasClaim, AtlasIndex } from "./claims.js";
import type { ConflictSide, SideClaim } from "./conflicts.js";
import { describeValue } from "./describe.js";
import {
  KIND_RANK,
  citeClaim,
  citeSource,
  claimRank,
  claimSources,
  latestSourceDay,
  rankName,
} from "./evidence.js";
import { type Interval, formatInterval, periodRange } from "./time.js";

/**
 * - by-dates: both values are right, for different times — one side's value is documented outside the
 *   window, the other's inside it (an out-of-date or premature claim, not an invented one);
 * - resolved: one side's evidence clearly outweighs the other's;
 * - unresolved: the evidence does not decide.
 */
export interface Verdict {
  outcome: "by-dates" | "resolved" | "unresolved";
  preferred?: ClaimValue;
  reason: string;
}

/** Scores at least this far apart decide a conflict (one kind of source, or two more publishers). */
const DECISIVE_GAP = 2;

export function judge(
  sides: [ConflictSide, ConflictSide],
  window: Interval,
  property: string,
  index: AtlasIndex,
): Verdict {
  const [a, b] = sides;
  const byDates =
    resolveByDates(a, b, window, property, index) ?? resolveByDates(b, a, window, property, index);
  if (byDates) return byDates;
  const weightA = weigh(a, b, index);
  const weightB = weigh(b, a, index);
  const say = (v: ClaimValue) => `'${describeValue(property, v, index)}'`;
  const superseded = [...weightA.superseded, ...weightB.superseded];
  const note = superseded.length ? ` ${superseded.join(" ")}` : "";
  if (Math.abs(weightA.score - weightB.score) >= DECISIVE_GAP) {
    const [strong, weak] = weightA.score > weightB.score ? [weightA, weightB] : [weightB, weightA];
    return {
      outcome: "resolved",
      preferred: strong.best.value,
      reason: `${say(strong.best.value)} is better supported: ${strong.summary} outweighs ${weak.summary}.${note}`,
    };
  }
  return {
    outcome: "unresolved",
    reason: `comparable evidence: ${say(weightA.best.value)} from ${weightA.summary}; ${say(weightB.best.value)} from ${weightB.summary}.${note}`,
  };
}

/**
 * `stale`'s value is documented by facts only outside the window, `current`'s facts cover the window,
 * and the window claims for `stale` weigh no more than those for `current`: the stale claim describes
 * another time.
 */
function resolveByDates(
  stale: ConflictSide,
  current: ConflictSide,
  window: Interval,
  property: string,
  index: AtlasIndex,
): Verdict | undefined {
  const elsewhere = stale.claims.filter((c) => !c.inWindow && c.claim.status === "fact");
  if (elsewhere.length === 0) return undefined;
  const covering = current.claims.filter(
    (c) =>
      c.inWindow &&
      c.claim.status === "fact" &&
      c.interval.start <= window.start &&
      c.interval.end >= window.end,
  );
  if (covering.length === 0) return undefined;
  const staleWindowRank = Math.max(
    ...stale.claims.filter((c) => c.inWindow).map((c) => claimRank(c.claim, index)),
  );
  if (staleWindowRank > Math.max(...covering.map((c) => claimRank(c.claim, index)))) return undefined;
  const before = elsewhere.filter((c) => c.interval.end < window.start);
  const after = elsewhere.filter((c) => c.interval.start > window.end);
  const staleValue = describeValue(property, stale.value, index);
  const currentValue = describeValue(property, current.value, index);
  const kind =
    after.length === 0 ? "out of date" : before.length === 0 ? "premature" : "right only for other years";
  const staleClaims = stale.claims.filter((c) => c.inWindow).map((c) => citeClaim(c.claim, index));
  return {
    outcome: "by-dates",
    preferred: current.value,
    reason:
      `'${staleValue}' held ${periods(elsewhere, index)}; ` +
      `over ${formatInterval(window, asOfEnd(index))} the sources give '${currentValue}' (${covering.map((c) => citeClaim(c.claim, index)).join("; ")}). ` +
      `The claim from ${staleClaims.join("; ")} is ${kind}, not invented.`,
  };
}

function asOfEnd(index: AtlasIndex): number {
  return periodRange(index.atlas.asOf)!.end;
}

function periods(claims: SideClaim[], index: AtlasIndex): string {
  return [...claims]
    .sort((x, y) => x.interval.start - y.interval.start)
    .slice(0, 3)
    .map((c) => `${formatInterval(c.interval, asOfEnd(index))} (${citeClaim(c.claim, index)})`)
    .join(", ");
}

interface Weight {
  side: ConflictSide;
  best: AtlasClaim;
  score: number;
  summary: string;
  superseded: string[];
}

/**
 * A side's weight: its strongest claim in the window, plus one per further independent publisher
 * (at most two). A claim whose publisher later said otherwise is superseded and not counted.
 */
function weigh(side: ConflictSide, other: ConflictSide, index: AtlasIndex): Weight {
  const inWindow = side.claims.filter((c) => c.inWindow).map((c) => c.claim);
  const superseded: string[] = [];
  const counted = inWindow.filter((claim) => {
    const later = laterSamePublisher(claim, other, index);
    if (later)
      superseded.push(`(${citeClaim(claim, index)} was superseded by the same publisher's ${later}.)`);
    return !later;
  });
  const pool = counted.length ? counted : inWindow;
  const best = [...pool].sort((x, y) => claimRank(y, index) - claimRank(x, index))[0]!;
  const publishers = new Set(pool.flatMap((c) => claimSources(c, index).map((s) => s.publisher)));
  const rank = claimRank(best, index);
  const score = rank + Math.min(publishers.size - 1, 2);
  const bestSource = [...claimSources(best, index)].sort((x, y) => KIND_RANK[y.kind] - KIND_RANK[x.kind])[0]!;
  const who = best.statedBy ? `${best.statedBy}, via ${citeSource(bestSource)}` : citeSource(bestSource);
  const more = publishers.size - 1;
  const summary = `${rankName(rank)}${best.officialStatement ? " statement" : ""} (${who})${more > 0 ? ` and ${more} more publisher${more > 1 ? "s" : ""}` : ""}`;
  return { side, best, score, summary, superseded };
}

function laterSamePublisher(claim: AtlasClaim, other: ConflictSide, index: AtlasIndex): string | undefined {
  const publishers = new Set(claimSources(claim, index).map((s) => s.publisher));
  const mine = latestSourceDay(claim, index);
  for (const { claim: theirs } of other.claims) {
    const shared = claimSources(theirs, index).find((s) => publishers.has(s.publisher));
    if (shared && latestSourceDay(theirs, index) > mine) return `report of ${shared.date}`;
  }
  return undefined;
}
