import { breakEvenSearch, type Verdict } from "../analysis/sensitivity.js";
import type { Scenario } from "../domain/scenario.js";
import { excess, OPTIMUM_GAP } from "../solver/types.js";
import { numbersAt } from "../domain/scenario-path.js";
import type { LoadedStudy, StudyParameter, StudySpec } from "../domain/study-spec.js";
import type { Assignment, PreparedStudy, StudyEngine, StudyTask, TaskResult } from "./contract.js";
import {
  bestOf,
  type Lead,
  leadBetween,
  type PointResult,
  type Proven,
  provenOf,
  regretsOf,
  rivalsOf,
  type StudyReport,
  statsOf,
  wilson,
  winnerOf,
} from "./report.js";
import { monteCarloSampler, quantile } from "./sampling.js";

/**
 * Running a study: its points (Monte Carlo samples, tornado ends, grid cells, break-even steps) become tasks —
 * one per point and option — for an engine, and the results become a StudyReport. Each point has a fixed sample
 * number, so results are keyed the same however they are computed: Monte Carlo samples are 0…N−1, the other
 * points are numbered from POINTS_FROM by method and position.
 */

const POINTS_FROM = 10_000_000;
const BASELINE = POINTS_FROM;
const TORNADO_FROM = POINTS_FROM + 1;
const GRID_FROM = POINTS_FROM + 100_000;
const BREAK_EVEN_FROM = POINTS_FROM + 1_000_000;
/** most evaluations one break-even search may make (bisection to 1/2^60 needs fewer) */
const BREAK_EVEN_STEPS = 1_000;

export interface StudyProgress {
  phase: "baseline" | "monte-carlo" | "tornado" | "grid" | "break-even";
  /** solves done and to do in this phase */
  done: number;
  total: number;
  /** options solved at each point: done ÷ options is the points (samples) done */
  options: number;
}

export interface RunStudyOptions {
  engine: StudyEngine;
  /** overrides the spec's Monte Carlo sample count */
  samples?: number;
  onProgress?: (progress: StudyProgress) => void;
  signal?: AbortSignal;
}

/** The prepared form every engine and worker shares: options with their resolved scenarios. */
export function prepareStudy(loaded: LoadedStudy): PreparedStudy {
  const { spec, scenarios } = loaded;
  return {
    id: spec.id,
    options: spec.options.map((o, i) => ({
      id: o.id,
      label: o.label ?? scenarios[i]!.name,
      ...(o.answer ? { answer: o.answer } : {}),
      scenario: scenarios[i]!,
    })),
    // a comparison weighs differences between optima: unless the study says otherwise, its solves close the gap
    solver: { ...spec.solver, mipRelGap: spec.solver.mipRelGap ?? OPTIMUM_GAP },
  };
}

interface Point {
  sample: number;
  values: Record<string, number>;
}

/** A point's result and every option's task result there. */
type Evaluated = PointResult & { results: Record<string, TaskResult> };

/** The point as the report keeps it (without the task results). */
function kept({ results: _, ...point }: Evaluated): PointResult {
  return point;
}

