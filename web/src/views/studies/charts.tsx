import type { StudyReport } from "../../api/types.js";
import { ChartFrame } from "../../components/charts/ChartFrame.js";
import { truncate } from "../../components/charts/truncate.js";
import { money } from "../../lib/format.js";

/** One histogram per option on shared bins, so that the distributions can be compared by eye. */
export function Histograms({
  report,
  label,
  color,
}: {
  report: StudyReport;
  label: (id: string) => string;
  color: (id: string) => string;
}) {
  const mc = report.monteCarlo!;
  const { min, max, bins } = mc.histogram;
  const [labelW, plotW, rowH, axisH] = [280, 480, 54, 22];
  const top = Math.max(1, ...mc.options.flatMap((o) => o.histogram));
  const barW = plotW / bins;
  const height = mc.options.length * rowH + axisH;
  const currency = report.study.currency;
  return (
    <ChartFrame
      title="NPV distribution of each option (shared bins)"
      width={labelW + plotW + 10}
      height={height}
    >
      {mc.options.map((o, row) => {
        const y0 = row * rowH;
        return (
          <g key={o.id} aria-label={`NPV histogram of ${label(o.id)}`}>
            <text x={labelW - 8} y={y0 + rowH / 2} textAnchor="end" className="label">
              {truncate(label(o.id), 38)}
            </text>
            {o.histogram.map((count, i) => {
              const h = (count / top) * (rowH - 8);
              return (
                <rect
                  // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional
                  key={i}
                  x={labelW + i * barW}
                  y={y0 + rowH - 4 - h}
                  width={Math.max(1, barW - 1)}
                  height={h}
                  fill={color(o.id)}
                >
                  <title>{`${count} samples`}</title>
                </rect>
              );
            })}
            <line x1={labelW} x2={labelW + plotW} y1={y0 + rowH - 4} y2={y0 + rowH - 4} className="axis" />
          </g>
        );
      })}
      <text x={labelW} y={height - 6} className="label">
        {money(min, currency)}
      </text>
      <text x={labelW + plotW} y={height - 6} textAnchor="end" className="label">
        {money(max, currency)}
      </text>
    </ChartFrame>
  );
}

/** Each parameter's low and high value as bars from the baseline's measure, ranked by swing. */
export function Tornado({
  report,
  label,
  format,
  value,
}: {
  report: StudyReport;
  label: (id: string) => string;
  format: (v: number) => string;
  value: (id: string, v: number) => string;
}) {
  const t = report.tornado!;
  const measure = (p: StudyReport["baseline"]) =>
    t.metric === "lead" ? p.lead : p.winner ? (p.npv[p.winner] ?? null) : null;
  const base = measure(report.baseline) ?? 0;
  const rows = t.rows.map((row) => ({
    id: row.parameter,
    low: measure(row.low),
    high: measure(row.high),
    lowValue: row.low.values[row.parameter]!,
    highValue: row.high.values[row.parameter]!,
  }));
  const all = [base, ...rows.flatMap((r) => [r.low ?? base, r.high ?? base])];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const [labelW, plotW, rowH] = [300, 460, 30];
  const x = (v: number) => labelW + ((v - lo) / (hi - lo || 1)) * plotW;
  const height = rows.length * rowH + 24;
  return (
    <ChartFrame
      title="Tornado: the measure at each parameter's low and high value"
      width={labelW + plotW + 20}
      height={height}
    >
      {rows.map((r, i) => {
        const y = i * rowH + 4;
        const bar = (v: number | null, fill: string, text: string) =>
          v === null ? null : (
            <rect
              x={Math.min(x(base), x(v))}
              y={y + 4}
              width={Math.max(1, Math.abs(x(v) - x(base)))}
              height={rowH - 10}
              fill={fill}
            >
              <title>{text}</title>
            </rect>
          );
        return (
          <g key={r.id}>
            <text x={labelW - 8} y={y + rowH / 2 + 1} textAnchor="end" className="label">
              {truncate(label(r.id), 40)}
            </text>
            {bar(
              r.low,
              "#8aa9d6",
              `${label(r.id)} at ${value(r.id, r.lowValue)}: ${r.low === null ? "—" : format(r.low)}`,
            )}
            {bar(
              r.high,
              "#d98f5c",
              `${label(r.id)} at ${value(r.id, r.highValue)}: ${r.high === null ? "—" : format(r.high)}`,
            )}
          </g>
        );
      })}
      <line x1={x(base)} x2={x(base)} y1={0} y2={height - 20} className="axis" />
      {lo <= 0 && hi >= 0 && base !== 0 && (
        <line x1={x(0)} x2={x(0)} y1={0} y2={height - 20} className="axis" strokeDasharray="3 3" />
      )}
      <text x={x(base)} y={height - 6} textAnchor="middle" className="label">
        baseline {format(base)}
      </text>
    </ChartFrame>
  );
}
