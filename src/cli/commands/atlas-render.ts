import { type Dispute, referencesCovered } from "../../atlas/disputes.js";
import { formatNumber } from "../../atlas/format-number.js";
import type { SalesRow } from "../../atlas/sales.js";
import { describeProperty, describeValue } from "../../atlas/describe.js";
import { citeSource } from "../../atlas/evidence.js";
import type { AtlasIndex } from "../../atlas/claims.js";
import type { History } from "../../atlas/history.js";
import type { SourceUse } from "../../atlas/sources.js";
import { formatInterval, periodRange } from "../../atlas/time.js";
import type { BuildRow, FactRow, WhereAnswer } from "../../atlas/where.js";
import type { Source } from "../../domain/provenance.js";
import { table } from "../output.js";

/** Text answers of the atlas commands: every line names its sources and their dates. */

const cite = (sources: Source[]) => sources.map(citeSource).join("; ");

function buildTable(rows: BuildRow[], withStatus = false): string {
  const headers = [...(withStatus ? ["Status"] : []), "Plant", "Program", "When", "Sources"];
  return table(
    headers,
    rows.map((r) => [...(withStatus ? [r.status] : []), r.plant, r.program, r.span, cite(r.sources)]),
  );
}

function factTable(rows: FactRow[]): string {
  return table(
    ["What", "Value", "When", "Status", "Sources"],
    rows.map((r) => [
      r.property,
      r.value + (r.disputed ? " *" : ""),
      r.span,
      r.status,
      cite(r.sources) + (r.statedBy ? ` (${r.statedBy})` : ""),
    ]),
  );
}

const DISPUTED_NOTE = "* disputed by another claim: see 'portello conflicts'";

export function renderWhere(answers: WhereAnswer[]): string {
  const first = answers[0]!;
  const title =
    first.subject.kind === "program"
      ? answers.map((a) => a.subject.name).join(", ")
      : `${first.subject.name} (${first.subject.kind})`;
  const out = [`${title} — in ${first.year} (atlas data as of ${first.asOf})`];
  if (first.beyondData)
    out.push(
      `note: ${first.year} is after the data; facts still true in ${first.asOf} are assumed to go on.`,
    );
  const all = (pick: (a: WhereAnswer) => BuildRow[]) => answers.flatMap(pick);
  const builds = all((a) => a.builds);
  const section = (heading: string, body: string) => out.push("", heading, body);
  if (first.subject.kind === "plant" && first.facts.length)
    section(`The plant in ${first.year}:`, factTable(first.facts));
  section(
    `Built in ${first.year}:`,
    builds.length
      ? buildTable(builds)
      : `  nothing, according to the sources (see 'portello history ${first.query}')`,
  );
  const possibly = all((a) => a.possibly);
  if (possibly.length)
    section(`Dates not fully sourced (may have been built in ${first.year}):`, buildTable(possibly));
  const outlook = all((a) => a.outlook);
  if (outlook.length)
    section("Planned, announced, reported or speculated (not facts):", buildTable(outlook, true));
  const milestones = answers.flatMap((a) =>
    a.subject.kind === "program"
      ? a.facts.map((f) => ({ ...f, property: `${a.subject.name}: ${f.property}` }))
      : [],
  );
  if (milestones.length) section("Start and end of production, as stated over time:", factTable(milestones));
  const other = all((a) => a.otherYears);
  if (other.length) section(`In other years:`, buildTable(other));
  if (answers.some((a) => a.facts.some((f) => f.disputed))) out.push("", DISPUTED_NOTE);
  return out.join("\n");
}

export function renderHistory(history: History): string {
  const rows = history.entries.map((e) => [
    e.span,
    e.property,
    e.value + (e.disputed ? " *" : ""),
    e.status,
    cite(e.sources),
  ]);
  const lines = [
    `${history.subject.name} (${history.subject.kind}) — history`,
    "",
    table(["When", "What", "Value", "Status", "Sources"], rows),
  ];
  if (history.entries.some((e) => e.disputed)) lines.push("", DISPUTED_NOTE);
  return lines.join("\n");
}

