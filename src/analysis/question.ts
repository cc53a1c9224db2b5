import { loadScenario } from "../domain/load.js";
import type { Citation, Source } from "../domain/provenance.js";
import type { ParameterUnit, QuestionCase, TestedParameter } from "../domain/question.js";
import type { Scenario } from "../domain/scenario.js";
import type { Explanation, LandedCost, NpvBreakdown, Plan } from "../plan/types.js";
import { applyParameter, baselineValue, citationOf, currencyOf } from "./parameters.js";
import {
  type BreakEven,
  type Evaluation,
  type NpvSolver,
  SensitivityProbe,
  solveNpv,
  solveToOptimum,
} from "./sensitivity.js";

/**
 * A question case answered: each option (a scenario) solved and ranked by NPV, the answer read from where the
 * best option builds the question's program, the volumes each option serves, the winner explained against the
 * best option giving the other answer, and every tested parameter re-solved at the values the case lists and
 * searched for the value where the answer flips. Nothing here formats text for a terminal; no case fact is in
 * code (they are in the case file and its scenarios).
 */

/** "yes": built where the question proposes; "no": built at home; "elsewhere": neither. */
export type Answer = "yes" | "no" | "elsewhere";

export interface OptionResult {
  scenario: string;
  role: "reference" | "option";
  resolved: Scenario;
  plan: Plan;
  answer: Answer;
  /** plants that build the question's program, with their countries */
  programPlants: { id: string; name: string; country: string; volume: number }[];
  volumes: VolumeSummary;
}

export interface VolumeSummary {
  demand: number;
  served: number;
  unmet: number;
  /** unmet vehicles over the horizon by program, largest first */
  unmetByProgram: { program: string; name: string; volume: number }[];
}

export interface ParameterResult {
  id: string;
  label: string;
  unit: ParameterUnit;
  /** the currency of a money value (a plant's own currency for its fields) */
  currency: string;
  /** the value the scenarios hold today */
  baseline: number;
  basis: string;
  isAssumption: boolean;
  why?: string;
  tries: (Evaluation & { label?: string })[];
  search?: TestedParameter["search"];
  breakEvens: BreakEven[];
  /** every value re-solved (tries, range ends, bisection steps), in order */
  evaluations: Evaluation[];
  solves: number;
}

/** A home plant's load in the best home option: does it carry the plan, and what does it leave unserved? */
export interface PlantLoad {
  plant: string;
  name: string;
  maxShifts: number;
  capacityPerShift: number;
  peakShifts: number;
  /** built plus capacity reserved for programs outside the scenario, in its busiest year */
  peakLoad: number;
  /** unmet demand of the programs allocated there, over the horizon */
  unmetOfItsPrograms: number;
}

export interface QuestionAnswer {
  case: QuestionCase;
  programName: string;
  /** ranked by NPV, best first; references included */
  options: OptionResult[];
  winner: OptionResult;
  answer: Answer;
  /** the best option answering no, and the best answering yes (when an option does) */
  bestHome?: OptionResult;
  bestProposal?: OptionResult;
  /** the scenario the case names as the proposal */
  proposal: OptionResult;
  /** the winner's NPV breakdown minus that of the best option giving another answer */
  versus?: { option: OptionResult; difference: NpvBreakdown };
  landedCost: { option: string; cost: LandedCost }[];
  homeLoad: PlantLoad[];
  explanations: Explanation[];
  /** options re-solved in the sensitivity studies */
  contenders: string[];
  parameters: ParameterResult[];
  context: { text: string; sources: Source[] }[];
  sources: Source[];
  solves: number;
  seconds: number;
}

export interface AnswerOptions {
  solveNpv?: NpvSolver;
  /** called after each step, e.g. to print progress */
  progress?: (message: string) => void;
}

