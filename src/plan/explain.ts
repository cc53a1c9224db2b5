import type { Citation } from "../domain/provenance.js";
import type { Scenario } from "../domain/scenario.js";
import { labelsWhere } from "../model/blocks.js";
import type { BuiltModel } from "../model/build.js";
import { isProvenOptimum, type Solution, type SolveOptions, type SolverAdapter } from "../solver/types.js";
import type { Economics } from "./economics.js";
import { indexMaps, interpretSolution } from "./interpret.js";
import type { Explanation, Plan } from "./types.js";

export interface ExplainContext {
  scenario: Scenario;
  built: BuiltModel;
  econ: Economics;
  /** solves the built model with the given columns held at zero (bounds changed, nothing rebuilt) */
  solveHeld: (columns: number[]) => Promise<Solution>;
}

/** The usual `solveHeld`: the solver on a copy of the program whose bounds hold the columns at zero. */
export function heldBySolver(built: BuiltModel, solver: SolverAdapter, options: SolveOptions) {
  const { onProgress: _quiet, ...quiet } = options;
  return (columns: number[]): Promise<Solution> => {
    const colUpper = Float64Array.from(built.program.colUpper);
    const colLower = Float64Array.from(built.program.colLower);
    for (const j of columns) {
      colUpper[j] = 0;
      colLower[j] = 0;
    }
    return solver.solve({ ...built.program, colUpper, colLower }, quiet);
  };
}

/**
 * Why each decision: the plan is solved again with that decision forbidden (one bounded re-solve per
 * decision), so the NPV advantage is the true difference of two optima, and the drivers are read from the
 * two plans.
 */
export async function explainPlan(plan: Plan, ctx: ExplainContext): Promise<Explanation[]> {
  const explanations: Explanation[] = [];
  for (const allocation of plan.allocations)
    explanations.push(await explainAllocation(plan, ctx, allocation));
  for (const event of plan.plantEvents) {
    if (event.event === "platform") continue;
    explanations.push(await explainPlantEvent(plan, ctx, event));
  }
  return explanations;
}

async function explainAllocation(plan: Plan, ctx: ExplainContext, allocation: Plan["allocations"][number]) {
  const index = indexMaps(ctx.scenario);
  const p = index.program.get(allocation.program)!;
  const s = index.plant.get(allocation.plant)!;
  const program = ctx.scenario.programs[p]!;
  const plant = ctx.scenario.plants[s]!;
  const subject = program.name;
  const decision = `built at ${plant.name} ${allocation.fromYear}–${allocation.toYear}`;
  const head = `${program.name} → ${plant.name}`;

  const forcedBy = forcedAllocation(ctx.scenario, program.id, plant.id);
  if (forcedBy) {
    return { subject, decision, drivers: [], text: `${head}: ${forcedBy}, so no alternative was weighed` };
  }
  const columns = labelsWhere(ctx.built.variables.a, { program: p, plant: s });
  const found = await solveWithout(ctx, columns);
  if (!found.alternative) {
    const hingesOn = allocationHinges(ctx.scenario, program.id, [plant.id], [plan]);
    return { subject, decision, drivers: [], text: `${head}: ${found.none}`, hingesOn };
  }
  const { alternative } = found;
  const altAllocations = alternative.allocations.filter((a) => a.program === program.id);
  const altPlants = altAllocations.map((a) => plantName(ctx, a.plant));
  const altWords = altPlants.length > 0 ? altPlants.join(" and ") : `not building ${program.name}`;
  const drivers = allocationDrivers(plan, alternative, program.id);
  const weighed = [plant.id, ...altAllocations.map((a) => a.plant)];
  return {
    subject,
    decision,
    alternative: altWords,
    ...advantageOf(plan, found),
    drivers,
    text: `${head}: ${advantageWords(ctx, plan, found)} than ${altWords}${driverWords(ctx, drivers)}`,
    hingesOn: allocationHinges(ctx.scenario, program.id, weighed, [plan, alternative]),
  };
}

