import { atlasApi, type BuildRow } from "../../api/atlas.js";
import { Loaded } from "../../components/Status.js";
import { useAsync } from "../../lib/use-async.js";
import { Sources } from "./Sources.js";
import { POSSIBLY } from "./WhereSearch.js";
import { TableHead } from "../../components/TableHead.js";

/** A plant in the atlas: what it builds in the year, what it built and will build, its history, its sources. */
export function PlantDetail({ plantId, year }: { plantId: string; year: number }) {
  const state = useAsync(
    async (signal) => {
      const [answers, history] = await Promise.all([
        atlasApi.where(plantId, year, signal),
        atlasApi.history(plantId, signal),
      ]);
      return { answer: answers.find((a) => a.subject.kind === "plant") ?? answers[0]!, history };
    },
    [plantId, year],
  );
  return (
    <section className="panel" aria-label="Plant details">
      <Loaded state={state}>
        {({ answer, history }) => (
          <>
            <h2>{answer.subject.name}</h2>
            {answer.beyondData && (
              <p className="muted small">
                The atlas runs to {answer.asOf}: later years assume what held then still holds.
              </p>
            )}
            <ul className="facts">
              {answer.facts.map((f) => (
                <li key={f.claimId}>
                  <strong>{f.property}</strong>: {f.value} <span className="muted">({f.span})</span>{" "}
                  <Sources sources={f.sources} />
                </li>
              ))}
            </ul>
            <BuildList
              title={`Builds in ${year}`}
              rows={answer.builds}
              empty={`Nothing sourced for ${year}.`}
            />
            {answer.possibly.length > 0 && <BuildList title={POSSIBLY(year)} rows={answer.possibly} />}
            {answer.outlook.length > 0 && <BuildList title="Plans and reports" rows={answer.outlook} />}
            <h3>History</h3>
            <table className="data compact" aria-label="History">
              <TableHead columns={["When", "What", "Sources"]} />
              <tbody>
                {history.entries.map((e) => (
                  <tr key={e.claimId}>
                    <td>{e.span}</td>
                    <td>
                      {e.property === "builds" ? `builds ${e.value}` : `${e.property}: ${e.value}`}
                      {e.status !== "fact" && <span className="tag">{e.status}</span>}
                      {e.disputed && <span className="disputed"> · disputed</span>}
                    </td>
                    <td>
                      <Sources sources={e.sources} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Loaded>
    </section>
  );
}

function BuildList({ title, rows, empty }: { title: string; rows: BuildRow[]; empty?: string }) {
  return (
    <>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="builds" aria-label={title}>
          {rows.map((r) => (
            <li key={r.claimId}>
              <strong>{r.program}</strong> <span className="muted">{r.span}</span>
              {r.status !== "fact" && <span className="tag">{r.status}</span>} <Sources sources={r.sources} />
              {r.note && <div className="muted small">{r.note}</div>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
