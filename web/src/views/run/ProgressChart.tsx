import { ChartFrame } from "../../components/charts/ChartFrame.js";
import { money, seconds } from "../../lib/format.js";
import type { SolverPoint } from "./useRunEvents.js";

/** Incumbent and bound over solve time: the gap between the two lines is what is left to prove. */
export function ProgressChart({ points, currency }: { points: SolverPoint[]; currency: string }) {
  const values = points.flatMap((p) => [p.incumbent, p.bound]).filter((v): v is number => Number.isFinite(v));
  if (points.length < 2 || values.length < 2) return null;
  const [w, h, padL, padB] = [640, 180, 86, 24];
  const t1 = Math.max(...points.map((p) => p.elapsedSeconds), 0.001);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const span = hi - lo || Math.abs(hi) * 0.01 || 1;
  const x = (t: number) => padL + (t / t1) * (w - padL - 10);
  const y = (v: number) => 8 + (1 - (v - lo) / span) * (h - padB - 16);
  const line = (key: "incumbent" | "bound") =>
    points
      .filter((p) => Number.isFinite(p[key]))
      .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.elapsedSeconds).toFixed(1)},${y(p[key]!).toFixed(1)}`)
      .join(" ");
  return (
    <ChartFrame title="Incumbent and bound over time" width={w} height={h}>
      <text x={padL - 6} y={y(hi) + 4} textAnchor="end" className="label">
        {money(hi, currency)}
      </text>
      <text x={padL - 6} y={y(lo) + 4} textAnchor="end" className="label">
        {money(lo, currency)}
      </text>
      <line x1={padL} x2={w - 10} y1={h - padB} y2={h - padB} className="axis" />
      <text x={w - 10} y={h - 6} textAnchor="end" className="label">
        {seconds(t1)}
      </text>
      <path d={line("bound")} className="line-bound" fill="none" />
      <path d={line("incumbent")} className="line-incumbent" fill="none" />
    </ChartFrame>
  );
}
