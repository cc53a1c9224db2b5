import { api } from "../../api/client.js";
import { runsWithNames } from "../../api/queries.js";
import type { ComparedKpi, NpvChange, PlanComparison, Run } from "../../api/types.js";
import { BarChart } from "../../components/charts/BarChart.js";
import { Loaded } from "../../components/Status.js";
import { PALETTE } from "../../lib/colors.js";
import { money, moneyDelta, percent, vehicles } from "../../lib/format.js";
import { link } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { RunPicker } from "./RunPicker.js";

/** Two to four plans side by side: KPIs with their differences, the decisions that differ, and charts. */
export function CompareView({ runIds }: { runIds: string[] }) {
  const state = useAsync(
    async (signal) => {
      const { runs, names } = await runsWithNames(signal);
      const comparison = runIds.length >= 2 ? await api.compare(runIds, signal) : undefined;
      return { runs, names, comparison };
    },
    [runIds.join(",")],
  );
  return (
    <div>
      <h1>Compare</h1>
      <Loaded state={state}>
        {({ runs, names, comparison }) => (
          <>
            <RunPicker key={runIds.join(",")} runs={runs} names={names} selected={runIds} />
            {comparison && (
              <p>
                <a href={api.compareWorkbookUrl(runIds)} download>
                  Download the comparison as a workbook (.xlsx)
                </a>
              </p>
            )}
            {comparison && (
              <Comparison
                comparison={comparison}
                columns={runIds.map((id) =>
                  columnLabel(
                    runs.find((r) => r.id === id),
                    names,
                  ),
                )}
                runIds={runIds}
              />
            )}
          </>
        )}
      </Loaded>
    </div>
  );
}

function columnLabel(run: Run | undefined, names: Map<string, string>): string {
  if (!run) return "?";
  return `${names.get(run.scenarioId) ?? run.scenarioId} · v${run.versionNumber}`;
}

function Comparison({
  comparison,
  columns,
  runIds,
}: {
  comparison: PlanComparison;
  columns: string[];
  runIds: string[];
}) {
  const currency = comparison.plans[0]?.currency ?? "EUR";
  const npv = comparison.kpis.find((k) => k.key === "npv");
  const breakdown = comparison.kpis.filter(
    (k) => k.unit === "money" && k.key !== "npv" && k.key !== "investment",
  );
  return (
    <>
      <section className="panel" aria-labelledby="kpi-heading">
        <h2 id="kpi-heading">Key figures</h2>
        <KpiTable
          kpis={comparison.kpis}
          columns={columns}
          runIds={runIds}
          currency={currency}
          npvChange={comparison.npvChanges?.at(-1)}
        />
        <OptimaNote comparison={comparison} columns={columns} currency={currency} />
      </section>
      <section className="panel" aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">Decisions that differ</h2>
        <DecisionTable comparison={comparison} columns={columns} />
      </section>
      <section className="panel" aria-labelledby="charts-heading">
        <h2 id="charts-heading">Charts</h2>
        {npv && (
          <BarChart
            title="NPV by plan"
            bars={npv.values.map((v, i) => ({
              label: columns[i]!,
              value: v,
              color: PALETTE[i % PALETTE.length]!,
            }))}
            format={(v) => money(v, currency)}
          />
        )}
        {columns.length > 1 && (
          <>
            <h3>What moves the NPV against {columns[0]}</h3>
            {columns.slice(1).map((label, j) => (
              <BarChart
                key={label}
                title={`NPV components, ${label} minus ${columns[0]}`}
                bars={breakdown
                  .map((k) => ({ label: k.label, value: k.values[j + 1]! - k.values[0]! }))
                  .filter((b) => Math.abs(b.value) >= 1e4)
                  .map((b) => ({ ...b, color: b.value >= 0 ? "#2f855a" : "#c0392b" }))}
                format={(v) => moneyDelta(v, currency)}
              />
            ))}
          </>
        )}
      </section>
    </>
  );
}