async function explainPlantEvent(plan: Plan, ctx: ExplainContext, event: Plan["plantEvents"][number]) {
  const s = indexMaps(ctx.scenario).plant.get(event.plant)!;
  const plant = ctx.scenario.plants[s]!;
  const events = event.event === "close" ? ctx.built.variables.z : ctx.built.variables.w;
  const verb = { reopen: "reopened", build: "built", close: "closed" }[
    event.event as "reopen" | "build" | "close"
  ];
  const instead = { reopen: "keeping it idle", build: "not building it", close: "keeping it open" }[
    event.event as "reopen" | "build" | "close"
  ];
  const subject = plant.name;
  const decision = `${verb} in ${event.year}`;
  const head = `${plant.name} ${decision}`;
  const requiredBy = event.event === "close" ? undefined : policyKeepingOpen(ctx.scenario, plant.id);
  if (requiredBy) {
    return {
      subject,
      decision,
      drivers: [],
      text: `${head}: required by ${requiredBy}, so no alternative was weighed`,
    };
  }
  const columns = labelsWhere(events, { plant: s });
  const found = await solveWithout(ctx, columns);
  const hingesOn = plantHinges(ctx.scenario, plant.id);
  if (!found.alternative) return { subject, decision, drivers: [], text: `${head}: ${found.none}`, hingesOn };
  const { alternative } = found;
  const drivers = plantDrivers(plan, alternative, event.plant);
  const programs = plan.allocations
    .filter((a) => a.plant === event.plant)
    .map((a) => programName(ctx, a.program));
  const builds = programs.length > 0 ? `; it builds ${programs.join(", ")}` : "";
  return {
    subject,
    decision,
    alternative: instead,
    ...advantageOf(plan, found),
    drivers,
    text: `${head}: ${advantageWords(ctx, plan, found)} than ${instead}${builds}${driverWords(ctx, drivers)}`,
    hingesOn,
  };
}

/**
 * The assumptions (citations without a source) an allocation leans on: the program's, those of the plants
 * weighed (chosen and alternative), and those behind the program's flows in either plan — its demand and
 * prices in the markets served, the lanes and the duties that apply, and the rates and locations a lane cost
 * is derived from. Labels like "Belvidere openCost (assumption)", each once.
 */
function allocationHinges(scenario: Scenario, program: string, plants: string[], plans: Plan[]): string[] {
  const found = new AssumptionLabels(scenario);
  for (const id of plants) found.addPlant(id);
  const programEntity = scenario.programs.find((p) => p.id === program)!;
  const programName = shortName(programEntity, scenario.programs);
  found.add(programName, programEntity.cite);
  const flows = plans.flatMap((plan) => plan.flows.filter((f) => f.program === program));
  for (const market of new Set(flows.map((f) => f.market))) {
    for (const row of demandRowsCovering(scenario, program, market))
      found.add(`${programName} demand`, row.cite);
  }
  for (const lane of uniqueBy(flows, (f) => `${f.plant}|${f.market}`)) found.addLane(lane.plant, lane.market);
  for (const f of flows) {
    const duty = dutyApplying(scenario, f.plant, f.market, f.year);
    if (duty) found.add(`duty ${duty.id}`, duty.cite);
  }
  return found.list();
}

/** What a plant event leans on: the plant's own assumed figures (costs, capacity, lead time). */
function plantHinges(scenario: Scenario, plant: string): string[] {
  const found = new AssumptionLabels(scenario);
  found.addPlant(plant);
  return found.list();
}

const ASSUMPTION = " (assumption)";
const LOCATION_FIELDS = ["lat", "lon"];
const isLocation = (field: string) => LOCATION_FIELDS.includes(field);

/** Collects "<entity> <field> (assumption)" labels, each once, in the order found. */
class AssumptionLabels {
  private readonly labels = new Set<string>();

  constructor(private readonly scenario: Scenario) {}

  /** Adds the entity's assumed fields; lat and lon read as one "location". */
  add(entity: string, cite: Record<string, Citation>, only: (field: string) => boolean = () => true): void {
    for (const [field, citation] of Object.entries(cite)) {
      if (!("assumption" in citation) || !only(field)) continue;
      this.labels.add(`${entity} ${isLocation(field) ? "location" : field}${ASSUMPTION}`);
    }
  }