export async function answerQuestion(c: QuestionCase, options: AnswerOptions = {}): Promise<QuestionAnswer> {
  const started = performance.now();
  const progress = options.progress ?? (() => {});
  const results: OptionResult[] = [];
  for (const spec of c.options) {
    const scenario = await loadScenario(`builtin:${spec.scenario}`);
    const plan = await solveToOptimum(scenario);
    results.push(optionResult(c, spec.scenario, spec.role, scenario, plan));
    progress(`solved ${spec.scenario}`);
  }
  let solves = results.length;
  const ranked = [...results].sort((a, b) => b.plan.npv - a.plan.npv);
  const choices = ranked.filter((r) => r.role === "option");
  const winner = choices[0]!;
  const bestHome = choices.find((r) => r.answer === "no");
  const bestProposal = choices.find((r) => r.answer === "yes");
  const proposal = results.find((r) => r.scenario === c.proposal.scenario);
  if (!proposal) throw new Error(`the proposal ${c.proposal.scenario} is not among the case's options`);
  const other = choices.find((r) => r.answer !== winner.answer);

  const explained = await solveToOptimum(winner.resolved, true);
  solves += 1 + explained.explanations.length;

  const contenders = choices.filter(
    (r) => winner.plan.npv - r.plan.npv <= c.contenderGap * Math.abs(winner.plan.npv),
  );
  const probe = new SensitivityProbe(
    contenders.map((r) => ({ id: r.scenario, answer: r.answer, scenario: r.resolved, npv: r.plan.npv })),
    options.solveNpv ?? solveNpv,
  );
  const parameters: ParameterResult[] = [];
  for (const parameter of c.parameters) {
    parameters.push(await studyParameter(parameter, probe, results));
    progress(`tested ${parameter.label}`);
  }
  solves += probe.solves;

  const allSources = uniqueSources(results.flatMap((r) => r.resolved.sources));
  return {
    case: c,
    programName: programName(results, c.program),
    options: ranked,
    winner,
    answer: winner.answer,
    ...(bestHome ? { bestHome } : {}),
    ...(bestProposal ? { bestProposal } : {}),
    proposal,
    ...(other ? { versus: { option: other, difference: breakdownDifference(winner.plan, other.plan) } } : {}),
    landedCost: choices.flatMap((r) =>
      r.plan.landedCost
        .filter((cost) => cost.program === c.program)
        .map((cost) => ({ option: r.scenario, cost })),
    ),
    homeLoad: bestHome ? homeLoad(c, bestHome) : [],
    explanations: decisionsMade(explained, winner.resolved),
    contenders: contenders.map((r) => r.scenario),
    parameters,
    context: c.context.map((fact) => ({
      text: fact.text,
      sources: fact.sources.map((id) => sourceById(allSources, id)),
    })),
    sources: decisiveSources(c, proposal.resolved),
    solves,
    seconds: (performance.now() - started) / 1000,
  };
}

function optionResult(
  c: QuestionCase,
  name: string,
  role: OptionResult["role"],
  scenario: Scenario,
  plan: Plan,
): OptionResult {
  const programPlants = plan.allocations
    .filter((a) => a.program === c.program)
    .map((a) => {
      const plant = scenario.plants.find((p) => p.id === a.plant)!;
      return { id: plant.id, name: plant.name, country: plant.country, volume: a.volume };
    })
    .sort((a, b) => b.volume - a.volume);
  const countries = programPlants.map((p) => p.country);
  const answer: Answer = countries.some((x) => c.proposal.countries.includes(x))
    ? "yes"
    : countries.length > 0 && countries.every((x) => c.home.countries.includes(x))
      ? "no"
      : "elsewhere";
  return {
    scenario: name,
    role,
    resolved: scenario,
    plan,
    answer,
    programPlants,
    volumes: volumesOf(scenario, plan),
  };
}

export function volumesOf(scenario: Scenario, plan: Plan): VolumeSummary {
  const served = plan.flows.reduce((sum, f) => sum + f.volume, 0);
  const byProgram = new Map<string, number>();
  for (const u of plan.unmet) byProgram.set(u.program, (byProgram.get(u.program) ?? 0) + u.volume);
  const unmet = [...byProgram.values()].reduce((a, b) => a + b, 0);
  return {
    demand: served + unmet,
    served,
    unmet,
    unmetByProgram: [...byProgram]
      .filter(([, volume]) => volume >= 0.5)
      .map(([program, volume]) => ({
        program,
        name: scenario.programs.find((p) => p.id === program)?.name ?? program,
        volume,
      }))
      .sort((a, b) => b.volume - a.volume),
  };
}

async function studyParameter(
  parameter: TestedParameter,
  probe: SensitivityProbe,
  results: OptionResult[],
): Promise<ParameterResult> {
  // the baseline and its citation come from the first option that has what the parameter changes
  const holder = results.find((r) => baselineValue(parameter.change, r.resolved) !== undefined);
  if (!holder) throw new Error(`parameter ${parameter.id}: no option has what it changes`);
  const baseline = baselineValue(parameter.change, holder.resolved)!;
  const citation = citationOf(parameter.change, holder.resolved);
  const study = await probe.study(
    (value) => applyParameter(parameter.change, value),
    baseline,
    parameter.tries.map((t) => t.value),
    parameter.search
      ? { ...parameter.search, integer: parameter.unit === "year" || parameter.unit === "years" }
      : undefined,
  );
  return {
    id: parameter.id,
    label: parameter.label,
    unit: parameter.unit,
    currency: currencyOf(parameter.change, holder.resolved),
    baseline,
    basis: describeCitation(citation, holder.resolved),
    isAssumption: citation !== undefined && "assumption" in citation,
    ...(parameter.why ? { why: parameter.why } : {}),
    tries: study.tries.map((t, i) => ({
      ...t,
      ...(parameter.tries[i]?.label ? { label: parameter.tries[i]!.label } : {}),
    })),
    ...(parameter.search ? { search: parameter.search } : {}),
    breakEvens: study.breakEvens,
    evaluations: study.evaluations,
    solves: study.solves,
  };
}

