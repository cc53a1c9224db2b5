import { useState } from "react";
import { atlasApi, type BuildRow, type WhereAnswer } from "../../api/atlas.js";
import { Loaded } from "../../components/Status.js";
import { useAsync } from "../../lib/use-async.js";
import { Sources } from "./Sources.js";

/** "Where is it made?" for any brand, model or plant in the atlas, in the year chosen. */
export function WhereSearch({ year }: { year: number }) {
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  return (
    <section className="panel" aria-label="Where is it made?">
      <h2>Where is it made?</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(draft.trim());
        }}
      >
        <input
          aria-label="Brand, model or plant"
          placeholder="Giulia, Alfa Romeo, Arese…"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Ask</button>
      </form>
      {query && <WhereAnswers query={query} year={year} />}
    </section>
  );
}

function WhereAnswers({ query, year }: { query: string; year: number }) {
  const state = useAsync((signal) => atlasApi.where(query, year, signal), [query, year]);
  return (
    <Loaded state={state}>
      {(answers) => (
        <>
          {answers.map((a) => (
            <div key={a.subject.id}>
              <h3>
                {a.subject.name} in {year}
              </h3>
              {a.builds.length + a.possibly.length === 0 && (
                <p className="muted">No production sourced for {year}.</p>
              )}
              <RowList label={`Built in ${year}`} rows={a.builds} kind={a.subject.kind} />
              <RowList label={POSSIBLY(year)} rows={a.possibly} kind={a.subject.kind} />
              <RowList label="Plans and reports" rows={a.outlook} kind={a.subject.kind} />
              <RowList label="In other years" rows={a.otherYears} kind={a.subject.kind} />
            </div>
          ))}
        </>
      )}
    </Loaded>
  );
}

/** The heading of rows whose start or end the sources do not give. */
export const POSSIBLY = (year: number) => `Dates not fully sourced (may have been built in ${year})`;

function RowList({
  label,
  rows,
  kind,
}: {
  label: string;
  rows: BuildRow[];
  kind: WhereAnswer["subject"]["kind"];
}) {
  if (rows.length === 0) return null;
  return (
    <>
      <h4>{label}</h4>
      <ul aria-label={label}>
        {rows.map((r) => (
          <li key={r.claimId}>
            {kind === "program" ? r.plant : `${r.program} at ${r.plant}`}{" "}
            <span className="muted">{r.span}</span>
            {r.status !== "fact" && <span className="tag">{r.status}</span>} <Sources sources={r.sources} />
          </li>
        ))}
      </ul>
    </>
  );
}
