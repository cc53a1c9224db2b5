import { formatValue } from "../analysis/parameters.js";
import type { ParameterUnit } from "../domain/question.js";
import type { StudyReport } from "./report.js";

/** A parameter's distribution in words, e.g. "uniform 0.78–0.96, moving with fx (weight 0.5)". */
export function distributionWords(p: StudyReport["parameters"][number]): string {
  const d = p.distribution;
  const v = (x: number) => formatValue(p.unit as ParameterUnit, x, p.currency);
  const factor = p.factor ? `, moving with ${p.factor.id} (weight ${p.factor.weight})` : "";
  switch (d.kind) {
    case "fixed":
      return `fixed at ${v(d.value)}${factor}`;
    case "uniform":
      return `uniform ${v(d.min)}–${v(d.max)}${factor}`;
    case "triangular":
      return `triangular ${v(d.min)}–${v(d.max)}, most likely ${v(d.mode)}${factor}`;
    case "normal":
      return `normal, mean ${v(d.mean)}, sd ${v(d.sd)}${d.min !== undefined ? `, from ${v(d.min)}` : ""}${d.max !== undefined ? ` to ${v(d.max)}` : ""}${factor}`;
    case "lognormal":
      return `lognormal, median ${v(d.median)}, σ(log) ${d.sigma}${d.min !== undefined ? `, from ${v(d.min)}` : ""}${d.max !== undefined ? ` to ${v(d.max)}` : ""}${factor}`;
    case "discrete": {
      const total = (d.weights ?? d.values.map(() => 1)).reduce((s, w) => s + w, 0);
      return `${d.values.map((x, i) => `${v(x)} (${share((d.weights?.[i] ?? 1) / total)})`).join(" or ")}${factor}`;
    }
  }
}

const share = (p: number) => `${(p * 100).toFixed(1)}%`;
