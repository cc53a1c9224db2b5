import { z } from "zod";
import { Distribution } from "../domain/study-spec.js";
import { TaskResult } from "./contract.js";

/**
 * What a study reports: the CLI prints it, `--json` gives it, the server's API returns it and the web app draws
 * it. NPVs are in the options' currency. Only samples where every option solved to proven optimality enter the
 * distributions, win probabilities and regrets; the others are counted by status and listed, never averaged in.
 */

const Status = TaskResult.shape.status;
const Npvs = z.record(z.string(), z.number().nullable());

export const NpvStats = z.strictObject({
  count: z.number().int(),
  mean: z.number(),
  sd: z.number(),
  min: z.number(),
  p5: z.number(),
  p50: z.number(),
  p95: z.number(),
  max: z.number(),
});
export type NpvStats = z.infer<typeof NpvStats>;

/** The options at one point (a parameter value, a grid cell, a break-even step). */
export const PointResult = z.strictObject({
  values: z.record(z.string(), z.number()),
  npv: Npvs,
  /** null when an option did not solve to optimality here */
  winner: z.string().nullable(),
  /** the headline's lead at this point: best NPV giving its answer minus the best giving the other */
  lead: z.number().nullable(),
  statuses: z.record(z.string(), Status),
});
export type PointResult = z.infer<typeof PointResult>;

export const StudyReport = z.strictObject({
  study: z.strictObject({
    id: z.string(),
    question: z.string(),
    seed: z.number(),
    headline: z.strictObject({ answer: z.string(), against: z.string().optional() }).optional(),
    currency: z.string(),
  }),
  options: z.array(z.strictObject({ id: z.string(), label: z.string(), answer: z.string().optional() })),
  parameters: z.array(
    z.strictObject({
      id: z.string(),
      label: z.string(),
      unit: z.string(),
      /** money parameters in another currency than the report's */
      currency: z.string().optional(),
      path: z.string(),
      mode: z.enum(["set", "scale"]),
      distribution: Distribution,
      factor: z.strictObject({ id: z.string(), weight: z.number() }).optional(),
      /** the value the options hold today (1 for a scale), where one option has it */
      baseline: z.number().nullable(),
      basis: z.string(),
      isAssumption: z.boolean(),
    }),
  ),
  factors: z.array(z.strictObject({ id: z.string(), label: z.string(), why: z.string() })),
  baseline: PointResult,
  monteCarlo: z
    .strictObject({
      samples: z.number().int(),
      sampling: z.enum(["random", "latin-hypercube"]),
      /** samples in which every option solved to proven optimality: the basis of everything below */
      complete: z.number().int(),
      statusCounts: z.record(z.string(), z.record(z.string(), z.number().int())),
      /** samples with an option that did not solve to optimality (first 50) */
      problems: z.array(
        z.strictObject({
          sample: z.number().int(),
          option: z.string(),
          status: Status,
          message: z.string().optional(),
        }),
      ),
      headline: z
        .strictObject({
          answer: z.string(),
          against: z.string().optional(),
          /** probability that an option giving `answer` is the best of all */
          probability: z.number(),
          /** Wilson 95% interval of the probability (sampling error only) */
          interval: z.tuple([z.number(), z.number()]),
          /** probability that the best option giving `answer` beats the best giving `against` (lead > 0) */
          beats: z.number().nullable(),
          /** mean and P5/P95 of the lead of the best option giving the answer over the best giving the other */
          lead: NpvStats.nullable(),
        })
        .optional(),
      answers: z.array(z.strictObject({ answer: z.string(), probability: z.number() })),
      options: z.array(
        z.strictObject({
          id: z.string(),
          npv: NpvStats.nullable(),
          probabilityBest: z.number(),
          expectedRegret: z.number(),
          maxRegret: z.number(),
          /** counts per bin of `histogram` */
          histogram: z.array(z.number().int()),
        }),
      ),
      /** shared bins of every option's histogram */
      histogram: z.strictObject({ min: z.number(), max: z.number(), bins: z.number().int() }),
      minMaxRegret: z.string().nullable(),
      decisions: z.array(
        z.strictObject({
          option: z.string(),
          key: z.string(),
          label: z.string(),
          changes: z.boolean(),
          values: z.array(
            z.strictObject({
              value: z.string(),
              words: z.string(),
              count: z.number().int(),
              share: z.number(),
            }),
          ),
        }),
      ),
      /** every sample: the parameters' values, each option's NPV (null: not optimal) and status, the winner */
      draws: z.array(
        z.strictObject({
          sample: z.number().int(),
          values: z.record(z.string(), z.number()),
          npv: Npvs,
          statuses: z.record(z.string(), Status),
          winner: z.string().nullable(),
        }),
      ),
    })
    .optional(),
  tornado: z
    .strictObject({
      /** "lead": the headline's lead; "best": the best option's NPV */
      metric: z.enum(["lead", "best"]),
      low: z.number(),
      high: z.number(),
      rows: z.array(
        z.strictObject({
          parameter: z.string(),
          low: PointResult,
          high: PointResult,
          swing: z.number().nullable(),
        }),
      ),
    })
    .optional(),
  grid: z.strictObject({ parameters: z.array(z.string()), points: z.array(PointResult) }).optional(),
  breakEvens: z
    .array(
      z.strictObject({
        parameter: z.string(),
        baseline: z.number(),
        from: z.number(),
        to: z.number(),
        tolerance: z.number(),
        sides: z.array(
          z.strictObject({
            end: z.number(),
            /** the baseline's answer still holds at `holds` and no longer at `flips` */
            holds: z.number().optional(),
            flips: z.number().optional(),
            winner: z.string().optional(),
            /** the search stopped here without a bracket: an option did not solve to optimality (`stoppedBy`) */
            stoppedAt: z.number().optional(),
            stoppedBy: z.string().optional(),
          }),
        ),
        solves: z.number().int(),
      }),
    )
    .optional(),
  run: z.strictObject({
    engine: z.string(),
    solves: z.number().int(),
    seconds: z.number(),
    solveSeconds: z.number(),
  }),
});
export type StudyReport = z.infer<typeof StudyReport>;

