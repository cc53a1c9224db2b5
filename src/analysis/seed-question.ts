import { loadScenario } from "../domain/load.js";
import type { Citation, Source } from "../domain/provenance.js";
import type { Scenario } from "../domain/scenario.js";
import { solveScenario } from "../plan/solve.js";
import type { Explanation, LandedCost, NpvBreakdown, Plan } from "../plan/types.js";
import {
  type SensitivityReport,
  type Variation,
  runSensitivity,
  withDemandScaled,
  withDiscountRate,
  withDutyRate,
  withOpenCostScaled,
} from "./sensitivity.js";

/**
 * The seed question on the built-in Alfa Romeo case: solve each option (a built-in scenario), rank them by NPV,
 * explain the winner against the seed's proposal, and test how sensitive the ranking is. `portello demo`
 * prints what this returns; nothing here formats text for a terminal.
 */

export const SEED_QUESTION =
  "Should Alfa Romeo build its electric E-segment cars in the US (reopening Belvidere) and export from there, " +
  "because Cassino and Pomigliano alone cannot carry a global growth plan?";

/** The program the question is about, and the scenario that proposes the US plant. */
const QUESTION_PROGRAM = "e-segment";
const PROPOSAL = "alfa/reopen-belvidere";

interface OptionSpec {
  builtin: string;
  /** "today" is the reference network; "option" is a choice that can win */
  role: "today" | "option";
}

const OPTIONS: OptionSpec[] = [
  { builtin: "alfa/base", role: "today" },
  { builtin: "alfa/italy-more-shifts", role: "option" },
  { builtin: "alfa/reopen-belvidere", role: "option" },
  { builtin: "alfa/toluca-usmca", role: "option" },
  { builtin: "alfa/greenfield-us", role: "option" },
];

/** Options further behind the winner than this share of its NPV are not re-solved in the sensitivity runs. */
const CONTENDER_GAP = 0.25;

export interface OptionResult {
  builtin: string;
  role: OptionSpec["role"];
  scenario: Scenario;
  plan: Plan;
  /** plant that builds the E-segment car, and its country */
  questionPlant: string;
  questionCountry: string;
}

export interface Hinge {
  parameter: string;
  /** the baseline value's citation: an assumption's reasoning, or its sources */
  basis: string;
  isAssumption: boolean;
  /** the values tried that change the winner */
  flipsAt: string[];
}

export interface SeedAnswer {
  question: string;
  /** ranked by NPV, best first; the "today" reference included */
  options: OptionResult[];
  winner: OptionResult;
  /** the best option building the E-segment car in Italy, and the seed's proposal */
  italyOnly: OptionResult;
  proposal: OptionResult;
  /** the winner's NPV breakdown minus the comparison option's (the proposal, or Italy-only if the proposal wins) */
  versus: { option: OptionResult; difference: NpvBreakdown };
  /** E-segment landed cost per vehicle, by option and market */
  landedCost: { option: string; cost: LandedCost }[];
  explanations: Explanation[];
  sensitivity: SensitivityReport;
  hinges: Hinge[];
  sources: Source[];
  seconds: number;
}

export async function answerSeedQuestion(): Promise<SeedAnswer> {
  const started = performance.now();
  const results: OptionResult[] = [];
  for (const spec of OPTIONS) {
    const scenario = await loadScenario(`builtin:${spec.builtin}`);
    const plan = await solveScenario(scenario, { explain: false });
    if (plan.status !== "optimal") throw new Error(`${spec.builtin} solved ${plan.status}, not optimal`);
    results.push({ ...spec, scenario, plan, ...questionPlant(scenario, plan) });
  }
  const ranked = [...results].sort((a, b) => b.plan.npv - a.plan.npv);
  const choices = ranked.filter((r) => r.role === "option");
  const winner = choices[0]!;
  const italyOnly = choices.find((r) => r.questionCountry === "IT")!;
  const proposal = results.find((r) => r.builtin === PROPOSAL)!;
  const other = winner === proposal ? italyOnly : proposal;

  // the winner again, with its decisions explained (one re-solve per decision)
  const explained = await solveScenario(winner.scenario, { explain: true });

  const contenders = choices.filter(
    (r) => winner.plan.npv - r.plan.npv <= CONTENDER_GAP * Math.abs(winner.plan.npv),
  );
  const variations = seedVariations();
  const sensitivity = await runSensitivity(
    contenders.map((r) => ({ id: r.builtin, name: r.scenario.name, scenario: r.scenario, npv: r.plan.npv })),
    variations,
  );

  return {
    question: SEED_QUESTION,
    options: ranked,
    winner,
    italyOnly,
    proposal,
    versus: { option: other, difference: breakdownDifference(winner.plan, other.plan) },
    landedCost: results.flatMap((r) =>
      r.role === "option"
        ? r.plan.landedCost
            .filter((c) => c.program === QUESTION_PROGRAM)
            .map((cost) => ({ option: r.builtin, cost }))
        : [],
    ),
    explanations: decisionsMade(explained, winner.scenario),
    sensitivity,
    hinges: hingesOf(sensitivity, variations, proposal.scenario),
    sources: decisiveSources(proposal.scenario),
    seconds: (performance.now() - started) / 1000,
  };
}

function questionPlant(scenario: Scenario, plan: Plan): { questionPlant: string; questionCountry: string } {
  const allocation = plan.allocations.find((a) => a.program === QUESTION_PROGRAM);
  const plant = scenario.plants.find((p) => p.id === allocation?.plant);
  return { questionPlant: plant?.id ?? "—", questionCountry: plant?.country ?? "—" };
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
    keys.map((k) => [k, a.npvBreakdown[k] - b.npvBreakdown[k]]),
  ) as unknown as NpvBreakdown;
}