export async function runStudy(loaded: LoadedStudy, options: RunStudyOptions): Promise<StudyReport> {
  const started = performance.now();
  const { spec } = loaded;
  const prepared = prepareStudy(loaded);
  const byId = new Map(spec.parameters.map((p) => [p.id, p]));
  const optionIds = prepared.options.map((o) => o.id);
  const answerOf = new Map(prepared.options.map((o) => [o.id, o.answer ?? o.id]));
  let solves = 0;
  let solveSeconds = 0;

  /** Solves every option at every point through the engine; results by sample, then option. */
  const evaluate = async (points: Point[], phase: StudyProgress["phase"]) => {
    const tasks: StudyTask[] = points.flatMap((point) =>
      optionIds.map((option) => ({
        sample: point.sample,
        option,
        assignments: assignmentsOf(point.values, byId),
      })),
    );
    const results = new Map<number, Record<string, TaskResult>>();
    options.onProgress?.({ phase, done: 0, total: tasks.length, options: optionIds.length });
    await options.engine.run(prepared, tasks, {
      onResult: (result) => {
        const row = results.get(result.sample) ?? {};
        row[result.option] = result;
        results.set(result.sample, row);
        solves++;
        solveSeconds += result.seconds;
      },
      onProgress: (p) => options.onProgress?.({ phase, ...p, options: optionIds.length }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return points.map((point) => ({
      ...pointResult(point.values, results.get(point.sample)!),
      results: results.get(point.sample)!,
    }));
  };

  const headline = spec.headline;
  const leadOf = (p: Proven): Lead | null => {
    if (!headline) return null;
    const answers = (match: (answer: string) => boolean) => optionIds.filter((o) => match(answerOf.get(o)!));
    return leadBetween(
      p,
      answers((a) => a === headline.answer),
      answers((a) => (headline.against ? a === headline.against : a !== headline.answer)),
    );
  };
  const pointResult = (values: Record<string, number>, row: Record<string, TaskResult>): PointResult => {
    const solved = (o: string) => row[o]!.status === "optimal" && row[o]!.npv !== null;
    const npv = Object.fromEntries(optionIds.map((o) => [o, solved(o) ? row[o]!.npv : null]));
    // a solve without a bound (an LP's) is its own bound
    const bound = Object.fromEntries(
      optionIds.map((o) => [o, solved(o) ? Math.max(row[o]!.npv!, row[o]!.bound ?? row[o]!.npv!) : null]),
    );
    const statuses = Object.fromEntries(optionIds.map((o) => [o, row[o]!.status]));
    const unsettled = { winner: null, winnerProven: false, answerProven: false, lead: null, leadRange: null };
    if (!optionIds.every(solved)) return { values, npv, bound, ...unsettled, statuses };
    const p = provenOf({ npv, bound });
    const winner = winnerOf(optionIds, p.plan);
    const otherAnswers = optionIds.filter((o) => answerOf.get(o) !== answerOf.get(winner));
    const lead = leadOf(p);
    return {
      values,
      npv,
      bound,
      winner,
      winnerProven: rivalsOf(p, winner, optionIds).length === 0,
      answerProven: rivalsOf(p, winner, otherAnswers).length === 0,
      lead: lead?.value ?? null,
      leadRange: lead?.range ?? null,
      statuses,
    };
  };

  const [baseline] = await evaluate([{ sample: BASELINE, values: {} }], "baseline");
  const report: StudyReport = {
    study: {
      id: spec.id,
      question: spec.question,
      seed: spec.seed,
      ...(headline ? { headline } : {}),
      currency: prepared.options[0]!.scenario.currency,
    },
    options: prepared.options.map((o) => ({
      id: o.id,
      label: o.label,
      ...(o.answer ? { answer: o.answer } : {}),
    })),
    parameters: spec.parameters.map((p) => {
      const cite = p.cite;
      const isAssumption = "assumption" in cite;
      return {
        id: p.id,
        label: p.label,
        unit: p.unit,
        ...(p.currency ? { currency: p.currency } : {}),
        path: p.path,
        mode: p.mode,
        distribution: p.distribution,
        ...(p.factor ? { factor: p.factor } : {}),
        baseline: baselineValue(p, loaded.scenarios),
        basis: isAssumption
          ? `assumption: ${cite.assumption}${cite.sources?.length ? ` [${cite.sources.join(", ")}]` : ""}`
          : `sourced: ${cite.sources.join(", ")}${cite.note ? ` (${cite.note})` : ""}`,
        isAssumption,
      };
    }),
    factors: spec.factors,
    baseline: kept(baseline!),
    run: { engine: options.engine.name, solves: 0, seconds: 0, solveSeconds: 0 },
  };

  const methods = spec.methods;
  if (methods.monteCarlo) {
    const samples = options.samples ?? methods.monteCarlo.samples;
    const draw = monteCarloSampler(spec, samples, methods.monteCarlo.sampling === "latin-hypercube");
    const points = Array.from({ length: samples }, (_, sample) => ({ sample, values: draw(sample) }));
    const results = await evaluate(points, "monte-carlo");
    report.monteCarlo = summariseMonteCarlo(
      prepared,
      spec,
      points,
      results,
      leadOf,
      methods.monteCarlo.sampling,
    );
  }

  if (methods.tornado) {
    const { low, high } = methods.tornado;
    const ids = selected(spec, methods.tornado.parameters);
    const points = ids.flatMap((id, i) => [
      { sample: TORNADO_FROM + 2 * i, values: { [id]: quantile(byId.get(id)!.distribution, low) } },
      { sample: TORNADO_FROM + 2 * i + 1, values: { [id]: quantile(byId.get(id)!.distribution, high) } },
    ]);
    const results = await evaluate(points, "tornado");
    const metric = headline ? "lead" : "best";
    const measure = (r: PointResult) =>
      metric === "lead" ? r.lead : r.winner === null ? null : r.npv[r.winner]!;
    const rows = ids.map((parameter, i) => {
      const [lo, hi] = [kept(results[2 * i]!), kept(results[2 * i + 1]!)];
      const a = measure(lo);
      const b = measure(hi);
      return { parameter, low: lo, high: hi, swing: a === null || b === null ? null : Math.abs(b - a) };
    });
    rows.sort((x, y) => (y.swing ?? -1) - (x.swing ?? -1));
    report.tornado = { metric, low, high, rows };
  }

  if (methods.grid) {
    const { steps, low, high } = methods.grid;
    const axes = methods.grid.parameters.map((id) =>
      Array.from({ length: steps }, (_, k) =>
        quantile(byId.get(id)!.distribution, low + ((high - low) * k) / (steps - 1)),
      ),
    );
    let cells: Record<string, number>[] = [{}];
    for (const [a, id] of methods.grid.parameters.entries())
      cells = cells.flatMap((cell) => axes[a]!.map((value) => ({ ...cell, [id]: value })));
    const points = cells.map((values, i) => ({ sample: GRID_FROM + i, values }));
    report.grid = { parameters: methods.grid.parameters, points: (await evaluate(points, "grid")).map(kept) };
  }

  if (methods.breakEven) {
    report.breakEvens = await breakEvens(spec, loaded.scenarios, baseline!, answerOf, evaluate);
  }

  report.run = {
    engine: options.engine.name,
    solves,
    seconds: (performance.now() - started) / 1000,
    solveSeconds,
  };
  return report;
}

/** Break-even searches of every parameter asked for, in lockstep: each round solves one value of each. */
async function breakEvens(
  spec: StudySpec,
  scenarios: Scenario[],
  baseline: PointResult,
  answerOf: Map<string, string>,
  evaluate: (points: Point[], phase: StudyProgress["phase"]) => Promise<Evaluated[]>,
): Promise<NonNullable<StudyReport["breakEvens"]>> {
  const settings = spec.methods.breakEven!;
  // without a baseline answer the solves prove, there is nothing to find the flip of (the report says why)
  if (baseline.winner === null || !baseline.answerProven) return [];
  const baselineAnswer = answerOf.get(baseline.winner)!;
  const searches = selected(spec, settings.parameters).map((id, index) => {
    const parameter = spec.parameters.find((p) => p.id === id)!;
    const from = quantile(parameter.distribution, settings.low);
    const to = quantile(parameter.distribution, settings.high);
    const base = baselineValue(parameter, scenarios) ?? (from + to) / 2;
    const tolerance = settings.tolerance * Math.abs(to - from);
    const integer = parameter.unit === "year" || parameter.unit === "years";
    const known = new Map<number, Verdict>([[base, { flips: false, winner: baseline.winner! }]]);
    const sides = [from, to].map((end) => ({
      end,
      search: breakEvenSearch({ baseline: base, end, tolerance, integer }, known),
      pending: undefined as number | undefined,
      outcome: {} as {
        holds?: number;
        flips?: number;
        winner?: string;
        stoppedAt?: number;
        stoppedBy?: string;
      },
      done: false,
    }));
    return { id, index, from, to, base, tolerance, sides, steps: 0 };
  });
  for (const search of searches)
    for (const side of search.sides) {
      const step = side.search.next();
      if (step.done) {
        side.done = true;
        if (step.value) side.outcome = step.value;
      } else side.pending = step.value;
    }
  for (;;) {
    const open = searches.flatMap((s) => s.sides.filter((side) => !side.done).map((side) => ({ s, side })));
    if (open.length === 0) break;
    const points = open.map(({ s, side }) => ({
      sample: BREAK_EVEN_FROM + s.index * BREAK_EVEN_STEPS + s.steps++,
      values: { [s.id]: side.pending! },
    }));
    const results = await evaluate(points, "break-even");
    for (const [i, { side }] of open.entries()) {
      const result = results[i]!;
      if (result.winner === null || !result.answerProven) {
        side.done = true;
        side.outcome = { stoppedAt: side.pending!, stoppedBy: unsettledBy(result, answerOf) };
        continue;
      }
      const verdict = { flips: answerOf.get(result.winner) !== baselineAnswer, winner: result.winner };
      const step = side.search.next(verdict);
      if (step.done) {
        side.done = true;
        side.outcome = step.value ?? {};
      } else side.pending = step.value;
    }
  }
  return searches.map((s) => ({
    parameter: s.id,
    baseline: s.base,
    from: s.from,
    to: s.to,
    tolerance: s.tolerance,
    sides: s.sides.map((side) => ({ end: side.end, ...side.outcome })),
    solves: s.steps * answerOf.size,
  }));
}

/** Why a point has no answer the solves prove: the options that did not solve, or those within the gap. */
function unsettledBy(result: PointResult, answerOf: Map<string, string>): string {
  const { winner } = result;
  if (winner === null)
    return Object.entries(result.statuses)
      .filter(([, status]) => status !== "optimal")
      .map(([o, status]) => `${o} ${status}`)
      .join(", ");
  const otherAnswers = Object.keys(result.bound).filter((o) => answerOf.get(o) !== answerOf.get(winner));
  const rivals = rivalsOf(provenOf(result), winner, otherAnswers);
  return `${winner} and ${rivals.join(", ")} within the solver's gap`;
}

function summariseMonteCarlo(
  prepared: PreparedStudy,
  spec: StudySpec,
  points: Point[],
  results: Evaluated[],
  leadOf: (p: Proven) => Lead | null,
  sampling: "random" | "latin-hypercube",
): NonNullable<StudyReport["monteCarlo"]> {
  const optionIds = prepared.options.map((o) => o.id);
  const complete = results.filter((r) => r.winner !== null);
  const proven = complete.map(provenOf);
  const regrets = regretsOf(optionIds, proven);
  const statusCounts: Record<string, Record<string, number>> = {};
  const problems: NonNullable<StudyReport["monteCarlo"]>["problems"] = [];
  for (const [i, r] of results.entries())
    for (const o of optionIds) {
      const status = r.statuses[o]!;
      statusCounts[o] ??= {};
      statusCounts[o][status] = (statusCounts[o][status] ?? 0) + 1;
      if (status !== "optimal" && problems.length < 50) {
        const message = r.results[o]!.message;
        problems.push({ sample: points[i]!.sample, option: o, status, ...(message ? { message } : {}) });
      }
    }
  const allNpv = proven.flatMap((p) => optionIds.map((o) => p.plan[o]!));
  const lo = allNpv.length ? Math.min(...allNpv) : 0;
  const hi = allNpv.length ? Math.max(...allNpv) : 1;
  const bins = 30;
  const binOf = (v: number) => Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo || 1)) * bins));
  const answers = [...new Set(prepared.options.map((o) => o.answer ?? o.id))];
  const answerOf = new Map(prepared.options.map((o) => [o.id, o.answer ?? o.id]));
  const share = (count: number) => (complete.length ? count / complete.length : 0);
  /** samples where an option giving `answer` is best: proven, by the plans, possibly */
  const winsOf = (answer: string) => {
    const counts = { proven: 0, found: 0, possible: 0 };
    const ours = optionIds.filter((o) => answerOf.get(o) === answer);
    for (const [i, r] of complete.entries()) {
      const p = proven[i]!;
      const won = answerOf.get(r.winner!) === answer;
      if (won) counts.found++;
      if (won && r.answerProven) counts.proven++;
      if (won || excess(bestOf(p, ours).bound, p.plan[r.winner!]!) > 0) counts.possible++;
    }
    return counts;
  };
  const headline = spec.headline;
  const leads = headline ? proven.map(leadOf).filter((x): x is Lead => x !== null) : [];
  const beats = (kind: keyof Lead["beats"]) => leads.filter((lead) => lead.beats[kind]).length / leads.length;
  const wins = headline ? winsOf(headline.answer) : undefined;
  return {
    samples: points.length,
    sampling,
    complete: complete.length,
    undecided: complete.filter((r) => !r.winnerProven).length,
    statusCounts,
    problems,
    ...(headline && wins
      ? {
          headline: {
            ...headline,
            probability: share(wins.found),
            probabilityRange: [share(wins.proven), share(wins.possible)] as [number, number],
            interval: wilson(wins.found, complete.length),
            beats: leads.length ? beats("found") : null,
            beatsRange: leads.length ? ([beats("proven"), beats("possible")] as [number, number]) : null,
            lead: statsOf(leads.map((lead) => lead.value)),
          },
        }
      : {}),
    answers: answers.map((answer) => {
      const counts = winsOf(answer);
      return {
        answer,
        probability: share(counts.found),
        probabilityRange: [share(counts.proven), share(counts.possible)] as [number, number],
      };
    }),
    options: optionIds.map((o, i) => {
      const histogram = new Array<number>(bins).fill(0);
      for (const p of proven) histogram[binOf(p.plan[o]!)]!++;
      return {
        id: o,
        npv: statsOf(proven.map((p) => p.plan[o]!)),
        probabilityBest: regrets.probabilityBest[i]!,
        probabilityBestRange: regrets.probabilityBestRange[i]!,
        expectedRegret: regrets.expectedRegret[i]!,
        expectedRegretRange: regrets.expectedRegretRange[i]!,
        maxRegret: regrets.maxRegret[i]!,
        maxRegretRange: regrets.maxRegretRange[i]!,
        histogram,
      };
    }),
    histogram: { min: lo, max: hi, bins },
    minMaxRegret: regrets.minMaxRegret,
    decisions: decisionFrequencies(prepared, results),
    draws: results.map((r, i) => ({
      sample: points[i]!.sample,
      values: r.values,
      npv: r.npv,
      bound: r.bound,
      statuses: r.statuses,
      winner: r.winner,
      winnerProven: r.winnerProven,
    })),
  };
}

