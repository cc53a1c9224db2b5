import { NPV_LINES, NPV_LINE_LABELS } from "../model/npv-lines.js";
import type { Plan } from "../plan/types.js";
import { excess, OPTIMUM_TOLERANCE } from "../solver/types.js";

/**
 * Plans side by side: one value per plan for each KPI, the decisions on which they differ, and how far each
 * scenario's best NPV lies from the first's — exact only between proven optima.
 */
export interface PlanComparison {
  plans: ComparedPlan[];
  kpis: ComparedKpi[];
  differences: DecisionDifference[];
  /** one per plan after the first: its scenario's optimal NPV against the first's */
  npvChanges: NpvChange[];
}

export interface ComparedPlan {
  id: string;
  name: string;
  status: string;
  currency: string;
  /** the most the scenario's NPV can be, by its solve's bound; null where the plan records none */
  npvAtMost: number | null;
  /** the plan is the scenario's optimum itself (its bound meets its NPV) */
  proven: boolean;
}

/**
 * The later plan's NPV minus the first's: between the plans (`value`), and between the scenarios' optima — the
 * value itself where both plans are proven optima, else the interval their solves prove, [least, most] (null: an
 * open end, where a plan records no bound).
 */
export interface NpvChange {
  plan: string;
  value: number;
  proven: boolean;
  least: number | null;
  most: number | null;
}

export interface ComparedKpi {
  key: string;
  label: string;
  unit: "money" | "vehicles" | "ratio";
  /** which way is better for the plan, where one is: a change the other way is shown as worse */
  better?: "higher" | "lower";
  /** one value per plan, in the order given */
  values: number[];
}

/** A decision that is not the same in every plan; `values` holds each plan's choice in words ("—" for none). */
export interface DecisionDifference {
  kind: "allocation" | "opening" | "closure" | "platform" | "shifts";
  subject: string;
  values: string[];
}

const NONE = "—";

export function comparePlans(plans: Plan[]): PlanComparison {
  const compared = plans.map((p): ComparedPlan => {
    const npvAtMost = npvAtMostOf(p);
    return {
      id: p.scenario.id,
      name: p.scenario.name,
      status: p.status,
      currency: p.scenario.currency,
      npvAtMost,
      proven: p.status === "optimal" && npvAtMost !== null && excess(npvAtMost, p.npv) === 0,
    };
  });
  const [first] = plans;
  return {
    plans: compared,
    npvChanges: plans.slice(1).map((p, i) => {
      const [a, b] = [compared[0]!, compared[i + 1]!];
      const proven = a.proven && b.proven;
      return {
        plan: b.id,
        value: p.npv - first!.npv,
        proven,
        least: a.npvAtMost === null ? null : p.npv - a.npvAtMost,
        most: b.npvAtMost === null ? null : b.npvAtMost - first!.npv,
      };
    }),
    kpis: compareKpis(plans),
    differences: [
      ...differing("allocation", plans, allocationsByProgram),
      ...differing("opening", plans, (p) => eventsByPlant(p, ["reopen", "build"])),
      ...differing("closure", plans, (p) => eventsByPlant(p, ["close"])),
      ...differing("platform", plans, (p) => eventsByPlant(p, ["platform"])),
      ...differing("shifts", plans, shiftProfiles),
    ],
  };
}

/**
 * The most the plan's scenario can earn: its solve's bound in NPV terms, never below the plan; a plan proven
 * optimal without a bound (an LP's) is its own. Plans stored before the bound was kept in NPV terms have none.
 */
function npvAtMostOf(plan: Plan): number | null {
  const { npvAtMost, bound, gap } = plan.solver;
  if (npvAtMost !== undefined && Number.isFinite(npvAtMost)) return Math.max(npvAtMost, plan.npv);
  const closed = bound === undefined || (gap !== undefined && gap <= OPTIMUM_TOLERANCE);
  return plan.status === "optimal" && closed ? plan.npv : null;
}