/** The home plants that build the question's program in the best home option, and how loaded they are. */
function homeLoad(c: QuestionCase, option: OptionResult): PlantLoad[] {
  const { plan, resolved } = option;
  return option.programPlants
    .filter((p) => c.home.countries.includes(p.country))
    .map((p) => {
      const plant = resolved.plants.find((x) => x.id === p.id)!;
      const years = plan.plantYears.filter((py) => py.plant === p.id);
      const programs = new Set(plan.allocations.filter((a) => a.plant === p.id).map((a) => a.program));
      return {
        plant: p.id,
        name: p.name,
        maxShifts: plant.maxShifts,
        capacityPerShift: plant.capacityPerShift,
        peakShifts: Math.max(0, ...years.map((py) => py.shifts)),
        peakLoad: Math.max(0, ...years.map((py) => py.volume + (py.reserved ?? 0))),
        unmetOfItsPrograms: plan.unmet
          .filter((u) => programs.has(u.program))
          .reduce((s, u) => s + u.volume, 0),
      };
    });
}

/** Explanations of what the plan decided; allocations inherited from today (tooling sunk) are left out. */
function decisionsMade(plan: Plan, scenario: Scenario): Explanation[] {
  const inherited = new Set(
    plan.allocations
      .filter((a) => !a.newTooling)
      .map((a) => scenario.programs.find((p) => p.id === a.program)?.name),
  );
  return plan.explanations.filter((e) => !inherited.has(e.subject));
}

function breakdownDifference(a: Plan, b: Plan): NpvBreakdown {
  const keys = Object.keys(a.npvBreakdown) as (keyof NpvBreakdown)[];
  return Object.fromEntries(
    keys.map((k) => [k, a.npvBreakdown[k] - (b.npvBreakdown[k] ?? 0)]),
  ) as unknown as NpvBreakdown;
}

function programName(results: OptionResult[], program: string): string {
  return results[0]?.resolved.programs.find((p) => p.id === program)?.name ?? program;
}

function describeCitation(citation: Citation | undefined, scenario: Scenario): string {
  if (!citation) return "not cited";
  if ("assumption" in citation) return `assumption: ${citation.assumption}`;
  const sources = citation.sources.map((id) => {
    const source = scenario.sources.find((s) => s.id === id);
    return source ? `${source.publisher}, ${source.date}` : id;
  });
  return `sourced: ${sources.join("; ")}${citation.note ? ` (${citation.note})` : ""}`;
}

function uniqueSources(sources: Source[]): Source[] {
  return [...new Map(sources.map((s) => [s.id, s])).values()];
}

function sourceById(sources: Source[], id: string): Source {
  const source = sources.find((s) => s.id === id);
  if (!source)
    throw new Error(`the case's context cites "${id}", which no option scenario lists as a source`);
  return source;
}

/** Sources cited by the baselines of the tested parameters and by the question's program. */
function decisiveSources(c: QuestionCase, scenario: Scenario): Source[] {
  const cites: Citation[] = [
    ...c.parameters.map((p) => citationOf(p.change, scenario)).filter((x): x is Citation => x !== undefined),
    ...scenario.demand.filter((d) => d.program === c.program).flatMap((d) => Object.values(d.cite)),
    ...scenario.programs.filter((p) => p.id === c.program).flatMap((p) => Object.values(p.cite)),
  ];
  const ids = new Set(cites.flatMap((citation) => citation.sources ?? []));
  return scenario.sources.filter((s) => ids.has(s.id));
}

/** The answer as JSON (CLI --json, the store, the web app): plans summarised, as `portello solve --json` gives them in full. */
export function answerToJson(a: QuestionAnswer) {
  const summary = (r: OptionResult) => ({
    scenario: r.scenario,
    id: r.resolved.id,
    name: r.resolved.name,
    role: r.role,
    answer: r.answer,
    status: r.plan.status,
    npv: r.plan.npv,
    npvBreakdown: r.plan.npvBreakdown,
    programPlants: r.programPlants,
    volumes: r.volumes,
    allocations: r.plan.allocations,
    plantEvents: r.plan.plantEvents,
    invariantsOk: r.plan.invariants.every((i) => i.ok),
    invariants: r.plan.invariants,
    solverSeconds: r.plan.solver.seconds,
  });
  const { currency, horizon, discountRate } = a.winner.plan.scenario;
  return {
    case: a.case.id,
    question: a.case.question,
    program: a.case.program,
    programName: a.programName,
    where: { proposal: a.case.proposal.where, home: a.case.home.where },
    scenario: { currency, horizon, discountRate },
    contenderGap: a.case.contenderGap,
    answer: a.answer,
    winner: a.winner.scenario,
    bestHome: a.bestHome?.scenario,
    bestProposal: a.bestProposal?.scenario,
    proposal: a.proposal.scenario,
    options: a.options.map(summary),
    versus: a.versus ? { option: a.versus.option.scenario, difference: a.versus.difference } : undefined,
    landedCost: a.landedCost,
    homeLoad: a.homeLoad,
    explanations: a.explanations,
    contenders: a.contenders,
    parameters: a.parameters,
    caveats: a.case.caveats,
    context: a.context,
    sources: a.sources,
    solves: a.solves,
    seconds: a.seconds,
  };
}

export type AnswerJson = ReturnType<typeof answerToJson>;
