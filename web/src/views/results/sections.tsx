import { NPV_LINES, NPV_LINE_LABELS } from "../../../../src/model/npv-lines.js";
import type { Plan } from "../../api/types.js";
import { HeatMap } from "../../components/charts/HeatMap.js";
import { Legend } from "../../components/charts/Legend.js";
import { Timeline } from "../../components/charts/Timeline.js";
import { Waterfall } from "../../components/charts/Waterfall.js";
import { money, perVehicle, sentenceCase, vehicles } from "../../lib/format.js";
import { type Namer, years } from "./names.js";
import { TableHead } from "../../components/TableHead.js";

/** The pieces of the results page; each takes the plan and the display names. */

export function AllocationTimeline({
  plan,
  names,
  plantColor,
}: {
  plan: Plan;
  names: Namer;
  plantColor: (plant: string) => string;
}) {
  const programs = [...new Set(plan.allocations.map((a) => a.program))];
  const bars = plan.allocations.map((a) => ({
    row: a.program,
    from: a.fromYear,
    to: a.toYear,
    color: plantColor(a.plant),
    label: names.plant(a.plant),
    detail: `${names.program(a.program)} at ${names.plant(a.plant)}, ${a.fromYear}–${a.toYear}: ${vehicles(a.volume)} vehicles${
      a.newTooling
        ? `, new tooling ${money(a.toolingCost ?? 0, plan.scenario.currency)}`
        : ", tooling in place"
    }`,
  }));
  const plants = [...new Set(plan.allocations.map((a) => a.plant))].sort();
  return (
    <>
      <Timeline
        title="Allocation timeline: programs by year, coloured by plant"
        rows={programs.map((p) => ({ id: p, label: names.program(p) }))}
        years={years(plan)}
        bars={bars}
      />
      <Legend title="Plant" items={plants.map((p) => ({ label: names.plant(p), color: plantColor(p) }))} />
    </>
  );
}

export function UtilisationHeatMap({ plan, names }: { plan: Plan; names: Namer }) {
  const plants = [...new Set(plan.plantYears.map((p) => p.plant))];
  return (
    <HeatMap
      title="Utilisation by plant and year"
      rows={plants.map((p) => ({ id: p, label: names.plant(p) }))}
      columns={years(plan)}
      cells={plan.plantYears.map((py) => ({
        row: py.plant,
        column: py.year,
        value: py.capacity > 0 ? (py.volume + (py.reserved ?? 0)) / py.capacity : 0,
        active: py.operating,
        detail: `${vehicles(py.volume)} built${py.reserved ? ` + ${vehicles(py.reserved)} reserved` : ""} of ${vehicles(
          py.capacity,
        )} on ${py.shifts} shift${py.shifts === 1 ? "" : "s"}`,
      }))}
    />
  );
}

export function NpvWaterfall({ plan }: { plan: Plan }) {
  const steps = NPV_LINES.map((line) => ({
    label: sentenceCase(NPV_LINE_LABELS[line]),
    value: plan.npvBreakdown[line] ?? 0,
  })).filter((s) => Math.abs(s.value) >= 1);
  return (
    <Waterfall
      title="NPV waterfall, discounted"
      steps={steps}
      totalLabel="NPV"
      currency={plan.scenario.currency}
    />
  );
}

