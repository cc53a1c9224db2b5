import { link, type Route, useRoute } from "./lib/router.js";
import { AnswerView } from "./views/answer/AnswerView.js";
import { AtlasView } from "./views/atlas/AtlasView.js";
import { CompareView } from "./views/compare/CompareView.js";
import { ResultsView } from "./views/results/ResultsView.js";
import { RunView } from "./views/run/RunView.js";
import { RunsView } from "./views/run/RunsView.js";
import { ScenarioEditor } from "./views/scenarios/ScenarioEditor.js";
import { ScenarioList } from "./views/scenarios/ScenarioList.js";

const SECTIONS = [
  { key: "answer", label: "Answer" },
  { key: "atlas", label: "Atlas" },
  { key: "scenarios", label: "Scenarios" },
  { key: "runs", label: "Runs" },
  { key: "compare", label: "Compare" },
] as const;

/** The shell: a header with the sections, and the view the hash names. */
export function App() {
  const route = useRoute();
  const section = route.path[0] ?? "answer";
  const current = section === "results" ? "runs" : section;
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href={link("answer")}>
          Portello
          <span className="brand-sub">production-network planner</span>
        </a>
        <nav aria-label="Sections">
          {SECTIONS.map((s) => (
            <a
              key={s.key}
              className="topbar-link"
              href={link(s.key)}
              aria-current={current === s.key ? "page" : undefined}
            >
              {s.label}
            </a>
          ))}
        </nav>
      </header>
      <main className="content">
        <View route={route} />
      </main>
    </div>
  );
}

function View({ route }: { route: Route }) {
  const [section = "answer", id, sub, subId] = route.path;
  switch (section) {
    case "answer":
      return <AnswerView />;
    case "atlas":
      return <AtlasView plantId={id === "plant" ? sub : undefined} />;
    case "scenarios":
      if (!id) return <ScenarioList />;
      return (
        <ScenarioEditor
          key={`${id}/${subId ?? ""}`}
          scenarioId={id}
          version={sub === "v" ? Number(subId) : undefined}
        />
      );
    case "runs":
      return id ? <RunView key={id} runId={id} /> : <RunsView />;
    case "results":
      return id ? <ResultsView key={id} runId={id} /> : <RunsView />;
    case "compare":
      return <CompareView runIds={(route.query.get("runs") ?? "").split(",").filter(Boolean)} />;
    default:
      return <p role="alert">No page at “{route.path.join("/")}”.</p>;
  }
}
