import type { ClaimSelector, Judgement } from "../domain/atlas.js";
import type { AtlasClaim, AtlasIndex } from "./claims.js";
import { type Conflict, conflictToJson, findConflicts, valuesAgree } from "./conflicts.js";
import { subjectName } from "./describe.js";
import { knownInterval } from "./claims.js";
import type { Verdict } from "./verdict.js";

/**
 * Every dispute of the atlas: the conflicts the general rule finds, tied to the reference's list where
 * the dataset's judgements name them (and judged there where the rule's weighing misses a point), the
 * disputes the rule cannot see, recorded with a verdict, and the items a reference lists that are not
 * disagreements between claims.
 */
export interface Dispute {
  kind: "detected" | "recorded" | "not-a-conflict";
  /** the reference's label, e.g. "FACTS.md §7.3", where a judgement ties it to one */
  reference?: string;
  title?: string;
  /** the detected conflict; for recorded disputes, one built from the selected claims */
  conflict: Conflict;
  /** the rule's own verdict, where the judgement replaced it */
  ruleVerdict?: Verdict;
}

export function listDisputes(index: AtlasIndex): Dispute[] {
  const judgements = index.atlas.judgements;
  const detected = findConflicts(index).map((conflict): Dispute => {
    const judgement = judgements.find((j) => j.conflicts.some((c) => judges(c, conflict)));
    if (!judgement) return { kind: "detected", conflict };
    const judged = judgement.verdict;
    return {
      kind: "detected",
      reference: judgement.reference,
      title: judgement.title,
      conflict: judged ? { ...conflict, verdict: judged } : conflict,
      ...(judged ? { ruleVerdict: conflict.verdict } : {}),
    };
  });
  const recorded = judgements
    .filter((j) => j.conflicts.length === 0)
    .map((j): Dispute => {
      const kind = j.sides.length > 0 ? "recorded" : "not-a-conflict";
      return { kind, reference: j.reference, title: j.title, conflict: recordedConflict(j, index) };
    });
  return [...detected, ...recorded];
}

/** A judgement's selector names the conflict: same subject and property, and a claim of the period given. */
export function judges(selector: Omit<ClaimSelector, "value">, conflict: Conflict): boolean {
  return (
    selector.subject === conflict.subject &&
    selector.property === conflict.property &&
    (selector.from === undefined ||
      conflict.sides.some((side) => side.claims.some((c) => c.claim.from === selector.from)))
  );
}

/** The claims a selector picks: same subject and property, and the value or period where given. */
export function selectClaims(index: AtlasIndex, selector: ClaimSelector): AtlasClaim[] {
  return index.claims.filter(
    (c) =>
      c.subject === selector.subject &&
      c.property === selector.property &&
      c.origin !== "derived" &&
      (selector.value === undefined || valuesAgree(c.value, selector.value)) &&
      (selector.from === undefined || c.from === selector.from),
  );
}

function recordedConflict(judgement: Judgement, index: AtlasIndex): Conflict {
  const first = judgement.sides[0]?.claims[0];
  const sides = judgement.sides.map((side) => ({
    value: side.label,
    claims: side.claims
      .flatMap((selector) => selectClaims(index, selector))
      .map((claim) => ({ claim, interval: knownInterval(claim, index), inWindow: true })),
  }));
  return {
    subject: first?.subject ?? "",
    subjectName: first ? subjectName(first.subject, index) : judgement.title,
    property: first?.property ?? "",
    window: null,
    sides: sides as Conflict["sides"],
    verdict: judgement.verdict!,
  };
}

/** A dispute as plain JSON (CLI --json and the HTTP API): the conflict's view plus where it comes from. */
export function disputeToJson(d: Dispute) {
  return {
    ...conflictToJson(d.conflict),
    kind: d.kind,
    ...(d.reference ? { reference: d.reference, title: d.title } : {}),
    ...(d.ruleVerdict ? { ruleVerdict: d.ruleVerdict } : {}),
  };
}

/** The reference labels the disputes cover, in the reference's order ("§7.2" before "§7.10"). */
export function referencesCovered(disputes: Dispute[]): string[] {
  const labels = [...new Set(disputes.flatMap((d) => (d.reference ? [d.reference] : [])))];
  return labels.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}
