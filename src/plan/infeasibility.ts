import type { Policy, Scenario } from "../domain/scenario.js";
import { labelAt } from "../model/blocks.js";
import type { BuiltModel } from "../model/build.js";
import type { ModelInputs } from "../model/inputs.js";
import { ColKind, type MathProgram, RowKind } from "../model/program.js";
import type { SolveOptions, SolverAdapter } from "../solver/types.js";
import type { Economics } from "./economics.js";
import { type Slack, elasticCopy } from "./elastic.js";
import type { InfeasibilityReport } from "./types.js";

/** A slack below this is solver noise, not a violation. */
const SLACK_NOISE = 1e-6;

interface Context {
  scenario: Scenario;
  built: BuiltModel;
  inputs: ModelInputs;
  econ: Economics;
  mp: MathProgram;
  x: Float64Array;
}

/** One violated requirement; reasons with the same key differ only by year and are told as one sentence. */
interface Reason {
  key: string;
  year: number;
  amount: number;
  render: (years: string) => string;
}

/**
 * Explains why a program has no feasible point: solves its elastic copy and turns every violated demand,
 * capacity or policy into a sentence in domain words, with the numbers behind it.
 */
export async function explainInfeasibility(
  scenario: Scenario,
  built: BuiltModel,
  econ: Economics,
  solver: SolverAdapter,
  options: SolveOptions,
): Promise<InfeasibilityReport> {
  const { program: mp, inputs } = built;
  const elastic = elasticCopy(mp);
  const solution = await solver.solve(elastic.program, {
    ...(options.timeLimitSeconds !== undefined ? { timeLimitSeconds: options.timeLimitSeconds } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const summary = `${scenario.name} has no feasible plan`;
  if (solution.x.length === 0) {
    return {
      summary,
      reasons: [
        "no single demand, capacity or policy explains it: the plant dynamics or sourcing rules conflict on their own",
      ],
    };
  }
  const ctx: Context = { scenario, built, inputs, econ, mp, x: solution.x };
  const reasons: Reason[] = [];
  for (const slack of elastic.slacks) {
    const amount = solution.x[slack.column]!;
    if (amount <= SLACK_NOISE * Math.max(1, slackScale(ctx, slack))) continue;
    const reason = describe(ctx, slack, amount);
    if (reason) reasons.push(reason);
  }
  const sentences = groupByYears(reasons);
  return {
    summary: `${summary}: ${sentences.length === 1 ? "this requirement cannot hold" : `these ${sentences.length} requirements cannot all hold`}`,
    reasons: sentences,
  };
}

function slackScale(ctx: Context, slack: Slack): number {
  if (slack.source === "bound") return slack.lower;
  const bound = slack.direction === "short" ? ctx.mp.rowLower[slack.row]! : ctx.mp.rowUpper[slack.row]!;
  return Math.abs(bound);
}

function describe(ctx: Context, slack: Slack, amount: number): Reason | undefined {
  if (slack.source === "bound") return describeForcedColumn(ctx, slack.forcedColumn);
  const { rows } = ctx.mp;
  const i = slack.row;
  const [p, s, m, year] = [rows.program[i]!, rows.plant[i]!, rows.market[i]!, rows.year[i]!];
  const policy = rows.policy[i]!;
  switch (rows.kind[i]) {
    case RowKind.capacity:
      return capacityShortfall(ctx, s, year, amount);
    case RowKind.demand:
      return demandShortfall(ctx, p, m, year, amount);
    case RowKind.minVolume:
      return minVolumeShortfall(ctx, i, amount);
    case RowKind.budgetCap:
      return budgetOverrun(ctx, policy, amount);
    case RowKind.sourcingMin:
      return noPlantCanBuild(ctx, p);
    case RowKind.allocatedKeepsOpen:
      return plantCannotOperate(
        ctx,
        s,
        year,
        `${programName(ctx, p)} at ${plantName(ctx, s)} needs the plant`,
      );
    default:
      return undefined;
  }
}

function capacityShortfall(ctx: Context, s: number, year: number, short: number): Reason {
  const plant = ctx.scenario.plants[s]!;
  const max = plant.capacityPerShift * plant.maxShifts;
  const built = builtAt(ctx, s, year);
  const reserved = ctx.econ.reserved(s, year);
  const what = built
    .map((b) => `${vehicles(b.volume)} ${ctx.scenario.programs[b.program]!.name}`)
    .join(" and ");
  const requirers = [
    ...new Set(built.map((b) => whoRequires(ctx, b.program, s)).filter((r) => r !== undefined)),
  ];
  const verb = requirers.length === 1 ? "requires" : "require";
  const because = requirers.length > 0 ? ` that ${requirers.join(" and ")} ${verb}` : "";
  const reservedNote = reserved > 0 ? ` next to ${vehicles(reserved)} reserved for other programs` : "";
  return {
    key: `capacity|${s}|${what}|${because}`,
    year,
    amount: short,
    render: (years) =>
      `${plant.name} (${plant.maxShifts} shift${plant.maxShifts === 1 ? "" : "s"} max, ${vehicles(max)} vehicles a year) ` +
      `cannot build the ${what || "vehicles"} a year${because}${reservedNote} in ${years}: ${vehicles(short)} short`,
  };
}

/** Volumes per program built at a plant in a year, in the elastic solution. */
function builtAt(ctx: Context, s: number, year: number): { program: number; volume: number }[] {
  const { x } = ctx.built.variables;
  const t = year - ctx.inputs.years[0]!;
  const built: { program: number; volume: number }[] = [];
  for (let p = 0; p < ctx.inputs.numPrograms; p++) {
    let volume = 0;
    for (let m = 0; m < ctx.inputs.numMarkets; m++) {
      const j = labelAt(x, p, s, m, t);
      if (j >= 0 && ctx.x[j]! > SLACK_NOISE) volume += ctx.x[j]!;
    }
    if (volume > 0) built.push({ program: p, volume });
  }
  return built;
}

/** Why a program is tied to a plant: a fix-allocation policy, or production already there. */
function whoRequires(ctx: Context, p: number, s: number): string | undefined {
  const program = ctx.scenario.programs[p]!;
  const plant = ctx.scenario.plants[s]!;
  const policy = ctx.scenario.policies.find(
    (q) => q.kind === "fix-allocation" && q.program === program.id && q.plant === plant.id,
  );
  if (policy) return `policy ${policyName(policy)}`;
  if (program.builtAt.includes(plant.id)) return `its existing production of ${program.name}`;
  if (ctx.scenario.objective.mode === "serve-all") return "serving all demand";
  return undefined;
}

function demandShortfall(ctx: Context, p: number, m: number, year: number, short: number): Reason {
  const demand = ctx.econ.demand(p, m, year);
  const program = ctx.scenario.programs[p]!;
  const market = ctx.scenario.markets[m]!;
  return {
    key: `demand|${p}|${m}`,
    year,
    amount: short,
    render: (years) =>
      `${vehicles(demand)} ${program.name} for ${market.name} in ${years} cannot all be served ` +
      `(serve-all allows no unmet demand): ${vehicles(short)} short; no plant allowed to build it has the capacity or the lane`,
  };
}

function minVolumeShortfall(ctx: Context, row: number, short: number): Reason {
  const { rows } = ctx.mp;
  const policy = ctx.scenario.policies[rows.policy[row]!];
  const year = rows.year[row]!;
  const s = rows.plant[row]!;
  const p = rows.program[row]!;
  const required = policy?.kind === "min-volume" ? policy.volume : Number.NaN;
  const what = p >= 0 ? programName(ctx, p) : "each allocated program";
  const where = s >= 0 ? ` at ${plantName(ctx, s)}` : "";
  return {
    key: `min-volume|${rows.policy[row]}|${p}|${s}`,
    year,
    amount: short,
    render: (years) =>
      `${policy ? `policy ${policyName(policy)}` : "a minimum-volume policy"} requires ${vehicles(required)} ${what}${where} a year, ` +
      `but at most ${vehicles(required - short)} can be built and sold there in ${years}`,
  };
}

function budgetOverrun(ctx: Context, policyIndex: number, over: number): Reason {
  const policy = ctx.scenario.policies[policyIndex];
  const cap = policy?.kind === "budget-cap" ? policy.maxInvestment : Number.NaN;
  return {
    key: `budget|${policyIndex}`,
    year: -1,
    amount: over,
    render: () =>
      `${policy ? `policy ${policyName(policy)}` : "a budget cap"} allows ${money(ctx, cap)} of investment, ` +
      `but the cheapest plan that meets the other requirements needs ${money(ctx, cap + over)}`,
  };
}

const BLOCK_WORDS: Record<number, string> = {
  1: "is closed",
  2: "cannot build its platform",
  3: "is forbidden by policy",
  4: "is outside the countries allowed by policy",
  5: "does not operate during its life",
};

function noPlantCanBuild(ctx: Context, p: number): Reason {
  const program = ctx.scenario.programs[p]!;
  const S = ctx.inputs.numPlants;
  const blocks = ctx.scenario.plants.map((plant, s) => {
    const code = ctx.inputs.allocation[p * S + s]!;
    return `${plant.name} ${BLOCK_WORDS[code] ?? "cannot take it with the other requirements"}`;
  });
  return {
    key: `sourcing|${p}`,
    year: -1,
    amount: 1,
    render: () => `${program.name} must be built, but no plant can take it: ${blocks.join("; ")}`,
  };
}

function describeForcedColumn(ctx: Context, j: number): Reason | undefined {
  const { cols } = ctx.mp;
  const [p, s, year] = [cols.program[j]!, cols.plant[j]!, cols.year[j]!];
  if (cols.kind[j] === ColKind.allocate) {
    const program = ctx.scenario.programs[p]!;
    const plant = ctx.scenario.plants[s]!;
    const why = whoRequires(ctx, p, s) ?? "the scenario";
    return {
      key: `allocate|${p}|${s}`,
      year: -1,
      amount: 1,
      render: () =>
        `${why} puts ${program.name} at ${plant.name}, which cannot hold with the plant's operating years, platforms and capacity`,
    };
  }
  if (cols.kind[j] === ColKind.operate) {
    const plant = ctx.scenario.plants[s]!;
    const policy = ctx.scenario.policies.find(
      (q) =>
        q.kind === "keep-open" && q.plant === plant.id && year >= (q.from ?? year) && year <= (q.to ?? year),
    );
    // without a keep-open policy the plant is an active one that may not close
    const who = policy ? `policy ${policyName(policy)} keeps` : "the scenario forbids closing, which keeps";
    return plantCannotOperate(ctx, s, year, who);
  }
  return undefined;
}

function plantCannotOperate(ctx: Context, s: number, year: number, who: string): Reason {
  const plant = ctx.scenario.plants[s]!;
  const why =
    plant.status === "closed"
      ? "it is closed"
      : plant.earliestYear !== undefined && year < plant.earliestYear
        ? `it cannot operate before ${plant.earliestYear}`
        : "it cannot operate then";
  return {
    key: `operate|${s}|${who}`,
    year,
    amount: 1,
    render: (years) => `${who} ${plant.name} operating in ${years}, but ${why}`,
  };
}

/** Joins reasons that differ only by year; the numbers are those of the worst year. */
function groupByYears(reasons: Reason[]): string[] {
  const groups = new Map<string, Reason[]>();
  for (const r of reasons) groups.set(r.key, [...(groups.get(r.key) ?? []), r]);
  return [...groups.values()].map((group) => {
    const worst = group.reduce((a, b) => (b.amount > a.amount ? b : a));
    const years = group.map((r) => r.year).filter((y) => y >= 0);
    return worst.render(yearRanges(years));
  });
}

/** 2029, 2030, 2031, 2034 → "2029–2031 and 2034". */
export function yearRanges(years: number[]): string {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let k = i;
    while (k + 1 < sorted.length && sorted[k + 1] === sorted[k]! + 1) k++;
    ranges.push(k === i ? `${sorted[i]}` : `${sorted[i]}–${sorted[k]}`);
    i = k + 1;
  }
  if (ranges.length <= 1) return ranges[0] ?? "";
  return `${ranges.slice(0, -1).join(", ")} and ${ranges[ranges.length - 1]}`;
}

function policyName(policy: Policy): string {
  return `'${policy.name ?? policy.id}'`;
}

function programName(ctx: Context, p: number): string {
  return ctx.scenario.programs[p]?.name ?? "a program";
}

function plantName(ctx: Context, s: number): string {
  return ctx.scenario.plants[s]?.name ?? "a plant";
}

function vehicles(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function money(ctx: Context, amount: number): string {
  const symbol = ctx.scenario.currency === "EUR" ? "€" : `${ctx.scenario.currency} `;
  return `${symbol}${(amount / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })}m`;
}
