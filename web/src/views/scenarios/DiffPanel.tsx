import { useState } from "react";
import { api } from "../../api/client.js";
import type { FieldChange, ScenarioRecord } from "../../api/types.js";
import { Loaded } from "../../components/Status.js";
import { useAsync } from "../../lib/use-async.js";
import { TableHead } from "../../components/TableHead.js";

interface DiffTarget {
  key: string;
  label: string;
  /** the older side: a scenario and its version; the newer side is always the version being edited */
  scenarioId: string;
  version: number;
}

/** The saved version against its base scenario or an earlier version, entity by entity, field by field. */
export function DiffPanel({
  scenario,
  version,
  base,
  dirty,
}: {
  scenario: ScenarioRecord;
  version: number;
  base?: ScenarioRecord;
  dirty: boolean;
}) {
  const targets: DiffTarget[] = [];
  if (base) {
    targets.push({
      key: "base",
      label: `base scenario “${base.name}”`,
      scenarioId: base.id,
      version: base.latestVersion,
    });
  }
  if (version > 1) {
    targets.push({
      key: "prev",
      label: `version ${version - 1}`,
      scenarioId: scenario.id,
      version: version - 1,
    });
    if (version > 2) targets.push({ key: "first", label: "version 1", scenarioId: scenario.id, version: 1 });
  }
  const [choice, setChoice] = useState(targets[0]?.key);
  const target = targets.find((t) => t.key === choice) ?? targets[0];
  return (
    <section className="panel" aria-label="Differences">
      <h3>Differences</h3>
      {!target ? (
        <p className="muted">The first version of a scenario without a base: nothing to compare with yet.</p>
      ) : (
        <>
          <label className="inline">
            Version {version} against{" "}
            <select value={target.key} onChange={(e) => setChoice(e.target.value)}>
              {targets.map((t) => (
                <option key={t.key} value={t.key}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          {dirty && (
            <p className="muted small">
              Unsaved edits are not in the diff: save them as a new version first.
            </p>
          )}
          <DiffTable target={target} scenarioId={scenario.id} version={version} />
        </>
      )}
    </section>
  );
}

function DiffTable({
  target,
  scenarioId,
  version,
}: {
  target: DiffTarget;
  scenarioId: string;
  version: number;
}) {
  const against = target.scenarioId === scenarioId ? undefined : scenarioId;
  const state = useAsync(
    (signal) => api.diff(target.scenarioId, target.version, version, against, signal),
    [target.scenarioId, target.version, version, against],
  );
  return (
    <Loaded state={state}>
      {({ diff, resolved }) =>
        diff.identical ? (
          <p className="muted">No differences.</p>
        ) : (
          <>
            <p className="small">
              {diff.summary.changed} changed, {diff.summary.added} added, {diff.summary.removed} removed
              {diff.summary.fields > 0 && `, ${diff.summary.fields} scenario fields`}
              {!resolved && " (raw documents: one side does not validate)"}
            </p>
            <table className="data compact" aria-label="Differences">
              <TableHead columns={["List", "Entity", "Change"]} />
              <tbody>
                {diff.fields.map((f) => (
                  <tr key={`field-${f.path}`}>
                    <td>scenario</td>
                    <td>{f.path}</td>
                    <td>
                      <FieldText change={f} />
                    </td>
                  </tr>
                ))}
                {diff.entities.map((e) => (
                  <tr key={`${e.collection}-${e.key}`} className={`diff-${e.kind}`}>
                    <td>{e.collection}</td>
                    <td>{e.key}</td>
                    <td>
                      {e.kind !== "changed"
                        ? e.kind
                        : e.fields.map((f) => (
                            <div key={f.path}>
                              <FieldText change={f} />
                            </div>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      }
    </Loaded>
  );
}

function FieldText({ change }: { change: FieldChange }) {
  return (
    <span>
      <code>{change.path}</code>: {short(change.before)} → <strong>{short(change.after)}</strong>
    </span>
  );
}

function short(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
