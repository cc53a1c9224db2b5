import { type FormEvent, useState } from "react";
import seedStudy from "../../../../data/studies/alfa-belvidere.yaml?raw";
import { api } from "../../api/client.js";
import { ErrorNote, Loaded } from "../../components/Status.js";
import { TableHead } from "../../components/TableHead.js";
import { ViewerNote } from "../../components/ViewerNote.js";
import { dateTime } from "../../lib/format.js";
import { mayEdit, type Role, VIEWER_NOTE } from "../../lib/roles.js";
import { link, navigate } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";

/** The project studies start in by default: the built-in one `npm start` answers. */
const PROJECT = "alfa-romeo";

/** A project's uncertainty studies, and a form to start one (the built-in seed-question study to begin with). */
export function StudiesView() {
  const [refresh, setRefresh] = useState(0);
  const state = useAsync((signal) => api.studies(PROJECT, signal), [refresh]);
  const project = useAsync((signal) => api.project(PROJECT, signal), []);
  return (
    <div>
      <h1>Studies</h1>
      <p className="muted">
        The options of a question solved under thousands of draws of what is uncertain: how likely each is to
        be best, what it risks, which uncertainties matter most (docs/studies.md).
      </p>
      {project.status === "ready" && (
        <StartStudy role={project.value.role} onStarted={() => setRefresh((n) => n + 1)} />
      )}
      <section className="panel" aria-label="Studies of the project">
        <h2>Studies in “{PROJECT}”</h2>
        <Loaded state={state}>
          {(studies) =>
            studies.length === 0 ? (
              <p className="muted">No study yet.</p>
            ) : (
              <table className="data" aria-label="Studies">
                <TableHead columns={["Study", "Status", { label: "Solves", num: true }, "Started"]} />
                <tbody>
                  {[...studies].reverse().map((s) => (
                    <tr key={s.id}>
                      <td>
                        <a href={link("studies", s.id)}>{s.name}</a>
                      </td>
                      <td>{s.status}</td>
                      <td className="num">
                        {s.done} / {s.total}
                      </td>
                      <td>{dateTime(s.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </section>
    </div>
  );
}

function StartStudy({ role, onStarted }: { role: Role; onStarted: () => void }) {
  const editor = mayEdit(role);
  const [text, setText] = useState(seedStudy);
  const [samples, setSamples] = useState("200");
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const n = Number(samples);
    api.startStudy(PROJECT, text, Number.isInteger(n) && n > 0 ? n : undefined).then(
      (study) => {
        onStarted();
        navigate(link("studies", study.id));
      },
      (e: Error) => {
        setError(e);
        setBusy(false);
      },
    );
  };
  return (
    <form className="panel" aria-label="New study" onSubmit={submit}>
      <h2>New study</h2>
      <label>
        Study (YAML; options are scenarios of the project by file name, or builtin:&lt;name&gt;)
        <textarea
          className="code"
          rows={14}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <div className="row">
        <label>
          Monte Carlo samples{" "}
          <input
            type="number"
            min={1}
            max={100000}
            value={samples}
            onChange={(e) => setSamples(e.target.value)}
            style={{ width: "8em" }}
          />
        </label>
        <button
          type="submit"
          className="primary"
          disabled={!editor || busy}
          title={editor ? "" : VIEWER_NOTE}
        >
          Start study
        </button>
      </div>
      <ViewerNote role={role} />
      {error && <ErrorNote error={error} />}
    </form>
  );
}
