import { NPV_LINES, NPV_LINE_LABELS } from "../../model/npv-lines.js";
import type { PlanComparison } from "../../analysis/compare.js";
import { summariseHinges } from "../../plan/explain.js";
import type { Scenario } from "../../domain/scenario.js";
import type { Plan } from "../../plan/types.js";
import { excess, type SolveProgress } from "../../solver/types.js";
import { formatMoney, formatNumber, table } from "../output.js";

/** The readable report of `portello solve`: headline, decisions, money, utilisation, explanations, checks. */
export function formatPlanReport(plan: Plan): string {
  const sections = [headline(plan)];
  if (plan.infeasibility) {
    sections.push(infeasibilitySection(plan));
    return `${sections.join("\n\n")}\n`;
  }
  sections.push(
    allocationsSection(plan),
    eventsSection(plan),
    breakdownSection(plan),
    utilisationSection(plan),
    landedCostSection(plan),
    dutiesSection(plan),
    unmetSection(plan),
    explanationsSection(plan),
    invariantsSection(plan),
  );
  return `${sections.filter((s) => s !== "").join("\n\n")}\n`;
}

function headline(plan: Plan): string {
  const { solver } = plan;
  const facts = [`status ${plan.status}`, `${solver.seconds.toFixed(1)} s with ${solver.name}`];
  if (solver.gap !== undefined && Number.isFinite(solver.gap)) facts.push(`gap ${percent(solver.gap, 3)}`);
  // where the gap is open, the most the scenario can earn: the plan is that far from proven best at worst
  const atMost = solver.npvAtMost;
  if (atMost !== undefined && Number.isFinite(atMost) && excess(atMost, plan.npv) > 0)
    facts.push(`the optimum at most ${money(plan, atMost)}`);
  const work = solver.decomposition;
  if (work) {
    const cuts = work.optimalityCuts + work.feasibilityCuts;
    facts.push(
      [
        count(work.lpIterations, "LP round"),
        count(work.iterations, "master MILP"),
        count(cuts, "cut"),
        count(work.searchSteps, "search step"),
      ].join(", "),
    );
  }
  const title = `${plan.scenario.name} (${plan.scenario.id}), ${plan.scenario.horizon.start}–${plan.scenario.horizon.end}`;
  if (plan.infeasibility) return `${title}\nNo feasible plan (${facts.join(", ")})`;
  return `${title}\nNPV ${money(plan, plan.npv)} (${facts.join(", ")})`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function infeasibilitySection(plan: Plan): string {
  const report = plan.infeasibility!;
  return [report.summary, ...report.reasons.map((r) => `  - ${r}`)].join("\n");
}

function allocationsSection(plan: Plan): string {
  if (plan.allocations.length === 0) return "Allocations: none";
  const rows = plan.allocations.map((a) => [
    name(plan, "programs", a.program),
    name(plan, "plants", a.plant),
    `${a.fromYear}–${a.toYear}`,
    a.newTooling ? "new" : "existing",
    Math.round(a.volume),
  ]);
  return `Allocations\n${table(["program", "plant", "years", "tooling", "vehicles"], rows)}`;
}

function eventsSection(plan: Plan): string {
  if (plan.plantEvents.length === 0) return "Plant events: none";
  const rows = plan.plantEvents.map((e) => [
    String(e.year),
    name(plan, "plants", e.plant),
    e.event === "platform" ? `gains platform ${e.platform}` : e.event,
    money(plan, e.cost),
  ]);
  return `Plant events\n${table(["year", "plant", "event", "cost"], rows)}`;
}

function breakdownSection(plan: Plan): string {
  const rows = NPV_LINES.filter((k) => (plan.npvBreakdown[k] ?? 0) !== 0).map((k) => [
    NPV_LINE_LABELS[k],
    money(plan, plan.npvBreakdown[k]),
  ]);
  rows.push(["NPV", money(plan, plan.npv)]);
  return `NPV breakdown (discounted, ${plan.scenario.discountRate * 100}% a year)\n${table(["", "amount"], rows)}`;
}

/** Plants × years: "shifts × utilisation", blank where the plant does not operate. */
function utilisationSection(plan: Plan): string {
  const years = [...new Set(plan.plantYears.map((py) => py.year))].sort((a, b) => a - b);
  const plants = [...new Set(plan.plantYears.map((py) => py.plant))];
  if (years.length === 0) return "";
  const cell = new Map(plan.plantYears.map((py) => [`${py.plant}|${py.year}`, py]));
  const rows = plants.map((plant) => [
    name(plan, "plants", plant),
    ...years.map((year) => {
      const py = cell.get(`${plant}|${year}`);
      if (!py?.operating) return "·";
      if (py.shifts === 0) return "open, 0 shifts";
      return `${py.shifts}×${percent(py.utilisation, 0)}`;
    }),
  ]);
  return `Utilisation (shifts × share of their capacity used; · = not operating)\n${table(["plant", ...years.map(String)], rows)}`;
}

function landedCostSection(plan: Plan): string {
  if (plan.landedCost.length === 0) return "";
  const rows = plan.landedCost.map((c) => [
    name(plan, "programs", c.program),
    name(plan, "plants", c.plant),
    name(plan, "markets", c.market),
    Math.round(c.variable),
    Math.round(c.logistics),
    Math.round(c.duty),
    Math.round(c.total),
    Math.round(c.price),
  ]);
  return `Landed cost per vehicle (${plan.scenario.currency}, volume-weighted)\n${table(
    ["program", "plant", "market", "variable", "logistics", "duty", "total", "price"],
    rows,
  )}`;
}

function dutiesSection(plan: Plan): string {
  const paid = plan.dutiesByLane.filter((d) => d.total > 0);
  if (paid.length === 0) return "Duties: none paid";
  const rows = paid.map((d) => [
    name(plan, "plants", d.plant),
    name(plan, "markets", d.market),
    money(plan, d.total),
    money(plan, d.discounted),
  ]);
  return `Duties by lane\n${table(["plant", "market", "paid", "discounted"], rows)}`;
}

/** Unmet demand summed per program and market: the yearly detail is in the JSON. */
function unmetSection(plan: Plan): string {
  const totals = new Map<string, { program: string; market: string; volume: number; years: number[] }>();
  for (const u of plan.unmet) {
    const key = `${u.program}|${u.market}`;
    const entry = totals.get(key) ?? { program: u.program, market: u.market, volume: 0, years: [] };
    entry.volume += u.volume;
    entry.years.push(u.year);
    totals.set(key, entry);
  }
  if (totals.size === 0) return "";
  const rows = [...totals.values()].map((e) => [
    name(plan, "programs", e.program),
    name(plan, "markets", e.market),
    `${Math.min(...e.years)}–${Math.max(...e.years)}`,
    Math.round(e.volume),
  ]);
  return `Unmet demand\n${table(["program", "market", "years", "vehicles"], rows)}`;
}

function explanationsSection(plan: Plan): string {
  // a plan not proven within its gap is not explained (plan/solve.ts): say so rather than leave the section out
  if (plan.status === "time-limit" && plan.allocations.length > 0)
    return (
      "Why: not explained — the plan is not proven within the gap asked, and an explanation compares it with the " +
      "best plan without each decision (a re-solve each). Give the solve more time (--time-limit) or a larger --gap."
    );
  if (plan.explanations.length === 0) return "";
  return `Why\n${plan.explanations.map(explanationLines).join("\n")}`;
}

/** The decision's reason, then the unsourced figures it leans on, so a reader knows what to check first. */
function explanationLines(e: Plan["explanations"][number]): string {
  const lines = [`  - ${e.text}`];
  if (e.hingesOn && e.hingesOn.length > 0)
    lines.push(`    hinges on assumptions: ${summariseHinges(e.hingesOn)}`);
  return lines.join("\n");
}

function invariantsSection(plan: Plan): string {
  const failed = plan.invariants.filter((i) => !i.ok);
  const head = `Checks: ${plan.invariants.length - failed.length} of ${plan.invariants.length} hold`;
  if (failed.length === 0) return `${head} (${plan.invariants.map((i) => i.name).join(", ")})`;
  return [head, ...failed.map((i) => `  FAILED ${i.name}: ${i.detail}`)].join("\n");
}

/**
 * The solver's progress in the scenario's terms. Serve-all mode minimises discounted cost, so the solver's
 * incumbent and bound are costs: shown as NPV (−cost) they match the final report, and the cost's lower
 * bound becomes the NPV's upper bound.
 */
export function formatProgress(p: SolveProgress, scenario: Pick<Scenario, "currency" | "objective">): string {
  const npv = (objective: number) => (scenario.objective.mode === "serve-all" ? -objective : objective);
  const parts = [`solving… ${p.elapsedSeconds.toFixed(1)} s`];
  if (p.incumbent !== undefined) parts.push(`best NPV ${formatMoney(npv(p.incumbent), scenario.currency)}`);
  if (p.bound !== undefined) parts.push(`bound ${formatMoney(npv(p.bound), scenario.currency)}`);
  if (p.gap !== undefined && Number.isFinite(p.gap)) parts.push(`gap ${percent(p.gap, 2)}`);
  return parts.join("  ");
}

/** `portello compare`: KPIs side by side, then the decisions that differ. */
export function formatComparison(comparison: PlanComparison): string {
  const headers = ["", ...comparison.plans.map((p) => p.id)];
  const currency = comparison.plans[0]?.currency ?? "EUR";
  const kpiRows = comparison.kpis.map((k) => [
    k.label,
    ...k.values.map((v) =>
      k.unit === "money"
        ? formatMoney(v, currency)
        : k.unit === "ratio"
          ? percent(v, 1)
          : formatNumber(Math.round(v)),
    ),
  ]);
  const status = ["status", ...comparison.plans.map((p) => (p.proven ? `${p.status} (proven)` : p.status))];
  const atMost = [
    "NPV at most (bound)",
    ...comparison.plans.map((p) => (p.npvAtMost === null ? "—" : formatMoney(p.npvAtMost, currency))),
  ];
  const sections = [`KPIs\n${table(headers, [status, atMost, ...kpiRows])}`];
  if (comparison.npvChanges.length > 0) {
    const first = comparison.plans[0]!.id;
    const signed = (v: number) => `${v >= 0 ? "+" : ""}${formatMoney(v, currency)}`;
    const end = (v: number | null, open: string) => (v === null ? open : signed(v));
    sections.push(
      `NPV against ${first}\n${comparison.npvChanges
        .map((c) =>
          c.proven
            ? `  ${c.plan}: ${signed(c.value)} (both proven optimal)`
            : `  ${c.plan}: ${signed(c.value)} between the plans; between the optima ${end(c.least, "−∞")} to ` +
              `${end(c.most, "+∞")} (not both proven optimal: a plan's NPV lies between its plan and its bound)`,
        )
        .join("\n")}`,
    );
  }
  if (comparison.differences.length === 0) {
    sections.push("Decisions: the same in every plan");
  } else {
    const rows = comparison.differences.map((d) => [d.kind, d.subject, ...d.values]);
    sections.push(`Decisions that differ\n${table(["decision", "subject", ...headers.slice(1)], rows)}`);
  }
  return `${sections.join("\n\n")}\n`;
}

function money(plan: Plan, amount: number): string {
  return formatMoney(amount, plan.scenario.currency);
}

function percent(ratio: number, digits: number): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

function name(plan: Plan, kind: "plants" | "programs" | "markets", id: string): string {
  return plan.names?.[kind][id] ?? id;
}
