import { useState } from "react";
import { atlasApi } from "../../api/atlas.js";
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
              <ul>
                {[...a.builds, ...a.possibly, ...a.otherYears].map((r) => (
                  <li key={r.claimId}>
                    {a.subject.kind === "program" ? r.plant : `${r.program} at ${r.plant}`}{" "}
                    <span className="muted">{r.span}</span> <Sources sources={r.sources} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </>
      )}
    </Loaded>
  );
}