/**
 * Where a plan is not its scenario's proven optimum, the NPV changes between the plans are not those between the
 * scenarios' optima: the note says which plans, and the interval the solves prove for each change.
 */
function OptimaNote({
  comparison,
  columns,
  currency,
}: {
  comparison: PlanComparison;
  columns: string[];
  currency: string;
}) {
  // comparisons stored before proofs were compared have no npvChanges
  const open = (comparison.npvChanges ?? []).map((c, i) => ({ c, i: i + 1 })).filter(({ c }) => !c.proven);
  if (open.length === 0) return null;
  const end = (v: number | null, none: string) => (v === null ? none : moneyDelta(v, currency));
  const unproven = comparison.plans.map((p, i) => ({ p, i })).filter(({ p }) => !p.proven);
  return (
    <p className="muted" role="note" aria-label="Proven NPV changes">
      {unproven.map(({ i }) => columns[i]).join(", ")} {unproven.length === 1 ? "is" : "are"} not proven
      optimal: the change in NPV is between the plans; between the scenarios' optima the solves prove{" "}
      {open
        .map(
          ({ c, i }) =>
            `${columns[i]} against ${columns[0]}: ${end(c.least, "no lower end")} to ${end(c.most, "no upper end")}`,
        )
        .join("; ")}
      .
    </p>
  );
}

function KpiTable({
  kpis,
  columns,
  runIds,
  currency,
  npvChange,
}: {
  kpis: ComparedKpi[];
  columns: string[];
  runIds: string[];
  currency: string;
  npvChange: NpvChange | undefined;
}) {
  const format = (k: ComparedKpi, v: number) =>
    k.unit === "money" ? money(v, currency) : k.unit === "ratio" ? percent(v, 1) : vehicles(v);
  const delta = (k: ComparedKpi, v: number) =>
    k.unit === "money"
      ? moneyDelta(v, currency)
      : k.unit === "ratio"
        ? `${(v * 100).toFixed(1)} pts`
        : vehicles(v);
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Key figures">
        <thead>
          <tr>
            <th scope="col">Figure</th>
            {columns.map((c, i) => (
              <th key={runIds[i]} scope="col" className="num">
                <a href={link("results", runIds[i]!)}>{c}</a>
              </th>
            ))}
            {columns.length > 1 && (
              <th scope="col" className="num">
                Change vs first
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {kpis
            .filter((k) => k.key === "npv" || k.values.some((v) => Math.abs(v) >= 1))
            .map((k) => {
              const change = k.values[k.values.length - 1]! - k.values[0]!;
              return (
                <tr key={k.key} className={k.key === "npv" ? "strong" : undefined}>
                  <th scope="row">{k.label}</th>
                  {k.values.map((v, i) => (
                    <td key={runIds[i]} className="num">
                      {format(k, v)}
                    </td>
                  ))}
                  {columns.length > 1 && (
                    <td className={`num ${judged(k, change)}`}>
                      {delta(k, change)}
                      {k.key === "npv" && npvChange && !npvChange.proven ? " (not proven)" : ""}
                    </td>
                  )}
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}

/** "positive" (better) or "negative" (worse) where the figure has a better direction; plain otherwise. */
function judged(k: ComparedKpi, change: number): string {
  if (!k.better || change === 0) return "";
  return change > 0 === (k.better === "higher") ? "positive" : "negative";
}

function DecisionTable({ comparison, columns }: { comparison: PlanComparison; columns: string[] }) {
  if (comparison.differences.length === 0) {
    return <p className="muted">The plans take the same decisions; they differ only in money and volumes.</p>;
  }
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Decisions that differ">
        <thead>
          <tr>
            <th scope="col">Decision</th>
            <th scope="col">Subject</th>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {comparison.differences.map((d) => (
            <tr key={`${d.kind}-${d.subject}`}>
              <td>{d.kind}</td>
              <td>{d.subject}</td>
              {d.values.map((v, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: one cell per plan, in column order
                <td key={i}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
