import { ChartFrame } from "./ChartFrame.js";
import { truncate } from "./truncate.js";
export interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Horizontal bars from a zero line (negative values go left), each with its formatted value. */
export function BarChart({
  title,
  bars,
  format,
}: {
  title: string;
  bars: Bar[];
  format: (v: number) => string;
}) {
  const [labelW, barW, valueW, rowH] = [300, 440, 110, 28];
  const lo = Math.min(0, ...bars.map((b) => b.value));
  const hi = Math.max(0, ...bars.map((b) => b.value));
  const x = (v: number) => labelW + ((v - lo) / (hi - lo || 1)) * barW;
  const height = bars.length * rowH + 8;
  return (
    <ChartFrame title={title} width={labelW + barW + valueW} height={height}>
      <line x1={x(0)} x2={x(0)} y1={0} y2={height} className="axis" />
      {bars.map((b, i) => {
        const y = i * rowH + 4;
        const [a, c] = [x(Math.min(0, b.value)), x(Math.max(0, b.value))];
        return (
          <g key={b.label}>
            <text x={labelW - 8} y={y + rowH / 2 + 1} textAnchor="end" className="label">
              {truncate(b.label, 40)}
            </text>
            <rect x={a} y={y + 3} width={Math.max(1, c - a)} height={rowH - 8} fill={b.color} />
            <text x={labelW + barW + valueW - 4} y={y + rowH / 2 + 1} textAnchor="end" className="value">
              {format(b.value)}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
