import { ChartFrame } from "./ChartFrame.js";
import { truncate } from "./truncate.js";

export interface TimelineBar {
  row: string;
  from: number;
  to: number;
  color: string;
  label: string;
  detail: string;
}

/** Rows (programs) × years; each bar spans the years a plant builds the row, in the plant's colour. */
export function Timeline({
  title,
  rows,
  years,
  bars,
}: {
  title: string;
  rows: { id: string; label: string }[];
  years: number[];
  bars: TimelineBar[];
}) {
  const [labelW, yearW, rowH, headH] = [260, 56, 30, 22];
  const first = years[0] ?? 0;
  const width = labelW + years.length * yearW;
  const height = headH + rows.length * rowH;
  const rowIndex = new Map(rows.map((r, i) => [r.id, i]));
  // bars sharing a row (a program split across plants) are stacked thinner inside it
  const lanes = new Map<string, number>();
  const laneOf = bars.map((b) => {
    const n = lanes.get(b.row) ?? 0;
    lanes.set(b.row, n + 1);
    return n;
  });
  return (
    <ChartFrame title={title} width={width} height={height}>
      {years.map((year, j) => (
        <g key={year}>
          <line x1={labelW + j * yearW} x2={labelW + j * yearW} y1={headH - 4} y2={height} className="grid" />
          <text x={labelW + j * yearW + yearW / 2} y={15} textAnchor="middle" className="label">
            {year}
          </text>
        </g>
      ))}
      {rows.map((row, i) => (
        <text
          key={row.id}
          x={labelW - 8}
          y={headH + i * rowH + rowH / 2 + 4}
          textAnchor="end"
          className="label"
        >
          <title>{row.label}</title>
          {truncate(row.label)}
        </text>
      ))}
      {bars.map((bar, k) => {
        const i = rowIndex.get(bar.row);
        if (i === undefined) return null;
        const count = lanes.get(bar.row) ?? 1;
        const laneH = (rowH - 8) / count;
        const x = labelW + (bar.from - first) * yearW + 2;
        const w = (bar.to - bar.from + 1) * yearW - 4;
        const y = headH + i * rowH + 4 + laneOf[k]! * laneH;
        return (
          <g key={`${bar.row}-${bar.label}-${bar.from}`}>
            <rect x={x} y={y} width={w} height={laneH - 1} rx={3} fill={bar.color}>
              <title>{bar.detail}</title>
            </rect>
            <text x={x + 6} y={y + laneH / 2 + 3} className="bar-text">
              {bar.label}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
