import { useMemo, useRef, useState } from "react";
import { api } from "../../api/client.js";
import type { ScenarioRecord, Version, VersionSummary } from "../../api/types.js";
import { ErrorNote, Loaded } from "../../components/Status.js";
import { ViewerNote } from "../../components/ViewerNote.js";
import { dateTime } from "../../lib/format.js";
import { mayEdit, type Role, VIEWER_NOTE } from "../../lib/roles.js";
import { link, navigate } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { useDebounced } from "../../lib/use-debounced.js";
import { DiffPanel } from "./DiffPanel.js";
import { lineOffset, readScenario, setField } from "./document.js";
import { EntityTables } from "./EntityTables.js";
import { TextEditor } from "./TextEditor.js";
import { ValidationPanel } from "./ValidationPanel.js";
import { WorkbookPanel } from "./WorkbookPanel.js";

interface EditorData {
  scenario: ScenarioRecord;
  version: Version;
  versions: VersionSummary[];
  siblings: ScenarioRecord[];
  role: Role;
}

/** One scenario version: its text and tables, validated as you type; saved as a new version; run. */
export function ScenarioEditor({ scenarioId, version }: { scenarioId: string; version?: number }) {
  const state = useAsync(
    async (signal): Promise<EditorData> => {
      const { scenario, version: latest, role } = await api.scenario(scenarioId, signal);
      const [chosen, versions, siblings] = await Promise.all([
        version && version !== latest.number ? api.version(scenarioId, version, signal) : latest,
        api.versions(scenarioId, signal),
        api.scenarios(scenario.projectId, signal),
      ]);
      return { scenario, version: chosen, versions, siblings, role };
    },
    [scenarioId, version],
  );
  return <Loaded state={state}>{(loaded) => <Editor {...loaded} />}</Loaded>;
}

function Editor({ scenario, version, versions, siblings, role }: EditorData) {
  const editor = mayEdit(role);
  const [text, setText] = useState(version.content);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState<"save" | "run" | undefined>();
  const [actionError, setActionError] = useState<Error | undefined>();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const dirty = text !== version.content;

  const parsed = useMemo(() => readScenario(text), [text]);
  const currency = useMemo(() => /^currency:\s*([A-Z]{3})/m.exec(text)?.[1] ?? "EUR", [text]);
  const base = siblings.find((s) => s.fileName === parsed.extendsFile && s.id !== scenario.id);

  const settledText = useDebounced(text, 350);
  const validation = useAsync(
    (signal) => api.validate(settledText, scenario.fileName, scenario.projectId, signal),
    [settledText, scenario.fileName, scenario.projectId],
  );
  const errorLines = new Set(
    validation.status === "ready" ? validation.value.issues.flatMap((i) => (i.line ? [i.line] : [])) : [],
  );

  const jumpTo = (line: number) => {
    const el = textarea.current;
    if (!el) return;
    const start = lineOffset(text, line);
    const end = text.indexOf("\n", start);
    el.focus();
    el.setSelectionRange(start, end < 0 ? text.length : end);
    el.scrollTop = Math.max(0, (line - 5) * 18);
  };

  /** Saving and running both go on to another page; a failure stays here, with the buttons free again. */
  const act = async (kind: "save" | "run", action: () => Promise<string>) => {
    setBusy(kind);
    setActionError(undefined);
    try {
      navigate(await action());
    } catch (error) {
      setActionError(error as Error);
      setBusy(undefined);
    }
  };
  const save = () =>
    act("save", async () => {
      const saved = await api.saveVersion(scenario.id, text, version.number, note.trim() || undefined);
      return link("scenarios", scenario.id, "v", saved.number);
    });
  const run = () =>
    act("run", async () => link("runs", (await api.startRun(scenario.id, version.number)).id));

  const valid = validation.status === "ready" && validation.value.valid;
  return (
    <div className="editor-page">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <a href={link("scenarios")}>Scenarios</a> / {scenario.fileName}
          </p>
          <h1>{scenario.name}</h1>
          <p className="muted">
            Version {version.number} of {scenario.latestVersion} · saved {dateTime(version.createdAt)}
            {version.note && ` · “${version.note}”`}
            {dirty && <strong className="dirty"> · unsaved changes</strong>}
          </p>
        </div>
        <div className="actions">
          <button
            type="button"
            onClick={run}
            disabled={!editor || dirty || busy !== undefined}
            title={editor ? (dirty ? "Save first" : "") : VIEWER_NOTE}
          >
            {busy === "run" ? "Starting…" : `Run version ${version.number}`}
          </button>
          <ViewerNote role={role} />
        </div>
      </div>
      {actionError && <ErrorNote error={actionError} />}

      <EntityTables
        lists={parsed.lists}
        currency={currency}
        extendsFile={parsed.extendsFile}
        onEdit={(list, index, field, value) => setText((t) => setField(t, list, index, field, value))}
      />
      <div className="editor-grid">
        <section className="panel" aria-label="Scenario text">
          <h3>Scenario text</h3>
          <TextEditor ref={textarea} value={text} onChange={setText} errorLines={errorLines} />
        </section>
        <aside className="editor-side">
          <ValidationPanel state={validation} fileName={scenario.fileName} onJump={jumpTo} />
          <section className="panel" aria-label="Save">
            <h3>Save</h3>
            <label className="stacked">
              Note
              <input
                value={note}
                onChange={(e) => setNote(e.target.value)}
                placeholder="what changed and why"
              />
            </label>
            <div className="row">
              <button
                type="button"
                className="primary"
                onClick={save}
                disabled={!editor || !dirty || !valid || busy !== undefined}
                title={editor ? "" : VIEWER_NOTE}
              >
                {busy === "save" ? "Saving…" : "Save as new version"}
              </button>
              {dirty && (
                <button type="button" onClick={() => setText(version.content)} disabled={busy !== undefined}>
                  Discard edits
                </button>
              )}
            </div>
            {editor && dirty && !valid && validation.status === "ready" && (
              <p className="muted small">Fix the issues above to save.</p>
            )}
          </section>
          <WorkbookPanel
            scenario={scenario}
            version={version.number}
            extendsBase={parsed.extendsFile !== undefined}
            dirty={dirty}
            editor={editor}
          />
          <VersionList scenarioId={scenario.id} versions={versions} current={version.number} />
        </aside>
      </div>
      <DiffPanel scenario={scenario} version={version.number} base={base} dirty={dirty} />
    </div>
  );
}

function VersionList({
  scenarioId,
  versions,
  current,
}: {
  scenarioId: string;
  versions: VersionSummary[];
  current: number;
}) {
  return (
    <section className="panel" aria-label="Versions">
      <h3>Versions</h3>
      <ol className="versions" reversed>
        {[...versions].reverse().map((v) => (
          <li key={v.number}>
            <a
              href={link("scenarios", scenarioId, "v", v.number)}
              aria-current={v.number === current ? "page" : undefined}
            >
              v{v.number}
            </a>{" "}
            <span className="muted small">
              {dateTime(v.createdAt)}
              {v.note && ` — ${v.note}`}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