  /** A plant's figures; its location counts only where a lane cost is derived from it (addLane). */
  addPlant(id: string): void {
    const plant = this.scenario.plants.find((p) => p.id === id)!;
    this.add(shortName(plant, this.scenario.plants), plant.cite, (field) => !isLocation(field));
  }

  /** The lane listed last for the pair (it wins); where its cost is derived, the mode's rates and locations. */
  addLane(plantId: string, marketId: string): void {
    const plant = this.scenario.plants.find((p) => p.id === plantId)!;
    const market = this.scenario.markets.find((m) => m.id === marketId)!;
    const plantName = shortName(plant, this.scenario.plants);
    const lane = this.scenario.lanes.findLast((l) => l.from === plant.id && l.to === market.id);
    if (lane) this.add(`${plantName} → ${market.name} lane`, lane.cite);
    if (lane?.costPerVehicle !== undefined) return;
    const mode = `modes.${lane?.mode ?? this.scenario.logistics.defaultMode}`;
    this.add("logistics", this.scenario.logistics.cite, (field) => field === mode);
    if (lane?.distanceKm !== undefined) return;
    this.add(plantName, plant.cite, isLocation);
    this.add(market.name, market.cite, isLocation);
  }

  list(): string[] {
    return [...this.labels];
  }
}

