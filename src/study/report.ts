import { z } from "zod";
import { Distribution } from "../domain/study-spec.js";
import { excess } from "../solver/types.js";
import { TaskResult } from "./contract.js";

/**
 * What a study reports: the CLI prints it, `--json` gives it, the server's API returns it and the web app draws
 * it. NPVs are in the options' currency. Only samples where every option solved to optimality enter the
 * distributions, win probabilities and regrets; the others are counted by status and listed, never averaged in.
 *
 * Optimal means within the study's gap (by default none: the optimum itself). Each option's optimum lies between
 * its plan's NPV and its solve's bound, so every comparison comes with the interval those prove — a probability
 * of being best, a regret, a lead — which is a single value when the solves closed their gaps.
 */

const Status = TaskResult.shape.status;
const Npvs = z.record(z.string(), z.number().nullable());
/** the interval the solves prove for a value: [least, most] */
const Range = z.tuple([z.number(), z.number()]);

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
  /** the most each option's NPV can be: its solve's bound (its plan's NPV once the gap is closed); null as npv */
  bound: Npvs,
  /** the option with the best plan (the first listed on a tie); null when an option did not solve to optimality */
  winner: z.string().nullable(),
  /** no other option's bound lies above the winner's plan: the solves prove it best */
  winnerProven: z.boolean(),
  /** no option giving another answer has its bound above the winner's plan: the solves prove the answer */
  answerProven: z.boolean(),
  /** the headline's lead at this point: best NPV giving its answer minus the best giving the other */
  lead: z.number().nullable(),
  leadRange: Range.nullable(),
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
      /** samples in which every option solved to optimality: the basis of everything below */
      complete: z.number().int(),
      /** complete samples whose best option the solves did not prove (another option's bound above its plan) */
      undecided: z.number().int(),
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
          /** from the samples where the solves prove it to those where they do not rule it out */
          probabilityRange: Range,
          /** Wilson 95% interval of the probability (sampling error only) */
          interval: z.tuple([z.number(), z.number()]),
          /** probability that the best option giving `answer` beats the best giving `against` (lead > 0) */
          beats: z.number().nullable(),
          beatsRange: Range.nullable(),
          /** mean and P5/P95 of the lead of the best option giving the answer over the best giving the other */
          lead: NpvStats.nullable(),
        })
        .optional(),
      answers: z.array(
        z.strictObject({ answer: z.string(), probability: z.number(), probabilityRange: Range }),
      ),
      options: z.array(
        z.strictObject({
          id: z.string(),
          npv: NpvStats.nullable(),
          probabilityBest: z.number(),
          probabilityBestRange: Range,
          expectedRegret: z.number(),
          expectedRegretRange: Range,
          maxRegret: z.number(),
          maxRegretRange: Range,
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
      /**
       * every sample: the parameters' values, each option's NPV (null: not optimal), bound and status, the winner
       * and whether the solves prove it best
       */
      draws: z.array(
        z.strictObject({
          sample: z.number().int(),
          values: z.record(z.string(), z.number()),
          npv: Npvs,
          bound: Npvs,
          statuses: z.record(z.string(), Status),
          winner: z.string().nullable(),
          winnerProven: z.boolean(),
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

// ---- comparisons the solves prove ----

/** One point's options as its solves prove them: each option's optimal NPV lies in [plan, bound]. */
export interface Proven {
  plan: Record<string, number>;
  bound: Record<string, number>;
}

/** A point where every option solved, as its solves prove it. */
export function provenOf(point: Pick<PointResult, "npv" | "bound">): Proven {
  return { plan: point.npv as Record<string, number>, bound: point.bound as Record<string, number> };
}

/** The option with the best plan; on a tie, the first listed. */
export function winnerOf(options: readonly string[], plan: Record<string, number>): string {
  const top = Math.max(...options.map((o) => plan[o]!));
  return options.find((o) => excess(top, plan[o]!) === 0)!;
}

/** The options among `candidates` that could beat the winner: their bounds lie above its plan. */
export function rivalsOf(p: Proven, winner: string, candidates: readonly string[]): string[] {
  return candidates.filter((o) => o !== winner && excess(p.bound[o]!, p.plan[winner]!) > 0);
}

/** The best of a group's options: by their plans, and the most their optima can be. */
export function bestOf(p: Proven, group: readonly string[]): { plan: number; bound: number } {
  return {
    plan: Math.max(...group.map((o) => p.plan[o]!)),
    bound: Math.max(...group.map((o) => p.bound[o]!)),
  };
}

/**
 * Per option over the samples: probability of being best (ties to the option listed first), expected and
 * maximum regret (the best NPV of the sample minus the option's), and the option whose maximum regret is least —
 * each with the interval the solves prove. An option is proven best where no other's bound lies above its plan,
 * and may be best where it is, or its bound lies above the best plan; its regret is at least the best plan minus
 * its bound and at most the greatest bound minus its plan.
 */
export function regretsOf(
  options: readonly string[],
  samples: readonly Proven[],
): {
  probabilityBest: number[];
  probabilityBestRange: [number, number][];
  expectedRegret: number[];
  expectedRegretRange: [number, number][];
  maxRegret: number[];
  maxRegretRange: [number, number][];
  minMaxRegret: string | null;
} {
  const zero = () => options.map(() => 0);
  const [wins, provenWins, possibleWins] = [zero(), zero(), zero()];
  const [regretSum, lowSum, highSum] = [zero(), zero(), zero()];
  const [regretMax, lowMax, highMax] = [zero(), zero(), zero()];
  for (const p of samples) {
    const winner = winnerOf(options, p.plan);
    const top = p.plan[winner]!;
    const { bound: most } = bestOf(p, options);
    for (const [i, id] of options.entries()) {
      if (id === winner) {
        wins[i]!++;
        possibleWins[i]!++;
        if (rivalsOf(p, winner, options).length === 0) provenWins[i]!++;
      } else if (excess(p.bound[id]!, top) > 0) possibleWins[i]!++;
      const regret = excess(top, p.plan[id]!);
      const low = excess(top, p.bound[id]!);
      const high = excess(most, p.plan[id]!);
      regretSum[i]! += regret;
      lowSum[i]! += low;
      highSum[i]! += high;
      regretMax[i] = Math.max(regretMax[i]!, regret);
      lowMax[i] = Math.max(lowMax[i]!, low);
      highMax[i] = Math.max(highMax[i]!, high);
    }
  }
  const n = samples.length;
  const share = (count: number) => (n ? count / n : 0);
  let minMax: number | undefined;
  // on a tie of maximum regrets (within what the solves tell apart), the option with the smaller expected regret
  for (let i = 0; i < options.length; i++) {
    if (minMax === undefined) {
      minMax = i;
      continue;
    }
    const lower = excess(regretMax[minMax]!, regretMax[i]!) > 0;
    const tied = !lower && excess(regretMax[i]!, regretMax[minMax]!) === 0;
    if (lower || (tied && regretSum[i]! < regretSum[minMax]!)) minMax = i;
  }
  return {
    probabilityBest: wins.map(share),
    probabilityBestRange: options.map((_, i) => [share(provenWins[i]!), share(possibleWins[i]!)]),
    expectedRegret: regretSum.map(share),
    expectedRegretRange: options.map((_, i) => [share(lowSum[i]!), share(highSum[i]!)]),
    maxRegret: regretMax,
    maxRegretRange: options.map((_, i) => [lowMax[i]!, highMax[i]!]),
    minMaxRegret: n && minMax !== undefined ? options[minMax]! : null,
  };
}

/** One group's best option against another's at a point. */
export interface Lead {
  /** by their plans */
  value: number;
  /** what the solves prove: [our best plan − their greatest bound, our greatest bound − their best plan] */
  range: [number, number];
  /** whether the lead is positive (beyond a tie): proven, by the plans, possibly */
  beats: { proven: boolean; found: boolean; possible: boolean };
}

export function leadBetween(p: Proven, ours: readonly string[], theirs: readonly string[]): Lead | null {
  if (ours.length === 0 || theirs.length === 0) return null;
  const a = bestOf(p, ours);
  const b = bestOf(p, theirs);
  return {
    value: a.plan - b.plan,
    range: [a.plan - b.bound, a.bound - b.plan],
    beats: {
      proven: excess(a.plan, b.bound) > 0,
      found: excess(a.plan, b.plan) > 0,
      possible: excess(a.bound, b.plan) > 0,
    },
  };
}
