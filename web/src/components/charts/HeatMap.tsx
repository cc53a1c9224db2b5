import { ChartFrame } from "./ChartFrame.js";
import { truncate } from "./truncate.js";
import { utilisationColor } from "../../lib/colors.js";
import { percent } from "../../lib/format.js";

export interface HeatCell {
  row: string;
  column: number;
  value: number;
  /** shown on hover: what the value is made of */
  detail: string;
  /** false greys the cell out (e.g. the plant is not operating) */
  active: boolean;
}

/** Rows × years grid coloured by a 0–1 value (utilisation), each cell labelled with its percentage. */
export function HeatMap({
  title,
  rows,
  columns,
  cells,
}: {
  title: string;
  rows: { id: string; label: string }[];
  columns: number[];
  cells: HeatCell[];
}) {
  const byKey = new Map(cells.map((c) => [`${c.row}|${c.column}`, c]));
  const [labelW, cellW, cellH, headH] = [260, 56, 28, 22];
  const width = labelW + columns.length * cellW;
  const height = headH + rows.length * cellH;
  return (
    <ChartFrame title={title} width={width} height={height}>
      {columns.map((year, j) => (
        <text key={year} x={labelW + j * cellW + cellW / 2} y={15} textAnchor="middle" className="label">
          {year}
        </text>
      ))}
      {rows.map((row, i) => (
        <g key={row.id}>
          <text x={labelW - 8} y={headH + i * cellH + cellH / 2 + 4} textAnchor="end" className="label">
            <title>{row.label}</title>
            {truncate(row.label)}
          </text>
          {columns.map((year, j) => {
            const cell = byKey.get(`${row.id}|${year}`);
            const [x, y] = [labelW + j * cellW, headH + i * cellH];
            if (!cell?.active) {
              return (
                <rect
                  key={year}
                  x={x + 1}
                  y={y + 1}
                  width={cellW - 2}
                  height={cellH - 2}
                  className="heat-off"
                >
                  <title>{`${row.label} ${year}: not operating`}</title>
                </rect>
              );
            }
            return (
              <g key={year}>
                <rect
                  x={x + 1}
                  y={y + 1}
                  width={cellW - 2}
                  height={cellH - 2}
                  fill={utilisationColor(cell.value)}
                >
                  <title>{`${row.label} ${year}: ${cell.detail}`}</title>
                </rect>
                <text
                  x={x + cellW / 2}
                  y={y + cellH / 2 + 4}
                  textAnchor="middle"
                  className={cell.value > 0.6 ? "cell-text light" : "cell-text"}
                >
                  {percent(cell.value)}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </ChartFrame>
  );
}