export function renderConflicts(disputes: Dispute[], index: AtlasIndex): string {
  const asOfEnd = periodRange(index.atlas.asOf)!.end;
  const conflicts = disputes.filter((d) => d.kind !== "not-a-conflict");
  const detected = disputes.filter((d) => d.kind === "detected").length;
  const out = [
    `${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"} between sources (atlas data as of ${index.atlas.asOf}): ` +
      `${detected} found by the rule, ${conflicts.length - detected} recorded with a judged verdict`,
  ];
  conflicts.forEach((d, i) => {
    const c = d.conflict;
    const when = c.window
      ? formatInterval(c.window, asOfEnd)
      : d.kind === "recorded"
        ? "recorded"
        : "a fact that does not change over time";
    const ref = d.reference ? ` [${d.reference}: ${d.title}]` : "";
    out.push("", `${i + 1}. ${c.subjectName} — ${describeProperty(c.property, index)} (${when})${ref}`);
    c.sides.forEach((side, s) => {
      const inWindow = side.claims.filter((x) => x.inWindow);
      const values =
        d.kind === "recorded"
          ? [String(side.value)]
          : [...new Set(inWindow.map((x) => describeValue(c.property, x.claim.value, index)))];
      out.push(`   ${String.fromCharCode(65 + s)}: ${values.join(" / ")}`);
      for (const { claim } of inWindow) {
        const words = claim.quote ? ` "${claim.quote}"` : "";
        const span = claim.from || claim.to ? ` [${claim.from ?? "?"}–${claim.to ?? ""}]` : "";
        out.push(
          `      ${claim.status !== "fact" ? `(${claim.status}) ` : ""}${describeValue(claim.property, claim.value, index)}${span}${words}`,
        );
        for (const id of claim.sources) {
          const src = index.sources.get(id)!;
          out.push(`        ${src.title} — ${citeSource(src)} — ${src.url}`);
        }
      }
    });
    const label = { "by-dates": "resolved by dates", resolved: "resolved", unresolved: "unresolved" }[
      c.verdict.outcome
    ];
    const judged = d.ruleVerdict || d.kind === "recorded" ? ", judged" : "";
    const preferred =
      c.verdict.preferred !== undefined ? `: ${describeValue(c.property, c.verdict.preferred, index)}` : "";
    out.push(`   Verdict (${label}${judged})${preferred}`, `      ${c.verdict.reason}`);
    if (d.ruleVerdict)
      out.push(`      (the general rule alone: ${d.ruleVerdict.outcome}; ${d.ruleVerdict.reason})`);
  });
  const notConflicts = disputes.filter((d) => d.kind === "not-a-conflict");
  if (notConflicts.length) {
    out.push("", "Listed by the reference, but not a disagreement between claims:");
    for (const d of notConflicts) out.push(`   [${d.reference}] ${d.title}: ${d.conflict.verdict.reason}`);
  }
  const covered = referencesCovered(disputes);
  if (covered.length) out.push("", `Reference disputes covered (${covered.length}): ${covered.join(", ")}`);
  return out.join("\n");
}

export function renderSales(rows: SalesRow[], query: string, asOf: string): string {
  if (rows.length === 0) return `No sales figures for '${query}' in the atlas (data as of ${asOf}).`;
  const value = (r: SalesRow) =>
    (r.measure === "units" ? formatNumber(r.value) : `${r.value > 0 ? "+" : ""}${r.value}%`) +
    (r.arithmetic ? " (derived)" : "") +
    (r.disputed ? " *" : "");
  const lines = [
    `Sales of ${query} (atlas data as of ${asOf}); % = change against the same period a year earlier`,
    "",
    table(
      ["Period", "Market", "Model", "Sales", "Sources"],
      rows.map((r) => [
        r.period.label,
        r.market.name,
        r.subject.kind === "brand" ? "(brand)" : r.subject.name,
        value(r),
        cite(r.sources) + (r.arithmetic ? ` — ${r.arithmetic}` : ""),
      ]),
    ),
  ];
  if (rows.some((r) => r.disputed)) lines.push("", DISPUTED_NOTE);
  return lines.join("\n");
}

export function renderSources(uses: SourceUse[]): string {
  const rows = uses.map((u) => [
    u.source.id,
    u.source.kind,
    `${u.source.publisher}, ${u.source.dateIsApproximate ? "~" : ""}${u.source.date}`,
    u.claims,
    u.source.url,
  ]);
  return [
    `${uses.length} source${uses.length === 1 ? "" : "s"}`,
    "",
    table(["Id", "Kind", "Publisher, date", "Claims", "URL"], rows),
  ].join("\n");
}