// ---- statistics ----

/** Quantile of sorted values, linear between order statistics (R's type 7). */
export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function statsOf(values: readonly number[]): NpvStats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return {
    count: values.length,
    mean,
    sd: Math.sqrt(variance),
    min: sorted[0]!,
    p5: quantileOf(sorted, 0.05),
    p50: quantileOf(sorted, 0.5),
    p95: quantileOf(sorted, 0.95),
    max: sorted.at(-1)!,
  };
}

/** Wilson score interval for k successes in n trials (95%). */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959963984540054;
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Per option over the samples: probability of being best (ties to the option listed first), expected and
 * maximum regret (the best NPV of the sample minus the option's), and the option whose maximum regret is least.
 */
export function regretsOf(
  options: readonly string[],
  samples: readonly Record<string, number>[],
): { probabilityBest: number[]; expectedRegret: number[]; maxRegret: number[]; minMaxRegret: string | null } {
  const wins = options.map(() => 0);
  const regretSum = options.map(() => 0);
  const regretMax = options.map(() => 0);
  for (const npv of samples) {
    let best = 0;
    for (let i = 1; i < options.length; i++) if (npv[options[i]!]! > npv[options[best]!]!) best = i;
    wins[best]!++;
    const top = npv[options[best]!]!;
    for (const [i, id] of options.entries()) {
      const regret = top - npv[id]!;
      regretSum[i]! += regret;
      regretMax[i] = Math.max(regretMax[i]!, regret);
    }
  }
  const n = samples.length;
  let minMax: number | undefined;
  // on a tie of maximum regrets, the option with the smaller expected regret
  for (let i = 0; i < options.length; i++)
    if (
      minMax === undefined ||
      regretMax[i]! < regretMax[minMax]! ||
      (regretMax[i] === regretMax[minMax] && regretSum[i]! < regretSum[minMax]!)
    )
      minMax = i;
  return {
    probabilityBest: wins.map((w) => (n ? w / n : 0)),
    expectedRegret: regretSum.map((r) => (n ? r / n : 0)),
    maxRegret: regretMax,
    minMaxRegret: n && minMax !== undefined ? options[minMax]! : null,
  };
}
