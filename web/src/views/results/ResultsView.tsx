import { type MouseEvent, type ReactNode, useMemo } from "react";
import { excess } from "../../../../src/solver/types.js";
import { api } from "../../api/client.js";
import type { Plan, Run, ScenarioRecord } from "../../api/types.js";
import { Loaded } from "../../components/Status.js";
import { colorScale } from "../../lib/colors.js";
import { money, percent, seconds } from "../../lib/format.js";
import { link } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { type Coordinates, planCoordinates } from "./coordinates.js";
import { FlowMap } from "./FlowMap.js";
import { namer } from "./names.js";
import {
  AllocationTimeline,
  Explanations,
  Infeasibility,
  Invariants,
  LandedCostTable,
  NpvWaterfall,
  PlantEvents,
  UnmetDemand,
  UtilisationHeatMap,
} from "./sections.js";

/** The page's sections, as the jump links name them. */
const SECTIONS = [
  ["map", "Flows"],
  ["timeline", "Allocations"],
  ["utilisation", "Utilisation"],
  ["npv", "NPV"],
  ["landed", "Landed cost"],
  ["why", "Why"],
];

/** A solved plan: the headline, the map of flows, the decisions over time, the money, and why. */
export function ResultsView({ runId }: { runId: string }) {
  const state = useAsync(
    async (signal) => {
      const run = await api.run(runId, signal);
      const [plan, { scenario }] = await Promise.all([
        api.result(runId, signal),
        api.scenario(run.scenarioId, signal),
      ]);
      const coordinates = await planCoordinates(plan, scenario, run.versionNumber, signal);
      return { run, plan, scenario, coordinates };
    },
    [runId],
  );
  return <Loaded state={state}>{(data) => <Results {...data} />}</Loaded>;
}

function Results({
  run,
  plan,
  scenario,
  coordinates,
}: {
  run: Run;
  plan: Plan;
  scenario: ScenarioRecord;
  coordinates: Coordinates;
}) {
  const names = useMemo(() => namer(plan), [plan]);
  // one colour per plant, the same on the map and in the timeline
  const plantColor = useMemo(() => colorScale(plan.plantYears.map((p) => p.plant)), [plan]);
  const c = plan.scenario.currency;
  return (
    <div className="results">
      <p className="crumbs">
        <a href={link("runs")}>Runs</a> /{" "}
        <a href={link("scenarios", scenario.id, "v", run.versionNumber)}>
          {scenario.name}, version {run.versionNumber}
        </a>
      </p>
      <div className="page-head">
        <div>
          <h1>{plan.scenario.name}</h1>
          <p className="muted">
            {plan.scenario.horizon.start}–{plan.scenario.horizon.end} · discount rate{" "}
            {percent(plan.scenario.discountRate, 1)} · solved by {plan.solver.name} in{" "}
            {seconds(plan.solver.seconds)} · {plan.status}
            {plan.solver.gap !== undefined && ` · gap ${percent(plan.solver.gap, 3)}`}
            {plan.solver.npvAtMost !== undefined &&
              excess(plan.solver.npvAtMost, plan.npv) > 0 &&
              ` · the optimum at most ${money(plan.solver.npvAtMost, plan.scenario.currency)}`}
          </p>
          <p>
            <a href={api.planWorkbookUrl(run.id)} download>
              Download the plan as a workbook (.xlsx)
            </a>
          </p>
        </div>
        <div className="headline">
          <div className="kpi-label">NPV</div>
          <output className="kpi-value big" aria-label="Net present value">
            {money(plan.npv, c)}
          </output>
        </div>
      </div>
      <Infeasibility plan={plan} />
      <nav className="section-nav" aria-label="Result sections">
        {SECTIONS.map(([id, label]) => (
          <a key={id} href={`#/results/${run.id}`} onClick={(e) => jump(e, `section-${id}`)}>
            {label}
          </a>
        ))}
      </nav>
      <Section id="map" title="Flows plant → market">
        <FlowMap plan={plan} coordinates={coordinates} names={names} plantColor={plantColor} />
      </Section>
      <Section id="timeline" title="Allocation timeline">
        <AllocationTimeline plan={plan} names={names} plantColor={plantColor} />
        <h3>Plant decisions</h3>
        <PlantEvents plan={plan} names={names} />
        <h3>Unmet demand</h3>
        <UnmetDemand plan={plan} names={names} />
      </Section>
      <Section id="utilisation" title="Utilisation">
        <UtilisationHeatMap plan={plan} names={names} />
      </Section>
      <Section id="npv" title="NPV waterfall">
        <NpvWaterfall plan={plan} />
        <Invariants plan={plan} />
      </Section>
      <Section id="landed" title="Landed cost per vehicle">
        <LandedCostTable plan={plan} names={names} />
      </Section>
      <Section id="why" title="Why each decision">
        <Explanations plan={plan} />
      </Section>
    </div>
  );
}

/** Scroll within the page without touching the hash router. */
function jump(e: MouseEvent, id: string) {
  e.preventDefault();
  document.getElementById(id)?.scrollIntoView({ behavior: "smooth", block: "start" });
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={`section-${id}`} className="panel" aria-labelledby={`heading-${id}`}>
      <h2 id={`heading-${id}`}>{title}</h2>
      {children}
    </section>
  );
}
