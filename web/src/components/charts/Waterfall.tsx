import { ChartFrame } from "./ChartFrame.js";
import { money } from "../../lib/format.js";

export interface WaterfallStep {
  label: string;
  value: number;
}

/**
 * A horizontal waterfall: each step moves the running total from where the previous one ended; the last bar
 * is the total itself. Rows keep long labels readable; every bar carries its value.
 */
export function Waterfall({
  title,
  steps,
  totalLabel,
  currency,
}: {
  title: string;
  steps: WaterfallStep[];
  totalLabel: string;
  currency: string;
}) {
  const rows = runningRows(steps, totalLabel);
  const lo = Math.min(0, ...rows.map((r) => Math.min(r.start, r.end)));
  const hi = Math.max(0, ...rows.map((r) => Math.max(r.start, r.end)));
  const [labelW, valueW, barW, rowH] = [170, 100, 520, 26];
  const x = (v: number) => labelW + ((v - lo) / (hi - lo || 1)) * barW;
  const height = rows.length * rowH + 10;
  return (
    <ChartFrame title={title} width={labelW + barW + valueW} height={height}>
      <line x1={x(0)} x2={x(0)} y1={0} y2={height} className="axis" />
      {rows.map((r, i) => {
        const y = i * rowH + 4;
        const [a, b] = [x(Math.min(r.start, r.end)), x(Math.max(r.start, r.end))];
        const kind = r.total ? "total" : r.end >= r.start ? "up" : "down";
        return (
          <g key={r.label}>
            <text
              x={labelW - 8}
              y={y + rowH / 2 + 1}
              textAnchor="end"
              className={r.total ? "label strong" : "label"}
            >
              {r.label}
            </text>
            <rect x={a} y={y + 3} width={Math.max(1, b - a)} height={rowH - 8} className={`wf-${kind}`}>
              <title>{`${r.label}: ${money(r.value, currency)}`}</title>
            </rect>
            {i < rows.length - 1 && (
              <line
                x1={x(r.end)}
                x2={x(r.end)}
                y1={y + rowH - 5}
                y2={y + rowH + 3}
                className="wf-connector"
              />
            )}
            <text x={labelW + barW + valueW - 4} y={y + rowH / 2 + 1} textAnchor="end" className="value">
              {money(r.value, currency)}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}

interface Row {
  label: string;
  value: number;
  start: number;
  end: number;
  total: boolean;
}

function runningRows(steps: WaterfallStep[], totalLabel: string): Row[] {
  let running = 0;
  const rows: Row[] = steps.map((s) => {
    const row = { label: s.label, value: s.value, start: running, end: running + s.value, total: false };
    running += s.value;
    return row;
  });
  rows.push({ label: totalLabel, value: running, start: 0, end: running, total: true });
  return rows;
}
