import { useCallback, useEffect, useState } from "react";
import { api, UNAUTHORIZED_EVENT } from "./api/client.js";
import type { Session } from "./api/types.js";
import { link, type Route, useRoute } from "./lib/router.js";
import { AnswerView } from "./views/answer/AnswerView.js";
import { AtlasView } from "./views/atlas/AtlasView.js";
import { CompareView } from "./views/compare/CompareView.js";
import { ResultsView } from "./views/results/ResultsView.js";
import { RunView } from "./views/run/RunView.js";
import { RunsView } from "./views/run/RunsView.js";
import { ScenarioEditor } from "./views/scenarios/ScenarioEditor.js";
import { ScenarioList } from "./views/scenarios/ScenarioList.js";
import { SignIn } from "./views/SignIn.js";
import { StudiesView } from "./views/studies/StudiesView.js";
import { StudyView } from "./views/studies/StudyView.js";

const SECTIONS = [
  { key: "answer", label: "Answer" },
  { key: "atlas", label: "Atlas" },
  { key: "scenarios", label: "Scenarios" },
  { key: "runs", label: "Runs" },
  { key: "compare", label: "Compare" },
  { key: "studies", label: "Studies" },
] as const;

/** The shell: a header with the sections, and the view the hash names — or the sign-in page when needed. */
export function App() {
  const route = useRoute();
  const section = route.path[0] ?? "answer";
  const current = section === "results" ? "runs" : section;
  const { session, why, recheck } = useSession();
  const signedOut = session?.authRequired === true && session.user === null;
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href={link("answer")}>
          Portello
          <span className="brand-sub">production-network planner</span>
        </a>
        {session && !signedOut && (
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
        )}
        {session?.user && (
          <span className="topbar-user">
            {session.user.username}{" "}
            {session.user.via === "session" && (
              <button type="button" className="link-like" onClick={() => void api.signOut().then(recheck)}>
                Sign out
              </button>
            )}
          </span>
        )}
      </header>
      <main className="content">
        {session === undefined ? null : signedOut ? (
          <SignIn onSignedIn={recheck} why={why} />
        ) : (
          <View route={route} />
        )}
      </main>
    </div>
  );
}

/** Who is signed in; asked again after signing in or out, and whenever the API answers 401. */
function useSession() {
  const [session, setSession] = useState<Session>();
  const [why, setWhy] = useState<string>();
  const recheck = useCallback(() => {
    api.session().then(setSession, () => setSession({ authRequired: false, user: null }));
  }, []);
  useEffect(() => {
    recheck();
    const onUnauthorized = (event: Event) => {
      setWhy((event as CustomEvent<string | undefined>).detail);
      recheck();
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [recheck]);
  return { session, why, recheck };
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
    case "studies":
      return id ? <StudyView key={id} studyId={id} /> : <StudiesView />;
    case "compare":
      return <CompareView runIds={(route.query.get("runs") ?? "").split(",").filter(Boolean)} />;
    default:
      return <p role="alert">No page at “{route.path.join("/")}”.</p>;
  }
}
