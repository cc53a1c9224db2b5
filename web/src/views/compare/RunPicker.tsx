import { useState } from "react";
import type { Run } from "../../api/types.js";
import { dateTime } from "../../lib/format.js";
import { link, navigate } from "../../lib/router.js";
import { TableHead } from "../../components/TableHead.js";

const MAX = 4;

/** Choose two to four succeeded runs to set side by side. */
export function RunPicker({
  runs,
  names,
  selected,
}: {
  runs: Run[];
  names: Map<string, string>;
  selected: string[];
}) {
  const [chosen, setChosen] = useState<string[]>(selected);
  const toggle = (id: string) =>
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : c.length < MAX ? [...c, id] : c));
  const succeeded = runs.filter((r) => r.status === "succeeded");
  if (succeeded.length < 2) {
    return (
      <p className="muted">
        Comparing needs two succeeded runs: run a <a href={link("scenarios")}>scenario</a> or two first.
      </p>
    );
  }
  return (
    <details className="panel picker" open={selected.length < 2}>
      <summary>
        Choose runs to compare ({chosen.length} of up to {MAX})
      </summary>
      <table className="data compact">
        <TableHead columns={["Compare", "Scenario", { label: "Version", num: true }, "Finished"]} />
        <tbody>
          {[...succeeded].reverse().map((r) => {
            const scenario = names.get(r.scenarioId) ?? r.scenarioId;
            const label = `${scenario}, version ${r.versionNumber}`;
            return (
              <tr key={r.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare ${label} (run ${r.id.slice(0, 8)})`}
                    checked={chosen.includes(r.id)}
                    disabled={!chosen.includes(r.id) && chosen.length >= MAX}
                    onChange={() => toggle(r.id)}
                  />
                </td>
                <td>{scenario}</td>
                <td className="num">{r.versionNumber}</td>
                <td>{dateTime(r.finishedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        className="primary"
        disabled={chosen.length < 2}
        onClick={() => navigate(`${link("compare")}?runs=${chosen.join(",")}`)}
      >
        Compare {chosen.length} runs
      </button>
    </details>
  );
}
