import { runsWithNames } from "../../api/queries.js";
import type { Run } from "../../api/types.js";
import { Loaded } from "../../components/Status.js";
import { dateTime, seconds } from "../../lib/format.js";
import { link } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { TableHead } from "../../components/TableHead.js";

/** Every run, newest first, with the way to its progress or results. */
export function RunsView() {
  const state = useAsync(async (signal) => {
    const { runs, names } = await runsWithNames(signal);
    return { runs: [...runs].reverse(), names };
  }, []);
  return (
    <div>
      <h1>Runs</h1>
      <Loaded state={state}>
        {({ runs, names }) =>
          runs.length === 0 ? (
            <p className="muted">
              No runs yet: open a <a href={link("scenarios")}>scenario</a> and run it.
            </p>
          ) : (
            <RunTable runs={runs} names={names} />
          )
        }
      </Loaded>
    </div>
  );
}

function RunTable({ runs, names }: { runs: Run[]; names: Map<string, string> }) {
  return (
    <table className="data">
      <TableHead
        columns={[
          "Scenario",
          { label: "Version", num: true },
          "Status",
          "Started",
          { label: "Solve time", num: true },
          "Open",
        ]}
      />
      <tbody>
        {runs.map((r) => (
          <tr key={r.id}>
            <td>{names.get(r.scenarioId) ?? r.scenarioId}</td>
            <td className="num">{r.versionNumber}</td>
            <td>
              <span className={`tag status-${r.status}`}>{r.status}</span>
            </td>
            <td>{dateTime(r.startedAt ?? r.createdAt)}</td>
            <td className="num">{seconds(r.timings.total ?? r.timings.solve)}</td>
            <td>
              {r.status === "succeeded" ? (
                <a href={link("results", r.id)}>results</a>
              ) : (
                <a href={link("runs", r.id)}>progress</a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
