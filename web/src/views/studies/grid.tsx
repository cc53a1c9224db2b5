import type { StudyReport } from "../../api/types.js";
import { ChartFrame } from "../../components/charts/ChartFrame.js";
import { Legend } from "../../components/charts/Legend.js";
import { TableHead } from "../../components/TableHead.js";
import { money } from "../../lib/format.js";

/**
 * A grid sweep: every option's NPV at every combination of the swept values, and which option wins where. One
 * parameter: each option's NPV as a line over its values, the winner under each value. Two: a heat table of
 * the winner, rows by the first parameter and columns by the second. Three: the table alone.
 */

type Point = NonNullable<StudyReport["grid"]>["points"][number];

interface GridProps {
  report: StudyReport;
  label: (id: string) => string;
  color: (id: string) => string;
  /** a parameter's value in its unit, e.g. "€0.87" */
  value: (id: string, v: number) => string;
}

export function GridSweep(props: GridProps) {
  const { report, label } = props;
  const grid = report.grid!;
  const parameterLabel = (id: string) => report.parameters.find((p) => p.id === id)?.label ?? id;
  const [first, second] = grid.parameters;
  return (
    <section className="panel" aria-label="Grid sweep">
      <h2>Grid sweep: {grid.parameters.map(parameterLabel).join(" × ")}</h2>
      <ul aria-label="Where each option wins">
        {winShares(report).map(({ option, wins }) => (
          <li key={option}>
            {label(option)} is best at {wins} of {grid.points.length} points
            {grid.parameters.length === 1 && wins > 0 ? `: ${winningRanges(props, option)}` : ""}
          </li>
        ))}
      </ul>
      {grid.parameters.length === 1 && <NpvLines {...props} parameter={first!} />}
      {grid.parameters.length === 2 && <WinnerHeatTable {...props} rows={first!} columns={second!} />}
      <GridTable {...props} parameterLabel={parameterLabel} />
    </section>
  );
}

/** Points won by each option, most first; a point where an option did not solve counts for none. */
function winShares(report: StudyReport): { option: string; wins: number }[] {
  const points = report.grid!.points;
  return report.options
    .map((o) => ({ option: o.id, wins: points.filter((p) => p.winner === o.id).length }))
    .sort((a, b) => b.wins - a.wins);
}

/** The runs of consecutive swept values where `option` wins, e.g. "€0.78–€0.84, €0.93". */
function winningRanges({ report, value }: GridProps, option: string): string {
  const id = report.grid!.parameters[0]!;
  const points = [...report.grid!.points].sort((a, b) => a.values[id]! - b.values[id]!);
  const runs: [number, number][] = [];
  let previousWon = false;
  for (const point of points) {
    const v = point.values[id]!;
    const won = point.winner === option;
    if (won && previousWon) runs.at(-1)![1] = v;
    else if (won) runs.push([v, v]);
    previousWon = won;
  }
  return runs.map(([a, b]) => (a === b ? value(id, a) : `${value(id, a)}–${value(id, b)}`)).join(", ");
}

/** The distinct values a parameter takes on the grid, ascending. */
function axis(points: readonly Point[], id: string): number[] {
  return [...new Set(points.map((p) => p.values[id]!))].sort((a, b) => a - b);
}

/** What the options are worth at a point, for a tooltip. */
function npvWords(report: StudyReport, label: (id: string) => string, point: Point): string {
  return report.options
    .map((o) => {
      const npv = point.npv[o.id];
      return `${label(o.id)}: ${npv === null || npv === undefined ? (point.statuses[o.id] ?? "—") : money(npv, report.study.currency)}`;
    })
    .join("\n");
}