function compareKpis(plans: Plan[]): ComparedKpi[] {
  const kpi = (
    key: string,
    label: string,
    unit: ComparedKpi["unit"],
    of: (p: Plan) => number,
    better?: ComparedKpi["better"],
  ): ComparedKpi => ({ key, label, unit, values: plans.map(of), ...(better ? { better } : {}) });
  const breakdownKeys = NPV_LINES;
  // NPV components are signed (costs negative): higher is better for each. Investment, volume and
  // utilisation are neither good nor bad in themselves; only their effect on the NPV is.
  return [
    kpi("npv", "NPV", "money", (p) => p.npv, "higher"),
    ...breakdownKeys.map((k) => kpi(k, NPV_LINE_LABELS[k], "money", (p) => p.npvBreakdown[k] ?? 0, "higher")),
    kpi("investment", "investment (undiscounted)", "money", investment),
    kpi("volume", "vehicles built", "vehicles", (p) => sum(p.flows.map((f) => f.volume))),
    kpi("unmet", "unmet demand", "vehicles", (p) => sum(p.unmet.map((u) => u.volume))),
    kpi("utilisation", "mean utilisation", "ratio", meanUtilisation),
  ];
}

/** One-off spending, undiscounted: openings, platform conversions and tooling of new allocations. */
function investment(plan: Plan): number {
  const events = sum(plan.plantEvents.filter((e) => e.event !== "close").map((e) => e.cost));
  return events + sum(plan.allocations.map((a) => a.toolingCost ?? 0));
}

/** Built and reserved vehicles over the capacity of the shifts run, across all plant-years that run shifts. */
function meanUtilisation(plan: Plan): number {
  const running = plan.plantYears.filter((py) => py.capacity > 0);
  const capacity = sum(running.map((py) => py.capacity));
  return capacity > 0 ? sum(running.map((py) => py.volume + (py.reserved ?? 0))) / capacity : 0;
}

function allocationsByProgram(plan: Plan): Map<string, string> {
  const byProgram = new Map<string, string[]>();
  for (const a of plan.allocations) {
    const list = byProgram.get(a.program) ?? [];
    list.push(`${a.plant} ${a.fromYear}–${a.toYear}`);
    byProgram.set(a.program, list);
  }
  return new Map([...byProgram].map(([program, list]) => [program, list.sort().join(", ")]));
}

function eventsByPlant(plan: Plan, kinds: string[]): Map<string, string> {
  const byPlant = new Map<string, string[]>();
  for (const e of plan.plantEvents) {
    if (!kinds.includes(e.event)) continue;
    const list = byPlant.get(e.plant) ?? [];
    list.push(e.platform ? `${e.platform} ${e.year}` : `${e.event} ${e.year}`);
    byPlant.set(e.plant, list);
  }
  return new Map([...byPlant].map(([plant, list]) => [plant, list.sort().join(", ")]));
}

/** Shifts per plant as runs of equal years, e.g. "2026–2028: 2, 2029–2035: 3". */
function shiftProfiles(plan: Plan): Map<string, string> {
  const byPlant = new Map<string, { year: number; shifts: number }[]>();
  for (const py of plan.plantYears) {
    const list = byPlant.get(py.plant) ?? [];
    list.push({ year: py.year, shifts: py.shifts });
    byPlant.set(py.plant, list);
  }
  const profiles = new Map<string, string>();
  for (const [plant, years] of byPlant) {
    years.sort((a, b) => a.year - b.year);
    const runs: string[] = [];
    let start = 0;
    for (let i = 1; i <= years.length; i++) {
      if (i < years.length && years[i]!.shifts === years[start]!.shifts) continue;
      const first = years[start]!;
      const last = years[i - 1]!;
      if (first.shifts > 0) {
        runs.push(`${first.year === last.year ? first.year : `${first.year}–${last.year}`}: ${first.shifts}`);
      }
      start = i;
    }
    if (runs.length > 0) profiles.set(plant, runs.join(", "));
  }
  return profiles;
}

function differing(
  kind: DecisionDifference["kind"],
  plans: Plan[],
  describe: (plan: Plan) => Map<string, string>,
): DecisionDifference[] {
  const described = plans.map(describe);
  const subjects = [...new Set(described.flatMap((m) => [...m.keys()]))].sort();
  return subjects
    .map((subject) => ({ kind, subject, values: described.map((m) => m.get(subject) ?? NONE) }))
    .filter((d) => new Set(d.values).size > 1);
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
