import { projectsWithScenarios } from "../../api/queries.js";
import type { Project, ScenarioRecord } from "../../api/types.js";
import { Loaded } from "../../components/Status.js";
import { dateTime } from "../../lib/format.js";
import { link } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { TableHead } from "../../components/TableHead.js";

/** Every project and its scenarios: the base case first, then its variants. */
export function ScenarioList() {
  const state = useAsync(projectsWithScenarios, []);
  return (
    <div>
      <h1>Scenarios</h1>
      <Loaded state={state}>
        {(projects) =>
          projects.length === 0 ? (
            <p className="muted">No projects yet.</p>
          ) : (
            projects.map(({ project, scenarios }) => (
              <ProjectScenarios key={project.id} project={project} scenarios={scenarios} />
            ))
          )
        }
      </Loaded>
    </div>
  );
}

function ProjectScenarios({ project, scenarios }: { project: Project; scenarios: ScenarioRecord[] }) {
  return (
    <section className="panel" aria-labelledby={`project-${project.id}`}>
      <h2 id={`project-${project.id}`}>
        {project.name} {project.builtin && <span className="tag">built in</span>}
      </h2>
      {project.description && <p className="muted">{project.description}</p>}
      <table className="data">
        <TableHead columns={["Scenario", "File", { label: "Versions", num: true }, "Last saved"]} />
        <tbody>
          {scenarios.map((s) => (
            <tr key={s.id}>
              <td>
                <a href={link("scenarios", s.id)}>{s.name}</a>
              </td>
              <td>
                <code>{s.fileName}</code>
              </td>
              <td className="num">{s.latestVersion}</td>
              <td>{dateTime(s.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
