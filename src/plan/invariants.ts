import type { Policy, Scenario } from "../domain/scenario.js";
import { ScenarioReading } from "./recompute.js";
import type { InvariantResult, Plan } from "./types.js";

/** Relative tolerance of the NPV check (DESIGN.md: the recomputed NPV equals the objective to 1e-6). */
const NPV_RELATIVE_TOLERANCE = 1e-6;
/** Volumes may miss by the solver's feasibility tolerance, never by a vehicle. */
const volumeTolerance = (magnitude: number) => 1e-3 + 1e-6 * Math.abs(magnitude);
/** At most this many violations are spelled out per check. */
const MAX_LISTED = 5;

/**
 * Checks a plan against the scenario from the plan's own figures and the scenario read again by
 * recompute.ts: they never read the solver's rows nor the model's tables, so a wrong model row, a wrong
 * coefficient (a duty, a lane cost) or a wrong interpretation shows up here as a failed check.
 */
export function checkInvariants(plan: Plan, scenario: Scenario): InvariantResult[] {
  const ctx = new PlanIndex(plan);
  const econ = new ScenarioReading(scenario);
  return [
    demandBalance(scenario, econ, ctx),
    capacity(plan, econ, ctx),
    shiftLimits(plan, econ),
    noFlowFromIdlePlant(plan, ctx),
    builtOnlyWhereAllocated(plan, scenario, econ, ctx),
    policiesHold(plan, scenario, econ, ctx),
    npvMatchesObjective(plan, econ),
  ];
}

/** The plan's figures summed the ways the checks need them. */
class PlanIndex {
  readonly served = new Map<string, number>();
  readonly unmet = new Map<string, number>();
  readonly builtAtPlant = new Map<string, number>();
  /** "program|plant|year" → vehicles built */
  readonly programAtPlant = new Map<string, number>();
  readonly operating = new Set<string>();
  /** "program|plant" */
  readonly allocated: Set<string>;

  constructor(plan: Plan) {
    for (const f of plan.flows) {
      add(this.served, `${f.program}|${f.market}|${f.year}`, f.volume);
      add(this.builtAtPlant, `${f.plant}|${f.year}`, f.volume);
      add(this.programAtPlant, `${f.program}|${f.plant}|${f.year}`, f.volume);
    }
    for (const u of plan.unmet) add(this.unmet, `${u.program}|${u.market}|${u.year}`, u.volume);
    for (const py of plan.plantYears) if (py.operating) this.operating.add(`${py.plant}|${py.year}`);
    this.allocated = new Set(plan.allocations.map((a) => `${a.program}|${a.plant}`));
  }
}

function demandBalance(scenario: Scenario, econ: ScenarioReading, ctx: PlanIndex): InvariantResult {
  const unmetForbidden =
    scenario.objective.mode === "serve-all" && scenario.objective.unmetPenalty === undefined;
  const violations: string[] = [];
  let checked = 0;
  for (const program of scenario.programs) {
    for (const market of scenario.markets) {
      for (const year of econ.years) {
        const key = `${program.id}|${market.id}|${year}`;
        const demand = econ.demand(program.id, market.id, year);
        const served = ctx.served.get(key) ?? 0;
        const unmet = ctx.unmet.get(key) ?? 0;
        if (demand === 0 && served === 0 && unmet === 0) continue;
        checked++;
        if (Math.abs(served + unmet - demand) > volumeTolerance(demand)) {
          violations.push(
            `${program.id} in ${market.id} ${year}: served ${fmt(served)} + unmet ${fmt(unmet)} ≠ demand ${fmt(demand)}`,
          );
        } else if (unmetForbidden && unmet > volumeTolerance(demand)) {
          violations.push(
            `${program.id} in ${market.id} ${year}: ${fmt(unmet)} unmet where serve-all forbids it`,
          );
        }
      }
    }
  }
  return result("demand balance", violations, `${checked} program×market×year demands met or reported unmet`);
}

function capacity(plan: Plan, econ: ScenarioReading, ctx: PlanIndex): InvariantResult {
  const violations: string[] = [];
  for (const py of plan.plantYears) {
    const plant = econ.plant(py.plant);
    const built = ctx.builtAtPlant.get(`${plant.id}|${py.year}`) ?? 0;
    const reserved = py.operating ? (plant.reservedVolume[String(py.year)] ?? 0) : 0;
    const wholeShifts = plant.capacityPerShift * py.shifts;
    const overtime = py.overtime ?? 0;
    const mostOvertime = (plant.overtime?.maxShare ?? 0) * wholeShifts;
    if (built + reserved > wholeShifts + overtime + volumeTolerance(wholeShifts)) {
      violations.push(
        `${plant.id} ${py.year}: ${fmt(built)} built + ${fmt(reserved)} reserved > ${py.shifts} shift(s) × ${fmt(plant.capacityPerShift)}${overtime > 0 ? ` + ${fmt(overtime)} overtime` : ""}`,
      );
    }
    if (overtime > mostOvertime + volumeTolerance(mostOvertime)) {
      violations.push(`${plant.id} ${py.year}: ${fmt(overtime)} overtime, at most ${fmt(mostOvertime)}`);
    }
  }
  return result(
    "capacity",
    violations,
    `${plan.plantYears.length} plant-years within their shifts' capacity and overtime`,
  );
}

