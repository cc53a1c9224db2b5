import type { Conflict, Source } from "../../api/atlas.js";
import { Sources } from "./Sources.js";

const OUTCOMES = {
  "by-dates": "both right, for different dates",
  resolved: "resolved",
  unresolved: "unresolved",
};

/** Claims that disagree: both sides with their sources and dates, and the verdict in words. */
export function ConflictList({
  conflicts,
  sources,
}: {
  conflicts: Conflict[];
  sources: Map<string, Source>;
}) {
  if (conflicts.length === 0) return <p className="muted">No conflicting claims.</p>;
  return (
    <div>
      {conflicts.map((c) => (
        <article
          key={`${c.subject}-${c.property}-${c.sides.map((s) => String(s.value)).join("|")}`}
          className="conflict"
          aria-label={`${c.subjectName}: ${c.property}`}
        >
          <h4>
            {c.subjectName} — {c.property}{" "}
            <span className={`tag verdict-${c.verdict.outcome}`}>{OUTCOMES[c.verdict.outcome]}</span>
          </h4>
          {c.window && (
            <p className="muted small">
              Disputed {c.window.from ?? "…"} to {c.window.to ?? "…"}
            </p>
          )}
          <div className="conflict-sides">
            {c.sides.map((side) => (
              <div key={String(side.value)} className="conflict-side">
                <strong>{String(side.value)}</strong>
                <ul>
                  {side.claims.map((claim) => (
                    <li key={claim.id} className={claim.inWindow ? undefined : "muted"}>
                      {claim.from ?? "?"}–{claim.to ?? ""}{" "}
                      <Sources sources={claim.sources.flatMap((id) => sources.get(id) ?? [])} />
                      {claim.quote && <q className="small"> {claim.quote}</q>}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
          <p className="small">{c.verdict.reason}</p>
        </article>
      ))}
    </div>
  );
}
