import type { AsyncState } from "../../lib/use-async.js";
import type { Validation, ValidationIssue } from "../../api/types.js";

/** The server's verdict on the text being typed: each issue with its line and field, clickable to jump there. */
export function ValidationPanel({
  state,
  fileName,
  onJump,
}: {
  state: AsyncState<Validation>;
  /** the file being edited: issues elsewhere (in the base it extends) name their file */
  fileName: string;
  onJump: (line: number) => void;
}) {
  return (
    <section className="panel validation" aria-label="Validation" aria-live="polite">
      <h3>Validation</h3>
      {state.status === "loading" && <p className="muted">Checking…</p>}
      {state.status === "error" && <p className="error">Could not validate: {state.error.message}</p>}
      {state.status === "ready" && state.value.valid && (
        <p className="ok" role="status">
          ✓ Valid
          {state.value.summary &&
            ` — ${state.value.summary.plants} plants, ${state.value.summary.programs} programs, ${state.value.summary.markets} markets after merging`}
        </p>
      )}
      {state.status === "ready" && !state.value.valid && (
        <ul className="issues" aria-label="Validation issues">
          {state.value.issues.map((issue) => (
            <IssueItem key={issue.text} issue={issue} fileName={fileName} onJump={onJump} />
          ))}
        </ul>
      )}
    </section>
  );
}

function IssueItem({
  issue,
  fileName,
  onJump,
}: {
  issue: ValidationIssue;
  fileName: string;
  onJump: (line: number) => void;
}) {
  const elsewhere = issue.file !== fileName;
  const where = issue.line
    ? `Line ${issue.line}${issue.column ? `, column ${issue.column}` : ""}`
    : issue.file;
  const body = (
    <>
      <span className="issue-where">{where}</span>
      {issue.path && <code className="issue-path">{issue.path}</code>}
      <span className="issue-message">{issue.message}</span>
      {elsewhere && <span className="muted small"> (in {issue.file})</span>}
    </>
  );
  const line = elsewhere ? undefined : issue.line;
  return (
    <li className="issue">
      {line ? (
        <button type="button" className="link-like" onClick={() => onJump(line)}>
          {body}
        </button>
      ) : (
        body
      )}
    </li>
  );
}