/** "Belvidere" for "Belvidere, Illinois (Alfa line beside the Jeeps)", unless another entity shares it. */
function shortName(entity: { id: string; name: string }, all: { id: string; name: string }[]): string {
  const short = (name: string) => name.split(/[,(]/)[0]!.trim() || name;
  const clash = all.some((other) => other.id !== entity.id && short(other.name) === short(entity.name));
  return clash ? entity.name : short(entity.name);
}

/**
 * The labels grouped by entity, for a report line: "Belvidere openCost, fixedCost; Giulia tooling".
 * Fields are cite keys (no spaces), so the entity is everything before a label's last space.
 */
export function summariseHinges(labels: string[]): string {
  const byEntity = new Map<string, string[]>();
  for (const label of labels) {
    const bare = label.endsWith(ASSUMPTION) ? label.slice(0, -ASSUMPTION.length) : label;
    const cut = bare.lastIndexOf(" ");
    const [entity, field] = cut < 0 ? ["", bare] : [bare.slice(0, cut), bare.slice(cut + 1)];
    byEntity.set(entity, [...(byEntity.get(entity) ?? []), field]);
  }
  return [...byEntity].map(([entity, fields]) => `${entity} ${fields.join(", ")}`.trim()).join("; ");
}

/** Demand rows of the program that cover the market: its own rows, and rows split by shares that name it. */
function demandRowsCovering(scenario: Scenario, program: string, market: string) {
  return scenario.demand.filter(
    (row) =>
      row.program === program &&
      (row.market === market || (row.shares !== undefined && market in row.shares)),
  );
}

/** The duty row that prices the lane in the year: the last one whose origin, destination and years match. */
function dutyApplying(scenario: Scenario, plantId: string, market: string, year: number) {
  const country = scenario.plants.find((p) => p.id === plantId)!.country;
  const from = (code: string) => code === country || (scenario.regions[code]?.includes(country) ?? false);
  return scenario.duties.findLast(
    (d) =>
      d.to.includes(market) &&
      d.from.some(from) &&
      year >= (d.validFrom ?? Number.NEGATIVE_INFINITY) &&
      year <= (d.validTo ?? Number.POSITIVE_INFINITY),
  );
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

/** The best plan with a decision forbidden, and the most its NPV can be where it is not proven optimal. */
type Alternative =
  | { alternative: Plan; proven: boolean; npvAtMost: number; none?: undefined }
  | { alternative?: undefined; none: string };

/** Re-solves with the given columns held at zero. */
async function solveWithout(ctx: ExplainContext, columns: number[]): Promise<Alternative> {
  const solution = await ctx.solveHeld(columns);
  if (solution.status === "infeasible") return { none: "no feasible alternative" };
  if (solution.x.length !== ctx.built.program.numCols)
    return { none: `no alternative found (the re-solve stopped: ${solution.status})` };
  const forbidden = { ...ctx.built.program, colUpper: Float64Array.from(ctx.built.program.colUpper) };
  for (const j of columns) forbidden.colUpper[j] = 0;
  const alternative = interpretSolution(ctx.scenario, ctx.built, solution, ctx.econ, forbidden);
  const proven = isProvenOptimum(solution);
  // the plan keeps the solver's bound in NPV terms (interpret.ts); without one, nothing caps the alternative
  const bound = alternative.solver.npvAtMost ?? Number.NaN;
  const npvAtMost = proven ? alternative.npv : Number.isFinite(bound) ? bound : Number.POSITIVE_INFINITY;
  return { alternative, proven, npvAtMost };
}

/**
 * The NPV advantage: the difference of two optima where the alternative's optimum is proven (its bound meets its
 * plan); otherwise only the interval it is proven to lie in (the alternative's best NPV lies between its plan's
 * and its bound) — also where the re-solve is `optimal` only within its relative gap.
 */
function advantageOf(plan: Plan, found: Alternative & { alternative: Plan }): Partial<Explanation> {
  if (found.proven) return { npvAdvantage: plan.npv - found.alternative.npv };
  return { npvAdvantageBetween: [plan.npv - found.npvAtMost, plan.npv - found.alternative.npv] };
}

function advantageWords(ctx: ExplainContext, plan: Plan, found: Alternative & { alternative: Plan }): string {
  if (found.proven) return `${money(ctx, plan.npv - found.alternative.npv)} better NPV`;
  const low = plan.npv - found.npvAtMost;
  const high = plan.npv - found.alternative.npv;
  const from = Number.isFinite(low) ? money(ctx, low) : "an unknown amount";
  // "optimal" within a gap (e.g. HiGHS' default 1e-4) is not the optimum itself: its bound is the interval's end
  const why =
    found.alternative.status === "optimal"
      ? "the alternative is proven optimal only within the solve's gap"
      : "the alternative was not proven optimal";
  return `between ${from} and ${money(ctx, high)} better NPV (${why})`;
}

type Driver = Explanation["drivers"][number];

/** Per-vehicle costs of the program (volume-weighted over its flows) and investments, chosen vs alternative. */
function allocationDrivers(chosen: Plan, alternative: Plan, program: string): Driver[] {
  const a = programUnitCosts(chosen, program);
  const b = programUnitCosts(alternative, program);
  const measured = driversOf(chosen, alternative);
  const tooling = (plan: Plan) =>
    plan.allocations.filter((x) => x.program === program).reduce((sum, x) => sum + (x.toolingCost ?? 0), 0);
  return [
    { label: "variable cost per vehicle", chosen: a.variable, alternative: b.variable },
    { label: "logistics per vehicle", chosen: a.logistics, alternative: b.logistics },
    { label: "duty per vehicle", chosen: a.duty, alternative: b.duty },
    { label: "vehicles built", chosen: a.volume, alternative: b.volume },
    measured("tooling", tooling),
    measured("openings", openings),
    measured("platform conversion", (plan) => eventCost(plan, ["platform"])),
    measured("terminal value", terminalValue),
  ];
}

function plantDrivers(chosen: Plan, alternative: Plan, plant: string): Driver[] {
  const measured = driversOf(chosen, alternative);
  const built = (plan: Plan) => plan.flows.reduce((sum, f) => sum + f.volume, 0);
  const atPlant = (plan: Plan) =>
    plan.flows.filter((f) => f.plant === plant).reduce((sum, f) => sum + f.volume, 0);
  const unmet = (plan: Plan) => plan.unmet.reduce((sum, u) => sum + u.volume, 0);
  return [
    measured("vehicles built at the plant", atPlant),
    measured("vehicles built in all", built),
    measured("unmet demand", unmet),
    measured("vehicles on overtime", (plan) =>
      plan.plantYears.reduce((sum, py) => sum + (py.overtime ?? 0), 0),
    ),
    measured("openings", openings),
    measured("closures", (plan) => eventCost(plan, ["close"])),
    measured("terminal value", terminalValue),
  ];
}

/** A driver measured the same way on both plans. */
function driversOf(chosen: Plan, alternative: Plan) {
  return (label: string, measure: (plan: Plan) => number): Driver => ({
    label,
    chosen: measure(chosen),
    alternative: measure(alternative),
  });
}

function programUnitCosts(plan: Plan, program: string) {
  let volume = 0;
  let variable = 0;
  let logistics = 0;
  let duty = 0;
  for (const c of plan.landedCost) {
    if (c.program !== program) continue;
    const v = c.volume ?? 0;
    volume += v;
    variable += c.variable * v;
    logistics += c.logistics * v;
    duty += c.duty * v;
  }
  const per = (x: number) => (volume > 0 ? x / volume : 0);
  return { volume, variable: per(variable), logistics: per(logistics), duty: per(duty) };
}

function eventCost(plan: Plan, kinds: string[]): number {
  return plan.plantEvents.filter((e) => kinds.includes(e.event)).reduce((sum, e) => sum + e.cost, 0);
}

/** The value after the horizon (0 without a terminal value, and in plans stored before it existed). */
function terminalValue(plan: Plan): number {
  return plan.npvBreakdown.terminalValue ?? 0;
}

function openings(plan: Plan): number {
  return eventCost(plan, ["reopen", "build"]);
}

/** "; variable cost €31,000 vs €29,500 per vehicle, …": only the drivers that differ. */
function driverWords(ctx: ExplainContext, drivers: Driver[]): string {
  const words = drivers
    .filter((d) => Math.abs(d.chosen - d.alternative) >= 0.5)
    .map((d) => {
      if (d.label.endsWith("per vehicle")) {
        const label = d.label.replace(" per vehicle", "");
        return `${label} ${unit(ctx, d.chosen)} vs ${unit(ctx, d.alternative)} per vehicle`;
      }
      if (d.label.startsWith("vehicles") || d.label === "unmet demand") {
        return `${d.label} ${count(d.chosen)} vs ${count(d.alternative)}`;
      }
      return `${d.label} ${money(ctx, d.chosen)} vs ${money(ctx, d.alternative)}`;
    });
  return words.length > 0 ? `; ${words.join(", ")}` : "";
}

function forcedAllocation(scenario: Scenario, program: string, plant: string): string | undefined {
  const policy = scenario.policies.find(
    (q) => q.kind === "fix-allocation" && q.program === program && q.plant === plant,
  );
  if (policy) return `fixed by policy '${policy.name ?? policy.id}'`;
  const existing = scenario.programs.find((p) => p.id === program)?.builtAt.includes(plant);
  return existing ? "already built there at the start" : undefined;
}

/** A policy that makes the plant operate: keep it open, or build a program there. */
function policyKeepingOpen(scenario: Scenario, plant: string): string | undefined {
  const policy = scenario.policies.find(
    (q) => (q.kind === "keep-open" || q.kind === "fix-allocation") && q.plant === plant,
  );
  return policy ? `policy '${policy.name ?? policy.id}'` : undefined;
}

function plantName(ctx: ExplainContext, id: string): string {
  return ctx.scenario.plants.find((p) => p.id === id)?.name ?? id;
}

function programName(ctx: ExplainContext, id: string): string {
  return ctx.scenario.programs.find((p) => p.id === id)?.name ?? id;
}

function symbol(ctx: ExplainContext): string {
  const c = ctx.scenario.currency;
  return c === "EUR" ? "€" : c === "USD" ? "$" : `${c} `;
}

function money(ctx: ExplainContext, amount: number): string {
  const m = amount / 1e6;
  return `${m < 0 ? "-" : ""}${symbol(ctx)}${Math.abs(m).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}m`;
}

function unit(ctx: ExplainContext, amount: number): string {
  return `${symbol(ctx)}${Math.round(amount).toLocaleString("en-US")}`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
