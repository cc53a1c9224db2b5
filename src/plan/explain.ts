import type { Scenario } from "../domain/scenario.js";
import { ColKind, type MathProgram } from "../model/program.js";
import type { SolveOptions, SolverAdapter } from "../solver/types.js";
import type { Economics } from "./economics.js";
import { indexMaps, interpretSolution } from "./interpret.js";
import type { Explanation, Plan } from "./types.js";

export interface ExplainContext {
  scenario: Scenario;
  program: MathProgram;
  econ: Economics;
  solver: SolverAdapter;
  options: SolveOptions;
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
  const columns = columnsWhere(ctx.program, (j) => isColumn(ctx.program, j, ColKind.allocate, p, s));

  const forcedBy = forcedAllocation(ctx.scenario, program.id, plant.id);
  if (forcedBy) {
    return { subject, decision, drivers: [], text: `${head}: ${forcedBy}, so no alternative was weighed` };
  }
  const alternative = await solveWithout(ctx, columns);
  if (!alternative) {
    return { subject, decision, drivers: [], text: `${head}: no feasible alternative` };
  }
  const altPlants = alternative.allocations
    .filter((a) => a.program === program.id)
    .map((a) => plantName(ctx, a.plant));
  const altWords = altPlants.length > 0 ? altPlants.join(" and ") : `not building ${program.name}`;
  const drivers = allocationDrivers(plan, alternative, program.id);
  const advantage = plan.npv - alternative.npv;
  return {
    subject,
    decision,
    alternative: altWords,
    npvAdvantage: advantage,
    drivers,
    text: `${head}: ${money(ctx, advantage)} better NPV than ${altWords}${driverWords(ctx, drivers)}`,
  };
}

async function explainPlantEvent(plan: Plan, ctx: ExplainContext, event: Plan["plantEvents"][number]) {
  const s = indexMaps(ctx.scenario).plant.get(event.plant)!;
  const plant = ctx.scenario.plants[s]!;
  const kind = event.event === "close" ? ColKind.close : ColKind.open;
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
  const columns = columnsWhere(ctx.program, (j) => isColumn(ctx.program, j, kind, -1, s));
  const alternative = await solveWithout(ctx, columns);
  if (!alternative) return { subject, decision, drivers: [], text: `${head}: no feasible alternative` };
  const drivers = plantDrivers(plan, alternative, event.plant);
  const advantage = plan.npv - alternative.npv;
  const programs = plan.allocations
    .filter((a) => a.plant === event.plant)
    .map((a) => programName(ctx, a.program));
  const builds = programs.length > 0 ? `; it builds ${programs.join(", ")}` : "";
  return {
    subject,
    decision,
    alternative: instead,
    npvAdvantage: advantage,
    drivers,
    text: `${head}: ${money(ctx, advantage)} better NPV than ${instead}${builds}${driverWords(ctx, drivers)}`,
  };
}

/** Re-solves with the given columns held at zero; undefined when that has no feasible plan. */
async function solveWithout(ctx: ExplainContext, columns: number[]): Promise<Plan | undefined> {
  const colUpper = Float64Array.from(ctx.program.colUpper);
  const colLower = Float64Array.from(ctx.program.colLower);
  for (const j of columns) {
    colUpper[j] = 0;
    colLower[j] = 0;
  }
  const forbidden: MathProgram = { ...ctx.program, colUpper, colLower };
  const { onProgress: _quiet, ...options } = ctx.options;
  const solution = await ctx.solver.solve(forbidden, options);
  if (solution.x.length !== forbidden.numCols || solution.status === "infeasible") return undefined;
  return interpretSolution(ctx.scenario, forbidden, solution, ctx.econ);
}

type Driver = Explanation["drivers"][number];

/** Per-vehicle costs of the program (volume-weighted over its flows) and investments, chosen vs alternative. */
function allocationDrivers(chosen: Plan, alternative: Plan, program: string): Driver[] {
  const a = programUnitCosts(chosen, program);
  const b = programUnitCosts(alternative, program);
  const tooling = (plan: Plan) =>
    plan.allocations.filter((x) => x.program === program).reduce((sum, x) => sum + (x.toolingCost ?? 0), 0);
  return [
    { label: "variable cost per vehicle", chosen: a.variable, alternative: b.variable },
    { label: "logistics per vehicle", chosen: a.logistics, alternative: b.logistics },
    { label: "duty per vehicle", chosen: a.duty, alternative: b.duty },
    { label: "vehicles built", chosen: a.volume, alternative: b.volume },
    { label: "tooling", chosen: tooling(chosen), alternative: tooling(alternative) },
    {
      label: "openings",
      chosen: eventCost(chosen, ["reopen", "build"]),
      alternative: eventCost(alternative, ["reopen", "build"]),
    },
    {
      label: "platform conversion",
      chosen: eventCost(chosen, ["platform"]),
      alternative: eventCost(alternative, ["platform"]),
    },
  ];
}

function plantDrivers(chosen: Plan, alternative: Plan, plant: string): Driver[] {
  const built = (plan: Plan) => plan.flows.reduce((sum, f) => sum + f.volume, 0);
  const atPlant = (plan: Plan) =>
    plan.flows.filter((f) => f.plant === plant).reduce((sum, f) => sum + f.volume, 0);
  const unmet = (plan: Plan) => plan.unmet.reduce((sum, u) => sum + u.volume, 0);
  return [
    { label: "vehicles built at the plant", chosen: atPlant(chosen), alternative: atPlant(alternative) },
    { label: "vehicles built in all", chosen: built(chosen), alternative: built(alternative) },
    { label: "unmet demand", chosen: unmet(chosen), alternative: unmet(alternative) },
    {
      label: "openings",
      chosen: eventCost(chosen, ["reopen", "build"]),
      alternative: eventCost(alternative, ["reopen", "build"]),
    },
    {
      label: "closures",
      chosen: eventCost(chosen, ["close"]),
      alternative: eventCost(alternative, ["close"]),
    },
  ];
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

function columnsWhere(mp: MathProgram, keep: (j: number) => boolean): number[] {
  const columns: number[] = [];
  for (let j = 0; j < mp.numCols; j++) if (keep(j)) columns.push(j);
  return columns;
}

function isColumn(mp: MathProgram, j: number, kind: number, program: number, plant: number): boolean {
  return (
    mp.cols.kind[j] === kind && mp.cols.plant[j] === plant && (program < 0 || mp.cols.program[j] === program)
  );
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