/**
 * The parameters the answer may hinge on, each with where its baseline value is cited in the scenario
 * (`cite` lookup) so the report can say whether it is sourced or assumed.
 */
interface SeedVariation extends Variation {
  citation: (s: Scenario) => Citation | undefined;
}

export function seedVariations(): SeedVariation[] {
  const usDealCite = (s: Scenario) => s.duties.find((d) => d.id === "us-eu-deal-2025")?.cite.rate;
  const usDemandCite = (s: Scenario) =>
    s.demand.find((d) => d.program === QUESTION_PROGRAM && d.market === "us")?.cite.volume;
  const reopenCite = (s: Scenario) => s.plants.find((p) => p.id === "belvidere")?.cite.openCost;
  const euDutyCite = (s: Scenario) => s.duties.find((d) => d.id === "eu-mfn-on-us-cars")?.cite.rate;
  const chinaCite = (s: Scenario) => s.duties.find((d) => d.id === "china-mfn")?.cite.rate;
  const discountCite = (s: Scenario) => s.cite.discountRate;
  const eDemand = (factor: number) => withDemandScaled(QUESTION_PROGRAM, ["us", "china"], factor);
  return [
    {
      id: "us-duty-eu-0",
      parameter: "US duty on EU-built cars",
      value: "0% (free trade)",
      apply: withDutyRate(["us-eu-deal-2025"], 0),
      citation: usDealCite,
    },
    {
      id: "us-duty-eu-27.5",
      parameter: "US duty on EU-built cars",
      value: "27.5% (no EU-US deal: Section 232 + MFN)",
      apply: withDutyRate(["us-eu-deal-2025"], 0.275),
      citation: usDealCite,
    },
    {
      id: "e-demand-minus-30",
      parameter: "E-segment demand in the US and China",
      value: "−30%",
      apply: eDemand(0.7),
      citation: usDemandCite,
    },
    {
      id: "e-demand-plus-30",
      parameter: "E-segment demand in the US and China",
      value: "+30%",
      apply: eDemand(1.3),
      citation: usDemandCite,
    },
    {
      id: "belvidere-open-minus-50",
      parameter: "Belvidere Alfa line cost",
      value: "−50% (€175m)",
      apply: withOpenCostScaled("belvidere", 0.5),
      citation: reopenCite,
    },
    {
      id: "belvidere-open-plus-50",
      parameter: "Belvidere Alfa line cost",
      value: "+50% (€525m)",
      apply: withOpenCostScaled("belvidere", 1.5),
      citation: reopenCite,
    },
    {
      id: "china-us-built-25",
      parameter: "China duty on US-built cars",
      value: "25% (the Feb 2025 +10% applied to BEVs)",
      apply: withChinaDutyOnUsBuilt(0.25),
      citation: chinaCite,
    },
    {
      id: "eu-duty-us-0",
      parameter: "EU duty on US-built cars",
      value: "0% (EU-US framework legislated)",
      apply: withDutyRate(["eu-mfn-on-us-cars"], 0),
      citation: euDutyCite,
    },
    {
      id: "discount-5",
      parameter: "discount rate",
      value: "5%",
      apply: withDiscountRate(0.05),
      citation: discountCite,
    },
    {
      id: "discount-11",
      parameter: "discount rate",
      value: "11%",
      apply: withDiscountRate(0.11),
      citation: discountCite,
    },
  ];
}

/** A duty row for US-built cars into China, appended so it wins over the MFN row (last match wins). */
function withChinaDutyOnUsBuilt(rate: number): (s: Scenario) => Scenario {
  return (s) => {
    if (!s.plants.some((p) => p.country === "US")) return s;
    const copy = structuredClone(s);
    copy.duties.push({ id: "china-us-built-extra", from: ["US"], to: ["china"], rate, cite: {} });
    return copy;
  };
}

function hingesOf(report: SensitivityReport, variations: SeedVariation[], scenario: Scenario): Hinge[] {
  const byParameter = new Map<string, Hinge>();
  for (const variation of variations) {
    let hinge = byParameter.get(variation.parameter);
    if (!hinge) {
      const citation = variation.citation(scenario);
      hinge = {
        parameter: variation.parameter,
        basis: describeCitation(citation, scenario),
        isAssumption: citation !== undefined && "assumption" in citation,
        flipsAt: [],
      };
      byParameter.set(variation.parameter, hinge);
    }
    const run = report.runs.find((r) => r.variation.id === variation.id);
    if (run?.flips) hinge.flipsAt.push(variation.value);
  }
  return [...byParameter.values()];
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

/** Sources cited by the parameters the question turns on: duties, the E-segment, Cassino and Belvidere. */
function decisiveSources(scenario: Scenario): Source[] {
  const cites: Record<string, Citation>[] = [
    ...scenario.duties.map((d) => d.cite),
    ...scenario.demand.filter((d) => d.program === QUESTION_PROGRAM).map((d) => d.cite),
    ...scenario.programs.filter((p) => p.id === QUESTION_PROGRAM).map((p) => p.cite),
    ...scenario.plants.filter((p) => p.id === "cassino" || p.id === "belvidere").map((p) => p.cite),
  ];
  const ids = new Set(cites.flatMap((c) => Object.values(c).flatMap((citation) => citation.sources ?? [])));
  return scenario.sources.filter((s) => ids.has(s.id));
}