function shiftLimits(plan: Plan, econ: ScenarioReading): InvariantResult {
  const violations: string[] = [];
  for (const py of plan.plantYears) {
    const max = econ.plant(py.plant).maxShifts;
    if (!Number.isInteger(py.shifts) || py.shifts < 0 || py.shifts > max) {
      violations.push(`${py.plant} ${py.year}: ${py.shifts} shifts, allowed 0 to ${max}`);
    } else if (py.shifts > 0 && !py.operating) {
      violations.push(`${py.plant} ${py.year}: ${py.shifts} shifts in a plant that does not operate`);
    }
  }
  return result("shifts", violations, "whole shifts within each plant's maximum, only while operating");
}

function noFlowFromIdlePlant(plan: Plan, ctx: PlanIndex): InvariantResult {
  const violations = plan.flows
    .filter((f) => !ctx.operating.has(`${f.plant}|${f.year}`))
    .map(
      (f) =>
        `${fmt(f.volume)} ${f.program} from ${f.plant} to ${f.market} in ${f.year}, when it does not operate`,
    );
  return result(
    "no flow from a closed plant",
    violations,
    `${plan.flows.length} flows from operating plants`,
  );
}

function builtOnlyWhereAllocated(
  plan: Plan,
  scenario: Scenario,
  econ: ScenarioReading,
  ctx: PlanIndex,
): InvariantResult {
  const violations = plan.flows
    .filter((f) => !ctx.allocated.has(`${f.program}|${f.plant}`))
    .map((f) => `${f.program} built at ${f.plant} in ${f.year} without being allocated there`);
  const [first, last] = [econ.years[0]!, econ.years[econ.years.length - 1]!];
  for (const program of scenario.programs) {
    const plants = plan.allocations.filter((a) => a.program === program.id).length;
    const lives = program.sop <= last && program.eop >= first;
    if (plants > program.maxPlants)
      violations.push(`${program.id} at ${plants} plants, at most ${program.maxPlants}`);
    if (program.mustBuild && lives && plants === 0)
      violations.push(`${program.id} must be built but has no plant`);
  }
  return result(
    "built only where allocated",
    violations,
    `${plan.allocations.length} allocations within sourcing limits`,
  );
}

/**
 * Each policy of the scenario, read against the plan's decisions and volumes: independent of the model's
 * policy rows and bounds, so a row that drops or weakens a policy (as the min-volume bug the brute-force oracle
 * found did) fails here.
 */
function policiesHold(
  plan: Plan,
  scenario: Scenario,
  econ: ScenarioReading,
  ctx: PlanIndex,
): InvariantResult {
  const check = new PolicyCheck(plan, econ, ctx);
  const violations = scenario.policies.flatMap((policy) =>
    check.violations(policy).map((v) => `policy '${policy.name ?? policy.id}': ${v}`),
  );
  const count = scenario.policies.length;
  return result("policies hold", violations, count === 0 ? "no policies" : `${count} policies respected`);
}

class PolicyCheck {
  private readonly first: number;
  private readonly last: number;

  constructor(
    private readonly plan: Plan,
    private readonly econ: ScenarioReading,
    private readonly ctx: PlanIndex,
  ) {
    [this.first, this.last] = [econ.years[0]!, econ.years[econ.years.length - 1]!];
  }

  violations(policy: Policy): string[] {
    switch (policy.kind) {
      case "fix-allocation":
        return this.isAllocated(policy.program, policy.plant)
          ? []
          : [`${policy.program} is not allocated at ${policy.plant}`];
      case "forbid-allocation":
        return this.isAllocated(policy.program, policy.plant)
          ? [`${policy.program} is allocated at ${policy.plant}`]
          : [];
      case "restrict-to-countries":
        return this.outsideCountries(policy.program, policy.countries);
      case "keep-open":
        return this.notOperating(policy.plant, policy.from, policy.to);
      case "budget-cap":
        return this.overBudget(policy.maxInvestment, policy.from, policy.to);
      case "min-volume":
        return this.belowMinVolume(policy.plant, policy.program, policy.volume);
    }
  }