/** How often each decision of each option takes each value, over the samples where the option solved. */
function decisionFrequencies(
  prepared: PreparedStudy,
  results: Evaluated[],
): NonNullable<StudyReport["monteCarlo"]>["decisions"] {
  const out: NonNullable<StudyReport["monteCarlo"]>["decisions"] = [];
  for (const option of prepared.options) {
    const solved = results.map((r) => r.results[option.id]!).filter((r) => r.status === "optimal");
    const keys = [...new Set(solved.flatMap((r) => Object.keys(r.decisions)))].sort();
    const words = decisionWords(option.scenario);
    for (const key of keys) {
      const counts = new Map<string, number>();
      for (const r of solved) {
        const value = r.decisions[key] ?? "";
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      const values = [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([value, count]) => ({
          value,
          words: words.value(key, value),
          count,
          share: count / solved.length,
        }));
      out.push({ option: option.id, key, label: words.label(key), changes: values.length > 1, values });
    }
  }
  return out;
}

/** Decisions (src/study/execute.ts summarisePlan) in the scenario's names. */
export function decisionWords(scenario: Scenario) {
  const plant = (id: string) => scenario.plants.find((p) => p.id === id)?.name ?? id;
  const program = (id: string) => scenario.programs.find((p) => p.id === id)?.name ?? id;
  return {
    label(key: string): string {
      const [kind, a = "", b = ""] = key.split(":");
      switch (kind) {
        case "allocation":
          return `${program(a)}: built at`;
        case "open":
          return `${plant(a)}: opens in`;
        case "close":
          return `${plant(a)}: closes in`;
        case "platform":
          return `${plant(a)}: gains ${b} in`;
        case "shifts":
          return `${plant(a)}: most shifts run`;
        default:
          return key;
      }
    },
    value(key: string, value: string): string {
      if (value === "")
        return key.startsWith("shifts:") ? "0" : key.startsWith("allocation:") ? "nowhere" : "never";
      return key.startsWith("allocation:") ? value.split("+").map(plant).join(" + ") : value;
    },
  };
}

/** A point's drawn values as the assignments a task carries (path, mode, value per parameter). */
export function assignmentsOf(
  values: Record<string, number>,
  parameters: Map<string, StudyParameter>,
): Assignment[] {
  return Object.entries(values).map(([id, value]) => {
    const p = parameters.get(id)!;
    return { path: p.path, mode: p.mode, value };
  });
}

function selected(spec: StudySpec, ids: "all" | string[]): string[] {
  return ids === "all" ? spec.parameters.map((p) => p.id) : ids;
}

/** The parameter's value today: 1 for a scale, else the first number its path reaches in an option. */
export function baselineValue(parameter: StudyParameter, scenarios: Scenario[]): number | null {
  if (parameter.mode === "scale") return 1;
  for (const scenario of scenarios) {
    const [slot] = numbersAt(scenario, parameter.path);
    if (slot) return (slot.holder as Record<string | number, number>)[slot.key]!;
  }
  return null;
}