export function LandedCostTable({ plan, names }: { plan: Plan; names: Namer }) {
  const c = plan.scenario.currency;
  const rows = [...plan.landedCost].sort(
    (a, b) => a.program.localeCompare(b.program) || a.market.localeCompare(b.market) || a.total - b.total,
  );
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Landed cost per vehicle">
        <TableHead
          columns={[
            "Program",
            "Plant",
            "Market",
            { label: "Variable", num: true },
            { label: "Logistics", num: true },
            { label: "Duty", num: true },
            { label: "Landed", num: true },
            { label: "Net price", num: true },
            { label: "Margin", num: true },
            { label: "Vehicles", num: true },
          ]}
        />
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.program}-${r.plant}-${r.market}`}>
              <td>{names.program(r.program)}</td>
              <td>{names.plant(r.plant)}</td>
              <td>{names.market(r.market)}</td>
              <td className="num">{perVehicle(r.variable, c)}</td>
              <td className="num">{perVehicle(r.logistics, c)}</td>
              <td className="num">{perVehicle(r.duty, c)}</td>
              <td className="num strong">{perVehicle(r.total, c)}</td>
              <td className="num">{perVehicle(r.price, c)}</td>
              <td className={r.price - r.total < 0 ? "num negative" : "num"}>
                {perVehicle(r.price - r.total, c)}
              </td>
              <td className="num">{r.volume === undefined ? "—" : vehicles(r.volume)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PlantEvents({ plan, names }: { plan: Plan; names: Namer }) {
  if (plan.plantEvents.length === 0)
    return <p className="muted">No plant is opened, built, closed or converted.</p>;
  const words = { reopen: "reopens", build: "is built", close: "closes", platform: "gains platform" };
  return (
    <ul className="events">
      {plan.plantEvents.map((e) => (
        <li key={`${e.plant}-${e.event}-${e.year}-${e.platform ?? ""}`}>
          <strong>{e.year}</strong> {names.plant(e.plant)} {words[e.event]}
          {e.platform ? ` ${e.platform}` : ""} — {money(e.cost, plan.scenario.currency)}
        </li>
      ))}
    </ul>
  );
}

export function Explanations({ plan }: { plan: Plan }) {
  const c = plan.scenario.currency;
  if (plan.explanations.length === 0) {
    return <p className="muted">No explanations: they are computed for proven optima only.</p>;
  }
  return (
    <div className="explanations">
      {plan.explanations.map((e) => (
        <article key={`${e.subject}-${e.decision}`} className="explanation" aria-label={e.decision}>
          <h4>{e.decision}</h4>
          <p>{e.text}</p>
          {e.alternative && (
            <p className="small">
              Best alternative: {e.alternative}
              {e.npvAdvantage !== undefined && ` — this choice is worth ${money(e.npvAdvantage, c)} more`}
            </p>
          )}
          {e.drivers.length > 0 && (
            <table className="data compact">
              <TableHead
                columns={["Driver", { label: "Chosen", num: true }, { label: "Alternative", num: true }]}
              />
              <tbody>
                {e.drivers.map((d) => (
                  <tr key={d.label}>
                    <td>{d.label}</td>
                    <td className="num">{driverValue(d.chosen, c)}</td>
                    <td className="num">{driverValue(d.alternative, c)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {e.hingesOn && e.hingesOn.length > 0 && (
            <p className="muted small">Hinges on: {e.hingesOn.join("; ")}</p>
          )}
        </article>
      ))}
    </div>
  );
}

/** Drivers mix per-vehicle figures and investments: large ones read best in millions. */
function driverValue(v: number, currency: string): string {
  return Math.abs(v) >= 1e6 ? money(v, currency) : perVehicle(v, currency);
}

export function Infeasibility({ plan }: { plan: Plan }) {
  if (!plan.infeasibility) return null;
  return (
    <section className="panel infeasible" aria-label="Why there is no plan" role="alert">
      <h2>No feasible plan</h2>
      <p>{plan.infeasibility.summary}</p>
      <ul>
        {plan.infeasibility.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </section>
  );
}

export function UnmetDemand({ plan, names }: { plan: Plan; names: Namer }) {
  const byProgramMarket = new Map<string, number>();
  for (const u of plan.unmet) {
    const key = `${names.program(u.program)} in ${names.market(u.market)}`;
    byProgramMarket.set(key, (byProgramMarket.get(key) ?? 0) + u.volume);
  }
  const rows = [...byProgramMarket].filter(([, v]) => v >= 1);
  if (rows.length === 0) return <p className="muted">All demand is served.</p>;
  return (
    <ul>
      {rows.map(([label, v]) => (
        <li key={label}>
          {label}: {vehicles(v)} vehicles not built over the horizon
        </li>
      ))}
    </ul>
  );
}

export function Invariants({ plan }: { plan: Plan }) {
  const failed = plan.invariants.filter((i) => !i.ok);
  if (plan.invariants.length === 0) return null;
  return failed.length === 0 ? (
    <p className="ok small">✓ {plan.invariants.length} checks hold (demand, capacity, NPV recomputed)</p>
  ) : (
    <ul className="error">
      {failed.map((i) => (
        <li key={i.name}>
          {i.name}: {i.detail}
        </li>
      ))}
    </ul>
  );
}