  private isAllocated(program: string, plant: string): boolean {
    return this.ctx.allocated.has(`${program}|${plant}`);
  }

  private outsideCountries(program: string, countries: string[]): string[] {
    return this.plan.allocations
      .filter((a) => a.program === program)
      .map((a) => ({ plant: a.plant, country: this.plantOf(a.plant).country }))
      .filter(({ country }) => !countries.includes(country))
      .map(({ plant, country }) => `${program} is allocated at ${plant} in ${country}`);
  }

  private notOperating(plant: string, from?: number, to?: number): string[] {
    const missing = this.yearsIn(from, to).filter((year) => !this.ctx.operating.has(`${plant}|${year}`));
    return missing.map((year) => `${plant} does not operate in ${year}`);
  }

  /** Undiscounted one-off investment paid in the window (docs/model.md, policy 9), against the cap. */
  private overBudget(cap: number, from?: number, to?: number): string[] {
    const inWindow = (year: number) => year >= (from ?? this.first) && year <= (to ?? this.last);
    const payments = [
      ...this.plan.allocations.flatMap((a) => this.econ.toolingPayments(a.program, a.plant)),
      ...this.plan.plantEvents.flatMap((e) =>
        e.event === "reopen" || e.event === "build"
          ? this.econ.openingPayments(e.plant, e.year)
          : e.event === "platform"
            ? [{ year: this.first, amount: this.econ.conversionCost(e.plant, e.platform!) }]
            : [],
      ),
    ];
    const spent = payments.filter((p) => inWindow(p.year)).reduce((sum, p) => sum + p.amount, 0);
    if (spent <= cap + 1e-6 * Math.max(1, cap)) return [];
    const window = `${from ?? this.first}–${to ?? this.last}`;
    return [`${fmt(spent)} invested in ${window}, above the cap of ${fmt(cap)}`];
  }

  /**
   * Each allocated program (or the named one) builds at least the volume at the plant in every year of its
   * life in which the plant can operate: an allocated program keeps its plant open through its life.
   */
  private belowMinVolume(plant: string, only: string | undefined, volume: number): string[] {
    const violations: string[] = [];
    for (const a of this.plan.allocations) {
      if (a.plant !== plant || (only !== undefined && a.program !== only)) continue;
      for (const year of this.lifeYears(a.program).filter((y) => this.canOperate(plant, y))) {
        const built = this.ctx.programAtPlant.get(`${a.program}|${plant}|${year}`) ?? 0;
        if (built < volume - volumeTolerance(volume)) {
          violations.push(`${a.program} builds ${fmt(built)} at ${plant} in ${year}, below ${fmt(volume)}`);
        }
      }
    }
    return violations;
  }

  private lifeYears(program: string): number[] {
    const { sop, eop } = this.econ.program(program);
    return this.yearsIn(sop, eop);
  }

  /** From the scenario, not the plan: closed never, active always, idle/candidate from their earliest year. */
  private canOperate(plant: string, year: number): boolean {
    const { status, earliestYear } = this.plantOf(plant);
    if (status === "closed") return false;
    return status === "active" || year >= (earliestYear ?? this.first);
  }

  /** The horizon's years within [from, to]. */
  private yearsIn(from?: number, to?: number): number[] {
    return this.econ.years.filter((y) => y >= (from ?? this.first) && y <= (to ?? this.last));
  }

  private plantOf(id: string) {
    return this.econ.plant(id);
  }
}

/** The NPV priced again from the plan's volumes and decisions with recompute.ts's own reading of the scenario. */
export function recomputeNpv(plan: Plan, scenario: Scenario): number {
  return new ScenarioReading(scenario).npv(plan).total;
}

function npvMatchesObjective(plan: Plan, econ: ScenarioReading): InvariantResult {
  const recomputed = econ.npv(plan).total;
  const difference = Math.abs(recomputed - plan.npv);
  const ok = difference <= NPV_RELATIVE_TOLERANCE * Math.max(1, Math.abs(plan.npv));
  return {
    name: "NPV recomputed",
    ok,
    detail: `recomputed ${fmt(recomputed)} vs solver ${fmt(plan.npv)} (difference ${difference.toExponential(2)})`,
  };
}

function result(name: string, violations: string[], whenOk: string): InvariantResult {
  if (violations.length === 0) return { name, ok: true, detail: whenOk };
  const listed = violations.slice(0, MAX_LISTED).join("; ");
  const more = violations.length > MAX_LISTED ? `; and ${violations.length - MAX_LISTED} more` : "";
  return { name, ok: false, detail: `${violations.length} violation(s): ${listed}${more}` };
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function fmt(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}