/** One parameter: each option's NPV over the swept values, and a strip with the winner at each value. */
function NpvLines({ report, label, color, value, parameter }: GridProps & { parameter: string }) {
  const points = [...report.grid!.points].sort((a, b) => a.values[parameter]! - b.values[parameter]!);
  const xs = axis(points, parameter);
  const npvs = points.flatMap((p) => Object.values(p.npv).filter((v): v is number => v !== null));
  const lo = npvs.length ? Math.min(...npvs) : 0;
  const hi = npvs.length ? Math.max(...npvs) : 1;
  const [left, plotW, plotH, top, stripH, bottom] = [90, 560, 240, 12, 14, 40];
  const x = (v: number) =>
    left + (xs.length > 1 ? ((v - xs[0]!) / (xs.at(-1)! - xs[0]! || 1)) * plotW : plotW / 2);
  const y = (npv: number) => top + plotH - ((npv - lo) / (hi - lo || 1)) * plotH;
  const stripY = top + plotH + 8;
  const height = stripY + stripH + bottom;
  const currency = report.study.currency;
  const title = `NPV of each option over ${report.parameters.find((p) => p.id === parameter)?.label ?? parameter}`;
  return (
    <>
      <ChartFrame title={title} width={left + plotW + 40} height={height}>
        {[lo, hi].map((npv) => (
          <g key={npv}>
            <line x1={left} x2={left + plotW} y1={y(npv)} y2={y(npv)} className="grid" />
            <text x={left - 6} y={y(npv) + 4} textAnchor="end" className="label">
              {money(npv, currency)}
            </text>
          </g>
        ))}
        {report.options.map((o) => {
          const line = points.filter((p) => p.npv[o.id] !== null && p.npv[o.id] !== undefined);
          return (
            <g key={o.id} aria-label={`NPV line of ${label(o.id)}`}>
              <polyline
                points={line.map((p) => `${x(p.values[parameter]!)},${y(p.npv[o.id]!)}`).join(" ")}
                fill="none"
                stroke={color(o.id)}
                strokeWidth={2}
              />
              {line.map((p) => (
                <circle
                  key={p.values[parameter]}
                  cx={x(p.values[parameter]!)}
                  cy={y(p.npv[o.id]!)}
                  r={3.5}
                  fill={color(o.id)}
                >
                  <title>{`${label(o.id)} at ${value(parameter, p.values[parameter]!)}: ${money(p.npv[o.id]!, currency)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
        <text x={left - 6} y={stripY + stripH - 3} textAnchor="end" className="label">
          best
        </text>
        <g aria-label="Winner at each value">
          {points.map((p, i) => {
            // each value's cell reaches halfway to its neighbours
            const v = p.values[parameter]!;
            const from = i === 0 ? x(v) - 8 : (x(points[i - 1]!.values[parameter]!) + x(v)) / 2;
            const to = i === points.length - 1 ? x(v) + 8 : (x(v) + x(points[i + 1]!.values[parameter]!)) / 2;
            return (
              <rect
                key={v}
                x={from}
                y={stripY}
                width={Math.max(1, to - from)}
                height={stripH}
                fill={p.winner ? color(p.winner) : "#d6dae0"}
              >
                <title>{`${value(parameter, v)}: ${p.winner ? `${label(p.winner)} wins` : "no winner (an option did not solve)"}`}</title>
              </rect>
            );
          })}
        </g>
        {xs.map((v) => (
          <text key={v} x={x(v)} y={stripY + stripH + 16} textAnchor="middle" className="label">
            {value(parameter, v)}
          </text>
        ))}
      </ChartFrame>
      <Legend
        title="Option"
        items={report.options.map((o) => ({ label: label(o.id), color: color(o.id) }))}
      />
    </>
  );
}

/** Two parameters: the winning option in each cell, coloured by option; the NPVs on hover. */
function WinnerHeatTable({
  report,
  label,
  color,
  value,
  rows,
  columns,
}: GridProps & { rows: string; columns: string }) {
  const points = report.grid!.points;
  const at = new Map(points.map((p) => [`${p.values[rows]}|${p.values[columns]}`, p]));
  const name = (id: string) => report.parameters.find((p) => p.id === id)?.label ?? id;
  return (
    <div className="table-scroll">
      <table className="data heat-table" aria-label="Winning option by grid cell">
        <caption>
          Best option: {name(rows)} down, {name(columns)} across
        </caption>
        <TableHead
          columns={[
            { label: `${name(rows)} \\ ${name(columns)}`, key: "corner" },
            ...axis(points, columns).map((v) => ({ label: value(columns, v), key: String(v) })),
          ]}
        />
        <tbody>
          {axis(points, rows).map((r) => (
            <tr key={r}>
              <th scope="row">{value(rows, r)}</th>
              {axis(points, columns).map((c) => {
                const point = at.get(`${r}|${c}`);
                const winner = point?.winner ?? null;
                return (
                  <td
                    key={c}
                    style={
                      winner
                        ? { background: `${color(winner)}40`, borderLeft: `4px solid ${color(winner)}` }
                        : {}
                    }
                    title={point ? npvWords(report, label, point) : undefined}
                  >
                    {winner ? `${label(winner)}${point?.winnerProven === false ? " (not proven)" : ""}` : "—"}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every grid point: the swept values, each option's NPV, the winner (and the headline's lead). */
function GridTable({
  report,
  label,
  value,
  parameterLabel,
}: GridProps & { parameterLabel: (id: string) => string }) {
  const grid = report.grid!;
  const currency = report.study.currency;
  const lead = report.study.headline !== undefined;
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Grid points">
        <TableHead
          columns={[
            ...grid.parameters.map((id) => ({ label: parameterLabel(id), key: id })),
            ...report.options.map((o) => ({ label: `NPV ${label(o.id)}`, num: true, key: `npv-${o.id}` })),
            "Best",
            ...(lead
              ? [{ label: `Lead of “${report.study.headline!.answer}”`, num: true, key: "lead" }]
              : []),
          ]}
        />
        <tbody>
          {grid.points.map((p) => (
            <tr key={grid.parameters.map((id) => p.values[id]).join("|")}>
              {grid.parameters.map((id) => (
                <td key={id}>{value(id, p.values[id]!)}</td>
              ))}
              {report.options.map((o) => {
                const npv = p.npv[o.id];
                return (
                  <td key={o.id} className="num">
                    {npv === null || npv === undefined ? (p.statuses[o.id] ?? "—") : money(npv, currency)}
                  </td>
                );
              })}
              <td>
                {p.winner ? `${label(p.winner)}${p.winnerProven === false ? " (not proven)" : ""}` : "—"}
              </td>
              {lead && <td className="num">{p.lead === null ? "—" : money(p.lead, currency)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
