import { useState } from "react";
import { api } from "../../api/client.js";
import type { Run, ScenarioRecord } from "../../api/types.js";
import { ErrorNote, Loaded } from "../../components/Status.js";
import { ViewerNote } from "../../components/ViewerNote.js";
import { money, percent, seconds } from "../../lib/format.js";
import { mayEdit, type Role } from "../../lib/roles.js";
import { link, navigate } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { ProgressChart } from "./ProgressChart.js";
import { useRunEvents } from "./useRunEvents.js";

const STATUS_TEXT: Record<string, string> = {
  connecting: "Connecting…",
  queued: "Queued",
  running: "Solving",
  succeeded: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** A run as it happens: status, incumbent, bound and gap live from the server; cancel; then the way on. */
export function RunView({ runId }: { runId: string }) {
  const state = useAsync(
    async (signal) => {
      const run = await api.run(runId, signal);
      const { scenario, role } = await api.scenario(run.scenarioId, signal);
      return { run, scenario, role };
    },
    [runId],
  );
  return (
    <Loaded state={state}>
      {({ run, scenario, role }) => <RunProgress run={run} scenario={scenario} role={role} />}
    </Loaded>
  );
}

function RunProgress({ run, scenario, role }: { run: Run; scenario: ScenarioRecord; role: Role }) {
  const editor = mayEdit(role); // a viewer may follow the run, not cancel or re-run it
  const events = useRunEvents(run.id);
  const [actionError, setActionError] = useState<Error | undefined>();
  const final = useAsync(
    async (signal) => (events.status === "succeeded" ? api.result(run.id, signal) : undefined),
    [events.status, run.id],
  );
  const plan = final.status === "ready" ? final.value : undefined;
  // once solved, the plan's own figures replace the last progress report (the solver may end without one)
  const last = plan
    ? {
        elapsedSeconds: plan.solver.seconds,
        incumbent: plan.npv,
        bound: plan.solver.bound,
        gap: plan.solver.gap,
      }
    : events.points[events.points.length - 1];
  const live = events.status === "queued" || events.status === "running" || events.status === "connecting";
  const currency = plan?.scenario.currency ?? "EUR";
  const cancel = () => api.cancelRun(run.id).catch((e: Error) => setActionError(e));
  const rerun = () =>
    api
      .rerun(run.id)
      .then((again) => navigate(link("runs", again.id)))
      .catch((e: Error) => setActionError(e));

  return (
    <div>
      <p className="crumbs">
        <a href={link("runs")}>Runs</a> /{" "}
        <a href={link("scenarios", scenario.id, "v", run.versionNumber)}>{scenario.name}</a> / version{" "}
        {run.versionNumber}
      </p>
      <h1>
        Run of “{scenario.name}”, version {run.versionNumber}
      </h1>
      <section className="panel" aria-label="Progress">
        <div className="kpis">
          <Kpi label="Status" value={STATUS_TEXT[events.status] ?? events.status} />
          <Kpi label="Elapsed" value={seconds(last?.elapsedSeconds)} />
          <Kpi
            label={plan ? "NPV" : "Incumbent"}
            value={last?.incumbent === undefined ? "—" : money(last.incumbent, currency)}
          />
          <Kpi label="Bound" value={last?.bound === undefined ? "—" : money(last.bound, currency)} />
          <Kpi label="Gap" value={percent(last?.gap, 2)} />
        </div>
        {live && <progress aria-label="Solving" />}
        <ProgressChart points={events.points} currency={currency} />
        {live && editor && (
          <button type="button" className="danger" onClick={cancel}>
            Cancel run
          </button>
        )}
        {!live && editor && run.bases && (
          <button
            type="button"
            onClick={rerun}
            title="Solve again on exactly this version, these options and the base versions this run used"
          >
            Re-run exactly
          </button>
        )}
        <Bases run={run} />
        <ViewerNote role={role} />
        {actionError && <ErrorNote error={actionError} />}
        {events.failureReason && <ErrorNote error={`The run ${events.status}: ${events.failureReason}`} />}
      </section>
      {events.status === "succeeded" && <NextSteps run={run} />}
    </div>
  );
}

/** The versions of the bases this run was solved on: what a re-run uses again. */
function Bases({ run }: { run: Run }) {
  if (!run.bases?.length) return null;
  return (
    <p className="muted">
      On{" "}
      {run.bases
        .map((b) => (b.source.kind === "stored" ? `${b.label} version ${b.source.version}` : b.label))
        .join(", then ")}
      {run.rerunOf && (
        <>
          {" "}
          — a re-run of <a href={link("runs", run.rerunOf)}>an earlier run</a>
        </>
      )}
    </p>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <div className="kpi">
      <div className="kpi-label">{label}</div>
      <output className="kpi-value" aria-label={label}>
        {value}
      </output>
    </div>
  );
}

/** Results, and a comparison with the latest other succeeded run of the same scenario, if there is one. */
function NextSteps({ run }: { run: Run }) {
  const others = useAsync((signal) => api.runs(run.scenarioId, signal), [run.scenarioId]);
  const previous =
    others.status === "ready"
      ? others.value
          .filter((r) => r.id !== run.id && r.status === "succeeded")
          .sort(byFinished)
          .at(-1)
      : undefined;
  return (
    <section className="panel" aria-label="Next steps">
      <div className="row">
        <a className="button primary" href={link("results", run.id)}>
          See the results
        </a>
        {previous && (
          <a className="button" href={`${link("compare")}?runs=${previous.id},${run.id}`}>
            Compare with version {previous.versionNumber}
          </a>
        )}
        <a className="button" href={link("compare")}>
          Choose runs to compare
        </a>
      </div>
    </section>
  );
}

function byFinished(a: Run, b: Run): number {
  return (a.finishedAt ?? a.createdAt).localeCompare(b.finishedAt ?? b.createdAt);
}
