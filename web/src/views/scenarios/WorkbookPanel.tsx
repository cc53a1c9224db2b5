import { useRef, useState } from "react";
import { ApiError, api } from "../../api/client.js";
import type { ScenarioRecord, ValidationIssue } from "../../api/types.js";
import { ErrorNote } from "../../components/Status.js";
import { link, navigate } from "../../lib/router.js";

/**
 * The version as an Excel workbook, both ways: download it (resolved, or only its differences from its base),
 * fill it in, upload it as the next version. An invalid workbook is refused with each problem at its cell.
 */
export function WorkbookPanel({
  scenario,
  version,
  extendsBase,
  dirty,
  editor,
}: {
  scenario: ScenarioRecord;
  version: number;
  extendsBase: boolean;
  dirty: boolean;
  /** a viewer may download, not upload */
  editor: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [error, setError] = useState<Error | undefined>();

  const upload = async (file: File) => {
    setBusy(true);
    setIssues([]);
    setError(undefined);
    try {
      const saved = await api.uploadWorkbook(scenario.id, file, version, `uploaded ${file.name}`);
      navigate(link("scenarios", scenario.id, "v", saved.number));
    } catch (failure) {
      if (failure instanceof ApiError && failure.problem?.issues?.length) setIssues(failure.problem.issues);
      else setError(failure as Error);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  };

  return (
    <section className="panel" aria-label="Workbook">
      <h3>Excel workbook</h3>
      <p className="row">
        <a href={api.workbookUrl(scenario.id, version)} download>
          Download version {version} (.xlsx)
        </a>
        {extendsBase && (
          <a href={api.workbookUrl(scenario.id, version, true)} download>
            Only its differences from the base
          </a>
        )}
      </p>
      <label className="stacked">
        Upload a filled-in workbook as the next version
        <input
          ref={input}
          type="file"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={!editor || busy || dirty}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
          }}
        />
      </label>
      {dirty && <p className="muted small">Save or discard the text edits first.</p>}
      {busy && <p className="muted">Checking the workbook…</p>}
      {error && <ErrorNote error={error} />}
      {issues.length > 0 && (
        <>
          <p className="error" role="alert">
            The workbook was not saved: {issues.length} problem{issues.length === 1 ? "" : "s"}.
          </p>
          <ul className="issues" aria-label="Workbook problems">
            {issues.map((issue) => (
              <li key={issue.text} className="issue">
                <span className="issue-where">
                  {issue.sheet ? `${issue.sheet}!${issue.cell}` : issue.file}
                </span>
                {(issue.field ?? issue.path) && (
                  <code className="issue-path">{issue.field ?? issue.path}</code>
                )}
                <span className="issue-message">{issue.message}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
